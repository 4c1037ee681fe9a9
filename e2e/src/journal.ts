import type { JournalEntry } from "@alpacon/sandbox";

const NON_IDEMPOTENT = new Set(["POST", "PATCH"]);

/**
 * Whether the application behind the faults saw the request: every fault but `truncate` acts
 * before it (as the network or a proxy would); `truncate` cuts a real, processed answer short.
 */
export function processed(entry: JournalEntry): boolean {
  return !entry.outcome.startsWith("fault:") || entry.outcome === "fault:truncate";
}

/**
 * Non-idempotent requests (POST, PATCH) the application processed more than once, grouped by
 * path and body digest. Must be empty: resending one could run a command twice.
 */
export function writesProcessedTwice(entries: readonly JournalEntry[]): string[] {
  const seen = new Map<string, number>();
  for (const entry of entries) {
    if (!NON_IDEMPOTENT.has(entry.method) || !processed(entry)) continue;
    const key = `${entry.method} ${entry.path} ${entry.bodyDigest ?? "-"}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  return [...seen].filter(([, count]) => count > 1).map(([key, count]) => `${key} ×${count}`);
}

/** Non-idempotent requests sent more than once (processed or not), by path and body digest. */
export function writesSentTwice(entries: readonly JournalEntry[]): string[] {
  const seen = new Map<string, number>();
  for (const entry of entries) {
    if (!NON_IDEMPOTENT.has(entry.method)) continue;
    const key = `${entry.method} ${entry.path} ${entry.bodyDigest ?? "-"}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  return [...seen].filter(([, count]) => count > 1).map(([key, count]) => `${key} ×${count}`);
}

/** Milliseconds between consecutive entries' arrival. */
export function gaps(entries: readonly JournalEntry[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < entries.length; i++) {
    out.push(Date.parse(entries[i]!.time) - Date.parse(entries[i - 1]!.time));
  }
  return out;
}
