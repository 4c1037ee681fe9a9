import type { CommandRecord } from "../state/commands.js";
import {
  type EventRecord,
  type IamGroup,
  type IamUser,
  iso,
  isoOrNull,
  type Membership,
  type Note,
  type ServerRecord,
  type ServerSummary,
  serverSummary,
  type UserSummary,
  userSummary,
} from "../state/model.js";
import type { Transfer } from "../state/transfers.js";
import type { WebshChannel, WebshSession } from "../state/websh-sessions.js";
import type { WebftpSessionRecord, WorkspaceState } from "../state/workspace.js";

const STATUS_STYLE = {
  ok: { text: "Good", icon: "circle-check", color: "success" },
  warn: { text: "Warning", icon: "triangle-exclamation", color: "warning" },
  error: { text: "Error", icon: "circle-xmark", color: "danger" },
} as const;

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
function serverKey(ws: WorkspaceState, id: string): ServerSummary | string {
  return ws.variants.foreignKeys === "uuid" ? id : serverRef(ws, id);
}

function userKey(ws: WorkspaceState, id: string): UserSummary | string {
  return ws.variants.foreignKeys === "uuid" ? id : userRef(ws, id);
}

/** A realtime metrics list in the workspace's variant: bare array or `{ results }`. */
export function metricsList(ws: WorkspaceState, items: unknown[]): unknown {
  return ws.variants.metricsList === "results" ? { results: items } : items;
}

export function serverJson(
  ws: WorkspaceState,
  s: ServerRecord,
  detail = false,
): Record<string, unknown> {
  const style = STATUS_STYLE[s.statusCode];
  const now = ws.now();
  const delay = s.isConnected ? Math.round((0.05 + (s.index % 7) / 100) * 1000) / 1000 : 0;
  const out: Record<string, unknown> = {
    id: s.id,
    name: s.name,
    remote_ip: s.remoteIp,
    status: {
      code: s.statusCode,
      text: style.text,
      icon: style.icon,
      color: style.color,
      messages: s.statusMessages,
      meta: {
        delay_now: delay,
        delay_1h: delay,
        delay_1d: Math.round(delay * 1100) / 1000,
        delay_1w: Math.round(delay * 1200) / 1000,
      },
    },
    is_connected: s.isConnected,
    commissioned: s.commissioned,
    starred: s.starred,
    cpu_physical_cores: s.cpuPhysicalCores,
    cpu_logical_cores: s.cpuLogicalCores,
    cpu_type: s.cpuType,
    physical_memory: s.physicalMemory,
    os_name: s.os.name,
    os_version: s.osVersion.version,
    load: s.load,
    boot_time: iso(s.bootTime),
    owner: userRef(ws, s.ownerId),
    groups: s.groupIds,
  };
  if (detail) {
    out.is_root = false;
    out.version = s.agentVersion;
    out.osquery_version = s.osqueryVersion;
    out.uptime = s.isConnected ? Math.floor((now - s.bootTime) / 1000) : null;
    out.last_connectivity = iso(s.isConnected ? now : s.lastConnectivity);
    out.started_at = iso(s.startedAt);
    out.added_at = iso(s.addedAt);
    out.updated_at = iso(s.updatedAt);
  }
  return out;
}

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

export function commandCreatedJson(ws: WorkspaceState, c: CommandRecord): Record<string, unknown> {
  return {
    id: c.id,
    shell: c.shell,
    line: c.line,
    data: c.data,
    username: c.username,
    groupname: c.groupname,
    added_at: iso(c.addedAt),
    scheduled_at: iso(c.scheduledAt),
    server: serverRef(ws, c.serverId),
    requested_by: userRef(ws, c.requestedBy),
    run_after: c.runAfter,
  };
}

/** What the CLI's `EventDetails` models; the `cli` variant serves only these. */
const CLI_COMMAND_FIELDS = new Set([
  "id",
  "shell",
  "line",
  "success",
  "exit_code",
  "error_phase",
  "result",
  "status",
  "cancellable",
  "response_delay",
  "elapsed_time",
  "added_at",
  "server",
  "requested_by",
]);

export function commandJson(
  ws: WorkspaceState,
  c: CommandRecord,
  detail = false,
  shape: "full" | "cli" = "full",
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: c.id,
    shell: c.shell,
    line: c.line,
    success: c.success,
    exit_code: c.exitCode,
    error_phase: c.errorPhase,
    result: c.result,
    status: c.status,
    cancellable: c.status === "queued" || c.status === "scheduled",
    response_delay: c.responseDelay,
    elapsed_time: c.elapsedTime,
    added_at: iso(c.addedAt),
    server: serverRef(ws, c.serverId),
    requested_by: userRef(ws, c.requestedBy),
    username: c.username,
    groupname: c.groupname,
  };
  if (detail) {
    out.data = c.data;
    out.scheduled_at = iso(c.scheduledAt);
    out.delivered_at = isoOrNull(c.deliveredAt);
    out.acked_at = isoOrNull(c.ackedAt);
    out.handled_at = isoOrNull(c.handledAt);
    out.run_after = c.runAfter;
  }
  if (shape === "cli") {
    for (const key of Object.keys(out)) if (!CLI_COMMAND_FIELDS.has(key)) delete out[key];
  }
  return out;
}

export function webshUrl(
  ws: WorkspaceState,
  wsOrigin: string,
  session: WebshSession,
  channel: WebshChannel,
): string {
  return `${wsOrigin}/${ws.region}/${ws.name}/ws/websh/${session.id}/${channel.id}/${channel.token}/`;
}

export function webshSessionJson(ws: WorkspaceState, s: WebshSession): Record<string, unknown> {
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
    id: s.id,
    rows: s.rows,
    cols: s.cols,
    server: serverRef(ws, s.serverId),
    user: userRef(ws, s.userId),
    username: s.username,
    groupname: s.groupname,
    user_agent: s.userAgent,
    remote_ip: s.remoteIp,
    websocket_url: webshUrl(ws, wsOrigin, s, channel),
    userchannel_id: channel.id,
  };
}

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
    path: t.path,
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

export function iamUserJson(
  ws: WorkspaceState,
  u: IamUser,
  detail = false,
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: u.id,
    username: u.username,
    first_name: u.first_name,
    last_name: u.last_name,
    email: u.email,
    phone: u.phone,
    tags: u.tags,
    num_groups: ws.groupsOfUser(u.id).length,
    uid: u.uid,
    is_active: u.is_active,
    is_staff: u.is_staff,
    is_superuser: u.is_superuser,
    is_ldap_user: u.is_ldap_user,
    date_joined: iso(u.date_joined),
  };
  if (detail) {
    out.description = u.description;
    out.shell = u.shell;
    out.home_directory = u.home_directory;
    out.last_login = isoOrNull(u.last_login);
    out.last_login_ip = u.last_login_ip;
    out.added_at = iso(u.added_at);
    out.updated_at = iso(u.updated_at);
  }
  return out;
}

export function iamGroupJson(ws: WorkspaceState, g: IamGroup): Record<string, unknown> {
  const members = ws.membersOf(g.id);
  return {
    id: g.id,
    name: g.name,
    display_name: g.display_name,
    description: g.description,
    tags: g.tags,
    num_members: members.length,
    members_names: members.map((id) => ws.userById.get(id)?.username ?? "").filter((n) => n !== ""),
    gid: g.gid,
    is_ldap_group: g.is_ldap_group,
    servers: g.serverIds.map((id) => serverRef(ws, id)),
    added_at: iso(g.added_at),
    updated_at: iso(g.updated_at),
  };
}

export function membershipJson(ws: WorkspaceState, m: Membership): Record<string, unknown> {
  const common = { id: m.id, group: m.group, group_name: ws.groupById.get(m.group)?.name ?? "" };
  if (ws.membershipShape === "nested")
    return { ...common, user: userRef(ws, m.user), role: m.role };
  return { ...common, user: m.user, user_name: userRef(ws, m.user).name, role: m.role };
}
