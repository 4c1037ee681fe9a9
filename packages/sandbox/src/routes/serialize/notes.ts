import { iso, type Note } from "../../state/model.js";
import type { WorkspaceState } from "../../state/workspace.js";
import { serverRef, userRef } from "./refs.js";

export function noteJson(ws: WorkspaceState, n: Note): Record<string, unknown> {
  return {
    id: n.id,
    server: serverRef(ws, n.server),
    author: userRef(ws, n.author),
    content: n.content,
    private: n.private,
    pinned: n.pinned,
    added_at: iso(n.added_at),
    updated_at: iso(n.updated_at),
  };
}
