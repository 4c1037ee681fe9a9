// The public surface of @alpacon/mcp: everything importable is listed here, nothing else is.

export { type AuditEntry, type AuditLog, type AuditSink, openAuditLog } from "./audit.js";
export { listTools, type ToolInfo } from "./catalog.js";
export { CONFIRM_MODES, type ConfirmMode } from "./confirm.js";
export { createHttpHandler, type HttpHandler, type HttpOptions } from "./http/handler.js";
export { type RunningHttpServer, type StartHttpOptions, startHttpServer } from "./http/server.js";
export { LOG_LEVELS, type Logger, type LogLevel } from "./log.js";
export type { ToolSelection } from "./select-tools.js";
export { type AlpaconMcpServerOptions, createAlpaconMcpServer } from "./server.js";
export type { Annotations, Operation, Toolset } from "./tools/define.js";
export { TOOLSETS } from "./tools/define.js";
export { TOOLSET_DESCRIPTIONS } from "./toolsets.js";
export { MCP_VERSION } from "./version.js";
export type { PoolOptions } from "./websh-pool.js";
export type { ClientOptions } from "./workspaces.js";
