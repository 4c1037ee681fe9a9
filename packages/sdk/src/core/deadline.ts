import { BufferedResponse, isBuffered } from "./buffered-response.js";

// Registry symbols, so both hold across the separate CommonJS bundles of the entry points.
const DEADLINE_MS = Symbol.for("@alpacon/sdk/deadline-ms");
const DEADLINE_EXCEEDED = Symbol.for("@alpacon/sdk/deadline-exceeded");

/**
 * A protocol between the transport and a fetch that enforces a request's deadline itself
 * (nodeApiFetch): the transport then hands over the caller's signal as is, instead of making an
 * AbortController, a listener on the caller's signal and a timer of its own for every request.
 * Such a fetch resolves once the whole body is read, and rejects with deadlineExceeded() when
 * the deadline passes first.
 */
export interface DeadlineInit extends RequestInit {
  [DEADLINE_MS]?: number;
}

/** Marks `fetch` as one that reads the deadline from its init (see DeadlineInit). */
export function enforcesDeadline<F extends typeof globalThis.fetch>(fetch: F): F {
  return Object.assign(fetch, { [DEADLINE_MS]: true });
}

export function takesDeadline(fetch: typeof globalThis.fetch): boolean {
  return (fetch as unknown as Record<typeof DEADLINE_MS, unknown>)[DEADLINE_MS] === true;
}

export function withDeadline(init: RequestInit, ms: number): DeadlineInit {
  return Object.assign(init, { [DEADLINE_MS]: ms });
}

export function deadlineOf(init: RequestInit): number | undefined {
  return (init as DeadlineInit)[DEADLINE_MS];
}

/** The rejection of a fetch whose deadline passed; the transport turns it into a TimeoutError. */
export function deadlineExceeded(ms: number): Error {
  return Object.assign(new Error(`no complete answer within ${ms} ms`), {
    [DEADLINE_EXCEEDED]: true,
  });
}

export function isDeadlineExceeded(error: unknown): boolean {
  return (error as Record<typeof DEADLINE_EXCEEDED, unknown> | null)?.[DEADLINE_EXCEEDED] === true;
}

/**
 * The deadline for a fetch that does not take one: one signal for both the deadline and the
 * caller's (cheaper per request than AbortSignal.timeout + AbortSignal.any). The body is read
 * within the deadline, so a stalled body times out too.
 */
export async function fetchWithTimer(
  fetch: typeof globalThis.fetch,
  url: string | URL | Request,
  init: RequestInit,
  timeoutMs: number,
): Promise<Response> {
  const userSignal = init.signal ?? undefined;
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const onAbort = () => controller.abort(userSignal?.reason);
  if (userSignal?.aborted) onAbort();
  else userSignal?.addEventListener("abort", onAbort, { once: true });
  try {
    const response = await fetch(url, { ...init, signal: controller.signal });
    if (isBuffered(response)) return response;
    return new BufferedResponse(new Uint8Array(await response.arrayBuffer()), response);
  } catch (error) {
    throw timedOut && !userSignal?.aborted ? deadlineExceeded(timeoutMs) : error;
  } finally {
    clearTimeout(timer);
    userSignal?.removeEventListener("abort", onAbort);
  }
}
