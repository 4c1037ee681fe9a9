import { describe, expect, it } from "vitest";
import { backoffMs, isIdempotent, isTransient, poll, withRetries } from "../../src/core/retry.js";
import {
  AbortedError,
  ConnectionError,
  InvalidResponseError,
  NotFoundError,
  RateLimitError,
  ServerError,
  TimeoutError,
} from "../../src/index.js";

const at = { method: "GET", path: "/api/x/", body: undefined };

describe("the one definition of transient", () => {
  it("is a timeout, a broken connection, or 408/429/500/502/503/504", () => {
    expect(isTransient(new TimeoutError("GET", "/api/x/", 10))).toBe(true);
    expect(isTransient(new ConnectionError("GET", "/api/x/", "ECONNRESET"))).toBe(true);
    expect(isTransient(new ServerError({ ...at, status: 503 }))).toBe(true);
    expect(isTransient(new RateLimitError({ ...at, status: 429 }))).toBe(true);
    expect(isTransient(new ServerError({ ...at, status: 501 }))).toBe(false);
    expect(isTransient(new NotFoundError({ ...at, status: 404 }))).toBe(false);
    expect(isTransient(new AbortedError("aborted"))).toBe(false);
    expect(isTransient(new InvalidResponseError({ reason: "not JSON" }))).toBe(false);
    expect(isTransient(new Error("anything else"))).toBe(false);
  });

  it("leaves POST and PATCH out of the methods that may be sent again", () => {
    expect(["GET", "HEAD", "OPTIONS", "PUT", "DELETE"].every(isIdempotent)).toBe(true);
    expect(isIdempotent("POST")).toBe(false);
    expect(isIdempotent("PATCH")).toBe(false);
  });
});

describe("backoff", () => {
  it("doubles from 250 ms with jitter, up to 8 s", () => {
    for (let i = 0; i < 50; i++) {
      expect(backoffMs(1)).toBeGreaterThanOrEqual(250);
      expect(backoffMs(1)).toBeLessThanOrEqual(500);
      expect(backoffMs(3)).toBeGreaterThanOrEqual(1_000);
      expect(backoffMs(20)).toBeLessThanOrEqual(8_000);
    }
  });

  it("never waits less than the server's Retry-After, whatever the status, capped at a minute", () => {
    const limited = new RateLimitError({ ...at, status: 429, retryAfterMs: 3_000 });
    const unavailable = new ServerError({ ...at, status: 503, retryAfterMs: 2_000 });
    const greedy = new ServerError({ ...at, status: 503, retryAfterMs: 3_600_000 });
    expect(backoffMs(1, limited)).toBe(3_000);
    expect(backoffMs(1, unavailable)).toBe(2_000);
    expect(backoffMs(1, greedy)).toBe(60_000);
  });
});

describe("withRetries", () => {
  const transient = () => new ConnectionError("GET", "/api/x/", "ECONNRESET");

  it("sends once when no retry is allowed (what a non-idempotent request gets)", async () => {
    let attempts = 0;
    const run = withRetries(
      async () => {
        attempts++;
        throw transient();
      },
      { retries: 0 },
    );
    await expect(run).rejects.toBeInstanceOf(ConnectionError);
    expect(attempts).toBe(1);
  });

  it("retries transient failures only, and stops when canRetry says no", async () => {
    let attempts = 0;
    await expect(
      withRetries(
        async () => {
          attempts++;
          throw new NotFoundError({ ...at, status: 404 });
        },
        { retries: 3 },
      ),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(attempts).toBe(1);

    attempts = 0;
    await expect(
      withRetries(
        async () => {
          attempts++;
          throw transient();
        },
        { retries: 3, canRetry: () => attempts < 2 },
      ),
    ).rejects.toBeInstanceOf(ConnectionError);
    expect(attempts).toBe(2);
  });

  it("answers the first success, telling onRetry about each failure before it", async () => {
    const told: number[] = [];
    const answer = await withRetries(
      async (number) => {
        if (number < 2) throw transient();
        return number;
      },
      { retries: 2, onRetry: (_error, retry) => told.push(retry) },
    );
    expect(answer).toBe(2);
    expect(told).toEqual([1]);
  });
});

describe("poll", () => {
  it("reads at once, then on the schedule, until something is answered", async () => {
    const times: number[] = [];
    const started = performance.now();
    const value = await poll(
      async () => {
        times.push(performance.now() - started);
        return times.length === 4 ? "done" : undefined;
      },
      { deadline: Date.now() + 5_000 },
    );
    expect(value).toBe("done");
    expect(times[0]).toBeLessThan(20);
    // 50, 100, 200 ms between reads: 350 ms in all, give or take the timers.
    expect(times[3]! - times[0]!).toBeGreaterThanOrEqual(340);
    expect(times[3]! - times[0]!).toBeLessThan(1_000);
  });

  it("reads every 50 ms for the first half second on the proportional schedule", async () => {
    const times: number[] = [];
    const started = performance.now();
    await poll(
      async () => {
        times.push(performance.now() - started);
        return times.length === 8 ? "done" : undefined;
      },
      { deadline: Date.now() + 5_000, schedule: "proportional" },
    );
    // Seven steps of 50 ms (doubling would take 50 + 100 + 200 + 400 + 3 × 500 = 2,250 ms).
    expect(times[7]! - times[0]!).toBeGreaterThanOrEqual(340);
    expect(times[7]! - times[0]!).toBeLessThan(1_000);
  });

  it("answers undefined when the next read would pass the deadline, and rejects on abort", async () => {
    let reads = 0;
    const nothing = await poll(
      async () => {
        reads++;
        return undefined;
      },
      { deadline: Date.now() + 120 },
    );
    expect(nothing).toBeUndefined();
    expect(reads).toBeGreaterThanOrEqual(2);

    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("stop")), 30);
    await expect(
      poll(async () => undefined, { deadline: Date.now() + 5_000, signal: controller.signal }),
    ).rejects.toThrow("stop");
  });
});
