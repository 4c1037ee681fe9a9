import { Collection } from "../http/list.js";

/**
 * A work session's life (`cli@9483716:cmd/worksession/worksession.go`): `pending` (waiting for a
 * person) → `approved` → `active` → `completed`, `expired` or `revoked`; a pending request may
 * instead end `rejected`, `cancelled` or `expired`. Nobody's sources say `requested`.
 */
export type WorkSessionStatus =
  | "pending"
  | "approved"
  | "active"
  | "completed"
  | "rejected"
  | "cancelled"
  | "expired"
  | "revoked";

/** The CLI's list (`worksession_create.go --scope`). */
export const WORK_SESSION_SCOPES = ["command", "editor", "sudo", "tunnel", "webftp", "websh"];

/** Statuses a session never leaves. */
export const TERMINAL: ReadonlySet<WorkSessionStatus> = new Set([
  "completed",
  "rejected",
  "cancelled",
  "expired",
  "revoked",
]);

export interface SudoPolicyRecord {
  id: string;
  commands: string[];
  reason: string;
  allowBypassMfa: boolean;
}

/**
 * One line of the timeline: a status change, or activity done under the session. Activity keeps
 * the id of its record (command, websh session, transfer) so its outcome is read when shown.
 */
export interface TimelineEntry {
  type:
    | "status"
    | "command"
    | "websh_session"
    | "websh_record"
    | "ftp_session"
    | "file_upload"
    | "file_download";
  at: number;
  ref?: string;
  status?: WorkSessionStatus;
  serverId?: string;
}

/** What the sandbox's "AI analysis" found: counts of what the timeline holds. */
export interface WorkSessionAnalysis {
  id: string;
  workSession: string;
  status: "completed";
  summary: {
    commands: number;
    failedCommands: number;
    servers: string[];
    webshSessions: number;
    fileTransfers: number;
    outOfScope: string[];
  };
  text: string;
  addedAt: number;
}

export interface WorkSessionRecord {
  id: string;
  title: string;
  description: string;
  status: WorkSessionStatus;
  requesterType: "user" | "agent";
  scopes: string[];
  servers: string[];
  createdBy: string;
  assignedUser: string;
  startsAt: number | null;
  expiresAt: number;
  startedAt: number | null;
  completedAt: number | null;
  addedAt: number;
  updatedAt: number;
  sudoPolicies: SudoPolicyRecord[];
  adjustments: {
    scopes?: { old: string[]; new: string[] };
    servers?: { old: string[]; new: string[] };
  } | null;
  pendingModification: {
    id: string;
    changes: { scopes?: string[]; servers?: string[] };
    addedAt: number;
  } | null;
  timeline: TimelineEntry[];
  analysis: WorkSessionAnalysis | null;
}

/** The refusal of a transition the API does not allow, as the route answers it (400). */
export class TransitionError extends Error {}

/**
 * Every work session of a workspace and the moves between states. Time-driven moves (an approved
 * session reaching `starts_at`, any live session reaching `expires_at`) happen when the session
 * is next looked at, so no timer runs for them.
 */
export class WorkSessionStore {
  readonly list = new Collection<WorkSessionRecord>();
  private readonly byId = new Map<string, WorkSessionRecord>();
  /** Analyses of every session, newest last, for the audit views. */
  readonly analyses: WorkSessionAnalysis[] = [];

  constructor(private readonly now: () => number) {}

  add(session: WorkSessionRecord): void {
    this.list.add(session);
    this.byId.set(session.id, session);
    this.record(session, { type: "status", at: session.addedAt, status: session.status });
  }

  /** The session with its clock-driven moves applied. */
  get(id: string): WorkSessionRecord | undefined {
    const session = this.byId.get(id);
    if (session) this.refresh(session);
    return session;
  }

  all(): readonly WorkSessionRecord[] {
    for (const session of this.list.all()) this.refresh(session);
    return this.list.all();
  }

  refresh(session: WorkSessionRecord): void {
    const now = this.now();
    if (session.status === "approved" && (session.startsAt ?? 0) <= now) {
      this.move(session, "active");
    }
    if (!TERMINAL.has(session.status) && session.expiresAt <= now) this.move(session, "expired");
  }

  /** A status change, with its timeline line and the times it sets. */
  move(session: WorkSessionRecord, status: WorkSessionStatus): void {
    const now = this.now();
    session.status = status;
    session.updatedAt = now;
    if (status === "active") session.startedAt = now;
    if (TERMINAL.has(status) && status !== "rejected" && status !== "cancelled") {
      session.completedAt = now;
      session.pendingModification = null;
    }
    this.record(session, { type: "status", at: now, status });
    this.list.touch();
  }

  /** Checks the session is in one of `from` (refreshed first), else refuses with `message`. */
  expect(session: WorkSessionRecord, from: readonly WorkSessionStatus[], message: string): void {
    this.refresh(session);
    if (!from.includes(session.status)) throw new TransitionError(message);
  }

  /**
   * A person approves a pending session, possibly granting less than was asked (a subset of the
   * scopes or servers); the session then records the difference in `adjustments`. Without a
   * future `starts_at` it starts at once.
   */
  approve(
    session: WorkSessionRecord,
    granted: { scopes?: string[] | null | undefined; servers?: string[] | null | undefined } = {},
  ): void {
    const narrowed = (asked: string[], given: string[] | null | undefined) =>
      given && given.length > 0 && given.every((g) => asked.includes(g)) ? given : null;
    const scopes = narrowed(session.scopes, granted.scopes);
    const servers = narrowed(session.servers, granted.servers);
    if (scopes || servers) {
      session.adjustments = {
        ...(scopes ? { scopes: { old: session.scopes, new: scopes } } : {}),
        ...(servers ? { servers: { old: session.servers, new: servers } } : {}),
      };
      if (scopes) session.scopes = scopes;
      if (servers) session.servers = servers;
    }
    this.move(session, "approved");
    this.refresh(session);
  }

  /** A person decides a queued change of scopes or servers (the modification flow). */
  decideModification(session: WorkSessionRecord, approve: boolean): void {
    const change = session.pendingModification;
    if (!change) throw new TransitionError("No modification request is pending.");
    if (approve && change.changes.scopes) session.scopes = change.changes.scopes;
    if (approve && change.changes.servers) session.servers = change.changes.servers;
    session.pendingModification = null;
    session.updatedAt = this.now();
    this.list.touch();
  }

  record(session: WorkSessionRecord, entry: TimelineEntry): void {
    session.timeline.push(entry);
  }

  /**
   * The analysis the product runs when a session ends: here, what the timeline holds. A second
   * request finds it and answers `already_exists` (the MCP's "repeating it converges").
   */
  analyze(
    session: WorkSessionRecord,
    newId: () => string,
    facts: { commandFailed: (id: string) => boolean },
  ): { created: boolean; analysis: WorkSessionAnalysis } {
    if (session.analysis) return { created: false, analysis: session.analysis };
    const commands = session.timeline.filter((e) => e.type === "command");
    const failed = commands.filter((e) => e.ref && facts.commandFailed(e.ref)).length;
    const servers = [
      ...new Set(session.timeline.flatMap((e) => (e.serverId ? [e.serverId] : []))),
    ].sort();
    const outOfScope = servers.filter((s) => !session.servers.includes(s));
    const webshSessions = session.timeline.filter((e) => e.type === "websh_session").length;
    const fileTransfers = session.timeline.filter(
      (e) => e.type === "file_upload" || e.type === "file_download",
    ).length;
    const text =
      `${commands.length} command(s) (${failed} failed), ${webshSessions} websh session(s) and ` +
      `${fileTransfers} file transfer(s) on ${servers.length} server(s)` +
      (outOfScope.length ? `; ${outOfScope.length} server(s) outside the session` : "");
    const analysis: WorkSessionAnalysis = {
      id: newId(),
      workSession: session.id,
      status: "completed",
      summary: {
        commands: commands.length,
        failedCommands: failed,
        servers,
        webshSessions,
        fileTransfers,
        outOfScope,
      },
      text,
      addedAt: this.now(),
    };
    session.analysis = analysis;
    this.analyses.push(analysis);
    return { created: true, analysis };
  }
}
