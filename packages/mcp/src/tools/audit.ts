import type { CursorPage } from "@alpacon/sdk";
import * as z from "zod";
import { listLines } from "../server/format.js";
import {
  type AnyTool,
  apiFields,
  type ClientMethod,
  defineTool,
  listTool,
  pageSize,
  type Shape,
  serverId,
  serverRef,
  userSummary,
} from "./define.js";

/**
 * Audit and history (`/api/audit/activity/`, `/api/history/…`). Activity, server and WebFTP logs
 * are cursor lists: a result's `nextCursor` goes back as `cursor` for the next page.
 */

const cursor = z
  .string()
  .min(1)
  .max(2048)
  .optional()
  .describe("nextCursor of the previous call; omit for the newest entries.");

const cursorInfo = { nextCursor: z.string().nullable(), count: z.int().optional() };

interface CursorToolDefinition<I extends Shape, K extends string, R extends z.ZodType> {
  name: string;
  searchHint: string;
  title: string;
  description: string;
  // biome-ignore lint/suspicious/noExplicitAny: any list method whose page is a cursor page
  sdk: ClientMethod<(...args: any[]) => Promise<CursorPage<unknown>>>;
  input: I;
  /** Arguments the method takes before the query (a session id), left out of the query. */
  before?: { keys: readonly (keyof I & string)[] };
  rows: K;
  row: R;
  noun: string;
  /** Advice for a 404 (default: about the cursor). */
  notFound?: string;
  /** How the API orders the rows (default newest first). */
  order?: string;
  line: (row: z.output<R>) => string;
}

/** A read-only cursor list: one page newest first, and the cursor of the next one. */
export function cursorListTool<I extends Shape, K extends string, R extends z.ZodType>(
  spec: CursorToolDefinition<I, K, R>,
): AnyTool {
  return defineTool({
    name: spec.name,
    searchHint: spec.searchHint,
    toolset: "audit",
    title: spec.title,
    description: spec.description,
    sdk: spec.sdk,
    operation: "GET",
    input: { ...spec.input, cursor, pageSize: pageSize(20) },
    output: { ...cursorInfo, [spec.rows]: z.array(spec.row) },
    // A log's one 404 is a cursor it did not issue (or no longer knows).
    notFound:
      spec.notFound ??
      "Call again without cursor (a cursor is only good for the list that gave it)",
    async run(args, { sdk }) {
      const { cursor: after, pageSize: size, ...filters } = args as Record<string, unknown>;
      const leading = (spec.before?.keys ?? []).map((key) => {
        const value = filters[key];
        delete filters[key];
        return value;
      });
      const list = sdk as unknown as (...call: unknown[]) => Promise<CursorPage<unknown>>;
      const page = (await list(...leading, {
        ...apiFields(filters),
        ...(after === undefined ? {} : { cursor: after }),
        page_size: size,
      })) as CursorPage<z.output<R>>;
      return {
        nextCursor: page.next,
        ...(page.count === undefined ? {} : { count: page.count }),
        [spec.rows]: page.results,
      } as never;
    },
    summary: (result) => {
      const rows = (result as unknown as Record<string, z.output<R>[]>)[spec.rows]!;
      const next = result.nextCursor;
      const order = spec.order ?? "newest first";
      const more = next ? `; call again with cursor: "${next}" for more` : "";
      return `${rows.length} ${spec.noun}, ${order}${more}.${listLines(rows, spec.line)}`;
    },
  });
}

const activity = z.looseObject({
  id: z.string(),
  username: z.string().optional(),
  ip: z.string().optional(),
  app: z.string().optional(),
  model: z.string().optional(),
  action: z.string().optional(),
  status_code: z.int().optional(),
  description: z.string().optional(),
  added_at: z.string().optional(),
});

function activityLine(e: z.output<typeof activity>): string {
  const what = e.description || [e.action, e.app, e.model].filter(Boolean).join(" ");
  return `${e.added_at ?? "?"} ${e.username ?? "(unknown)"}: ${what} [${e.status_code ?? "?"}] (${e.id})`;
}

const LEVELS: Record<number, string> = {
  10: "DEBUG",
  20: "INFO",
  30: "WARNING",
  40: "ERROR",
  50: "CRITICAL",
};

const serverLog = z.looseObject({
  date: z.string().optional(),
  level: z.number().optional(),
  name: z.string().optional(),
  msg: z.string().optional(),
  server: serverRef.nullable().optional(),
});

function serverLogLine(e: z.output<typeof serverLog>): string {
  const level = e.level === undefined ? "?" : (LEVELS[e.level] ?? String(e.level));
  const where = e.server ? ` ${e.server.name ?? e.server.id}` : "";
  return `${e.date ?? "?"} ${level}${where}: ${e.msg ?? ""}`;
}

const webftpLog = z.looseObject({
  added_at: z.string().optional(),
  file_name: z.string().optional(),
  action: z.string().optional(),
  size: z.number().optional(),
  success: z.boolean().optional(),
  user: userSummary.nullable().optional(),
  server: serverRef.nullable().optional(),
  message: z.string().optional(),
});

function webftpLogLine(e: z.output<typeof webftpLog>): string {
  const who = e.user ? ` by ${e.user.name}` : "";
  const where = e.server ? ` on ${e.server.name ?? e.server.id}` : "";
  const outcome = e.success === false ? `failed: ${e.message ?? ""}` : "ok";
  return `${e.added_at ?? "?"} ${e.action ?? "?"} ${e.file_name ?? "?"} (${e.size ?? "?"} bytes)${where}${who}: ${outcome}`;
}

const analysis = z.looseObject({
  id: z.string(),
  status: z.string().optional(),
  risk_score: z.string().optional(),
  summary: z.string().optional(),
  server: serverRef.optional(),
});

function analysisLine(a: z.output<typeof analysis>): string {
  const where = a.server ? ` on ${a.server.name ?? a.server.id}` : "";
  return `${a.id}: ${a.status ?? "?"}, risk ${a.risk_score ?? "?"}${where}${a.summary ? `: ${a.summary}` : ""}`;
}

export const listActivityLogs = cursorListTool({
  name: "list_activity_logs",
  searchHint: "audit activity logs user actions",
  title: "List activity logs",
  description:
    "Who did what in the workspace (audit trail of writes: user, app, model, action, status, IP), newest first.",
  sdk: (c) => c.audit.activity.list,
  input: {
    user: z.guid().optional().describe("Only this user's actions (iam_users_list)."),
    app: z.string().min(1).max(64).optional().describe('e.g. "servers", "iam", "cert".'),
    model: z.string().min(1).max(64).optional().describe('e.g. "note", "certificate".'),
  },
  rows: "logs",
  row: activity,
  noun: "activity log entries",
  line: activityLine,
});

export const getActivityLog = defineTool({
  name: "get_activity_log",
  searchHint: "audit activity log detail",
  toolset: "audit",
  title: "Get an activity log entry",
  description: "One activity log entry: user, IP, app, model, action, status code, description.",
  sdk: (c) => c.audit.activity.get,
  operation: "GET",
  input: { log: z.string().min(1).max(128).describe("From list_activity_logs.") },
  output: { log: activity },
  notFound: "Check the entry id with list_activity_logs",
  run: async (args, { sdk }) => ({ log: await sdk(args.log) }),
  summary: (result) => activityLine(result.log),
});

export const listServerLogs = cursorListTool({
  name: "list_server_logs",
  searchHint: "server command execution logs history",
  title: "List server logs",
  description:
    "The agents' log records (commands finishing, websh sessions, agent events), newest first.",
  sdk: (c) => c.audit.serverLogs.list,
  input: { server: serverId.optional().describe("Only this server's records.") },
  rows: "logs",
  row: serverLog,
  noun: "server log records",
  line: serverLogLine,
});

export const listWebftpLogs = cursorListTool({
  name: "list_webftp_logs",
  searchHint: "webftp file transfer logs history",
  title: "List WebFTP logs",
  description: "Finished file transfers (who, which file, size, server, outcome), newest first.",
  sdk: (c) => c.audit.webftpLogs.list,
  input: {
    server: serverId.optional().describe("Only this server's transfers."),
    user: z.guid().optional().describe("Only this user's transfers (iam_users_list)."),
    action: z.enum(["upload", "download"]).optional().describe("Only uploads or downloads."),
  },
  rows: "logs",
  row: webftpLog,
  noun: "WebFTP log entries",
  line: webftpLogLine,
});

const record = z.looseObject({ added_at: z.string().optional(), record: z.string().optional() });

function recordLine(r: z.output<typeof record>): string {
  const text = r.record ?? "";
  const shown = text.length > 200 ? `${text.slice(0, 200)}…` : text;
  return `${r.added_at ?? "?"} ${JSON.stringify(shown)}`;
}

const RECORDS_NOT_FOUND =
  "Check the session id with websh_sessions_list (and pass only a cursor this tool gave)";
const webshSession = z.guid().describe("From websh_sessions_list.");

export const getSessionRecords = cursorListTool({
  name: "get_session_records",
  searchHint: "websh session terminal recording playback history",
  title: "Get a websh session's terminal records",
  description:
    "A websh session's terminal recording (what was typed and printed), oldest first, for review.",
  sdk: (c) => c.audit.sessionRecords.list,
  before: { keys: ["session"] },
  input: { session: webshSession },
  rows: "records",
  row: record,
  noun: "terminal records",
  order: "oldest first",
  notFound: RECORDS_NOT_FOUND,
  line: recordLine,
});

export const searchSessionRecords = cursorListTool({
  name: "search_session_records",
  searchHint: "websh session terminal recording search find command",
  title: "Search a websh session's terminal records",
  description:
    "Finds text in a websh session's terminal recording (a command, an error): the matching records, oldest first.",
  sdk: (c) => c.audit.sessionRecords.search,
  before: { keys: ["session", "query"] },
  input: {
    session: webshSession,
    query: z.string().min(1).max(200).describe("Text to find (case-insensitive)."),
  },
  rows: "records",
  row: record,
  noun: "matching terminal records",
  order: "oldest first",
  notFound: RECORDS_NOT_FOUND,
  line: recordLine,
});

/** An analysis in full: its line, then every other field it has. */
function analysisText(a: z.output<typeof analysis>): string {
  const { id: _id, status: _s, risk_score: _r, summary: _m, server: _v, ...rest } = a;
  const details = Object.entries(rest).map(([k, v]) => `${k}: ${JSON.stringify(v)}`);
  return [analysisLine(a), ...details].join("\n");
}

export const listSessionAnalyses = listTool({
  name: "list_session_analyses",
  searchHint: "session analysis security risk threat",
  toolset: "audit",
  title: "List session analyses",
  description:
    "AI security analyses of sessions across the workspace: status, risk score, summary. work_session_analyze starts one.",
  sdk: (c) => c.audit.sessionAnalyses.list,
  input: {
    server: serverId.optional().describe("Only analyses touching this server."),
    status: z
      .enum(["pending", "processing", "completed", "failed"])
      .optional()
      .describe("Only analyses in this state."),
    riskScore: z
      .enum(["low", "medium", "high", "critical"])
      .optional()
      .describe("Only analyses at this risk."),
  },
  rows: "analyses",
  row: analysis,
  noun: "session analyses",
  line: analysisLine,
});

export const getSessionAnalysisDetail = defineTool({
  name: "get_session_analysis_detail",
  searchHint: "session analysis detail mitre attack threat",
  toolset: "audit",
  title: "Get a session analysis",
  description:
    "One session analysis in full: risk score, findings, the work it looked at, recommendations.",
  sdk: (c) => c.audit.sessionAnalyses.get,
  operation: "GET",
  input: { analysis: z.string().min(1).max(128).describe("From list_session_analyses.") },
  output: { analysis },
  notFound: "Check the analysis id with list_session_analyses",
  run: async (args, { sdk }) => ({ analysis: await sdk(args.analysis) }),
  summary: (result) => analysisText(result.analysis),
});

const SESSION_NOT_FOUND = "Check the session id with websh_sessions_list";

export const getSessionAnalysis = defineTool({
  name: "get_session_analysis",
  searchHint: "websh session security analysis risk threat",
  toolset: "audit",
  title: "Get a websh session's analysis",
  description:
    "The AI security analysis of one websh session: risk score, findings, summary. request_session_analysis makes one first.",
  sdk: (c) => c.audit.sessionAnalyses.getForWebshSession,
  operation: "GET",
  input: { session: webshSession },
  output: { analysis },
  notFound: `No analysis of this session yet (request_session_analysis), or no such session: ${SESSION_NOT_FOUND}`,
  run: async (args, { sdk }) => ({ analysis: await sdk(args.session) }),
  summary: (result) => analysisText(result.analysis),
});

export const requestSessionAnalysis = defineTool({
  name: "request_session_analysis",
  searchHint: "websh session security analysis request ai",
  toolset: "audit",
  title: "Request a websh session's analysis",
  description:
    "Queues the AI security analysis of a closed websh session; asking again is harmless (already_exists). Read it with get_session_analysis.",
  sdk: (c) => c.audit.sessionAnalyses.analyzeWebshSession,
  operation: "POST",
  input: { session: webshSession },
  output: { session: z.string(), status: z.string() },
  notFound: SESSION_NOT_FOUND,
  run: async (args, { sdk }) => {
    const answer = await sdk(args.session);
    return { session: answer.session, status: answer.status };
  },
  summary: (result) =>
    result.status === "no_content"
      ? `Session ${result.session} recorded nothing, so there is nothing to analyse.`
      : result.status === "already_exists"
        ? `Session ${result.session} was analysed before: get_session_analysis reads it.`
        : `Analysis of session ${result.session}: ${result.status}. get_session_analysis reads it.`,
});

export const auditTools = [
  listActivityLogs,
  getActivityLog,
  listServerLogs,
  listWebftpLogs,
  listSessionAnalyses,
  getSessionAnalysisDetail,
  getSessionRecords,
  searchSessionRecords,
  getSessionAnalysis,
  requestSessionAnalysis,
];
