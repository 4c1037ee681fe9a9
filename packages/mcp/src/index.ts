// The public surface of @alpacon/mcp: everything importable is listed here, nothing else is.

export { createHttpHandler, type HttpHandler, type HttpOptions } from "./http/handler.js";
export { type RunningHttpServer, type StartHttpOptions, startHttpServer } from "./http/server.js";
export { type AuditEntry, type AuditLog, type AuditSink, openAuditLog } from "./server/audit.js";
export { CONFIRM_MODES, type ConfirmMode } from "./server/confirm.js";
export { LOG_LEVELS, type Logger, type LogLevel } from "./server/log.js";
export { type AlpaconMcpServerOptions, createAlpaconMcpServer } from "./server/server.js";
export type { PoolOptions } from "./server/websh-channels.js";
export type { ClientOptions } from "./server/workspaces.js";
export { listTools, type ToolInfo } from "./tools/catalog.js";
export type { Annotations, Operation, Toolset } from "./tools/define.js";
export { TOOLSETS } from "./tools/define.js";
export type { ToolSelection } from "./tools/select-tools.js";
export { TOOLSET_DESCRIPTIONS, TOOLSET_RECORD } from "./tools/toolsets.js";
export { MCP_VERSION } from "./version.js";
