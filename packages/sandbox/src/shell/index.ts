export type {
  AndOr,
  Assignment,
  Command,
  Pipeline,
  Redirect,
  RedirectOp,
  Script,
  SimpleCommand,
  Subshell,
  Word,
  WordPart,
} from "./ast.js";
export { COMMANDS, programNames } from "./commands/registry.js";
export type { CommandContext, CommandHandler, ShellState } from "./commands/types.js";
export { credentialsFor } from "./executor.js";
export type { OutputListener, StreamName } from "./output.js";
export { parse, ShellSyntaxError } from "./parser.js";
export { createServerFilesystem, osReleaseText } from "./seed-filesystem.js";
export { createSimulatedServer, type ServiceState, type SimulatedServer } from "./server.js";
export {
  baseServices,
  createServerProfile,
  DEFAULT_EPOCH,
  type DiskInfo,
  findUser,
  groupsOf,
  type KernelInfo,
  OS_PRESETS,
  type OsFamily,
  type OsInfo,
  type OsPresetName,
  type ServerProfile,
  type ServerProfileOptions,
  type ServiceInfo,
  type SystemGroup,
  type SystemUser,
} from "./server-profile.js";
export {
  type RunOptions,
  type RunResult,
  Shell,
  type ShellOptions,
  UnknownUserError,
} from "./shell.js";
export { type LogEntry, systemLog } from "./system-logs.js";
export {
  bytesToText,
  type Credentials,
  type DirNode,
  type FileNode,
  type MkdirOptions,
  type RemoveOptions,
  toBytes,
  Vfs,
  VfsError,
  type VfsErrorCode,
  type VfsNode,
  type VfsStat,
  type WriteOptions,
} from "./vfs.js";
export {
  basename,
  dirname,
  joinPath,
  normalizePath,
  resolvePath,
} from "./vfs-path.js";
