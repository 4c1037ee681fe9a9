import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { startSandbox } from "../src/index.js";
import { contractFetch } from "./helpers/contract.js";
import { useSandbox } from "./helpers/sandbox.js";

const h = useSandbox({ servers: 3 });

describe("request journal", () => {
  it("records a POST exactly once, with the body digest, status and outcome", async () => {
    const api = h.api();
    const server = (await api.get("/api/servers/servers/")).body.results[0];
    h.sandbox.control.clearJournal();
    const body = { server: server.id, content: "journal me" };
    const res = await api.post("/api/servers/notes/", body);
    expect(res.status).toBe(201);
    const posts = h.sandbox.control.journal({ method: "POST", path: "/api/servers/notes/" });
    expect(posts).toHaveLength(1);
    expect(posts[0]).toMatchObject({
      method: "POST",
      workspace: "ap1/acme",
      path: "/api/servers/notes/",
      status: 201,
      outcome: "ok",
      credential: "admin",
      bodyDigest: createHash("sha256").update(JSON.stringify(body)).digest("hex"),
    });
    expect(posts[0]!.durationMs).toBeGreaterThanOrEqual(0);
    expect(Date.parse(posts[0]!.time)).not.toBeNaN();
  });

  it("filters by workspace, path RegExp, outcome and sequence", async () => {
    const api = h.api();
    h.sandbox.control.clearJournal();
    await api.get("/api/status/");
    await api.get("/api/servers/servers/?page=1");
    await h.api(1).get("/api/status/");
    const control = h.sandbox.control;
    expect(control.journal({ workspace: "us1/globex" })).toHaveLength(1);
    const servers = control.journal({ path: /^\/api\/servers\// });
    expect(servers).toHaveLength(1);
    expect(servers[0]!.query).toBe("page=1");
    const first = control.journal()[0]!;
    expect(control.journal({ sinceSeq: first.seq })).toHaveLength(2);
    expect(control.journal({ method: "GET", outcome: "ok" })).toHaveLength(3);
  });

  it("is a bounded ring buffer", async () => {
    const sb = await startSandbox({ servers: 1, journalSize: 5 });
    try {
      const ws = sb.workspaces[0]!;
      for (let i = 0; i < 12; i++) {
        await (
          await contractFetch(`${ws.baseUrl}/api/status/?n=${i}`, {
            headers: { Authorization: `token="${ws.tokens.admin}"` },
          })
        ).text();
      }
      const entries = sb.control.journal();
      expect(entries).toHaveLength(5);
      expect(entries.map((e) => e.query)).toEqual(["n=7", "n=8", "n=9", "n=10", "n=11"]);
      sb.control.clearJournal();
      expect(sb.control.journal()).toHaveLength(0);
    } finally {
      await sb.close();
    }
  });
});
