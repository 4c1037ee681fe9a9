import { afterEach, describe, expect, it } from "vitest";
import { startSandbox } from "../src/index.js";
import { readJson, useSandbox } from "./helpers/sandbox.js";

const h = useSandbox({ servers: 5 });

const url = (path = "/api/servers/servers/") => `${h.sandbox.workspaces[0]!.baseUrl}${path}`;
const auth = () => ({ Authorization: `token="${h.sandbox.workspaces[0]!.tokens.admin}"` });
const get = (path?: string, init: RequestInit = {}) =>
  fetch(url(path), { headers: auth(), ...init });

afterEach(() => {
  h.sandbox.control.clearFaults();
});

describe("fault injection, as a real client sees it", () => {
  it("latency: fixed + jitter, recorded in the journal", async () => {
    h.sandbox.control.addFault({ kind: "latency", ms: 80, jitter: 20, path: "/api/status/" });
    const started = performance.now();
    const res = await get("/api/status/");
    expect(res.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(75);
    const entry = h.sandbox.control.journal({ path: "/api/status/" }).at(-1)!;
    expect(entry.delayedMs).toBeGreaterThanOrEqual(80);
    expect(entry.delayedMs).toBeLessThanOrEqual(100);
    expect(entry.outcome).toBe("ok");
  });

  it("error 429 carries Retry-After and DRF's throttling text", async () => {
    h.sandbox.control.addFault({ kind: "error", status: 429, retryAfter: 7 });
    const res = await get();
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("7");
    expect(await readJson(res)).toEqual({
      detail: "Request was throttled. Expected available in 7 seconds.",
    });
    expect(h.sandbox.control.journal().at(-1)!.outcome).toBe("fault:error");
  });

  it("error 500 / 503 are JSON, 502 is the proxy's HTML page", async () => {
    for (const status of [500, 502, 503]) {
      h.sandbox.control.setFaults([{ kind: "error", status }]);
      const res = await get();
      expect(res.status).toBe(status);
      const type = res.headers.get("content-type");
      if (status === 502) {
        expect(type).toBe("text/html");
        expect(await res.text()).toContain("502 Bad Gateway");
      } else {
        expect(type).toBe("application/json");
        expect((await readJson(res)).detail).toBeTypeOf("string");
      }
    }
  });

  it("reset: the connection is destroyed, fetch rejects", async () => {
    h.sandbox.control.addFault({ kind: "reset", times: 1 });
    await expect(get()).rejects.toThrow(TypeError);
    // `times: 1`: the next request is normal again.
    expect((await get()).status).toBe(200);
    expect(h.sandbox.control.journal({ outcome: "fault:reset" })).toHaveLength(1);
  });

  it("truncate: Content-Length promises more than arrives, reading the body fails", async () => {
    h.sandbox.control.addFault({ kind: "truncate", path: "/api/servers/servers/" });
    const res = await get();
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
  });

  it("stall: no answer until the client gives up", async () => {
    h.sandbox.control.addFault({ kind: "stall", path: "/api/status/" });
    await expect(get("/api/status/", { signal: AbortSignal.timeout(150) })).rejects.toThrow(
      /timeout|aborted/i,
    );
  });

  it("matches on path glob, method and workspace; rate and times", async () => {
    const control = h.sandbox.control;
    control.addFault({
      kind: "error",
      status: 503,
      path: "/api/servers/*",
      method: "GET",
      workspace: "ap1/acme",
    });
    expect((await get()).status).toBe(503);
    expect((await get("/api/status/")).status).toBe(200);
    const other = h.sandbox.workspaces[1]!;
    const globex = await fetch(`${other.baseUrl}/api/servers/servers/`, {
      headers: { Authorization: `token="${other.tokens.admin}"` },
    });
    expect(globex.status).toBe(200);
    control.clearFaults();
    control.addFault({ kind: "error", status: 500, rate: 0 });
    expect((await get()).status).toBe(200);
  });

  it("probabilistic faults are deterministic for a seed", async () => {
    const sequence = async (): Promise<number[]> => {
      const sb = await startSandbox({
        servers: 1,
        seed: 42,
        faults: [{ kind: "error", status: 500, rate: 0.5 }],
      });
      try {
        const ws = sb.workspaces[0]!;
        const out: number[] = [];
        for (let i = 0; i < 24; i++) {
          const res = await fetch(`${ws.baseUrl}/api/status/`, {
            headers: { Authorization: `token="${ws.tokens.admin}"` },
          });
          await res.arrayBuffer();
          out.push(res.status);
        }
        return out;
      } finally {
        await sb.close();
      }
    };
    const a = await sequence();
    expect(a).toContain(500);
    expect(a).toContain(200);
    expect(await sequence()).toEqual(a);
  });

  it("ws-drop is stored for the WebSocket side", () => {
    const id = h.sandbox.control.addFault({ kind: "ws-drop", afterFrames: 3, path: "/ws/websh/*" });
    expect(h.sandbox.control.faults()).toEqual([
      expect.objectContaining({ id, kind: "ws-drop", afterFrames: 3 }),
    ]);
  });

  it("latency from options applies to every request", async () => {
    const sb = await startSandbox({ servers: 1, latency: { ms: 40 } });
    try {
      const ws = sb.workspaces[0]!;
      const started = performance.now();
      await fetch(`${ws.baseUrl}/api/status/`, {
        headers: { Authorization: `token="${ws.tokens.admin}"` },
      });
      expect(performance.now() - started).toBeGreaterThanOrEqual(38);
    } finally {
      await sb.close();
    }
  });

  it("rejects invalid rules", () => {
    expect(() => h.sandbox.control.addFault({ kind: "error", status: 200 })).toThrow();
    expect(() => h.sandbox.control.addFault({ kind: "error", rate: 2 })).toThrow();
  });
});

describe("faults on large bodies", () => {
  const big = useSandbox();

  it("answers a faulted storage-sized PUT with the fault, not with 413", async () => {
    const ws = big.sandbox.workspaces[0]!;
    big.sandbox.control.addFault({
      kind: "error",
      status: 503,
      path: "/api/servers/notes/",
      times: 1,
    });
    const body = new Uint8Array(8 * 1024 * 1024);
    const res = await fetch(`${ws.baseUrl}/api/servers/notes/`, {
      method: "POST",
      headers: { Authorization: `token="${ws.tokens.admin}"`, "Content-Type": "application/json" },
      body,
    });
    expect(res.status).toBe(503);
    await res.body?.cancel();
    const [entry] = big.sandbox.control.journal({ method: "POST" });
    expect(entry?.outcome).toBe("fault:error");
    expect(entry?.bodyDigest).toMatch(/^[0-9a-f]{64}$/);
  });
});
