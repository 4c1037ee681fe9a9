import { iso, isoOrNull } from "../../state/model.js";
import type { Transfer } from "../../state/transfers.js";
import type { WebftpSessionRecord, WorkspaceState } from "../../state/workspace.js";
import { serverKey, serverRef, userKey } from "./refs.js";

export function webftpSessionJson(
  ws: WorkspaceState,
  wsOrigin: string,
  s: WebftpSessionRecord,
): Record<string, unknown> {
  return {
    id: s.id,
    server: serverKey(ws, s.serverId),
    user: userKey(ws, s.userId),
    username: s.username,
    groupname: s.groupname,
    websocket_url: `${wsOrigin}/${ws.region}/${ws.name}/ws/webftp/${s.id}/${s.token}/`,
    added_at: iso(s.addedAt),
    closed_at: isoOrNull(s.closedAt),
  };
}

export function storageUrl(
  ws: WorkspaceState,
  origin: string,
  t: Transfer,
  side: "client" | "agent",
): string {
  const kind = t.kind === "upload" ? "uploads" : "downloads";
  const sig = ws.transfers.sign(t, side);
  return `${origin}/${ws.region}/${ws.name}/storage/${kind}/${t.id}?side=${side}&expires=${Math.floor(t.expiresAt / 1000)}&sig=${sig}`;
}

/**
 * An upload or download. `listed` items follow the foreign-key variant (the CLI decodes only the
 * create answer, with a nested server). The URL variants: no `upload_url` for uploads, and a
 * download's `download_url` only once its status says it is stored.
 */
export function transferJson(
  ws: WorkspaceState,
  origin: string,
  t: Transfer,
  listed = false,
): Record<string, unknown> {
  const user = ws.userById.get(t.userId);
  const out: Record<string, unknown> = {
    id: t.id,
    name: t.name,
    path: t.paths ?? t.path,
    size: t.size,
    server: listed ? serverKey(ws, t.serverId) : serverRef(ws, t.serverId),
    user: user ? user.username : "",
    username: t.username,
    groupname: t.groupname,
    expires_at: iso(t.expiresAt),
    command: t.commandId,
  };
  if (t.kind === "upload") {
    out.upload_url = ws.variants.uploadUrl === "null" ? null : storageUrl(ws, origin, t, "client");
  } else {
    out.upload_url = storageUrl(ws, origin, t, "agent");
    out.download_url =
      ws.variants.downloadUrl === "status" ? null : storageUrl(ws, origin, t, "client");
  }
  return out;
}
