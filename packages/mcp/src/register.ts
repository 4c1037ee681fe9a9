import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import type {
  CallToolResult,
  ServerNotification,
  ServerRequest,
} from "@modelcontextprotocol/sdk/types.js";
import { type ConfirmMode, confirmCall } from "./confirm.js";
import type { Runtime, ToolContext } from "./context.js";
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
): void {
  server.registerTool(
    tool.name,
    {
      title: tool.title,
      description: tool.description,
      inputSchema: inputShapeOf(tool),
      outputSchema: tool.output,
      annotations: { title: tool.title, ...tool.annotations },
    },
    // The SDK has validated the arguments against the schema above before this runs.
    ((args: Record<string, unknown>, extra: Extra) =>
      callTool(server, tool, args, extra, runtime, confirmMode)) as never,
  );
}

async function callTool(
  server: McpServer,
  tool: AnyTool,
  args: Record<string, unknown>,
  extra: Extra,
  runtime: Runtime,
  confirmMode: ConfirmMode,
): Promise<CallToolResult> {
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
        return errorResult(
          `${tool.name} was not run.\nWhy: ${decision.why}.\nWhat to do: ${decision.todo}.`,
          runtime,
        );
      }
    }
    const result = await tool.run(args, context);
    // Output from servers (command output, file names …) could carry a token: scrub both forms.
    const secrets = runtime.workspaces.secrets();
    return {
      content: [{ type: "text", text: redact(tool.summary(result, args), secrets) }],
      structuredContent: redactDeep(result, secrets) as Record<string, unknown>,
    };
  } catch (error) {
    const hints = { notFound: tool.notFound, forbidden: tool.forbidden };
    return errorResult(describeFailure(error, { ...failure, ...hints }), runtime);
  }
}

// No structuredContent on errors: clients validate it against the output schema and would hide
// the real message behind a schema error.
function errorResult(text: string, runtime: Runtime): CallToolResult {
  return {
    content: [{ type: "text", text: redact(text, runtime.workspaces.secrets()) }],
    isError: true,
  };
}
