import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import {
  CallToolRequestSchema,
  type CallToolResult,
  ErrorCode,
  McpError,
  type ServerNotification,
  type ServerRequest,
} from "@modelcontextprotocol/sdk/types.js";
import * as z from "zod";
import { aliasesOf } from "../tools/aliases.js";
import {
  type AnyTool,
  boundMethod,
  type ClientMethod,
  clientOf,
  methodPath,
  type ToolCallContext,
  workspaceFields,
} from "../tools/define.js";
import { type ConfirmMode, confirmCall } from "./confirm.js";
import type { CallReport, Runtime } from "./context.js";
import { describeFailure, type FailureContext, redact, redactDeep, ToolError } from "./errors.js";
import { progressReporter } from "./progress.js";
import { namesServers, resolveServerArgs, serverLabel } from "./server-refs.js";

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** The input shape clients see: workspace-scoped tools get `workspace` and `region`. */
export function inputShapeOf(tool: AnyTool) {
  return tool.scope === "workspace" ? { ...tool.input, ...workspaceFields } : tool.input;
}

/** A tool as this server answers to it: its definition, its handler, its listed `_meta`. */
export interface ToolRoute {
  readonly definition: AnyTool;
  handler: (args: Record<string, unknown>, extra: Extra) => Promise<CallToolResult>;
  _meta: Record<string, unknown>;
}

/** The server's tools once loaded: by every name they answer to, and in listing order. */
export interface LoadedTools {
  routes: ReadonlyMap<string, ToolRoute>;
  listed: readonly ToolRoute[];
}

/**
 * Makes the route of a tool and adds it to `routes` under its name and its aliases (tools/call
 * takes either; tools/list shows only the name, see tool-list.ts). The MCP SDK's own tool
 * registry is not used: its listing and routing are replaced anyway (tool-list.ts,
 * `routeToolCalls`), and registering there once a client is connected, as the tools that load
 * after `initialize` would be, sends `notifications/tools/list_changed` for every tool.
 */
export function routeTool(
  server: McpServer,
  tool: AnyTool,
  runtime: Runtime,
  confirmMode: ConfirmMode,
  routes: Map<string, ToolRoute>,
): ToolRoute {
  const output = z.object(tool.output);
  const input = z.object(inputShapeOf(tool));
  // Both schemas are checked here rather than by the MCP SDK, which would run zod's async
  // parser on every call, several times slower than the synchronous one (bench/README, B2),
  // and a call it refuses would never reach the audit log. tools/list
  // advertises the real input schema from the tool definition (tool-list.ts).
  const route: ToolRoute = {
    definition: tool,
    // Not async: a warm call's few awaits show in B3 (bench/README), and this adds none.
    handler: (sent, extra) => {
      const parsed = input.safeParse(sent);
      if (!parsed.success) {
        return Promise.resolve(refuseInvalid(tool, sent, parsed.error, extra, runtime));
      }
      return callTool(server, tool, output, parsed.data, extra, runtime, confirmMode);
    },
    _meta: toolMeta(tool),
  };
  // Calls by alias are audited under the tool's name.
  for (const name of [tool.name, ...aliasesOf(tool.name)]) routes.set(name, route);
  return route;
}

/** Tool-search metadata (define.ts), under the keys the reference server and Claude use. */
export function toolMeta(tool: AnyTool): Record<string, unknown> {
  return {
    "anthropic/searchHint": tool.searchHint,
    ...(tool.alwaysLoad ? { "anthropic/alwaysLoad": true } : {}),
  };
}

/**
 * Answers `tools/call` from the routes, once they are there (the tool modules load after the
 * server has answered `initialize`). The MCP SDK's own route would parse the arguments a second
 * time, with zod's async parser, and await twice more on the way: work a warm websh call
 * notices (bench/README, B3). What it answers for an unknown tool, or one that throws, is
 * answered the same way here.
 */
export function routeToolCalls(server: McpServer, tools: Promise<LoadedTools>): void {
  // Once loaded, the routes are read without an await on every call.
  let loaded: LoadedTools | undefined;
  tools.then(
    (value) => {
      loaded = value;
    },
    () => undefined,
  );
  server.server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const { name } = request.params;
    try {
      const route = (loaded ?? (await tools)).routes.get(name);
      if (!route) throw new McpError(ErrorCode.InvalidParams, `Tool ${name} not found`);
      return await route.handler(request.params.arguments ?? {}, extra);
    } catch (error) {
      if (error instanceof McpError && error.code === ErrorCode.UrlElicitationRequired) throw error;
      const text = error instanceof Error ? error.message : String(error);
      return { content: [{ type: "text", text }], isError: true };
    }
  });
}

/** Arguments the input schema refuses: answered as the MCP SDK would, and reported (audited). */
function refuseInvalid(
  tool: AnyTool,
  sent: Record<string, unknown>,
  error: z.ZodError,
  extra: Extra,
  runtime: Runtime,
): CallToolResult {
  const issues = error.issues
    .map((issue) =>
      issue.path.length ? `${issue.message} at ${issue.path.join(".")}` : issue.message,
    )
    .join("\n");
  runtime.report({
    tool: tool.name,
    args: sent,
    workspace: stringArg(sent.workspace),
    region: stringArg(sent.region),
    outcome: "error",
    why: `invalid arguments: ${issues.replaceAll("\n", "; ")}`,
    startedAt: new Date(),
    durationMs: 0,
    session: extra.sessionId,
    requestId: extra.requestId,
  });
  return errorResult(
    `Input validation error: Invalid arguments for tool ${tool.name}: ${issues}`,
    runtime,
  );
}

async function callTool(
  server: McpServer,
  tool: AnyTool,
  output: z.ZodObject,
  sent: Record<string, unknown>,
  extra: Extra,
  runtime: Runtime,
  confirmMode: ConfirmMode,
): Promise<CallToolResult> {
  // Every call passes here once: the log and the audit log hear about it in `finally`.
  const startedAt = new Date();
  const started = performance.now();
  let args = sent;
  let outcome: CallReport["outcome"] = "error";
  let why: string | undefined;
  const failure: FailureContext = {
    tool: tool.name,
    server: typeof args.server === "string" ? args.server : undefined,
  };
  try {
    const context: ToolCallContext = {
      client: undefined,
      target: undefined,
      signal: extra.signal,
      progress: progressReporter(extra),
      runtime,
      servers: new Map(),
      confirm: (question) =>
        confirmCall(server.server, confirmMode, question, {
          requestId: extra.requestId,
          signal: extra.signal,
        }),
      request: { id: extra.requestId, session: extra.sessionId },
      tellUser: server.server.getClientCapabilities()?.elicitation?.form
        ? (message) => tellUser(server, message, extra)
        : undefined,
      // The tool's own method and any other, with the signal bound: entries never pass it.
      sdk: ((...params: unknown[]) => {
        if (!tool.method) throw new Error(`${tool.name} names no client method of its own.`);
        return boundMethod(clientOf(context), tool.method, extra.signal)(...params);
      }) as ToolCallContext["sdk"],
      call: ((method: ClientMethod) =>
        boundMethod(
          clientOf(context),
          methodPath(method),
          extra.signal,
        )) as ToolCallContext["call"],
    };
    if (tool.scope === "workspace") {
      const { workspace, region, ...rest } = args;
      args = rest;
      // Name what was asked for, so that a configuration error still says which workspace.
      failure.workspace = workspace as string | undefined;
      failure.region = region as string | undefined;
      const resolved = runtime.workspaces.client({
        workspace: workspace as string | undefined,
        region: region as string | undefined,
      });
      context.client = resolved.client;
      context.target = resolved.target;
      failure.workspace = resolved.target.workspace;
      failure.region = resolved.target.region;
      // Server names become ids once, here, for every tool with a `server` or `servers`
      // argument; a tool that asks first also learns the names of the ids it was given.
      const lookUpIds = tool.confirm !== undefined && confirmMode === "elicit";
      if (namesServers(args, lookUpIds)) {
        const servers = await resolveServerArgs(args, resolved.client, {
          signal: extra.signal,
          lookUpIds,
          workspace: resolved.target.workspace,
        });
        args = servers.args;
        context.servers = servers.names;
      }
      if (typeof args.server === "string")
        failure.server = serverLabel(context.servers, args.server);
    }
    // The question is built only when someone will be asked (with --confirm allow nobody is,
    // with deny every such call is refused unseen): from looked-up names, before asking, so a
    // lookup that fails (an id that does not exist, a channel that is gone) fails the call here
    // and nobody approves a call that fails. `null`: the call would change nothing, so there is
    // nothing to ask.
    const { confirm } = tool;
    const asked =
      confirm && confirmMode === "elicit"
        ? await confirm(args, context)
        : confirm && confirmMode === "deny"
          ? ""
          : null;
    if (asked !== null) {
      const [headline, ...details] = asked.split("\n");
      const where = context.target
        ? ` (workspace ${context.target.workspace}, region ${context.target.region})`
        : "";
      const question = [`${headline}${where}`, ...details].join("\n");
      const decision = await confirmCall(server.server, confirmMode, question, {
        requestId: extra.requestId,
        signal: extra.signal,
      });
      if (!decision.run) {
        outcome = "denied";
        why = decision.why;
        return errorResult(
          `${tool.name} was not run.\nWhy: ${decision.why}.\nWhat to do: ${decision.todo}.`,
          runtime,
        );
      }
    }
    const result = await tool.run(args, context);
    checkOutput(tool, output, result);
    // Output from servers (command output, file names …) could carry a token: scrub both forms.
    const secrets = runtime.workspaces.secrets();
    const answer: CallToolResult = {
      content: [{ type: "text", text: redact(tool.summary(result, args, context), secrets) }],
      structuredContent: redactDeep(result, secrets) as Record<string, unknown>,
    };
    // A tool may stop early and return what it has when cancelled; the client will not see it.
    outcome = extra.signal.aborted ? "cancelled" : "ok";
    return answer;
  } catch (error) {
    const hints = { notFound: tool.notFound, forbidden: tool.forbidden };
    const text = describeFailure(error, { ...failure, ...hints });
    outcome = extra.signal.aborted || isAbort(error) ? "cancelled" : "error";
    why = text
      .split("\n")
      .find((line) => line.startsWith("Why: "))
      ?.slice(5);
    return errorResult(text, runtime);
  } finally {
    runtime.report({
      tool: tool.name,
      args: sent,
      workspace: failure.workspace ?? stringArg(sent.workspace),
      region: failure.region ?? stringArg(sent.region),
      outcome,
      why,
      startedAt,
      durationMs: Math.round(performance.now() - started),
      session: extra.sessionId,
      requestId: extra.requestId,
    });
  }
}

/**
 * A result that breaks the tool's own output schema is a bug here (or an API answer this server
 * does not expect): clients validate `structuredContent` against the listed schema and would
 * reject it with a message about schemas, so the call fails here with one about the data.
 */
function checkOutput(tool: AnyTool, schema: z.ZodObject, result: unknown): void {
  const checked = schema.safeParse(result);
  if (checked.success) return;
  const issue = checked.error.issues[0];
  const where = issue?.path.length ? issue.path.join(".") : "the result";
  const report = "report it to the alpacon-mcp maintainers with the tool name and arguments";
  throw new ToolError(
    `the result does not match the tool's output schema (${where}: ${issue?.message ?? "invalid"}); the API may have answered in a form this server does not expect`,
    tool.annotations.readOnlyHint
      ? `Retry once; if it fails again, ${report}`
      : `The call reached Alpacon and may have taken effect: check its state before retrying, and ${report}`,
  );
}

/** A message for the user's eyes: a form without fields, whatever the answer. */
async function tellUser(server: McpServer, message: string, extra: Extra): Promise<void> {
  await server.server.elicitInput(
    { mode: "form", message, requestedSchema: { type: "object", properties: {} } },
    { relatedRequestId: extra.requestId, signal: extra.signal },
  );
}

function stringArg(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === "AbortError" || error.name === "AbortedError");
}

// No structuredContent on errors: clients validate it against the output schema and would hide
// the real message behind a schema error.
function errorResult(text: string, runtime: Runtime): CallToolResult {
  return {
    content: [{ type: "text", text: redact(text, runtime.workspaces.secrets()) }],
    isError: true,
  };
}
