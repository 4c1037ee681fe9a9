import type { Timers } from "../server/timers.js";
import type { ServerRecord } from "./model.js";

export type CommandShell = "system" | "osquery" | "internal";
export type CommandStatus =
  | "queued"
  | "scheduled"
  | "delivered"
  | "acked"
  | "running"
  | "success"
  | "failed"
  | "stuck"
  | "cancelled";

const TERMINAL: ReadonlySet<CommandStatus> = new Set(["success", "failed", "stuck", "cancelled"]);

/** Milliseconds spent in each in-progress status before the next one. */
export interface CommandDelays {
  /** queued → delivered (the agent picked it up). */
  delivered: number;
  /** delivered → acked. */
  acked: number;
  /** acked → running (the process started). */
  running: number;
}

export const DEFAULT_COMMAND_DELAYS: CommandDelays = { delivered: 10, acked: 10, running: 10 };

export interface CommandChunk {
  seq: number;
  content: string;
}

export interface CommandRecord {
  id: string;
  serverId: string;
  shell: CommandShell;
  line: string;
  data: string;
  username: string;
  groupname: string;
  env: Record<string, string>;
  requestedBy: string;
  runAfter: string[];
  addedAt: number;
  scheduledAt: number;
  deliveredAt: number | null;
  ackedAt: number | null;
  handledAt: number | null;
  status: CommandStatus;
  success: boolean | null;
  exitCode: number | null;
  result: string;
  errorPhase: string | null;
  elapsedTime: number | null;
  responseDelay: number | null;
  chunks: CommandChunk[];
  /** Lower-cased text for `?search=` (server, line, requester; result appended at the end). */
  searchText: string;
}

/** The progress fields of a command just created: not delivered to the agent, no result yet. */
export function notStarted(): Pick<
  CommandRecord,
  | "deliveredAt"
  | "ackedAt"
  | "handledAt"
  | "success"
  | "exitCode"
  | "result"
  | "errorPhase"
  | "elapsedTime"
  | "responseDelay"
  | "chunks"
> {
  return {
    deliveredAt: null,
    ackedAt: null,
    handledAt: null,
    success: null,
    exitCode: null,
    result: "",
    errorPhase: null,
    elapsedTime: null,
    responseDelay: null,
    chunks: [],
  };
}

export interface RunOptions {
  signal: AbortSignal;
  onOutput: (chunk: string) => void;
}

/** Executes a command's line; the default one runs it in the server's simulated shell. */
export type CommandExecutor = (
  command: CommandRecord,
  options: RunOptions,
) => Promise<{ exitCode: number; output: string }>;

/** The agent's output cap: results are middle-truncated to 1 MiB (`alpamon AuditOutputCap`). */
const RESULT_CAP = 1024 * 1024;
/** The agent cuts a chunk at 4 KiB. */
const CHUNK_SIZE = 4096;

function capResult(output: string): string {
  if (output.length <= RESULT_CAP) return output;
  const half = RESULT_CAP / 2;
  return `${output.slice(0, half)}\n... [truncated] ...\n${output.slice(-half)}`;
}

interface Pending {
  timer: NodeJS.Timeout | null;
  abort: AbortController | null;
  executor: CommandExecutor;
  done: Promise<void>;
  resolveDone: () => void;
}

/**
 * The command lifecycle of one workspace: queued → delivered → acked → running → success|failed,
 * each step after a configurable delay, the run itself in the server's simulated shell. With
 * `manual` delays nothing moves until `advance()` is called, so tests can observe each status.
 */
export class CommandStore {
  private readonly byId = new Map<string, CommandRecord>();
  private readonly order: CommandRecord[] = [];
  private readonly pending = new Map<string, Pending>();
  /**
   * Told of every command that ends, whatever the way: the agent's log records it, and event
   * subscriptions deliver `command_fin`.
   */
  onFinish: ((record: CommandRecord) => void) | null = null;
  private version = 0;
  private cacheVersion = -1;
  private cache: CommandRecord[] = [];

  constructor(
    private readonly timers: Timers,
    private readonly now: () => number,
    public delays: CommandDelays | "manual",
    private readonly serverOf: (id: string) => ServerRecord | undefined,
  ) {}

  get(id: string): CommandRecord | undefined {
    return this.byId.get(id);
  }

  /** All commands, oldest first (callers sort). Cached until the next change. */
  all(): readonly CommandRecord[] {
    if (this.cacheVersion !== this.version) {
      this.cache = this.order.slice();
      this.cacheVersion = this.version;
    }
    return this.cache;
  }

  /** Adds a command and starts its lifecycle. */
  create(record: CommandRecord, executor: CommandExecutor, start = true): CommandRecord {
    this.byId.set(record.id, record);
    this.order.push(record);
    this.version++;
    let resolveDone: () => void = () => {};
    const done = new Promise<void>((resolve) => {
      resolveDone = resolve;
    });
    this.pending.set(record.id, { timer: null, abort: null, executor, done, resolveDone });
    if (start) this.schedule(record);
    return record;
  }

  /** Starts the lifecycle of a command created with `start = false` (webftp triggers). */
  start(id: string): void {
    const record = this.byId.get(id);
    if (record && record.status === "queued") this.schedule(record);
  }

  isTerminal(record: CommandRecord): boolean {
    return TERMINAL.has(record.status);
  }

  /** Resolves when the command reaches a terminal status. */
  whenDone(id: string): Promise<void> {
    return this.pending.get(id)?.done ?? Promise.resolve();
  }

  /** Cancels a command that was not delivered yet; false when it is too late. */
  cancel(id: string): boolean {
    const record = this.byId.get(id);
    if (!record) return false;
    if (record.status !== "queued" && record.status !== "scheduled") return false;
    const p = this.pending.get(id);
    this.timers.clear(p?.timer);
    this.finish(record, { status: "cancelled", success: false, exitCode: null, result: "" });
    return true;
  }

  /** Agent endpoint `ack/`: marks the command acknowledged. */
  ack(record: CommandRecord): void {
    const now = this.now();
    record.deliveredAt ??= now;
    record.ackedAt = now;
    record.responseDelay = (now - record.deliveredAt) / 1000;
    record.status = "acked";
    this.version++;
  }

  /** Agent endpoint `fin/`: records the agent's result and ends the command. */
  fin(
    record: CommandRecord,
    result: {
      success: boolean;
      result: string;
      exitCode: number | null;
      elapsedTime: number | null;
    },
  ): void {
    const p = this.pending.get(record.id);
    this.timers.clear(p?.timer);
    p?.abort?.abort();
    this.finish(record, {
      status: result.success ? "success" : "failed",
      success: result.success,
      exitCode: result.exitCode ?? (result.success ? 0 : 1),
      result: result.result,
      elapsedTime: result.elapsedTime,
    });
  }

  /** Marks a server's undelivered or unfinished commands stuck (the server went away). */
  strandServer(serverId: string): void {
    for (const record of this.order) {
      if (record.serverId !== serverId || this.isTerminal(record)) continue;
      const p = this.pending.get(record.id);
      this.timers.clear(p?.timer);
      p?.abort?.abort();
      this.finish(record, {
        status: "stuck",
        success: false,
        exitCode: null,
        result: "",
        errorPhase: record.ackedAt === null ? "agent_disconnected" : "agent_timeout",
      });
    }
  }

  /**
   * Manual mode: moves every unfinished command (or only `id`) one step forward and resolves
   * when that step is done (for the run step: when the shell finished).
   */
  async advance(id?: string): Promise<void> {
    const targets =
      id === undefined ? this.order.filter((r) => !this.isTerminal(r)) : [this.byId.get(id)];
    await Promise.all(targets.map((r) => (r && !this.isTerminal(r) ? this.step(r) : undefined)));
  }

  /** Resolves when every command that exists now has finished. */
  async settle(): Promise<void> {
    await Promise.all(this.order.map((r) => this.whenDone(r.id)));
  }

  close(): void {
    for (const p of this.pending.values()) {
      this.timers.clear(p.timer);
      p.abort?.abort();
      p.resolveDone();
    }
  }

  private schedule(record: CommandRecord): void {
    if (this.delays === "manual") return;
    const p = this.pending.get(record.id);
    if (!p || p.timer !== null || this.isTerminal(record)) return;
    const delays = this.delays;
    let wait: number;
    switch (record.status) {
      case "scheduled":
        wait = Math.max(0, record.scheduledAt - this.now());
        break;
      case "queued":
        wait = delays.delivered;
        break;
      case "delivered":
        wait = delays.acked;
        break;
      case "acked":
        wait = delays.running;
        break;
      default:
        return;
    }
    p.timer = this.timers.set(() => {
      p.timer = null;
      void this.step(record).then(() => this.schedule(record));
    }, wait);
  }

  private async step(record: CommandRecord): Promise<void> {
    const now = this.now();
    switch (record.status) {
      case "scheduled":
        record.status = "queued";
        break;
      case "queued": {
        const server = this.serverOf(record.serverId);
        if (!server?.isConnected) return; // waits until the agent is back
        if (!this.dependenciesDone(record)) return;
        if (this.dependencyFailed(record)) {
          this.finish(record, {
            status: "failed",
            success: false,
            exitCode: 1,
            result: "A command this one runs after has failed.",
          });
          return;
        }
        record.deliveredAt = now;
        record.status = "delivered";
        break;
      }
      case "delivered":
        this.ack(record);
        break;
      case "acked":
        await this.run(record);
        return;
      default:
        return;
    }
    this.version++;
  }

  private dependenciesDone(record: CommandRecord): boolean {
    return record.runAfter.every((id) => {
      const dep = this.byId.get(id);
      return !dep || this.isTerminal(dep);
    });
  }

  private dependencyFailed(record: CommandRecord): boolean {
    return record.runAfter.some((id) => {
      const dep = this.byId.get(id);
      return dep !== undefined && dep.status !== "success";
    });
  }

  private async run(record: CommandRecord): Promise<void> {
    const p = this.pending.get(record.id);
    if (!p) return;
    record.status = "running";
    this.version++;
    const started = this.now();
    const abort = new AbortController();
    p.abort = abort;
    let pendingChunk = "";
    const flush = () => {
      while (pendingChunk.length > 0) {
        record.chunks.push({
          seq: record.chunks.length,
          content: pendingChunk.slice(0, CHUNK_SIZE),
        });
        pendingChunk = pendingChunk.slice(CHUNK_SIZE);
      }
    };
    let outcome: { exitCode: number; output: string };
    try {
      outcome = await p.executor(record, {
        signal: abort.signal,
        onOutput: (chunk) => {
          pendingChunk += chunk;
          if (pendingChunk.length >= CHUNK_SIZE) flush();
        },
      });
    } catch (err) {
      outcome = { exitCode: 1, output: `${(err as Error).message}\n` };
    }
    if (this.isTerminal(record)) return; // finished by fin/ or the server going away
    if (pendingChunk === "" && record.chunks.length === 0 && outcome.output !== "") {
      pendingChunk = outcome.output;
    }
    flush();
    this.finish(record, {
      status: outcome.exitCode === 0 ? "success" : "failed",
      success: outcome.exitCode === 0,
      exitCode: outcome.exitCode,
      result: capResult(outcome.output),
      elapsedTime: (this.now() - started) / 1000,
    });
  }

  private finish(
    record: CommandRecord,
    fields: {
      status: CommandStatus;
      success: boolean;
      exitCode: number | null;
      result: string;
      elapsedTime?: number | null;
      errorPhase?: string;
    },
  ): void {
    record.status = fields.status;
    record.success = fields.success;
    record.exitCode = fields.exitCode;
    record.result = fields.result;
    record.errorPhase = fields.errorPhase ?? null;
    if (fields.elapsedTime !== undefined) record.elapsedTime = fields.elapsedTime;
    record.handledAt = this.now();
    record.searchText += ` ${fields.result.slice(0, 4096).toLowerCase()}`;
    this.version++;
    this.onFinish?.(record);
    const p = this.pending.get(record.id);
    if (p) {
      p.abort = null;
      p.resolveDone();
    }
  }
}
