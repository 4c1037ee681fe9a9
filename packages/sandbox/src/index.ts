// Public API of @alpacon/sandbox. Every export here is public: keep the list short and explicit.

export type { WorkspaceTokens } from "./auth/tokens.js";
export type { CommandAclSettings } from "./control/control.js";
export { SandboxControl, WorkspaceControl } from "./control/control.js";
export type { ActiveFault, FaultKind, FaultRule } from "./faults.js";
export type { JournalEntry, JournalFilter, JournalOutcome } from "./journal.js";
export type { Sandbox, SandboxOptions, SandboxWorkspace, WorkspaceOptions } from "./sandbox.js";
export { DEFAULT_WORKSPACES, startSandbox } from "./sandbox.js";
export type { CommandDelays } from "./state/commands.js";
export {
  ALTERNATIVE_VARIANTS,
  type ApiVariants,
  DEFAULT_VARIANTS,
} from "./state/workspace.js";
export { type TokenFileContent, tokenFileContent } from "./token-file.js";
