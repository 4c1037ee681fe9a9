import type { CommandRecord } from "./commands.js";
import type { Transfer } from "./transfers.js";
import type { WebshSession } from "./websh-sessions.js";

/**
 * The last `capacity` items pushed, oldest overwritten first. Pushing is an array store and two
 * integer updates: the command, websh and webftp paths the benchmarks measure record into these.
 */
export class Ring<T> {
  private readonly items: (T | undefined)[];
  private next = 0;
  private filled = 0;

  constructor(readonly capacity: number) {
    this.items = new Array(capacity);
  }

  push(item: T): void {
    this.items[this.next] = item;
    this.next = (this.next + 1) % this.capacity;
    if (this.filled < this.capacity) this.filled++;
  }

  get size(): number {
    return this.filled;
  }

  /** Every item, newest first (a copy: read only when a list is asked for). */
  newestFirst(): T[] {
    const out: T[] = new Array(this.filled);
    for (let i = 0; i < this.filled; i++) {
      out[i] = this.items[(this.next - 1 - i + this.capacity) % this.capacity] as T;
    }
    return out;
  }
}

/** A REST write as the request pipeline saw it; app, model and wording are derived on reading. */
export interface ActivityEntry {
  seq: number;
  at: number;
  userId: string;
  username: string;
  method: string;
  /** Path relative to the workspace base, e.g. `/api/servers/notes/`. */
  path: string;
  status: number;
  ip: string;
}

/** One record of the agent's log, from something that happened on a server. */
export interface ServerLogEntry {
  seq: number;
  at: number;
  serverId: string;
  /** Python logging level: 20 info, 30 warning, 40 error. */
  level: number;
  /** Logger name, e.g. `alpamon.runner.command`. */
  name: string;
  msg: string;
}

/** A finished WebFTP transfer; the fields are read from the transfer when listed. */
export interface WebftpLogEntry {
  seq: number;
  at: number;
  transfer: Transfer;
}

/** How many entries of each kind a workspace keeps. */
export const AUDIT_CAPACITY = 10_000;

const INFO = 20;
const WARNING = 30;
const ERROR = 40;

/**
 * Activity, server and WebFTP logs of one workspace, recorded by the actions that make them.
 * Recording stores references and numbers only; wording and serialization happen when a list is
 * read, so the command, websh and transfer paths pay one object and one array store.
 */
export class AuditStore {
  readonly activity: Ring<ActivityEntry>;
  readonly serverLogs: Ring<ServerLogEntry>;
  readonly webftpLogs: Ring<WebftpLogEntry>;
  /** Analyses of websh sessions, oldest first, by session too. */
  readonly webshAnalyses: WebshAnalysis[] = [];
  readonly webshAnalysisBySession = new Map<string, WebshAnalysis>();
  private seq = 0;

  constructor(
    private readonly now: () => number,
    capacity = AUDIT_CAPACITY,
  ) {
    this.activity = new Ring(capacity);
    this.serverLogs = new Ring(capacity);
    this.webftpLogs = new Ring(capacity);
  }

  recordActivity(entry: Omit<ActivityEntry, "seq" | "at">): void {
    this.activity.push({ seq: ++this.seq, at: this.now(), ...entry });
  }

  recordServerLog(serverId: string, level: number, name: string, msg: string): void {
    this.serverLogs.push({ seq: ++this.seq, at: this.now(), serverId, level, name, msg });
  }

  recordTransfer(transfer: Transfer): void {
    this.webftpLogs.push({ seq: ++this.seq, at: this.now(), transfer });
  }

  /** The agent's line for a command that ended (ran, failed, got stuck or was cancelled). */
  commandFinished(command: CommandRecord): void {
    const level =
      command.status === "success" ? INFO : command.status === "failed" ? WARNING : ERROR;
    const how =
      command.status === "success" || command.status === "failed"
        ? `exited with code ${command.exitCode ?? "?"}`
        : command.status;
    this.recordServerLog(
      command.serverId,
      level,
      "alpamon.runner.command",
      `Command ${command.id} (${command.shell}) ${how}.`,
    );
  }

  /** Analyses a closed session's recording (once; the caller checks it has one). */
  analyzeWebsh(session: WebshSession, id: string): WebshAnalysis {
    const text = session.records.map((r) => r.text).join("");
    const analysis: WebshAnalysis = {
      id,
      sessionId: session.id,
      serverId: session.serverId,
      userId: session.userId,
      ...assessRecording(text),
      records: session.records.length,
      addedAt: this.now(),
    };
    this.webshAnalyses.push(analysis);
    this.webshAnalysisBySession.set(session.id, analysis);
    return analysis;
  }

  websh(session: WebshSession, what: "opened" | "closed"): void {
    const as = session.username || "the default user";
    this.recordServerLog(
      session.serverId,
      INFO,
      "alpamon.runner.pty",
      `Websh session ${session.id} ${what} for ${as}.`,
    );
  }
}

/** The sandbox's "AI analysis" of a closed websh session: patterns found in its recording. */
export interface WebshAnalysis {
  id: string;
  sessionId: string;
  serverId: string;
  userId: string;
  risk: "low" | "medium" | "high";
  findings: string[];
  records: number;
  addedAt: number;
}

const RISKY: readonly { finding: string; risk: "medium" | "high"; pattern: RegExp }[] = [
  { finding: "recursive delete from /", risk: "high", pattern: /\brm\s+-\w*r\w*\s+\/(?:\s|$)/ },
  {
    finding: "script piped from the network into a shell",
    risk: "high",
    pattern: /\b(?:curl|wget)\b[^\n|]*\|\s*(?:ba|z)?sh\b/,
  },
  { finding: "world-writable permissions", risk: "high", pattern: /\bchmod\s+(?:-\w+\s+)*0?777\b/ },
  { finding: "password hashes read", risk: "high", pattern: /\/etc\/shadow\b/ },
  { finding: "privilege escalation (sudo/su)", risk: "medium", pattern: /\b(?:sudo|su\s+-)\b/ },
  { finding: "firewall changed", risk: "medium", pattern: /\b(?:iptables|ufw|nft)\b/ },
  { finding: "account changed", risk: "medium", pattern: /\b(?:passwd|useradd|usermod|userdel)\b/ },
];

/** What a recording shows, by the patterns above: the findings and the highest risk among them. */
export function assessRecording(text: string): Pick<WebshAnalysis, "risk" | "findings"> {
  const found = RISKY.filter((r) => r.pattern.test(text));
  const risk = found.some((r) => r.risk === "high") ? "high" : found.length > 0 ? "medium" : "low";
  return { risk, findings: found.map((r) => r.finding) };
}
