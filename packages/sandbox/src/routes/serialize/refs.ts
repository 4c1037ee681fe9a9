import {
  type ServerSummary,
  serverSummary,
  type UserSummary,
  userSummary,
} from "../../state/model.js";
import type { WorkspaceState } from "../../state/workspace.js";

/** A deleted user still shows up in old records, the way Django keeps a dangling summary. */
const GHOST: UserSummary = {
  id: "00000000-0000-4000-8000-000000000000",
  name: "(deleted)",
  email: "",
};

export function userRef(ws: WorkspaceState, id: string): UserSummary {
  const user = ws.userById.get(id);
  return user ? userSummary(user) : { ...GHOST, id };
}

export function serverRef(ws: WorkspaceState, id: string): ServerSummary {
  const server = ws.serverById.get(id);
  return server ? serverSummary(server) : { id, name: "(deleted)", os: null, is_connected: false };
}

/** A server foreign key in the workspace's variant: nested summary or bare UUID. */
export function serverKey(ws: WorkspaceState, id: string): ServerSummary | string {
  return ws.variants.foreignKeys === "uuid" ? id : serverRef(ws, id);
}

export function userKey(ws: WorkspaceState, id: string): UserSummary | string {
  return ws.variants.foreignKeys === "uuid" ? id : userRef(ws, id);
}
