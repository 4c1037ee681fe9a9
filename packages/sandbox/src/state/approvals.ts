import { commandMatches } from "../auth/tokens.js";
import { Collection } from "../http/list.js";
import type { SudoPolicyRecord, WorkSessionRecord } from "./work-sessions.js";

/** `cli@9483716:cmd/approval/approval_list.go` `validStatuses`. */
export type ApprovalStatus = "pending" | "approved" | "rejected" | "cancelled" | "expired";
export const APPROVAL_STATUSES: readonly ApprovalStatus[] = [
  "pending",
  "approved",
  "rejected",
  "cancelled",
  "expired",
];

/** What a request asks for; approving it moves that thing on. */
export type ApprovalSubject =
  | { kind: "work_session"; sessionId: string }
  /** One sudo invocation; an approval lets the same line run once more on the same server. */
  | { kind: "sudo"; serverId: string; line: string; used: boolean };

export interface ApprovalRecord {
  id: string;
  subject: ApprovalSubject;
  /** `request_data` (a string in the CLI's type): the session title or the sudo command line. */
  requestData: string;
  description: string;
  /** Own status; a work-session request follows its session instead (see `statusOf`). */
  status: ApprovalStatus;
  requestedBy: string;
  reviewedBy: string | null;
  reviewedAt: number | null;
  addedAt: number;
}

/** A workspace sudo policy, as the reference MCP creates it (`create_sudo_policy`). */
export interface WorkspaceSudoPolicy {
  id: string;
  name: string;
  commands: string[];
  users: string[];
  groups: string[];
  servers: string[];
  runAs: string | null;
  noPassword: boolean;
  description: string | null;
  addedAt: number;
}

/** What Alpacon's sudo plugin decides for one `sudo …` command line. */
export type SudoDecision =
  /** No Alpacon rule covers it: the server's own sudoers decides, as before policies existed. */
  | { kind: "os" }
  /** Alpacon grants it: the line runs with root's rights (`sudo -u` still applies). */
  | { kind: "run" }
  /** Refused with the plugin's code; `request` is set when a person can approve it. */
  | { kind: "deny"; code: string; request?: ApprovalRecord };

/** The plugin's terminal line (`cli@9483716:cmd/exec/sudo_hint_test.go` `denialLine`). */
export const sudoDenialLine = (code: string): string =>
  `Alpacon denied this sudo command (${code}).\n`;

/** Who runs a sudo line, and where. */
export interface SudoCaller {
  userId: string;
  /** The caller's IAM groups. */
  groups: readonly string[];
  serverId: string;
  serverName: string;
}

/** The invocation a policy is matched against: options gone, `-u` kept as the run-as user. */
export interface SudoInvocation {
  runAs: string;
  command: string;
}

// Shell syntax that would run more than the one sudo invocation (`;`, `&&`, pipes, substitution,
// redirection): Alpacon would decide the sudo part only, so the sandbox leaves such lines to the
// server's own sudoers rather than elevate the rest of the line with it.
const COMPOUND = /[;&|`<>\n]|\$\(/;

/** A cheap first test: the line's first word is `sudo`. */
export const isSudoLine = (line: string): boolean => /^\s*sudo\s/.test(line);

/** Parses `sudo [-n|-E|-H] [-u user] [--] command…`; null when the line is not a plain sudo. */
export function parseSudo(line: string): SudoInvocation | null {
  const words = line.trim().split(/\s+/);
  if (words[0] !== "sudo" || COMPOUND.test(line)) return null;
  let runAs = "root";
  let i = 1;
  while (i < words.length && (words[i] as string).startsWith("-")) {
    const option = words[i] as string;
    i += 1;
    if (option === "--") break;
    if (option === "-u") {
      runAs = words[i] ?? "";
      i += 1;
    } else if (option !== "-n" && option !== "-E" && option !== "-H") {
      return null;
    }
  }
  const command = words.slice(i).join(" ");
  return command === "" ? null : { runAs, command };
}

/** A policy command covers the invocation as written, or by the basename of its program. */
function covers(patterns: readonly string[], command: string): boolean {
  return patterns.some((pattern) => {
    if (commandMatches(pattern, command)) return true;
    const [program, ...rest] = pattern.trim().split(/\s+/);
    const base = program?.includes("/") ? program.slice(program.lastIndexOf("/") + 1) : null;
    return base !== null && commandMatches([base, ...rest].join(" "), command);
  });
}

/**
 * Approval requests and workspace sudo policies. Requests come from what needs a person: each
 * work session asked for, and each `sudo` a policy without `no_password` covers.
 */
export class ApprovalStore {
  readonly requests = new Collection<ApprovalRecord>();
  readonly byId = new Map<string, ApprovalRecord>();
  private readonly bySession = new Map<string, ApprovalRecord>();
  readonly policies = new Collection<WorkspaceSudoPolicy>();

  constructor(
    private readonly now: () => number,
    private readonly newId: () => string,
    private readonly session: (id: string) => WorkSessionRecord | undefined,
  ) {}

  private add(record: ApprovalRecord): ApprovalRecord {
    this.requests.add(record);
    this.byId.set(record.id, record);
    if (record.subject.kind === "work_session")
      this.bySession.set(record.subject.sessionId, record);
    return record;
  }

  /** The request a new work session makes (it starts `pending`: a person approves it). */
  forWorkSession(session: WorkSessionRecord): ApprovalRecord {
    return this.add({
      id: this.newId(),
      subject: { kind: "work_session", sessionId: session.id },
      requestData: session.title || session.description,
      description: session.description,
      status: "pending",
      requestedBy: session.createdBy,
      reviewedBy: null,
      reviewedAt: null,
      addedAt: session.addedAt,
    });
  }

  /** The request of a work session, if it has one. */
  ofWorkSession(sessionId: string): ApprovalRecord | undefined {
    return this.bySession.get(sessionId);
  }

  /**
   * A work-session request follows its session, however the session was decided (here, on the
   * work-session endpoints, or by the clock); other requests keep their own status.
   */
  statusOf(record: ApprovalRecord): ApprovalStatus {
    if (record.subject.kind !== "work_session") return record.status;
    const session = this.session(record.subject.sessionId);
    if (!session) return record.status;
    switch (session.status) {
      case "pending":
        return "pending";
      case "rejected":
      case "cancelled":
        return session.status;
      case "expired":
        return session.timeline.some((e) => e.status === "approved") ? "approved" : "expired";
      default:
        return "approved";
    }
  }

  review(record: ApprovalRecord, status: ApprovalStatus, reviewer: string | null): void {
    record.status = status;
    record.reviewedBy = reviewer;
    record.reviewedAt = reviewer === null ? null : this.now();
    this.requests.touch();
  }

  /**
   * Alpacon's sudo decision for a command line of `userId` on `serverId` (the plugin runs it
   * when the command runs). Inside a work session its inline policies decide first
   * (`mcp@22fc34c:tools/command_tools.py` `_SUDO_DENIAL_HINTS`); then a workspace policy that
   * covers the user, server, run-as user and command: with `no_password` it runs, without it a
   * person approves each run (`SUDO_APPROVAL_REQUIRED`, which creates the request; the approved
   * request lets the same line run once). Lines no policy covers stay with the server's sudoers.
   */
  decideSudo(line: string, who: SudoCaller, session: WorkSessionRecord | null): SudoDecision {
    const sudo = parseSudo(line);
    if (!sudo) return { kind: "os" };
    if (session) {
      if (!session.scopes.includes("sudo"))
        return { kind: "deny", code: "WORK_SESSION_SCOPE_NOT_ALLOWED" };
      const inline = session.sudoPolicies.filter((p: SudoPolicyRecord) =>
        covers(p.commands, sudo.command),
      );
      if (inline.some((p) => p.allowBypassMfa)) return { kind: "run" };
      if (inline.length > 0) return { kind: "deny", code: "SUDO_POLICY_MFA_REQUIRED" };
    }
    const policies = this.policies.all().filter((p) => {
      const everyone = p.users.length === 0 && p.groups.length === 0;
      const person =
        everyone || p.users.includes(who.userId) || p.groups.some((g) => who.groups.includes(g));
      return (
        person &&
        (p.servers.length === 0 || p.servers.includes(who.serverId)) &&
        (p.runAs ?? "root") === sudo.runAs &&
        covers(p.commands, sudo.command)
      );
    });
    if (policies.length === 0) {
      return session ? { kind: "deny", code: "SUDO_NO_WORKSESSION_POLICY" } : { kind: "os" };
    }
    if (policies.some((p) => p.noPassword)) return { kind: "run" };
    return this.sudoApproval(line, who);
  }

  private sudoApproval(line: string, who: SudoCaller): SudoDecision {
    const same = this.requests
      .all()
      .filter(
        (r) =>
          r.subject.kind === "sudo" &&
          r.requestedBy === who.userId &&
          r.subject.serverId === who.serverId &&
          r.subject.line === line.trim(),
      );
    const approved = same.find(
      (r) => r.status === "approved" && r.subject.kind === "sudo" && !r.subject.used,
    );
    if (approved && approved.subject.kind === "sudo") {
      approved.subject.used = true;
      return { kind: "run" };
    }
    const pending = same.find((r) => r.status === "pending");
    const request =
      pending ??
      this.add({
        id: this.newId(),
        subject: { kind: "sudo", serverId: who.serverId, line: line.trim(), used: false },
        requestData: line.trim(),
        description: `sudo on ${who.serverName}: ${line.trim()}`,
        status: "pending",
        requestedBy: who.userId,
        reviewedBy: null,
        reviewedAt: null,
        addedAt: this.now(),
      });
    return { kind: "deny", code: "SUDO_APPROVAL_REQUIRED", request };
  }
}
