import type { McpServer, RegisteredTool } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import type {
  CallToolResult,
  ServerNotification,
  ServerRequest,
} from "@modelcontextprotocol/sdk/types.js";
import { type ConfirmMode, confirmCall } from "./confirm.js";
import type { CallReport, Runtime, ToolContext } from "./context.js";
import { describeFailure, type FailureContext, redact, redactDeep } from "./errors.js";
import { progressReporter } from "./progress.js";
import { type AnyTool, workspaceFields } from "./tools/define.js";

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** The input shape clients see: workspace-scoped tools get `workspace` and `region`. */
export function inputShapeOf(tool: AnyTool) {
  return tool.scope === "workspace" ? { ...tool.input, ...workspaceFields } : tool.input;
}

export function registerTool(
  server: McpServer,
  tool: AnyTool,
  runtime: Runtime,
  confirmMode: ConfirmMode,
): RegisteredTool {
  return server.registerTool(
    tool.name,
    {
      title: tool.title,
      description: tool.description,
      inputSchema: inputShapeOf(tool),
      outputSchema: tool.output,
      // No title in the annotations: the tool's own title says it once.
      annotations: tool.annotations,
    },
    // The SDK has validated the arguments against the schema above before this runs.
    ((args: Record<string, unknown>, extra: Extra) =>
      callTool(server, tool, args, extra, runtime, confirmMode)) as never,
  );
}

async function callTool(
  server: McpServer,
  tool: AnyTool,
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
    const context: ToolContext = {
      client: undefined,
      target: undefined,
      signal: extra.signal,
      progress: progressReporter(extra),
      runtime,
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
    }
    if (tool.confirm) {
      const where = context.target
        ? ` (workspace ${context.target.workspace}, region ${context.target.region})`
        : "";
      const decision = await confirmCall(server.server, confirmMode, tool.confirm(args) + where, {
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
    // Output from servers (command output, file names …) could carry a token: scrub both forms.
    const secrets = runtime.workspaces.secrets();
    const answer: CallToolResult = {
      content: [{ type: "text", text: redact(tool.summary(result, args), secrets) }],
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
