import type { Server } from "@modelcontextprotocol/sdk/server/index.js";

/**
 * How destructive tools (annotated `destructiveHint: true`) are confirmed:
 * - `elicit` (default): ask the user through MCP elicitation; a client that cannot ask gets a
 *   refusal that says how to allow such calls. Safe by default: nothing destructive runs unseen.
 * - `allow`: run without asking; the MCP client's own tool approval is the only check.
 * - `deny`: refuse every destructive call (they stay listed, unlike with `readOnly`).
 */
export type ConfirmMode = "elicit" | "allow" | "deny";

export const CONFIRM_MODES: readonly ConfirmMode[] = ["elicit", "allow", "deny"];

export type Decision = { run: true } | { run: false; why: string; todo: string };

export async function confirmCall(
  server: Server,
  mode: ConfirmMode,
  question: string,
  request: { requestId: string | number; signal: AbortSignal },
): Promise<Decision> {
  if (mode === "allow") return { run: true };
  if (mode === "deny") {
    return {
      run: false,
      why: "this server refuses destructive tools (confirm mode deny)",
      todo: "Ask the person who runs the server to restart it with --confirm elicit or --confirm allow if such calls are wanted",
    };
  }
  if (!server.getClientCapabilities()?.elicitation?.form) {
    return {
      run: false,
      why: "this tool changes or runs something and needs the user's confirmation, but this MCP client cannot ask for it (no elicitation support)",
      todo: "Restart alpacon-mcp with --confirm allow (or ALPACON_MCP_CONFIRM=allow) to rely on the client's own tool approval instead, or use a client that supports elicitation",
    };
  }
  const answer = await server.elicitInput(
    {
      mode: "form",
      message: question,
      requestedSchema: {
        type: "object",
        properties: {
          confirm: {
            type: "boolean",
            title: "Run it",
            description: "Untick or decline to cancel.",
            default: true,
          },
        },
        required: ["confirm"],
      },
    },
    { relatedRequestId: request.requestId, signal: request.signal },
  );
  if (answer.action === "accept" && answer.content?.confirm !== false) return { run: true };
  return {
    run: false,
    why: `the user ${answer.action === "cancel" ? "dismissed" : "declined"} the confirmation, so nothing was done`,
    todo: "Do not retry unless the user asks for it",
  };
}
