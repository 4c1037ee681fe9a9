import type { AlpaconClient } from "@alpacon/sdk";
import { quoted, visible } from "../server/confirm.js";
import type { ToolContext } from "../server/context.js";
import { describeFailure, redact, redactDeep } from "../server/errors.js";
import { type Effect, UNCONFIRMED_EFFECTS } from "../tools/define.js";
import { BridgeError, type HostCall } from "./interpreter.js";
import type { BridgedMethod } from "./surface.js";

/** Arguments of one call, as JSON text; more is refused before it is parsed. */
const MAX_ARGS_CHARS = 256 * 1024;
/** Items an `iterate` method collects before it stops the run with advice. */
const MAX_ITEMS = 10_000;

const ASKS: Record<Effect, string> = {
  read: "read",
  add: "add",
  change: "change",
  delete: "delete",
  run: "run a command through",
  transfer: "transfer files through",
  "open-shell": "open a shell through",
  "grant-access": "grant access through",
  "replace-credential": "replace a credential through",
};

export interface BridgeOptions {
  client: AlpaconClient;
  /** Every bridged method by path; `refusal` says which this server may call. */
  methods: ReadonlyMap<string, BridgedMethod>;
  refusal: (method: BridgedMethod) => string | null;
  context: ToolContext;
}

/**
 * The host side of each call a snippet makes: the method must be bridged and reachable, its
 * arguments are JSON (no more than the method's leading parameters: request options are the
 * bridge's, never the snippet's), a destructive one asks the user first, and every call is
 * audited and reported as progress. Answers go back as JSON with configured tokens redacted.
 */
export function hostCall(options: BridgeOptions): HostCall {
  const { client, methods, refusal, context } = options;
  let done = 0;
  return async (path, argsJson, signal) => {
    const method = methods.get(path);
    if (!method)
      throw new BridgeError("NotBridged", `alpacon.${path} is not available in code mode.`);
    if (argsJson.length > MAX_ARGS_CHARS) {
      throw new BridgeError("LimitError", `the arguments of alpacon.${path} are over 256 KB.`);
    }
    const args = leadingArgs(method, JSON.parse(argsJson) as unknown[]);
    const startedAt = new Date();
    const started = performance.now();
    const report = (outcome: "ok" | "error" | "denied" | "cancelled", why?: string) =>
      context.runtime.report({
        tool: `execute:alpacon.${path}`,
        args: { arguments: args },
        workspace: context.target?.workspace,
        region: context.target?.region,
        outcome,
        why,
        startedAt,
        durationMs: Math.round(performance.now() - started),
        session: context.request.session,
        requestId: context.request.id,
      });
    const refused = refusal(method);
    if (refused) {
      report("denied", refused);
      throw new BridgeError("NotAllowed", `alpacon.${path} was not called: ${refused}.`);
    }
    if (!UNCONFIRMED_EFFECTS.has(method.effect)) {
      const decision = await context.confirm(question(method, args, context));
      if (!decision.run) {
        report("denied", decision.why);
        throw new BridgeError(
          "Declined",
          `alpacon.${path} was not run: ${decision.why}. ${decision.todo}.`,
        );
      }
    }
    try {
      const answer = await invoke(client, method, args, signal);
      const secrets = context.runtime.workspaces.secrets();
      done += 1;
      void context.progress(done, undefined, `alpacon.${path}`);
      report("ok");
      return JSON.stringify(redactDeep(answer ?? null, secrets)) ?? "null";
    } catch (error) {
      const aborted = signal.aborted;
      const text = redact(
        describeFailure(error, { tool: `alpacon.${path}`, ...where(context) }),
        context.runtime.workspaces.secrets(),
      );
      report(aborted ? "cancelled" : "error", text.split("\n")[1]?.replace(/^Why: /, ""));
      throw new BridgeError(errorName(error), text.replaceAll("\n", " "));
    }
  };
}

/** JSON has no undefined: a null argument stands for one left out, so defaults apply. */
function leadingArgs(method: BridgedMethod, parsed: unknown[]): unknown[] {
  if (!Array.isArray(parsed)) throw new BridgeError("TypeError", "arguments must be an array");
  return parsed.slice(0, method.leading).map((arg) => (arg === null ? undefined : arg));
}

async function invoke(
  client: AlpaconClient,
  method: BridgedMethod,
  args: unknown[],
  signal: AbortSignal,
): Promise<unknown> {
  const keys = method.path.split(".");
  let owner: unknown = client;
  for (const key of keys.slice(0, -1)) owner = (owner as Record<string, unknown>)[key];
  const fn = (owner as Record<string, (...params: unknown[]) => unknown>)[keys.at(-1)!]!;
  const params = [...args];
  if (method.signal === "trailing") {
    params.length = method.leading;
    params.push({ signal });
  } else if (method.signal === "inside") {
    const last = method.leading - 1;
    params[last] = { ...(params[last] as object | undefined), signal };
  }
  const result = fn.apply(owner, params);
  if (!method.iterator) return await result;
  const items: unknown[] = [];
  for await (const item of result as AsyncIterable<unknown>) {
    if (items.length >= MAX_ITEMS) {
      throw new BridgeError(
        "LimitError",
        `alpacon.${method.path} yields more than ${MAX_ITEMS} items: narrow the query, or use list page by page`,
      );
    }
    items.push(item);
  }
  return items;
}

/** What the user is asked: the method, its effect and its arguments, as the snippet gave them. */
function question(method: BridgedMethod, args: unknown[], context: ToolContext): string {
  const shown = JSON.stringify(args, null, 1) ?? "[]";
  const cut =
    shown.length > 1_500
      ? `${shown.slice(0, 1_500)}… (${shown.length - 1_500} more characters)`
      : shown;
  const via = method.tools.length
    ? ` (what ${method.tools.map((tool) => tool.name).join(", ")} does)`
    : "";
  return [
    `A code-mode snippet wants to ${ASKS[method.effect]} Alpacon: alpacon.${method.path}${via}`,
    `Arguments: ${visible(cut, { keepNewlines: true })}`,
    `Workspace: ${context.target ? quoted(context.target.workspace) : "default"}`,
  ].join("\n");
}

function where(context: ToolContext) {
  return { workspace: context.target?.workspace, region: context.target?.region };
}

function errorName(error: unknown): string {
  if (error instanceof BridgeError) return error.errorName;
  return error instanceof Error && error.name !== "Error" ? error.name : "AlpaconError";
}
