import { abortableDelay } from "./delay.js";
import { AlpaconApiError, ConnectionError, TimeoutError } from "./errors.js";

/**
 * Every retry and every poll of the SDK is decided here: which requests may be sent again,
 * which failures are worth another try, how long to wait, and how often to poll.
 */

// POST and PATCH are absent on purpose: a repeated command creation runs the command twice.
const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set([
  "GET",
  "HEAD",
  "OPTIONS",
  "PUT",
  "DELETE",
]);
const TRANSIENT_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);
const MAX_RETRY_AFTER_MS = 60_000;
const BACKOFF_START_MS = 250;
const BACKOFF_MAX_MS = 8_000;
const POLL_START_MS = 50;
const POLL_MAX_MS = 500;

/** Whether a request with this method may be sent again without asking anyone. */
export function isIdempotent(method: string): boolean {
  return IDEMPOTENT_METHODS.has(method);
}

/**
 * The one definition of a failure worth another try (of an idempotent request, or of a poll):
 * no answer in time, a broken connection, or a status saying "later".
 */
export function isTransient(error: unknown): boolean {
  if (error instanceof AlpaconApiError) return TRANSIENT_STATUSES.has(error.status);
  return error instanceof ConnectionError || error instanceof TimeoutError;
}

/** What the server asked us to wait (Retry-After, capped), when it asked. */
export function retryAfterMs(error: unknown): number | undefined {
  const asked = error instanceof AlpaconApiError ? error.retryAfterMs : undefined;
  return asked === undefined ? undefined : Math.min(asked, MAX_RETRY_AFTER_MS);
}

/**
 * The wait before retry number `retry` (1, 2, …): 250 ms doubling up to 8 s, times a random
 * factor between 1 and 2 so clients that failed together do not return together; never less
 * than the server's Retry-After.
 */
export function backoffMs(retry: number, error?: unknown): number {
  const backoff = Math.min(
    BACKOFF_MAX_MS,
    BACKOFF_START_MS * 2 ** (retry - 1) * (1 + Math.random()),
  );
  return Math.max(backoff, retryAfterMs(error) ?? 0);
}

export interface RetryOptions {
  /** Retries after the first attempt; 0 sends once. Pass 0 for anything not idempotent. */
  retries: number;
  signal?: AbortSignal | undefined;
  /** Asked after a transient failure; false ends the attempts (bytes already reached a caller). */
  canRetry?: (() => boolean) | undefined;
  /** Told before each wait, for logging. */
  onRetry?: ((error: unknown, retry: number) => void) | undefined;
}

/**
 * Runs `attempt` until it succeeds, fails with a non-transient error, or `retries` run out.
 * The first attempt costs nothing extra: no set-up happens unless it fails. The backoff timer
 * is not unref'd: a script whose only pending work is a retry must stay alive for it.
 */
export async function withRetries<T>(
  attempt: (number: number) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  for (let number = 1; ; number++) {
    try {
      return await attempt(number);
    } catch (error) {
      const again =
        number <= options.retries &&
        !options.signal?.aborted &&
        isTransient(error) &&
        (options.canRetry?.() ?? true);
      if (!again) throw error;
      options.onRetry?.(error, number);
      await abortableDelay(backoffMs(number, error), options.signal);
    }
  }
}

/** How often a job's status is read: see pollDelayMs. */
export type PollSchedule = "doubling" | "proportional";

/**
 * When to read a job's status next: at once (a quick job is often done by the time it is
 * created), then
 * - `doubling` (commands, of which a fleet run polls many at a time): 50 ms doubling to 500 ms;
 * - `proportional` (a file transfer, one job someone waits on, whose time grows with its size):
 *   a tenth of the time waited so far, from 50 ms to 500 ms, so a finished transfer is noticed
 *   within a tenth of its time instead of up to a whole 500 ms step later.
 * A status read is cheap; a coarser step adds idle time to a job that finished meanwhile.
 */
function pollDelayMs(read: number, waitedMs: number, schedule: PollSchedule): number {
  if (read === 0) return 0;
  const step =
    schedule === "doubling"
      ? POLL_START_MS * 2 ** (read - 1)
      : Math.max(POLL_START_MS, waitedMs / 10);
  return Math.min(POLL_MAX_MS, step);
}

/**
 * Calls `read` on the polling schedule until it answers something; undefined once the next
 * read would come after `deadline` (a Date.now() time). Rejects with the signal's reason when
 * it aborts during a wait.
 */
export async function poll<T>(
  read: () => Promise<T | undefined>,
  options: {
    deadline: number;
    signal?: AbortSignal | undefined;
    schedule?: PollSchedule | undefined;
  },
): Promise<T | undefined> {
  const started = Date.now();
  for (let number = 0; ; number++) {
    const wait = pollDelayMs(number, Date.now() - started, options.schedule ?? "doubling");
    if (Date.now() + wait > options.deadline) return undefined;
    if (wait > 0) await abortableDelay(wait, options.signal);
    const value = await read();
    if (value !== undefined) return value;
  }
}
