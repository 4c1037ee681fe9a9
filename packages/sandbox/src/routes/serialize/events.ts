import { type EventRecord, iso } from "../../state/model.js";
import type { WorkspaceState } from "../../state/workspace.js";
import { serverKey } from "./refs.js";

export function eventJson(
  ws: WorkspaceState,
  e: EventRecord,
  detail = false,
): Record<string, unknown> {
  return {
    id: e.id,
    server: serverKey(ws, e.server),
    record: e.record,
    count: e.count,
    reporter: e.reporter,
    description: e.description,
    ...(detail ? { data: e.data } : {}),
    added_at: iso(e.added_at),
    updated_at: iso(e.updated_at),
  };
}
