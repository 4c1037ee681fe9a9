import type { AlpaconClient } from "@alpacon/sdk";
import type { ToolSelection } from "../tools/select-tools.js";
import type { Decision } from "./confirm.js";
import type { AllowedRoots } from "./paths.js";
import type { ServerNames } from "./server-refs.js";
import type { WebshChannels } from "./websh-channels.js";
import type { Workspaces } from "./workspaces.js";

/** How a tool call ended, for the log and the audit log. */
export interface CallReport {
  tool: string;
  /** The arguments as the client sent them (before `workspace`/`region` were taken out). */
  args: Record<string, unknown>;
  workspace: string | undefined;
  region: string | undefined;
  outcome: "ok" | "error" | "denied" | "cancelled";
  /** For failures: the reason, one line. */
  why: string | undefined;
  startedAt: Date;
  durationMs: number;
  /** The transport's session id (HTTP / SSE). */
  session: string | undefined;
  /** The tools/call request, so a log notification travels with its response. */
  requestId: string | number;
}

/** Server-wide state shared by every tool call. */
export interface Runtime {
  workspaces: Workspaces;
  channels: WebshChannels;
  roots: AllowedRoots;
  /** Called once when each tool call ends (log line, audit line). */
  report(call: CallReport): void;
  /**
   * What code mode's bridge may reach (see code-mode/surface.ts): the server's selection
   * without the `code` toolset, and its read-only flag.
   */
  codeScope: ToolSelection;
}

/** What a tool's `run` receives besides its arguments. */
export interface ToolContext {
  /** The resolved client for workspace-scoped tools; undefined for local ones. */
  client: AlpaconClient | undefined;
  /** The workspace the call goes to, for messages and results. */
  target: { workspace: string; region: string } | undefined;
  /** Fires when the MCP client cancels the request; pass it to every SDK call. */
  signal: AbortSignal;
  /** Sends `notifications/progress` when the client asked for it; a no-op otherwise. */
  progress(done: number, total?: number, message?: string): Promise<void>;
  runtime: Runtime;
  /** Names of the servers this call's arguments named, by id (see server-refs.ts). */
  servers: ServerNames;
  /**
   * Shows a message to the user alone, through MCP elicitation: it never reaches the model, the
   * result or the logs (a new API token's key). Undefined when the client cannot show one.
   */
  tellUser: ((message: string) => Promise<void>) | undefined;
  /**
   * Asks the user to confirm one step the tool is about to take, as the server's confirm mode
   * says (code mode asks before each destructive call a snippet makes).
   */
  confirm(question: string): Promise<Decision>;
  /** The tools/call request: for audit lines of the steps a tool takes. */
  request: { id: string | number; session: string | undefined };
}
