import type { WorkSession } from "@alpacon/sdk";
import * as z from "zod";
import { quoted } from "../server/confirm.js";
import { ToolError } from "../server/errors.js";
import { apiFields, defineTool, listTool, serverId, type ToolCallContext } from "./define.js";

// The reference's latest work_session_* tools (alpacon-mcp@22fc34c tools/work_session_tools.py).

const SCOPES = ["command", "websh", "webftp", "tunnel", "sudo", "editor"] as const;
const STATUSES = [
  "pending",
  "approved",
  "active",
  "completed",
  "rejected",
  "cancelled",
  "expired",
  "revoked",
] as const;

const sessionId = z.guid().describe("From work_session_create or work_session_list.");
const scopes = z.array(z.enum(SCOPES)).min(1).max(SCOPES.length).describe("Allowed operations.");
const servers = z.array(serverId).min(1).max(100).describe("Servers (names or ids) it covers.");
const expiresAt = z.iso.datetime({ offset: true }).describe("When it ends (ISO 8601).");

// Every field the API sends travels in the result; the schema names the few a caller acts on.
const session = z.looseObject({
  id: z.string(),
  status: z.string(),
  scopes: z.array(z.string()).optional(),
  servers: z.array(z.looseObject({ id: z.string(), name: z.string().optional() })).optional(),
  expires_at: z.string().optional(),
});
type SessionData = z.output<typeof session> & {
  title?: string;
  description?: string;
  pending_modification_request?: unknown;
};

const SESSION_NOT_FOUND = "Check the id with work_session_list";

/** What the status means for the caller, in a few words. */
const NEXT: Partial<Record<WorkSession["status"], string>> = {
  pending: "waiting for a person to approve it (web console or Slack); check with work_session_get",
  approved: "approved, starting at its start time",
  active: "active: pass its id as workSession to command, websh and webftp tools",
};

function sessionLine(s: SessionData): string {
  const what = s.title || s.description?.split("\n")[0] || "(no description)";
  const where = s.servers?.map((server) => server.name ?? server.id).join(", ");
  return `${s.id} [${s.status}] ${what}${s.scopes?.length ? `; ${s.scopes.join(", ")}` : ""}${where ? ` on ${where}` : ""}${s.expires_at ? `; until ${s.expires_at}` : ""}`;
}

function sessionSummary(verb: string, s: SessionData): string {
  const next = NEXT[s.status as WorkSession["status"]];
  const queued = s.pending_modification_request
    ? " The change of scopes or servers waits for a person's approval; work_session_get shows when it applies."
    : "";
  return `${verb} work session ${sessionLine(s)}.${next ? ` It is ${next}.` : ""}${queued}`;
}

/** "work session `nginx restart` (active, on web-1)": looked up before asking. */
async function sessionLabel(id: string, context: ToolCallContext): Promise<string> {
  const found = await context.call((c) => c.workSessions.get)(id);
  return sessionTitle(found);
}

function sessionTitle(found: WorkSession): string {
  const what = found.title || found.description?.split("\n")[0] || found.id;
  const where = found.servers?.map((s) => s.name ?? s.id).join(", ");
  return `work session ${quoted(what)} (${found.status}${where ? `, on ${where}` : ""})`;
}

export const workSessionCreate = defineTool({
  name: "work_session_create",
  searchHint: "work session create audit approval scope intent",
  toolset: "work-sessions",
  title: "Request a work session",
  description:
    "Requests a work session: commands, shells and transfers on these servers until expiresAt. A person approves it; you cannot. Workspaces that require one refuse such calls without an active session's id.",
  sdk: (c) => c.workSessions.create,
  operation: "POST",
  input: {
    description: z.string().min(1).max(4000).describe("What you will do and why (Markdown)."),
    title: z.string().max(255).optional().describe("A short name for lists."),
    scopes,
    servers,
    expiresAt,
  },
  output: { session },
  run: async (args, { sdk }) => ({
    session: await sdk({ ...apiFields(args), requester_type: "agent" }),
  }),
  summary: (result) => sessionSummary("Requested", result.session),
});

export const workSessionList = listTool({
  name: "work_session_list",
  searchHint: "work session list history audit",
  toolset: "work-sessions",
  title: "List work sessions",
  description: "Lists work sessions, newest first.",
  sdk: (c) => c.workSessions.list,
  input: {
    status: z.enum(STATUSES).optional().describe("Only sessions in this state."),
    requesterType: z.enum(["user", "agent"]).optional().describe("A person or an AI agent."),
  },
  rows: "sessions",
  row: session,
  line: sessionLine,
});

export const workSessionGet = defineTool({
  name: "work_session_get",
  searchHint: "work session get detail status timeline",
  toolset: "work-sessions",
  title: "Get a work session",
  description: "One work session: status, scopes, servers, expiry, what the approver changed.",
  sdk: (c) => c.workSessions.get,
  operation: "GET",
  input: { session: sessionId },
  output: { session },
  notFound: SESSION_NOT_FOUND,
  run: async (args, { sdk }) => ({ session: await sdk(args.session) }),
  summary: (result) => sessionSummary("Found", result.session),
});

/** The fields to change; none at all is refused before anyone is asked. */
function changes({ session: _id, ...args }: Record<string, unknown> & { session: string }) {
  const body = apiFields(args);
  if (Object.keys(body).length === 0) {
    throw new ToolError(
      "no field to change was given",
      "Pass at least one of title, description, scopes, servers, expiresAt",
    );
  }
  return body;
}

export const workSessionUpdate = defineTool({
  name: "work_session_update",
  searchHint: "work session update modify scopes servers description",
  toolset: "work-sessions",
  title: "Update a work session",
  description:
    "Changes the given fields. On an approved or active session, scope and server changes wait for approval and expiresAt is ignored (use work_session_extend).",
  sdk: (c) => c.workSessions.update,
  operation: "PATCH",
  input: {
    session: sessionId,
    title: z.string().max(255).optional().describe('"" clears it.'),
    description: z.string().min(1).max(4000).optional().describe("Prose for the approver."),
    scopes: scopes.optional(),
    servers: servers.optional(),
    expiresAt: expiresAt.optional(),
  },
  output: { session },
  // A second identical PATCH cannot stack approval requests (the server keeps one pending).
  annotations: { idempotentHint: true },
  notFound: SESSION_NOT_FOUND,
  confirm: async (args, context) =>
    `Change ${Object.entries(changes(args))
      .map(([field, value]) => `${field} to ${quoted(JSON.stringify(value))}`)
      .join(", ")} of ${await sessionLabel(args.session, context)}?`,
  run: async (args, { sdk }) => ({ session: await sdk(args.session, changes(args)) }),
  summary: (result) => sessionSummary("Updated", result.session),
});

export const workSessionClose = defineTool({
  name: "work_session_close",
  searchHint: "work session close complete end finish",
  toolset: "work-sessions",
  title: "Close a work session",
  description:
    "Ends a work session when the work is done: completes an active one (its analysis runs), withdraws a pending request.",
  sdk: [(c) => c.workSessions.get, (c) => c.workSessions.complete, (c) => c.workSessions.cancel],
  operation: "POST",
  effect: "change",
  input: { session: sessionId },
  output: { session },
  notFound: SESSION_NOT_FOUND,
  confirm: async (args, context) => {
    const found = await context.call((c) => c.workSessions.get)(args.session);
    const how = found.status === "pending" ? "Withdraw the request for" : "Complete";
    return `${how} ${sessionTitle(found)}? Nothing can run under it afterwards.`;
  },
  async run(args, context) {
    const found = await context.call((c) => c.workSessions.get)(args.session);
    if (found.status === "pending") {
      return { session: await context.call((c) => c.workSessions.cancel)(args.session) };
    }
    if (found.status !== "active") {
      throw new ToolError(
        `the work session is ${found.status}, so there is nothing to close`,
        found.status === "approved"
          ? "It has not started yet; close it once it is active, or ask a workspace admin to revoke it"
          : "Check the session with work_session_get; a new one can be requested with work_session_create",
      );
    }
    return { session: await context.call((c) => c.workSessions.complete)(args.session) };
  },
  summary: (result) =>
    `${result.session.status === "cancelled" ? "Withdrew" : "Completed"} work session ${sessionLine(result.session)}.`,
});

export const workSessionExtend = defineTool({
  name: "work_session_extend",
  searchHint: "work session extend expiry expires prolong",
  toolset: "work-sessions",
  title: "Extend a work session",
  description: "Moves the expiry of an approved or active work session later.",
  sdk: (c) => c.workSessions.extend,
  operation: "POST",
  effect: "change",
  input: { session: sessionId, expiresAt: expiresAt.describe("Later than the current expiry.") },
  output: { session },
  notFound: SESSION_NOT_FOUND,
  confirm: async (args, context) => {
    const found = await context.call((c) => c.workSessions.get)(args.session);
    return `Extend ${sessionTitle(found)} from ${found.expires_at ?? "its current expiry"} to ${args.expiresAt}?`;
  },
  run: async (args, { sdk }) => ({
    session: await sdk(args.session, { expires_at: args.expiresAt }),
  }),
  summary: (result) => sessionSummary("Extended", result.session),
});

export const workSessionAnalyze = defineTool({
  name: "work_session_analyze",
  searchHint: "work session analyze AI security analysis retry",
  toolset: "work-sessions",
  title: "Analyze a work session",
  description:
    "Runs the security analysis of an ended work session again (completing one runs it).",
  sdk: (c) => c.workSessions.analyze,
  operation: "POST",
  input: {
    session: sessionId,
    force: z.boolean().default(false).describe("Retry an analysis stuck in progress."),
  },
  output: { status: z.string(), session: z.string() },
  notFound: SESSION_NOT_FOUND,
  async run(args, { sdk }) {
    const answer = await sdk(args.session, args.force ? { force: true } : {});
    return { status: answer.status ?? "accepted", session: answer.work_session ?? args.session };
  },
  summary: (result) =>
    result.status === "already_exists"
      ? `Work session ${result.session} already has an analysis.`
      : `Analysis of work session ${result.session}: ${result.status}.`,
});

const timelineItem = z.looseObject({ type: z.string(), timestamp: z.string().nullable() });
type TimelineData = z.output<typeof timelineItem> & {
  status?: string;
  line?: string;
  name?: string;
  success?: boolean | null;
};

function timelineLine(item: TimelineData): string {
  return `${item.timestamp ?? "?"} ${item.type}${item.status ? ` ${item.status}` : ""}${item.line ? `: ${item.line}` : ""}${item.name ? `: ${item.name}` : ""}${item.success === false ? " (failed)" : ""}`;
}

export const workSessionTimeline = listTool({
  name: "work_session_timeline",
  searchHint: "work session timeline history commands chronological",
  toolset: "work-sessions",
  title: "Work session timeline",
  description:
    "What happened under a work session, in order: status changes, commands, shells, transfers.",
  sdk: (c) => c.workSessions.timeline,
  before: (args) => [args.session] as const,
  input: {
    session: sessionId,
    includeRecords: z.boolean().default(true).describe("false leaves websh records out."),
  },
  query: (args) => ({ include_records: args.includeRecords }),
  rows: "items",
  row: timelineItem,
  pageSize: 50,
  notFound: SESSION_NOT_FOUND,
  line: timelineLine,
});

export const workSessionTools = [
  workSessionCreate,
  workSessionList,
  workSessionGet,
  workSessionUpdate,
  workSessionClose,
  workSessionExtend,
  workSessionAnalyze,
  workSessionTimeline,
];
