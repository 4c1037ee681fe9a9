import type { AlpaconClient } from "@alpacon/sdk";
import type { AllowedRoots } from "./paths.js";
import type { WebshPool } from "./websh-pool.js";
import type { Workspaces } from "./workspaces.js";

/** Server-wide state shared by every tool call. */
export interface Runtime {
  workspaces: Workspaces;
  pool: WebshPool;
  roots: AllowedRoots;
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
}
