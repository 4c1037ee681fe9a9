// Public API of @alpacon/sandbox. Every export here is public: keep the list short and explicit.

export { type TokenFileContent, tokenFileContent } from "./auth/token-file.js";
export type { WorkspaceTokens } from "./auth/tokens.js";
export type { CommandAclSettings } from "./control/control.js";
export { SandboxControl, WorkspaceControl } from "./control/control.js";
export type { ActiveFault, FaultKind, FaultRule } from "./control/faults.js";
export type { JournalEntry, JournalFilter, JournalOutcome } from "./control/journal.js";
export { ALPACON_AUDIENCE, CLAIM_NAMESPACE, MFA_ACR, MFA_CLAIM } from "./idp/identity-provider.js";
export {
  type BrowserLogin,
  type LoginOptions,
  SandboxIdp,
  type SandboxIdpClient,
  type TokenSet,
} from "./idp/idp-control.js";
export type {
  Sandbox,
  SandboxOptions,
  SandboxWorkspace,
  WorkspaceOptions,
} from "./server/sandbox.js";
export { DEFAULT_WORKSPACES, startSandbox } from "./server/sandbox.js";
export type { CommandDelays } from "./state/commands.js";
export type { DeliveryRecord } from "./state/notifications.js";
export type { ServerActionDelays } from "./state/server-admin.js";
export type { WorkSessionAnalysis } from "./state/work-sessions.js";
export {
  ALTERNATIVE_VARIANTS,
  type ApiVariants,
  DEFAULT_VARIANTS,
} from "./state/workspace.js";
