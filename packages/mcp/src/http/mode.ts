import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallerHolder } from "./oauth-mode.js";
import type { Log, Sessions } from "./sessions.js";

/** What each transport mode (streamable.ts, sse.ts) gets from the handler. */
export interface ModeContext {
  sessions: Sessions;
  /** A fresh MCP server with the handler's options; with a caller, one using their token. */
  makeServer(caller?: CallerHolder): McpServer;
  maxBody: number;
  log: Log;
}
