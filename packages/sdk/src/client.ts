import { authorizationProvider, type TokenProvider } from "./core/auth.js";
import {
  defaultBaseUrl,
  normalizeBaseUrl,
  validateRegionName,
  validateWorkspaceName,
} from "./core/base-url.js";
import { ConfigError } from "./core/errors.js";
import { createHttp } from "./core/http.js";
import { type Logger, silentLogger } from "./core/logger.js";
import type { ClientContext } from "./core/resource.js";
import { fetchTransport, type Transport, type TransportSettings } from "./core/transport.js";
import { AlertRules, Alerts } from "./resources/alerts.js";
import { ApiTokens } from "./resources/api-tokens.js";
import { Approvals, SudoPolicies } from "./resources/approvals.js";
import { type Audit, createAudit } from "./resources/audit.js";
import { Auth } from "./resources/auth.js";
import { Certificates } from "./resources/certificates.js";
import { Commands } from "./resources/commands.js";
import { Events } from "./resources/events.js";
import {
  IamApplications,
  IamGroups,
  IamMemberships,
  IamUsers,
  WorkspaceInvites,
} from "./resources/iam.js";
import { Metrics } from "./resources/metrics.js";
import { Notes } from "./resources/notes.js";
import { createPackages, type Packages } from "./resources/packages.js";
import { createSecurity, type Security } from "./resources/security.js";
import { Servers } from "./resources/servers.js";
import { System } from "./resources/system.js";
import { EventSessions, EventSubscriptions, Webhooks } from "./resources/webhooks.js";
import { WorkSessions } from "./resources/work-sessions.js";
import { Workspaces } from "./resources/workspace.js";
import { SDK_VERSION } from "./version.js";
import { Webftp } from "./webftp/webftp.js";
import { Websh } from "./websh/websh.js";

export interface AlpaconClientOptions {
  /** Workspace name, as in https://<workspace>.<region>.alpacon.io. */
  workspace?: string | undefined;
  region?: string | undefined;
  /** An API token (`alpat-…`) or a JWT; JWTs are sent as Bearer. */
  token?: string | undefined;
  /** Called before each request, for tokens that rotate. */
  tokenProvider?: TokenProvider | undefined;
  /** Overrides the default host; may include a path prefix (the sandbox uses one). */
  baseUrl?: string | undefined;
  /**
   * Allow plain http to a non-loopback host: for the base URL (the token then travels
   * unencrypted) and for the storage URLs the API answers (file contents travel unencrypted).
   */
  allowInsecure?: boolean | undefined;
  /**
   * How every request travels: API calls and file transfers alike. Default: `fetch` (the
   * global one unless the `fetch` option is given). On Node, `nodeTransport` from
   * "@alpacon/sdk/node" (node:http keep-alive, transfers straight from and to disk) costs a
   * third of the CPU per API call; `clientFromConfig` uses it by default.
   */
  transport?: Transport | undefined;
  /** The fetch the default transport uses for everything, storage transfers included. */
  fetch?: typeof globalThis.fetch | undefined;
  /** Per attempt, in milliseconds. Default 30 000. */
  timeoutMs?: number | undefined;
  /** Retries of idempotent requests (GET, HEAD, PUT, DELETE). Default 2. POST and PATCH never retry. */
  maxRetries?: number | undefined;
  userAgent?: string | undefined;
  logger?: Logger | undefined;
}

export interface AlpaconClient {
  readonly workspace: string | undefined;
  readonly region: string | undefined;
  readonly baseUrl: string;
  readonly servers: Servers;
  readonly notes: Notes;
  readonly metrics: Metrics;
  readonly alerts: Alerts;
  readonly alertRules: AlertRules;
  readonly system: System;
  readonly events: Events;
  readonly commands: Commands;
  readonly websh: Websh;
  readonly webftp: Webftp;
  readonly iam: {
    readonly users: IamUsers;
    readonly groups: IamGroups;
    readonly memberships: IamMemberships;
    readonly applications: IamApplications;
    readonly invites: WorkspaceInvites;
  };
  readonly auth: Auth;
  readonly workSessions: WorkSessions;
  readonly apiTokens: ApiTokens;
  readonly security: Security;
  readonly certificates: Certificates;
  /** The token's user and the workspace-wide settings (`client.workspace` is the name). */
  readonly workspaces: Workspaces;
  readonly audit: Audit;
  readonly approvals: Approvals;
  readonly sudoPolicies: SudoPolicies;
  readonly packages: Packages;
  readonly webhooks: Webhooks;
  readonly eventSessions: EventSessions;
  readonly eventSubscriptions: EventSubscriptions;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_RETRIES = 2;

export function createAlpaconClient(options: AlpaconClientOptions): AlpaconClient {
  const workspace =
    options.workspace === undefined ? undefined : validateWorkspaceName(options.workspace);
  const region = options.region === undefined ? undefined : validateRegionName(options.region);
  const baseUrl = resolveBaseUrl(options, workspace, region);
  if (options.transport && options.fetch)
    throw new ConfigError("Pass either transport or fetch to createAlpaconClient, not both.");
  const settings: TransportSettings = {
    baseUrl,
    authorization: authorizationProvider(options.token, options.tokenProvider),
    transport: options.transport ?? fetchTransport(options.fetch),
    transportChosen: options.transport !== undefined || options.fetch !== undefined,
    timeoutMs: positive(options.timeoutMs, DEFAULT_TIMEOUT_MS, "timeoutMs"),
    maxRetries: nonNegative(options.maxRetries, DEFAULT_MAX_RETRIES, "maxRetries"),
    userAgent: options.userAgent ?? `alpacon-sdk-ts/${SDK_VERSION}`,
    logger: options.logger ?? silentLogger,
    context: workspace ? `workspace ${workspace}${region ? ` (${region})` : ""}` : undefined,
    allowInsecure: options.allowInsecure === true,
  };
  const context: ClientContext = { http: createHttp(settings), settings };
  return {
    workspace,
    region,
    baseUrl,
    servers: new Servers(context),
    notes: new Notes(context),
    metrics: new Metrics(context),
    alerts: new Alerts(context),
    alertRules: new AlertRules(context),
    system: new System(context),
    events: new Events(context),
    commands: new Commands(context),
    websh: new Websh(context),
    webftp: new Webftp(context),
    iam: {
      users: new IamUsers(context),
      groups: new IamGroups(context),
      memberships: new IamMemberships(context),
      applications: new IamApplications(context),
      invites: new WorkspaceInvites(context),
    },
    auth: new Auth(context),
    workSessions: new WorkSessions(context),
    apiTokens: new ApiTokens(context),
    security: createSecurity(context),
    certificates: new Certificates(context),
    workspaces: new Workspaces(context),
    audit: createAudit(context),
    approvals: new Approvals(context),
    sudoPolicies: new SudoPolicies(context),
    packages: createPackages(context),
    webhooks: new Webhooks(context),
    eventSessions: new EventSessions(context),
    eventSubscriptions: new EventSubscriptions(context),
  };
}

function resolveBaseUrl(
  options: AlpaconClientOptions,
  workspace?: string,
  region?: string,
): string {
  if (options.baseUrl !== undefined)
    return normalizeBaseUrl(options.baseUrl, options.allowInsecure);
  if (workspace === undefined || region === undefined) {
    throw new ConfigError("Pass workspace and region (or baseUrl) to createAlpaconClient.");
  }
  return defaultBaseUrl(workspace, region);
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0)
    throw new ConfigError(`${name} must be a positive number of milliseconds.`);
  return value;
}

function nonNegative(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 0)
    throw new ConfigError(`${name} must be a whole number ≥ 0.`);
  return value;
}
