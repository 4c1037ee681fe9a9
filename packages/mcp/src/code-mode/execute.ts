import type { AlpaconClient } from "@alpacon/sdk";
import type { ToolContext } from "../server/context.js";
import type { ToolSelection } from "../tools/select-tools.js";
import { hostCall } from "./bridge.js";
import { DEFAULT_LIMITS, type RunOutcome, runSnippet, wrapSnippet } from "./interpreter.js";
import { stripTypes } from "./strip-types.js";
import { type BridgedMethod, bridgedMethods, reachable } from "./surface.js";

export { searchSdk } from "./search.js";

/** What the model gets back at most: about 6,000 tokens (bytes ÷ 4), console output included. */
export const OUTPUT_BYTES = 24 * 1024;
/** Of which console output may take this much. */
const LOG_BYTES = 8 * 1024;

export interface ExecuteArgs {
  code: string;
  language: "typescript" | "javascript";
  timeoutSeconds: number;
}

export interface ExecuteResult {
  result: unknown;
  resultText?: string;
  logs: string[];
  calls: number;
  truncated: boolean;
  note?: string;
}

export type ExecuteOutcome =
  | { result: ExecuteResult; failed?: undefined }
  | { failed: { why: string; todo: string } };

const refusals = new WeakMap<ToolSelection, (method: BridgedMethod) => string | null>();

/** Why this server's selection keeps a method from snippets (null: it may be called). */
export function refusalFor(scope: ToolSelection): (method: BridgedMethod) => string | null {
  let refusal = refusals.get(scope);
  if (!refusal) {
    refusal = reachable(scope);
    refusals.set(scope, refusal);
  }
  return refusal;
}

/** Runs a snippet against the workspace's client and shapes what the model sees. */
export async function executeSnippet(
  args: ExecuteArgs,
  client: AlpaconClient,
  context: ToolContext,
): Promise<ExecuteOutcome> {
  let expression = wrapSnippet(args.code);
  if (args.language === "typescript") {
    try {
      expression = stripTypes(expression);
    } catch (error) {
      return {
        failed: {
          why: `the snippet does not parse as TypeScript: ${(error as Error).message}`,
          todo: "Fix the syntax and run it again (nothing ran)",
        },
      };
    }
  }
  const methods = bridgedMethods();
  const outcome = await runSnippet({
    expression,
    methods: methods.map(({ path, iterator }) => ({ path, iterator })),
    call: hostCall({
      client,
      methods: new Map(methods.map((method) => [method.path, method])),
      refusal: refusalFor(context.runtime.codeScope),
      context,
    }),
    limits: { ...DEFAULT_LIMITS, timeoutMs: args.timeoutSeconds * 1_000, maxLogBytes: LOG_BYTES },
    signal: context.signal,
  });
  return outcome.end === "ok" ? { result: shape(outcome) } : { failed: failure(outcome, args) };
}

function shape(outcome: RunOutcome): ExecuteResult {
  const json = outcome.json ?? "null";
  const logBytes = outcome.logs.reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0);
  const room = OUTPUT_BYTES - logBytes;
  const notes: string[] = [];
  if (outcome.droppedLogBytes) {
    notes.push(
      `console output past ${LOG_BYTES / 1024} KB was dropped (${outcome.droppedLogBytes} bytes)`,
    );
  }
  const base = { logs: outcome.logs, calls: outcome.calls };
  if (Buffer.byteLength(json) <= room) {
    return { result: JSON.parse(json), ...base, truncated: notes.length > 0, ...note(notes) };
  }
  const cut = Buffer.from(json)
    .subarray(0, room)
    .toString("utf8")
    .replace(/\uFFFD$/, "");
  notes.unshift(
    `the result was cut at ${Math.round(room / 1024)} KB of ${Math.round(Buffer.byteLength(json) / 1024)} KB: return less (pick fields, filter, count, or page)`,
  );
  return { result: null, resultText: `${cut}…`, ...base, truncated: true, ...note(notes) };
}

function note(notes: string[]): { note?: string } {
  return notes.length ? { note: notes.join("; ") } : {};
}

function failure(outcome: RunOutcome, args: ExecuteArgs): { why: string; todo: string } {
  const calls = outcome.calls
    ? ` It made ${outcome.calls} Alpacon call${outcome.calls === 1 ? "" : "s"} before it stopped: those that change things took effect.`
    : "";
  const logs = outcome.logs.length
    ? `; console output: ${outcome.logs.join(" | ").slice(-2_000)}`
    : "";
  switch (outcome.end) {
    case "timeout":
      return {
        why: `the snippet ran past its time limit (${args.timeoutSeconds} s) and was stopped${logs}`,
        todo: `Do less in one run (fewer servers or pages, no busy loops), or raise timeoutSeconds (at most 300).${calls}`,
      };
    case "busy":
      return {
        why: `the snippet computed for more than ${DEFAULT_LIMITS.busyMs / 1_000} s without waiting for an Alpacon call and was stopped: while a snippet computes, this server answers nobody${logs}`,
        todo: `Compute less between calls: no busy loops; filter with the API's own parameters, or return the data and let the answer summarise it.${calls}`,
      };
    case "memory":
      return {
        why: `the snippet used more than ${DEFAULT_LIMITS.memoryBytes / 1024 / 1024} MB of memory and was stopped${logs}`,
        todo: `Keep less in memory: handle pages as they come and return only what answers the question.${calls}`,
      };
    case "cancelled":
      return {
        why: "the request was cancelled, so the snippet and its pending calls were stopped",
        todo: `Run it again if it is still wanted.${calls}`,
      };
    default:
      return {
        why: `the snippet failed: ${outcome.error ?? "unknown error"}${logs}`,
        todo: `Fix the snippet (search shows each method's signature) and run it again.${calls}`,
      };
  }
}
