import type { Command, CommandCreated, Commands } from "../resources/commands.js";

/**
 * Finding the command a create request made when its answer was lost. The Command API has no
 * idempotency key, so "a command with the same line on that server" is not proof: an identical
 * command from a minute ago, or one a parallel call is creating right now, looks the same. A
 * command is taken as ours only when all of these hold:
 * - it was added after a snapshot of the newest command taken when the run began, and after
 *   every create answer this run had before our request went out (both on the API's clock);
 * - it is the token's own user's, on the same server, with the same line, shell and run-as user;
 * - it is the only such command, and the lookup reaches back past that point;
 * - no other create with the same signature was in flight in this process meanwhile.
 * Anything else stays "may have run".
 */

/** The API's clock before the run's first create: the newest command then visible. */
export interface Snapshot {
  /** `added_at` of the newest command (ms), or -Infinity when there was none. */
  newest: number;
  /** `performance.now()` when the snapshot request was sent. */
  sentAt: number;
}

/** Starts the snapshot; it runs beside the first creates (see README: only recovery depends on it winning). */
export function takeSnapshot(
  commands: Commands,
  signal: AbortSignal | undefined,
): Promise<Snapshot | undefined> {
  const sentAt = performance.now();
  return commands.list({ ordering: "-added_at", page_size: 1 }, { signal, maxRetries: 1 }).then(
    (page) => {
      const newest = page.results[0] ? addedAt(page.results[0]) : -Infinity;
      // An unreadable time cannot bound anything: no snapshot, no recovery.
      return page.results[0] && newest === -Infinity ? undefined : { newest, sentAt };
    },
    () => undefined,
  );
}

/** One create request, from just before it is sent until its outcome is known. */
export interface Attempt {
  readonly key: string;
  /** Another create with the same signature overlapped this one in this process. */
  contended: boolean;
  /** Set when it ended without a known outcome: it keeps marking overlaps until then. */
  expiresAt?: number;
}

// A create whose answer was lost may still land late (a proxy holding it): it counts as in
// flight for this long. Lookups for runs whose snapshot is older than the memory are refused.
const LINGER_MS = 10 * 60_000;
const MEMORY_MS = 60 * 60_000;

/** The create requests of one Commands instance (one client, one token). */
export class CreateLedger {
  /** The token's user id, from a create answer or the API. */
  me: string | undefined;
  private readonly open = new Map<string, Set<Attempt>>();
  /** Signature → when a create with it last got an answer (performance.now()). */
  private readonly answered = new Map<string, number>();

  enter(key: string): Attempt {
    const now = performance.now();
    this.prune(now);
    const attempt: Attempt = { key, contended: false };
    const siblings = this.open.get(key);
    if (siblings) {
      for (const sibling of siblings) sibling.contended = true;
      attempt.contended = siblings.size > 0;
      siblings.add(attempt);
    } else {
      this.open.set(key, new Set([attempt]));
    }
    return attempt;
  }

  /** `created`: the answer named the command; `none`: nothing was created; `unknown`: lost. */
  leave(attempt: Attempt, outcome: "created" | "none" | "unknown", created?: CommandCreated) {
    const now = performance.now();
    if (outcome === "unknown") {
      attempt.expiresAt = now + LINGER_MS;
      return;
    }
    this.close(attempt);
    if (outcome === "created") {
      this.answered.set(attempt.key, now);
      const me = created ? refId(created.requested_by) : undefined;
      if (me) this.me = me;
    }
  }

  /** No create with this signature got its answer since `since`, and we still remember. */
  quietSince(key: string, since: number): boolean {
    const now = performance.now();
    if (since < now - MEMORY_MS) return false;
    const last = this.answered.get(key);
    return last === undefined || last < since;
  }

  private close(attempt: Attempt): void {
    const siblings = this.open.get(attempt.key);
    siblings?.delete(attempt);
    if (siblings?.size === 0) this.open.delete(attempt.key);
  }

  private prune(now: number): void {
    for (const siblings of this.open.values()) {
      for (const attempt of siblings) {
        if (attempt.expiresAt !== undefined && attempt.expiresAt < now) this.close(attempt);
      }
    }
    for (const [key, at] of this.answered) if (at < now - MEMORY_MS) this.answered.delete(key);
  }
}

const ledgers = new WeakMap<Commands, CreateLedger>();

export function ledgerOf(commands: Commands): CreateLedger {
  let ledger = ledgers.get(commands);
  if (!ledger) {
    ledger = new CreateLedger();
    ledgers.set(commands, ledger);
  }
  return ledger;
}

/** What makes two creates look the same to a lookup. */
export interface Signature {
  server: string;
  line: string;
  shell: string;
  username: string | undefined;
  groupname: string | undefined;
}

export function signatureKey(signature: Signature): string {
  return JSON.stringify([
    signature.server,
    signature.line,
    signature.shell,
    signature.username ?? "",
    signature.groupname ?? "",
  ]);
}

export interface Lookup {
  signature: Signature;
  attempt: Attempt;
  ledger: CreateLedger;
  snapshot: Promise<Snapshot | undefined>;
  /** The newest `added_at` among this run's create answers when the request went out. */
  answeredFloor: number;
  /** Asks the API for the token's user id (`/api/iam/users/-/`). */
  whoami: () => Promise<string>;
}

/** The command this attempt created, or undefined when that cannot be told for sure. */
export async function findOwnCommand(
  commands: Commands,
  lookup: Lookup,
): Promise<Command | undefined> {
  const { signature, attempt, ledger } = lookup;
  const snapshot = await lookup.snapshot;
  if (!snapshot || attempt.contended || !ledger.quietSince(attempt.key, snapshot.sentAt)) {
    return undefined;
  }
  const floor = Math.max(snapshot.newest, lookup.answeredFloor);
  ledger.me ??= await lookup.whoami();
  const me = ledger.me;
  const page = await commands.list(
    { server: signature.server, requested_by: me, ordering: "-added_at", page_size: 20 },
    { maxRetries: 2 },
  );
  // Checked again: a sibling may have started while we waited.
  if (attempt.contended || !ledger.quietSince(attempt.key, snapshot.sentAt)) return undefined;
  const newer = page.results.filter((command) => addedAt(command) > floor);
  // Every row is newer and there are more: commands beyond this page could match too.
  if (newer.length === page.results.length && page.next !== null) return undefined;
  const ours = newer.filter((command) => matches(command, signature, me));
  return ours.length === 1 ? ours[0] : undefined;
}

function matches(command: Command, signature: Signature, me: string): boolean {
  const fields = command as Command & { username?: unknown; groupname?: unknown };
  return (
    refId(command.server) === signature.server &&
    refId(command.requested_by) === me &&
    command.line === signature.line &&
    command.shell === signature.shell &&
    (signature.username === undefined || fields.username === signature.username) &&
    (signature.groupname === undefined || fields.groupname === signature.groupname)
  );
}

/** `added_at` in ms; a row without a readable one never counts as newer. */
export function addedAt(command: { added_at?: string | null }): number {
  const time = Date.parse(command.added_at ?? "");
  return Number.isNaN(time) ? -Infinity : time;
}

/** Foreign keys arrive as nested summaries or as bare ids, depending on the server version. */
function refId(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (value && typeof value === "object" && typeof (value as { id?: unknown }).id === "string")
    return (value as { id: string }).id;
  return undefined;
}
