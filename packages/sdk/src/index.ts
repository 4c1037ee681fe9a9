// The public surface of @alpacon/sdk: everything importable is listed here, nothing else is.
// Node-only helpers (configuration files, file transfers from disk) live in "@alpacon/sdk/node".

export { type AlpaconClient, type AlpaconClientOptions, createAlpaconClient } from "./client.js";
export type {
  CommandRunError,
  CommandRunErrorKind,
  CommandRunResult,
  RunCommandOptions,
} from "./commands/run.js";
export type { TokenProvider } from "./core/auth.js";
export { defaultBaseUrl, validateRegionName, validateWorkspaceName } from "./core/base-url.js";
export {
  AbortedError,
  AlpaconApiError,
  AlpaconError,
  type AlpaconErrorOptions,
  AuthenticationError,
  ConfigError,
  ConflictError,
  ConnectionError,
  InvalidResponseError,
  MfaRequiredError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  RedirectError,
  ServerError,
  TimeoutError,
  ValidationError,
  WORK_SESSION_CODES,
  type WorkSessionCode,
  WorkSessionError,
} from "./core/errors.js";
export type { Logger } from "./core/logger.js";
export type { CursorPage, IterateOptions, Page } from "./core/pagination.js";
export {
  DeadlineError,
  type DownloadDestination,
  fetchTransport,
  type RequestOptions,
  type StorageDownload,
  type StorageResult,
  type StorageUpload,
  type TransferProgress,
  type Transport,
  type TransportRequest,
  type TransportResponse,
  type UploadSource,
} from "./core/transport.js";
export type { Schemas } from "./core/types.js";
export type { components, operations, paths } from "./generated/openapi.js";
export {
  type DiskIoSummary,
  type DiskSummary,
  type InterfaceSummary,
  type MetricsSummary,
  type SeriesStats,
  seriesStats,
  summarizeDiskIo,
  summarizeDisks,
  summarizeTraffic,
} from "./metrics/summary.js";
export {
  ALERT_RULE_TARGETS,
  type Alert,
  type AlertAcknowledgement,
  type AlertAcknowledgeResult,
  type AlertAction,
  type AlertRule,
  type AlertRuleTarget,
  type CreateAlertRuleBody,
  type ListAlertRulesQuery,
  type ListAlertsQuery,
  type UpdateAlertRuleBody,
} from "./resources/alerts.js";
export type {
  ApiToken,
  ApiTokenPresetCatalog,
  ApiTokenScopeCatalog,
  ApiTokenScopeResource,
  CreateApiTokenBody,
  DuplicateApiTokenBody,
  ListApiTokensQuery,
  UpdateApiTokenBody,
} from "./resources/api-tokens.js";
export type {
  ApprovalRequest,
  ApprovalStatus,
  Approvals,
  ApproveApprovalRequestBody,
  CreateSudoPolicyBody,
  ListApprovalRequestsQuery,
  ListSudoPoliciesQuery,
  SudoPolicies,
  SudoPolicy,
} from "./resources/approvals.js";
export type {
  ActivityLog,
  ActivityLogs,
  Audit,
  ListActivityLogsQuery,
  ListServerLogsQuery,
  ListSessionAnalysesQuery,
  ListSessionRecordsQuery,
  ListWebftpLogsQuery,
  SearchSessionRecordsQuery,
  ServerLog,
  ServerLogs,
  SessionAnalyses,
  SessionAnalysis,
  SessionRecords,
  WebftpLog,
  WebftpLogs,
  WebshAnalysisRequested,
  WebshRecord,
} from "./resources/audit.js";
export type {
  Certificate,
  CertificateAuthorities,
  CertificateAuthority,
  CertificateRevocationList,
  Certificates,
  CertRequestActionResult,
  CreateCertificateAuthorityBody,
  CreateRevokeRequestBody,
  CreateSignRequestBody,
  ListCertificateAuthoritiesQuery,
  ListCertificatesQuery,
  ListRevokeRequestsQuery,
  ListSignRequestsQuery,
  RevokeRequest,
  RevokeRequests,
  SignRequest,
  SignRequests,
  UpdateCertificateAuthorityBody,
} from "./resources/certificates.js";
export {
  REVOKE_REQUEST_STATUS_ALIASES,
  SIGN_REQUEST_STATUS_ALIASES,
} from "./resources/certificates.js";

export type {
  Command,
  CommandChunk,
  CommandCreated,
  CreateCommandBody,
  ListCommandsQuery,
} from "./resources/commands.js";
export type { Event, ListEventsQuery } from "./resources/events.js";
export {
  ACCOUNT_FLAGS,
  type AccountFlagInfo,
  type ApplicationServiceType,
  type ApplicationSystemUser,
  type CreateIamApplicationBody,
  type CreateIamUserBody,
  type IamApplication,
  type IamGroup,
  type IamMembership,
  type IamUser,
  MEMBERSHIP_ROLES,
  type MembershipRole,
  type MembershipRoleInfo,
  type UpdateIamApplicationBody,
  type UpdateIamGroupBody,
  type UpdateIamUserBody,
} from "./resources/iam.js";
export type {
  DiskIoPoint,
  DiskIoQuery,
  DiskUsagePoint,
  DiskUsageQuery,
  MetricsQuery,
  SummaryQuery,
  TopServer,
  TrafficPoint,
  TrafficQuery,
  UsagePoint,
} from "./resources/metrics.js";
export type { CreateNoteBody, ListNotesQuery, Note, UpdateNoteBody } from "./resources/notes.js";
export type {
  ListPackageEntriesQuery,
  PackageEntries,
  PackageInstallBody,
  Packages,
  PackageUpload,
  PackageUploadResult,
  PythonPackageEntry,
  SystemPackageEntry,
} from "./resources/packages.js";
export type {
  AnsibleInstallGuide,
  CreateRegistrationTokenBody,
  InstallGuideParams,
  ListRegistrationTokensQuery,
  RegistrationPlatform,
  RegistrationToken,
  TokenInstallGuide,
} from "./resources/registration-tokens.js";
export type {
  CommandAcl,
  CreateCommandAclBody,
  CreateFileAclBody,
  CreateServerAclBody,
  FileAcl,
  ListCommandAclsQuery,
  ListFileAclsQuery,
  ListServerAclsQuery,
  Security,
  ServerAcl,
  ServerAclBulkBody,
  ServerAclBulkDeleted,
  UpdateCommandAclBody,
  UpdateFileAclBody,
  UpdateServerAclBody,
} from "./resources/security.js";
export type {
  ListServersQuery,
  Server,
  ServerAction,
  ServerActionParams,
  ServerActionResult,
  UpdateServerBody,
} from "./resources/servers.js";
export { type ServerRef, serverLabel, type UserRef } from "./resources/shapes.js";
export type {
  Disk,
  NetworkInterface,
  OsVersion,
  Partition,
  SystemGroup,
  SystemInfo,
  SystemPackage,
  SystemTime,
  SystemUser,
} from "./resources/system.js";
export type {
  CreateBulkDownloadBody,
  CreateDownloadBody,
  CreateUploadBody,
  DownloadedFile,
  TransferStatus,
  UploadedFile,
  WebftpSession,
} from "./resources/webftp.js";
export {
  type CreateEventSubscriptionBody,
  type CreateWebhookBody,
  type EventSession,
  type EventSessions,
  type EventSubscription,
  type EventSubscriptions,
  type ListEventSubscriptionsQuery,
  type ListWebhooksQuery,
  type UpdateWebhookBody,
  WEBHOOK_PROVIDERS,
  type Webhook,
  type WebhookProvider,
  type Webhooks,
} from "./resources/webhooks.js";
export {
  type CreateWebshSessionBody,
  type InviteToWebshSessionBody,
  type ListWebshSessionsQuery,
  sharedChannelId,
  type WebshConnection,
  type WebshSessionInfo,
  type WebshShare,
} from "./resources/websh.js";
export type {
  CreateWebshTunnelBody,
  ListWebshTunnelsQuery,
  WebshTunnel,
  WebshTunnelConnection,
  WebshTunnels,
} from "./resources/websh-tunnels.js";
export type {
  ApproveWorkSessionBody,
  CreateWorkSessionBody,
  ExtendWorkSessionBody,
  ListWorkSessionsQuery,
  UpdateWorkSessionBody,
  WorkSession,
  WorkSessionAnalysisRequested,
  WorkSessionStatus,
  WorkSessions,
  WorkSessionTimelineItem,
  WorkSessionTimelineQuery,
} from "./resources/work-sessions.js";
export type {
  UpdateWorkspacePreferencesBody,
  WorkspaceAccessControl,
  WorkspaceMfaMethods,
  WorkspacePreferences,
  WorkspaceSecurity,
} from "./resources/workspace.js";
export { SDK_VERSION } from "./version.js";
export { WebftpTransferError } from "./webftp/errors.js";
export { isInProgress as isTransferInProgress } from "./webftp/transfer.js";
export type {
  BulkDownloadOptions,
  DownloadOptions,
  DownloadResult,
  PreparedDownload,
  UploadOptions,
  UploadResult,
  Webftp,
} from "./webftp/webftp.js";
export { WebshClosedError, WebshHandshakeError } from "./websh/errors.js";
export { checkWebshCommand } from "./websh/markers.js";
export {
  type ConnectOptions,
  connectWebsh,
  type ExecOptions,
  type ExecResult,
  type WebshCloseInfo,
  WebshSession,
} from "./websh/session.js";
export type {
  ConnectChannelOptions,
  JoinWebshOptions,
  OpenWebshOptions,
  PooledExecOptions,
  Websh,
} from "./websh/websh.js";
