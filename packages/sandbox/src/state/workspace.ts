import { TokenRegistry } from "../auth/tokens.js";
import { generateEvents, generateNotes } from "../data/activity.js";
import { generateIam } from "../data/iam.js";
import { ServerMetrics } from "../data/metrics.js";
import { hashSeed, Rng } from "../data/rng.js";
import { generateServers } from "../data/servers.js";
import { buildServerDetails, type ServerDetails } from "../data/system.js";
import { profileFor, ShellHost } from "../host/shell-host.js";
import { Collection } from "../http/list.js";
import type { IdentityProvider } from "../idp/identity-provider.js";
import type { Timers } from "../server/timers.js";
import { AclStore } from "./acls.js";
import { AlertStore } from "./alerts.js";
import { ApiTokenStore } from "./api-tokens.js";
import { ApprovalStore } from "./approvals.js";
import { AuditStore } from "./audit.js";
import { type CertDelays, CertStore, DEFAULT_CERT_DELAYS } from "./certs.js";
import { type CommandDelays, CommandStore } from "./commands.js";
import {
  type EventRecord,
  type IamGroup,
  type IamUser,
  type Membership,
  type Note,
  type ServerRecord,
  userDisplayName,
} from "./model.js";
import { NotificationStore } from "./notifications.js";
import { PackageStore } from "./packages.js";
import {
  type ActionHost,
  DEFAULT_SERVER_ACTION_DELAYS,
  type RegistrationTokenRecord,
  type ServerActionDelays,
} from "./server-admin.js";
import { TransferStore } from "./transfers.js";
import { WebshStore } from "./websh-sessions.js";
import { WorkSessionStore } from "./work-sessions.js";
import { type ApplicationRecord, WorkspaceSettings } from "./workspace-settings.js";

export interface WebftpSessionRecord {
  id: string;
  serverId: string;
  userId: string;
  username: string;
  groupname: string;
  token: string;
  addedAt: number;
  closedAt: number | null;
}

/**
 * Response shapes where the official clients' evidence is split (openapi/README.md, "Where the
 * evidence is split"). Each workspace serves one choice per case, so tests can run a client
 * against both. The defaults are the shapes the spec's primary source (the CLI) decodes.
 */
export interface ApiVariants {
  /** `/api/metrics/realtime/*` series and `top/` rankings: a bare array, or `{ results: [...] }`. */
  metricsList: "array" | "results";
  /**
   * `server` (and `user`) of events, webftp sessions and transfer lists: nested summaries, or
   * bare UUID strings as the reference MCP's fixtures have them.
   */
  foreignKeys: "nested" | "uuid";
  /** Command detail: every field, or only what the CLI's `EventDetails` models. */
  commandDetail: "full" | "cli";
  /** `POST /api/events/commands/`: an array (CLI), or a single object (the MCP reads both). */
  commandCreate: "array" | "object";
  /**
   * Alert rules with PR #192's `target`/`is_default`, or with the `metric`, `comparison`, `server`
   * and `enabled` of the reference MCP's list fixture (`mcp@3865f0c:tests/test_metrics_tools.py`).
   */
  alertRules: "target" | "metric";
  /** New uploads: a presigned `upload_url`, or `null` (the reference's "direct upload" branch). */
  uploadUrl: "presigned" | "null";
  /** New downloads: `download_url` in the create answer, or `null` until the status carries it. */
  downloadUrl: "create" | "status";
  /** `/api/proc/info/`, `os/` and `time/`: a page envelope, or the one row as an object. */
  systemRows: "page" | "object";
  /**
   * Certificate request status names: the MCP's (`signing`, `signed`; `requested`, `revoked`),
   * or those `alpacon csr ls --help` and `alpacon revoke ls --help` list (`processing`,
   * `issued`; `pending`, `approved`).
   */
  certStatus: "mcp" | "cli-help";
  /** Answers of cert approve/deny/retry: `{status}` (CLI tests) or `{id, status}` (MCP fixtures). */
  certAction: "status" | "id-status";
  /**
   * Activity, server and WebFTP logs: the cursor envelope `{next, results}` (CLI), or
   * `{results, count}` paged by `page` (the reference MCP's fixtures).
   */
  historyList: "cursor" | "count";
  /**
   * Approval requests with the reference MCP's extra `requestor` and approve/reject answering the
   * request (`full`), or as the CLI's type and tests have them: no `requestor`, and approve/reject
   * answering 200 with an empty body (`cli@9483716:api/approval/approval_test.go`).
   */
  approvals: "full" | "cli";
}

export const DEFAULT_VARIANTS: Readonly<ApiVariants> = {
  metricsList: "array",
  foreignKeys: "nested",
  commandDetail: "full",
  commandCreate: "array",
  alertRules: "target",
  uploadUrl: "presigned",
  downloadUrl: "create",
  systemRows: "page",
  certStatus: "mcp",
  certAction: "status",
  historyList: "cursor",
  approvals: "full",
};

/** Every alternative at once: what the clients also accept, for testing a client against all. */
export const ALTERNATIVE_VARIANTS: Readonly<ApiVariants> = {
  metricsList: "results",
  foreignKeys: "uuid",
  commandDetail: "cli",
  commandCreate: "object",
  alertRules: "metric",
  uploadUrl: "null",
  downloadUrl: "status",
  systemRows: "object",
  certStatus: "cli-help",
  certAction: "id-status",
  historyList: "count",
  approvals: "cli",
};

const VARIANT_CHOICES: { [K in keyof ApiVariants]: readonly ApiVariants[K][] } = {
  metricsList: ["array", "results"],
  foreignKeys: ["nested", "uuid"],
  commandDetail: ["full", "cli"],
  commandCreate: ["array", "object"],
  alertRules: ["target", "metric"],
  uploadUrl: ["presigned", "null"],
  downloadUrl: ["create", "status"],
  systemRows: ["page", "object"],
  certStatus: ["mcp", "cli-help"],
  certAction: ["status", "id-status"],
  historyList: ["cursor", "count"],
  approvals: ["full", "cli"],
};

/** Checks a partial variant setting (it may come from JSON over the control API). */
export function checkVariants(value: unknown): Partial<ApiVariants> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new Error('variants must be an object such as { metricsList: "results" }.');
  }
  for (const [key, choice] of Object.entries(value)) {
    const allowed = VARIANT_CHOICES[key as keyof ApiVariants] as readonly string[] | undefined;
    if (!allowed) {
      throw new Error(
        `Unknown variant "${key}"; known: ${Object.keys(VARIANT_CHOICES).join(", ")}.`,
      );
    }
    if (!allowed.includes(choice as string)) {
      throw new Error(
        `Variant ${key} must be one of ${allowed.join(", ")}; got ${JSON.stringify(choice)}.`,
      );
    }
  }
  return value as Partial<ApiVariants>;
}

export interface WorkspaceInit {
  region: string;
  workspace: string;
  servers: number;
  /** The workspace's own seed (already mixed with region and name). */
  seed: number;
  now: () => number;
  timers: Timers;
  commandDelays: CommandDelays | "manual";
  /** How long agents stay away after restart, upgrade and reboot actions. */
  serverActionDelays?: ServerActionDelays;
}

/** Per-server detail cache size; details are cheap to rebuild, so only recent ones are kept. */
const DETAILS_CACHE = 2048;

/**
 * All data of one workspace: the generated fleet, IAM, notes, events, and the stores that change
 * at run time (commands, websh sessions, webftp transfers). Lists are `Collection`s so sorted views
 * are cached between writes.
 */
export class WorkspaceState {
  readonly region: string;
  readonly name: string;
  /** `region/workspace`, e.g. `ap1/acme`. */
  readonly key: string;
  readonly seed: number;
  readonly now: () => number;
  /** The clock when the data was generated: every seeded timestamp is relative to it. */
  readonly generatedAt: number;
  /** Base URL, e.g. `http://127.0.0.1:8080/ap1/acme`; set once the server listens. */
  baseUrl = "";
  /** This workspace's identity provider (`/idp/{region}/{workspace}/`), set once listening. */
  idp: IdentityProvider | null = null;

  readonly servers: Collection<ServerRecord>;
  readonly serverById = new Map<string, ServerRecord>();
  readonly users: Collection<IamUser>;
  readonly userById = new Map<string, IamUser>();
  readonly groups: Collection<IamGroup>;
  readonly groupById = new Map<string, IamGroup>();
  readonly memberships: Collection<Membership>;
  readonly notes: Collection<Note>;
  readonly noteById = new Map<string, Note>();
  readonly tokens: TokenRegistry;
  /** Tokens made through the API (`/api/auth/tokens/`), with their scopes. */
  readonly apiTokens = new ApiTokenStore();
  /** Their ACL entries: command, server and file (`/api/security/*-acl/`). */
  readonly acls = new AclStore();
  readonly commands: CommandStore;
  readonly websh: WebshStore;
  readonly transfers: TransferStore;
  readonly webftpSessions: Collection<WebftpSessionRecord>;
  readonly workSessions: WorkSessionStore;
  /** The simulated machines behind the servers (shared by commands, websh and webftp). */
  readonly shells: ShellHost;
  /**
   * Gates tests switch on: MFA for websh/command/webftp creation, work sessions for JWT callers,
   * a free plan (402 for authoring alert rules and webhooks).
   */
  readonly gates = { mfaRequired: false, workSessionRequired: false, freePlan: false };
  /**
   * `/api/iam/memberships/` as the CLI's types have it (a page, `user` nested) or as the 2024
   * open-source server sent it (a bare array, `user` a uuid plus `user_name`).
   */
  membershipShape: "nested" | "oss" = "nested";
  /** Which of the real API's known response shapes this workspace serves. */
  readonly variants: ApiVariants = { ...DEFAULT_VARIANTS };
  /** Approval requests and workspace sudo policies (`/api/approvals/`). */
  readonly approvals: ApprovalStore;
  /** Server registration tokens (`/api/servers/registration-tokens/`). */
  readonly registrationTokens = new Collection<RegistrationTokenRecord>();
  /** Preferences, access control, MFA settings and invitations (`/api/workspaces/`). */
  readonly settings: WorkspaceSettings;
  /** IAM applications and the system users bound to them (`/api/iam/applications/`). */
  readonly applications = new Collection<ApplicationRecord>();
  /** The package repository, and what installs and removals did to servers' inventories. */
  readonly packages = new PackageStore();
  /** Webhooks, event channels, subscriptions and the deliveries events made. */
  readonly notifications: NotificationStore;
  /** What server actions (reboot, agent restart …) do to the simulated fleet. */
  readonly actions: ActionHost;
  /** Activity, server and WebFTP logs, recorded by the actions that make them. */
  readonly audit: AuditStore;

  /** Stars are personal: user id → starred server ids. */
  private readonly stars = new Map<string, Set<string>>();

  private readonly idRng: Rng;
  private eventsCache: { list: Collection<EventRecord>; byId: Map<string, EventRecord> } | null =
    null;
  private readonly details = new Map<string, ServerDetails>();
  private readonly metricsCache = new Map<string, ServerMetrics>();
  private alertStore: AlertStore | undefined;
  private certStore: CertStore | undefined;
  private readonly timers: Timers;
  /** How long a CA's agent takes to sign or revoke. */
  readonly certDelays: CertDelays = { ...DEFAULT_CERT_DELAYS };

  constructor(init: WorkspaceInit) {
    this.region = init.region;
    this.name = init.workspace;
    this.key = `${init.region}/${init.workspace}`;
    this.seed = init.seed;
    this.now = init.now;
    this.timers = init.timers;
    const start = init.now();
    this.generatedAt = start;
    const rng = new Rng(hashSeed(init.seed, "fleet"));
    this.idRng = new Rng(hashSeed(init.seed, "runtime-ids"));

    const iam = generateIam(rng, init.servers, start);
    const servers = generateServers(rng, init.servers, iam.users, iam.groups, start);
    for (const s of servers) this.serverById.set(s.id, s);
    for (const g of iam.groups) {
      g.serverIds = servers.filter((s) => s.groupIds.includes(g.id)).map((s) => s.id);
    }
    this.servers = new Collection(servers);
    this.users = new Collection(iam.users);
    for (const u of iam.users) this.userById.set(u.id, u);
    this.groups = new Collection(iam.groups);
    for (const g of iam.groups) this.groupById.set(g.id, g);
    this.memberships = new Collection(iam.memberships);
    this.settings = new WorkspaceSettings((iam.users[0] as IamUser).email);

    const notes = generateNotes(init.seed, servers, iam.users, start);
    this.notes = new Collection(notes);
    for (const n of notes) this.noteById.set(n.id, n);

    // The command-ACL token may run commands on the first half of the fleet (by name).
    const byName = servers.slice().sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const aclServers = byName.slice(0, Math.ceil(byName.length / 2)).map((s) => s.id);
    const owner = iam.users[0] as IamUser;
    const member = iam.users.find((u) => !u.is_staff && u.is_active) ?? owner;
    this.tokens = new TokenRegistry(
      init.seed,
      init.region,
      init.workspace,
      owner,
      member,
      aclServers,
    );

    this.commands = new CommandStore(init.timers, init.now, init.commandDelays, (id) =>
      this.serverById.get(id),
    );
    this.notifications = new NotificationStore(init.now);
    this.websh = new WebshStore(init.now, () => this.newId());
    this.transfers = new TransferStore(init.now);
    this.webftpSessions = new Collection<WebftpSessionRecord>();
    this.workSessions = new WorkSessionStore(init.now);
    this.audit = new AuditStore(init.now);
    const audit = this.audit;
    const notifications = this.notifications;
    this.commands.onFinish = (command) => {
      audit.commandFinished(command);
      // `command_fin` is published per server (`cli@9483716:api/event/subscribe.go`).
      notifications.publish("command_fin", command.serverId, {
        command: command.id,
        status: command.status,
        exit_code: command.exitCode,
      });
    };
    this.websh.onOpen = (session) => audit.websh(session, "opened");
    this.websh.onClose((session) => audit.websh(session, "closed"));
    this.transfers.onComplete = (transfer) => audit.recordTransfer(transfer);
    // Their own id sequence, so the ids of everything else stay what they were.
    const approvalIds = new Rng(hashSeed(init.seed, "approvals"));
    this.approvals = new ApprovalStore(
      init.now,
      () => approvalIds.uuid(),
      (id) => this.workSessions.get(id),
    );
    this.shells = new ShellHost((server) =>
      profileFor(server, this.serverDetails(server), this.metrics(server), this.now),
    );
    this.actions = {
      timers: init.timers,
      now: init.now,
      delays: { ...(init.serverActionDelays ?? DEFAULT_SERVER_ACTION_DELAYS) },
      setConnected: (server, connected) => this.setConnected(server, connected),
      isRegistered: (server) => this.serverById.get(server.id) === server,
      refreshInventory: (server) => this.details.delete(server.id),
    };
  }

  /** The servers `userId` starred. */
  starsOf(userId: string): Set<string> {
    let set = this.stars.get(userId);
    if (!set) {
      set = new Set();
      this.stars.set(userId, set);
    }
    return set;
  }

  /** Connects or disconnects a server's agent; commands in flight on a lost server get stuck. */
  setConnected(s: ServerRecord, connected: boolean): void {
    if (s.isConnected === connected) return;
    const now = this.now();
    s.isConnected = connected;
    s.commissioned ||= connected;
    s.lastConnectivity = now;
    s.updatedAt = now;
    s.statusCode = connected ? "ok" : "error";
    s.statusMessages = [connected ? "Server is okay." : "Server is not connected."];
    this.servers.touch();
    if (!connected) this.commands.strandServer(s.id);
  }

  /**
   * Removes a server from the workspace (`unregisterServer`): it leaves every list and lookup, so
   * commands, websh and webftp then refuse it as a server that does not exist; unfinished commands
   * on it get stuck and its open websh sessions close.
   */
  unregister(s: ServerRecord): void {
    this.commands.strandServer(s.id);
    for (const session of this.websh.all()) {
      if (session.serverId === s.id && session.closedAt === null) {
        this.websh.close(session, "force-close", false);
      }
    }
    this.servers.remove((x) => x.id === s.id);
    this.serverById.delete(s.id);
    for (const g of this.groups.all()) g.serverIds = g.serverIds.filter((id) => id !== s.id);
    for (const set of this.stars.values()) set.delete(s.id);
    this.details.delete(s.id);
    this.metricsCache.delete(s.id);
  }

  /** A fresh UUID for objects created at run time (deterministic sequence per workspace). */
  newId(): string {
    return this.idRng.uuid();
  }

  owner(): IamUser {
    return this.users.all()[0] as IamUser;
  }

  membersOf(groupId: string): string[] {
    return this.memberships
      .all()
      .filter((m) => m.group === groupId)
      .map((m) => m.user);
  }

  groupsOfUser(userId: string): string[] {
    return this.memberships
      .all()
      .filter((m) => m.user === userId)
      .map((m) => m.group);
  }

  serverDetails(server: ServerRecord): ServerDetails {
    let d = this.details.get(server.id);
    if (d) return d;
    d = buildServerDetails(
      this.seed,
      this.region,
      server,
      this.users.all(),
      this.groups.all(),
      (g) => this.membersOf(g),
    );
    if (this.details.size >= DETAILS_CACHE) {
      const oldest = this.details.keys().next().value;
      if (oldest !== undefined) this.details.delete(oldest);
    }
    this.details.set(server.id, d);
    return d;
  }

  /** Drop cached details (after IAM changes that alter system users). */
  invalidateDetails(): void {
    this.details.clear();
  }

  metrics(server: ServerRecord): ServerMetrics {
    let m = this.metricsCache.get(server.id);
    if (!m) {
      m = new ServerMetrics(this.seed, server);
      this.metricsCache.set(server.id, m);
    }
    return m;
  }

  /** Alert rules and alerts, made on first use (their ids come from their own sequence). */
  get alerts(): AlertStore {
    if (!this.alertStore) {
      const rng = new Rng(hashSeed(this.seed, "alerts"));
      this.alertStore = new AlertStore(
        () => rng.uuid(),
        () => this.servers.all(),
        (server) => this.metrics(server),
        this.generatedAt,
      );
    }
    return this.alertStore;
  }

  /** The private PKI (authorities, sign and revoke requests, certificates), made on first use. */
  get certs(): CertStore {
    this.certStore ??= new CertStore({
      timers: this.timers,
      now: this.now,
      delays: this.certDelays,
      newId: () => this.newId(),
      agentConnected: (id) => this.serverById.get(id)?.isConnected === true,
      userName: (id) => {
        const user = this.userById.get(id);
        return user ? userDisplayName(user) : "";
      },
    });
    return this.certStore;
  }

  events(): { list: Collection<EventRecord>; byId: Map<string, EventRecord> } {
    if (!this.eventsCache) {
      const list = generateEvents(this.seed, this.servers.all(), this.generatedAt);
      this.eventsCache = { list: new Collection(list), byId: new Map(list.map((e) => [e.id, e])) };
    }
    return this.eventsCache;
  }

  close(): void {
    this.commands.close();
  }
}
