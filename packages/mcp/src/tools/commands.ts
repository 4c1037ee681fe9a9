import type { CommandRunError } from "@alpacon/sdk";
import { serverLabel as refLabel } from "@alpacon/sdk";
import * as z from "zod";
import { envForQuestion, quoted } from "../server/confirm.js";
import { gateAdvice } from "../server/errors.js";
import { compact, listLines, tail } from "../server/format.js";
import { serverLabel } from "../server/server-refs.js";
import { sudoDenialHint } from "./approvals.js";
import { clientOf, defineTool, listTool, serverId, serverRef } from "./define.js";
import { workSessionField, workSessionOf } from "./work-session.js";

export const maxOutputChars = z
  .int()
  .min(100)
  .max(100_000)
  .default(8_000)
  .describe("Longer output keeps its end.");

// Control characters can edit a line a shell reads (Ctrl-U erases it, ESC starts a sequence)
// and hide what runs from the person asked: only tab and newline pass.
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing them is the point
const EDITING_CHARS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

export const commandLine = z
  .string()
  .min(1)
  .max(8_192)
  .refine((line) => !EDITING_CHARS.test(line), {
    message:
      "must not contain control characters (escape sequences, Ctrl-U …); only tab and newline are allowed. Pass binary data through a file or an env variable",
  });

/** " as user root, group adm": the account a command runs as, for questions. */
export function runAs(args: { username?: string | undefined; groupname?: string | undefined }) {
  const user = args.username ? ` as user ${quoted(args.username)}` : " as the token's user";
  return `${user}${args.groupname ? `, group ${quoted(args.groupname)}` : ""}`;
}

const runResult = z.object({
  server: z.string(),
  commandId: z.string().nullable().describe("For command_get."),
  status: z.string().describe("success, failed, rejected, denied, error …"),
  success: z.boolean().nullable(),
  exitCode: z.int().nullable(),
  output: z.string(),
  outputTruncated: z.boolean(),
  omittedChars: z.int().describe("Cut from the start of output."),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  error: z
    .object({
      kind: z
        .enum(["may_have_run", "rejected", "timeout", "failed", "aborted"])
        .describe("may_have_run: outcome unknown; do not resend blindly."),
      message: z.string(),
    })
    .nullable(),
});

/** A refusal by the MFA or work-session gate says what to do; other errors keep the API's words. */
function rowMessage(item: { server: string; error?: CommandRunError }): string {
  const { message, code, status, reason, hint } = item.error!;
  if (code === "auth_mfa_required" || code?.startsWith("work_session_")) {
    const { why, todo } = gateAdvice(code, "command", undefined, item.server);
    return `${why}. ${todo}.`;
  }
  // A refusal by the API, from its fields: the request line is noise in a per-server row.
  if (status !== undefined)
    return `HTTP ${status}${reason ? `: ${reason}` : ""}${hint ? `. ${hint}` : ""}`;
  return message;
}

export const commandRun = defineTool({
  name: "command_run",
  searchHint: "command run shell execute wait result ACL",
  alwaysLoad: true,
  toolset: "commands",
  title: "Run a command on servers",
  description:
    "Runs a command on one or more servers and waits for each result. For one-shot commands and fan-out; websh tools keep shell state. The token's ACL must allow it.",
  sdk: (c) => c.commands.run,
  operation: "exec",
  input: {
    servers: z.array(serverId).min(1).max(50).describe("Server names or ids."),
    command: commandLine.describe("Put secrets in env, not here."),
    username: z.string().min(1).max(64).optional().describe("Default: the token's user."),
    groupname: z.string().min(1).max(64).optional(),
    env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string().max(4096)).optional(),
    shell: z.enum(["system", "osquery"]).optional(),
    stdin: z.string().max(1_000_000).optional(),
    runAfter: z.array(z.guid()).max(20).optional().describe("Commands to end first."),
    scheduledAt: z.iso.datetime({ offset: true }).optional().describe("Run then; no wait."),
    timeoutSeconds: z
      .int()
      .min(1)
      .max(3600)
      .default(60)
      .describe("Seconds to wait for every server."),
    maxOutputChars,
    ...workSessionField,
  },
  output: {
    results: z.array(runResult),
    succeeded: z.int(),
    failed: z.int(),
  },
  confirm: (args, context) => {
    const names = args.servers.map((id) => serverLabel(context.servers, id));
    const where =
      names.length === 1 ? `server ${names[0]}` : `${names.length} servers (${names.join(", ")})`;
    const env =
      args.env && Object.keys(args.env).length
        ? `\nWith environment: ${envForQuestion(args.env)}`
        : "";
    const when = [
      args.shell === "osquery" ? "As an osquery query" : "",
      args.stdin ? `With ${args.stdin.length} characters of standard input` : "",
      args.runAfter?.length ? `After command(s) ${args.runAfter.join(", ")} finish` : "",
      args.scheduledAt ? `At ${args.scheduledAt}` : "",
    ].filter(Boolean);
    const details = when.length ? `\n${when.join("\n")}` : "";
    return `Run ${quoted(args.command)} on ${where}${runAs(args)}?${env}${details}`;
  },
  async run(args, context) {
    const total = args.servers.length;
    await context.progress(0, total, `Running on ${total} server(s)`);
    const results = await clientOf(context).commands.run({
      servers: args.servers,
      line: args.command,
      ...compact({
        shell: args.shell,
        username: args.username,
        groupname: args.groupname,
        env: args.env,
        data: args.stdin,
        runAfter: args.runAfter,
        scheduledAt: args.scheduledAt,
      }),
      // A scheduled command runs later: waiting for it would only time out.
      wait: args.scheduledAt === undefined,
      ...workSessionOf(args),
      timeoutMs: args.timeoutSeconds * 1000,
      signal: context.signal,
      onProgress: ({ done, total: all }) =>
        void context.progress(done, all, `${done} of ${all} server(s) finished`),
    });
    const rows = results.map((item) => {
      const output = tail(item.output, args.maxOutputChars);
      return {
        server: item.server,
        commandId: item.commandId ?? null,
        status: item.status,
        success: item.success,
        exitCode: item.exitCode,
        output: output.text,
        outputTruncated: output.truncated,
        omittedChars: output.omittedChars,
        startedAt: item.startedAt ?? null,
        finishedAt: item.finishedAt ?? null,
        error: item.error ? { kind: item.error.kind, message: rowMessage(item) } : null,
      };
    });
    const succeeded = rows.filter((row) => row.success === true).length;
    return { results: rows, succeeded, failed: rows.length - succeeded };
  },
  summary: (result, args, context) => {
    const created = result.results.filter((row) => row.commandId && !row.error).length;
    const head = args.scheduledAt
      ? `\`${args.command}\`: scheduled for ${args.scheduledAt} on ${created} of ${result.results.length} server(s).`
      : `\`${args.command}\`: ${result.succeeded} of ${result.results.length} server(s) succeeded.`;
    const lines = listLines(result.results, (row) => {
      const state =
        row.error?.kind === "may_have_run"
          ? "OUTCOME UNKNOWN (may have run; do not resend, check with command_get)"
          : row.error
            ? `${row.error.kind}: ${row.error.message}`
            : row.status === "scheduled" || row.status === "queued"
              ? `${row.status}, command ${row.commandId} (follow it with command_get)`
              : `exit ${row.exitCode ?? "?"} (${row.status})`;
      const cut = row.outputTruncated
        ? ` [first ${row.omittedChars} chars omitted; command_get ${row.commandId} with offset 0 reads them]`
        : "";
      const output = row.output.trim()
        ? `\n  ${row.output.trim().split("\n").slice(-15).join("\n  ")}`
        : "";
      const hint = sudoDenialHint(row.output);
      return `${serverLabel(context.servers, row.server)}: ${state}${cut}${output}${hint ? `\n  Hint: ${hint}` : ""}`;
    });
    return head + lines;
  },
});

export const commandGet = defineTool({
  name: "command_get",
  searchHint: "command result output status poll",
  toolset: "commands",
  title: "Get a command's result",
  description:
    "A command's result, output from an offset: for an unknown outcome, or output command_run cut short.",
  sdk: (c) => c.commands.get,
  operation: "GET",
  input: {
    command: z.guid().describe("From command_run."),
    offset: z.int().min(0).default(0).describe("First character to return."),
    maxChars: z.int().min(100).max(100_000).default(8_000).describe("Most characters to return."),
  },
  output: {
    command: z.looseObject({
      id: z.string(),
      line: z.string(),
      status: z.string(),
      success: z.boolean().nullable(),
      exit_code: z.int().nullable(),
    }),
    output: z.string(),
    offset: z.int(),
    totalChars: z.int(),
    nextOffset: z.int().nullable().describe("Offset to read on; null at the end."),
  },
  notFound: "Check the command id; command_run returns it",
  async run(args, { sdk }) {
    const { result, ...command } = await sdk(args.command);
    const text = result ?? "";
    const end = Math.min(text.length, args.offset + args.maxChars);
    return {
      command,
      output: text.slice(args.offset, end),
      offset: args.offset,
      totalChars: text.length,
      nextOffset: end < text.length ? end : null,
    };
  },
  summary: (result) =>
    `Command ${result.command.id} (\`${result.command.line}\`): ${result.command.status}, exit ${result.command.exit_code ?? "?"}. Output characters ${result.offset}-${result.offset + result.output.length} of ${result.totalChars}${result.nextOffset === null ? "" : `; call again with offset: ${result.nextOffset} for more`}.${result.output ? `\n${result.output}` : ""}`,
});

const commandRow = z.looseObject({
  id: z.string(),
  line: z.string(),
  status: z.string(),
  exit_code: z.int().nullable(),
  added_at: z.string(),
  server: serverRef,
});

export const listCommands = listTool({
  name: "list_commands",
  searchHint: "command history list recent",
  toolset: "commands",
  title: "List commands",
  description:
    "Commands run through the Command API, newest first: what ran where, and how it ended. command_get reads one's output.",
  sdk: (c) => c.commands.list,
  input: {
    server: serverId.optional().describe("Only this server's commands."),
    search: z.string().min(1).max(200).optional().describe("Text in the line, server or result."),
  },
  rows: "commands",
  row: commandRow,
  line: (item) =>
    `${item.added_at} ${refLabel(item.server)}: \`${item.line.slice(0, 120)}\` ${item.status}${item.exit_code === null ? "" : `, exit ${item.exit_code}`} (${item.id})`,
});

export const commandTools = [commandRun, commandGet, listCommands];
