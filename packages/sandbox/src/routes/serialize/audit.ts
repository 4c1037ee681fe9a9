import type {
  ActivityEntry,
  ServerLogEntry,
  WebftpLogEntry,
  WebshAnalysis,
} from "../../state/audit.js";
import { iso } from "../../state/model.js";
import type { WebshRecord } from "../../state/websh-sessions.js";
import type { WorkSessionAnalysis } from "../../state/work-sessions.js";
import type { WorkspaceState } from "../../state/workspace.js";
import { serverRef, userRef } from "./refs.js";

interface ActivityWords {
  app: string;
  model: string;
  action: string;
  description: string;
}

const ID_SEGMENT = /^(?:[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}|\d+)$/i;
const words = new WeakMap<ActivityEntry, ActivityWords>();

/** `notes` → `note`, `policies` → `policy`, `command-acl` → `commandacl` (Django model names). */
function modelName(segment: string): string {
  const plain = segment.replace(/-/g, "");
  if (plain.endsWith("ies")) return `${plain.slice(0, -3)}y`;
  return plain.endsWith("s") && !plain.endsWith("ss") ? plain.slice(0, -1) : plain;
}

/**
 * What an audited request did, in the audit app's terms: its Django app (`servers`), model
 * (`note`) and action (`create`, `update`, `delete` or the detail action's name, `approve`),
 * read off the path once, when the entry is first listed.
 */
export function activityWords(entry: ActivityEntry): ActivityWords {
  let found = words.get(entry);
  if (found) return found;
  const parts = entry.path.split("/").filter(Boolean).slice(1);
  const app = (parts[0] ?? "").replace(/-/g, "_");
  const hasModel = parts[1] !== undefined && !ID_SEGMENT.test(parts[1]);
  const model = modelName(hasModel ? (parts[1] as string) : app);
  const rest = parts.slice(hasModel ? 2 : 1);
  const object = rest.find((p) => ID_SEGMENT.test(p));
  const verb = rest.filter((p) => !ID_SEGMENT.test(p)).at(-1);
  const action =
    verb ??
    (entry.method === "POST"
      ? "create"
      : entry.method === "DELETE"
        ? "delete"
        : entry.method === "PUT" || entry.method === "PATCH"
          ? "update"
          : entry.method.toLowerCase());
  const outcome = entry.status < 400 ? "" : ` (refused: ${entry.status})`;
  found = {
    app,
    model,
    action,
    description: `${action} ${model}${object ? ` ${object}` : ""}${outcome}`,
  };
  words.set(entry, found);
  return found;
}

function plainIp(ip: string): string {
  return ip.startsWith("::ffff:") ? ip.slice(7) : ip;
}

export function activityJson(ws: WorkspaceState, entry: ActivityEntry): Record<string, unknown> {
  const { app, model, action, description } = activityWords(entry);
  return {
    id: String(entry.seq),
    user: ws.userById.has(entry.userId) ? userRef(ws, entry.userId) : null,
    username: entry.username,
    ip: plainIp(entry.ip),
    app,
    action,
    status_code: entry.status,
    model,
    description,
    added_at: iso(entry.at),
  };
}

export function serverLogJson(ws: WorkspaceState, entry: ServerLogEntry): Record<string, unknown> {
  return {
    id: entry.seq,
    added_at: iso(entry.at),
    date: iso(entry.at),
    program: "alpamon",
    level: entry.level,
    name: entry.name,
    path: "",
    lineno: 0,
    pid: 1,
    tid: 1,
    process: "main",
    thread: "main",
    msg: entry.msg,
    server: ws.serverById.has(entry.serverId) ? serverRef(ws, entry.serverId) : null,
  };
}

export function recordJson(record: WebshRecord): Record<string, unknown> {
  return { added_at: iso(record.at), record: record.text };
}

export function webftpLogJson(ws: WorkspaceState, entry: WebftpLogEntry): Record<string, unknown> {
  const t = entry.transfer;
  return {
    added_at: iso(entry.at),
    file_name: t.name,
    action: t.kind,
    size: t.size ?? 0,
    success: t.success === true,
    user: ws.userById.has(t.userId) ? userRef(ws, t.userId) : null,
    server: ws.serverById.has(t.serverId) ? serverRef(ws, t.serverId) : null,
    remote_ip: "",
    message: t.message,
  };
}

/**
 * How risky the sandbox calls a session: work outside the session's servers is high, a failed
 * command medium, anything else low.
 */
export function riskOf(analysis: WorkSessionAnalysis): "low" | "medium" | "high" {
  if (analysis.summary.outOfScope.length > 0) return "high";
  return analysis.summary.failedCommands > 0 ? "medium" : "low";
}

export function sessionAnalysisJson(
  ws: WorkspaceState,
  analysis: WorkSessionAnalysis,
): Record<string, unknown> {
  const first = analysis.summary.servers[0];
  return {
    id: analysis.id,
    ...(first === undefined ? {} : { server: serverRef(ws, first) }),
    status: analysis.status,
    risk_score: riskOf(analysis),
    summary: analysis.text,
    work_session: analysis.workSession,
    servers: analysis.summary.servers,
    commands: analysis.summary.commands,
    failed_commands: analysis.summary.failedCommands,
    websh_sessions: analysis.summary.webshSessions,
    file_transfers: analysis.summary.fileTransfers,
    out_of_scope_servers: analysis.summary.outOfScope,
    added_at: iso(analysis.addedAt),
  };
}

export function webshAnalysisJson(
  ws: WorkspaceState,
  analysis: WebshAnalysis,
): Record<string, unknown> {
  const flagged = analysis.findings.length
    ? `flagged: ${analysis.findings.join(", ")}`
    : "nothing flagged";
  return {
    id: analysis.id,
    server: serverRef(ws, analysis.serverId),
    status: "completed",
    risk_score: analysis.risk,
    summary: `${analysis.records} terminal record(s) reviewed; ${flagged}`,
    websh_session: analysis.sessionId,
    findings: analysis.findings,
    records: analysis.records,
    added_at: iso(analysis.addedAt),
  };
}
