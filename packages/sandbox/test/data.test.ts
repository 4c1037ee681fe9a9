import { describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../src/index.js";
import { contractFetch } from "./helpers/contract.js";
import { readJson } from "./helpers/sandbox.js";

const NOW = Date.parse("2026-03-02T09:30:00Z");

async function snapshot(sb: Sandbox) {
  const ws = sb.workspaces[0]!;
  const headers = { Authorization: `token="${ws.tokens.admin}"` };
  const get = async (path: string) =>
    readJson(await contractFetch(`${ws.baseUrl}${path}`, { headers }));
  const servers = await get("/api/servers/servers/?page_size=100");
  const first = servers.results[0].id;
  return {
    tokens: ws.tokens,
    servers,
    users: await get(`/api/proc/users/?server=${first}&page_size=100`),
    packages: await get(`/api/proc/packages/?server=${first}&page_size=100`),
    cpu: await get(
      `/api/metrics/realtime/cpu/?server=${first}&start=2026-03-01T00:00:00Z&end=2026-03-02T00:00:00Z`,
    ),
    events: await get("/api/events/events/?page_size=50"),
    iam: await get("/api/iam/users/?page_size=100"),
  };
}

describe("generated data", () => {
  it("is the same for the same seed, and differs for another seed", async () => {
    const a = await startSandbox({ seed: 11, servers: 30, now: () => NOW });
    const b = await startSandbox({ seed: 11, servers: 30, now: () => NOW });
    const c = await startSandbox({ seed: 12, servers: 30, now: () => NOW });
    try {
      const [sa, sb, sc] = await Promise.all([snapshot(a), snapshot(b), snapshot(c)]);
      expect(sb).toEqual(sa);
      expect(sc.servers.results[0].id).not.toBe(sa.servers.results[0].id);
      expect(sc.tokens.admin).not.toBe(sa.tokens.admin);
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });

  it("has a varied fleet: several OSes, statuses, hot servers", async () => {
    const sb = await startSandbox({ seed: 1, servers: 200 });
    try {
      const servers = sb.control.workspace("ap1", "acme").servers() as {
        os_name: string;
        status: { code: string };
        is_connected: boolean;
      }[];
      const oses = new Set(servers.map((s) => s.os_name));
      for (const os of ["Ubuntu", "Debian", "RHEL", "Amazon Linux", "Windows"])
        expect(oses).toContain(os);
      const codes = new Set(servers.map((s) => s.status.code));
      expect([...codes].sort()).toEqual(["error", "ok", "warn"]);
      expect(servers.some((s) => !s.is_connected)).toBe(true);
      const ws = sb.workspaces[0]!;
      const top = await readJson(
        await contractFetch(`${ws.baseUrl}/api/metrics/realtime/cpu/top/`, {
          headers: { Authorization: `token="${ws.tokens.admin}"` },
        }),
      );
      expect(top[0].value).toBeGreaterThan(80);
    } finally {
      await sb.close();
    }
  });

  it("metrics have a daily shape: afternoon busier than night on average", async () => {
    const sb = await startSandbox({ seed: 2, servers: 40, now: () => NOW });
    try {
      const ws = sb.workspaces[0]!;
      const headers = { Authorization: `token="${ws.tokens.admin}"` };
      const servers = (
        sb.control.workspace("ap1", "acme").servers() as { id: string; is_connected: boolean }[]
      ).filter((s) => s.is_connected);
      let day = 0;
      let night = 0;
      for (const s of servers.slice(0, 15)) {
        const pts = (await readJson(
          await contractFetch(
            `${ws.baseUrl}/api/metrics/realtime/cpu/?server=${s.id}&start=2026-03-01T00:00:00Z&end=2026-03-02T00:00:00Z`,
            {
              headers,
            },
          ),
        )) as { timestamp: string; usage: number }[];
        for (const p of pts) {
          const hour = new Date(p.timestamp).getUTCHours();
          if (hour >= 12 && hour < 16) day += p.usage;
          if (hour >= 0 && hour < 4) night += p.usage;
        }
      }
      expect(day).toBeGreaterThan(night);
    } finally {
      await sb.close();
    }
  });
});

describe("scale", () => {
  it("serves a 1,000-server fleet: count, page 67, search", async () => {
    const sb = await startSandbox({
      servers: 1000,
      workspaces: [{ region: "ap1", workspace: "big" }],
    });
    try {
      const ws = sb.workspaces[0]!;
      const headers = { Authorization: `token="${ws.tokens.admin}"` };
      const get = async (path: string) => contractFetch(`${ws.baseUrl}${path}`, { headers });
      const first = await readJson(await get("/api/servers/servers/"));
      expect(first.count).toBe(1000);
      expect(first.last).toBe(67);
      const last = await readJson(await get("/api/servers/servers/?page=67"));
      expect(last.results).toHaveLength(10);
      expect((await get("/api/servers/servers/?page=68")).status).toBe(404);
      const worker = await readJson(
        await get("/api/servers/servers/?search=worker-1&page_size=100"),
      );
      expect(worker.count).toBeGreaterThan(0);
      // Many requests in a row stay correct (sorted views are cached between writes).
      const pages = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          get(`/api/servers/servers/?page=${i + 1}&ordering=-load`).then(readJson),
        ),
      );
      expect(new Set(pages.flatMap((p) => p.results.map((s: { id: string }) => s.id))).size).toBe(
        300,
      );
    } finally {
      await sb.close();
    }
  });

  it("starts with 10,000 servers per workspace", async () => {
    const sb = await startSandbox({
      servers: 10_000,
      workspaces: [{ region: "us1", workspace: "huge" }],
    });
    try {
      const ws = sb.workspaces[0]!;
      const res = await contractFetch(`${ws.baseUrl}/api/servers/servers/?page=667`, {
        headers: { Authorization: `token="${ws.tokens.admin}"` },
      });
      const body = await readJson(res);
      expect(body.count).toBe(10_000);
      expect(body.results).toHaveLength(10);
    } finally {
      await sb.close();
    }
  });
});

describe("workspace isolation", () => {
  it("each workspace has its own data, tokens and base path", async () => {
    const sb = await startSandbox({ servers: 5 });
    try {
      const [acme, globex] = sb.workspaces as [
        (typeof sb.workspaces)[0],
        (typeof sb.workspaces)[0],
      ];
      expect(acme.baseUrl).toMatch(/\/ap1\/acme$/);
      expect(globex.baseUrl).toMatch(/\/us1\/globex$/);
      const list = async (w: typeof acme) =>
        (await readJson(
          await contractFetch(`${w.baseUrl}/api/servers/servers/`, {
            headers: { Authorization: `token="${w.tokens.admin}"` },
          }),
        )) as {
          results: { id: string }[];
        };
      const a = await list(acme);
      const g = await list(globex);
      const aIds = new Set(a.results.map((s) => s.id));
      expect(g.results.some((s) => aIds.has(s.id))).toBe(false);
      // A server id of one workspace does not exist in the other.
      const res = await contractFetch(
        `${globex.baseUrl}/api/servers/servers/${a.results[0]!.id}/`,
        {
          headers: { Authorization: `token="${globex.tokens.admin}"` },
        },
      );
      expect(res.status).toBe(404);
      // A note written in one workspace is not visible in the other.
      await contractFetch(`${acme.baseUrl}/api/servers/notes/`, {
        method: "POST",
        headers: {
          Authorization: `token="${acme.tokens.admin}"`,
          "Content-Type": "application/json",
        },
        body: JSON.stringify({ server: a.results[0]!.id, content: "acme only" }),
      });
      const notes = await readJson(
        await contractFetch(`${globex.baseUrl}/api/servers/notes/?search=acme%20only`, {
          headers: { Authorization: `token="${globex.tokens.admin}"` },
        }),
      );
      expect(notes.count).toBe(0);
    } finally {
      await sb.close();
    }
  });

  it("refuses non-loopback hosts and bad workspace names", async () => {
    await expect(startSandbox({ host: "0.0.0.0" })).rejects.toThrow(/127\.0\.0\.1/);
    await expect(
      startSandbox({ workspaces: [{ region: "ap1", workspace: "bad name" }] }),
    ).rejects.toThrow();
  });
});
