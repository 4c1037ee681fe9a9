export type JournalOutcome = "ok" | "error" | `fault:${string}`;

/** One request as the sandbox saw it. */
export interface JournalEntry {
  /** Arrival order, from 1. */
  seq: number;
  /** Arrival time, ISO 8601. */
  time: string;
  method: string;
  /** `region/workspace` the request was addressed to, or null (control, unknown prefix). */
  workspace: string | null;
  /** Path relative to the workspace base (`/api/servers/servers/`), or the full path. */
  path: string;
  /** Raw query string without `?` ("" when none). */
  query: string;
  /** sha256 (hex) of the request body, or null when there was none. */
  bodyDigest: string | null;
  /** HTTP status sent, or 0 when no response was sent (reset, stall). */
  status: number;
  outcome: JournalOutcome;
  /** Time from arrival to the response (or to the fault), in ms. */
  durationMs: number;
  /** Injected latency included in `durationMs`, in ms. */
  delayedMs: number;
  /** Which credential was used (`admin`, `readOnly`, `jwt`, `agent`, …), if any was valid. */
  credential: string | null;
}

export interface JournalFilter {
  method?: string;
  /** Exact workspace-relative path, or a RegExp tested against it. */
  path?: string | RegExp;
  workspace?: string;
  outcome?: JournalOutcome;
  /** Only entries with `seq` greater than this. */
  sinceSeq?: number;
}

/**
 * A fixed-size ring buffer of requests, so a benchmark of millions of requests keeps memory flat.
 */
export class Journal {
  private readonly entries: (JournalEntry | undefined)[];
  private head = 0;
  private size = 0;
  private seq = 0;

  constructor(readonly capacity = 100_000) {
    this.entries = new Array(Math.max(1, capacity));
  }

  nextSeq(): number {
    return ++this.seq;
  }

  record(entry: JournalEntry): void {
    this.entries[this.head] = entry;
    this.head = (this.head + 1) % this.entries.length;
    if (this.size < this.entries.length) this.size++;
  }

  /** Entries in recording order (oldest first), optionally filtered. */
  list(filter: JournalFilter = {}): JournalEntry[] {
    const out: JournalEntry[] = [];
    const start = (this.head - this.size + this.entries.length) % this.entries.length;
    for (let i = 0; i < this.size; i++) {
      const e = this.entries[(start + i) % this.entries.length] as JournalEntry;
      if (filter.method !== undefined && e.method !== filter.method.toUpperCase()) continue;
      if (filter.workspace !== undefined && e.workspace !== filter.workspace) continue;
      if (filter.outcome !== undefined && e.outcome !== filter.outcome) continue;
      if (filter.sinceSeq !== undefined && e.seq <= filter.sinceSeq) continue;
      if (filter.path !== undefined) {
        if (typeof filter.path === "string" ? e.path !== filter.path : !filter.path.test(e.path))
          continue;
      }
      out.push(e);
    }
    return out;
  }

  clear(): void {
    this.entries.fill(undefined);
    this.head = 0;
    this.size = 0;
  }

  get length(): number {
    return this.size;
  }
}
