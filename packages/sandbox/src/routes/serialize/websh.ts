import { iso, isoOrNull } from "../../state/model.js";
import type { WebshChannel, WebshSession, WebshTunnel } from "../../state/websh-sessions.js";
import type { WorkspaceState } from "../../state/workspace.js";
import { serverRef, userRef } from "./refs.js";

export function webshUrl(
  ws: WorkspaceState,
  wsOrigin: string,
  session: WebshSession,
  channel: WebshChannel,
): string {
  return `${wsOrigin}/${ws.region}/${ws.name}/ws/websh/${session.id}/${channel.id}/${channel.token}/`;
}

/** What a session's record and the answer that opens it both say, in this order. */
function sessionFields(ws: WorkspaceState, s: WebshSession): Record<string, unknown> {
  return {
    id: s.id,
    rows: s.rows,
    cols: s.cols,
    server: serverRef(ws, s.serverId),
    user: userRef(ws, s.userId),
    username: s.username,
    groupname: s.groupname,
    user_agent: s.userAgent,
    remote_ip: s.remoteIp,
  };
}

export function webshSessionJson(ws: WorkspaceState, s: WebshSession): Record<string, unknown> {
  return {
    ...sessionFields(ws, s),
    is_tunnel: false,
    client_type: s.clientType,
    added_at: iso(s.addedAt),
    updated_at: iso(s.updatedAt),
    closed_at: isoOrNull(s.closedAt),
    success: s.success,
  };
}

export function webshConnectionJson(
  ws: WorkspaceState,
  wsOrigin: string,
  s: WebshSession,
  channel: WebshChannel,
): Record<string, unknown> {
  return {
    ...sessionFields(ws, s),
    websocket_url: webshUrl(ws, wsOrigin, s, channel),
    userchannel_id: channel.id,
    read_only: channel.readOnly,
  };
}

export function webshTunnelUrl(ws: WorkspaceState, wsOrigin: string, t: WebshTunnel): string {
  return `${wsOrigin}/${ws.region}/${ws.name}/ws/websh/tunnels/${t.id}/${t.channelId}/${t.token}/`;
}

export function webshTunnelJson(ws: WorkspaceState, t: WebshTunnel): Record<string, unknown> {
  return {
    id: t.id,
    server: serverRef(ws, t.serverId),
    user: userRef(ws, t.userId),
    username: t.username,
    groupname: t.groupname,
    target_port: t.targetPort,
    client_type: t.clientType,
    added_at: iso(t.addedAt),
    closed_at: isoOrNull(t.closedAt),
  };
}
