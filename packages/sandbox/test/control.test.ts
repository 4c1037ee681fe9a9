import { describe, expect, it } from "vitest";
import { startSandbox } from "../src/index.js";
import { readJson, useSandbox } from "./helpers/sandbox.js";

const h = useSandbox({ servers: 4, controlToken: "test-control-token" });

const control = (path: string, init: RequestInit = {}, token = "test-control-token") =>
  fetch(`${h.sandbox.url}/_sandbox${path}`, {
    ...init,
    headers: {
      Authorization: `Bearer ${token}`,
      "Content-Type": "application/json",
      ...(init.headers ?? {}),
    },
  });

describe("control API over HTTP", () => {
  it("requires the control token", async () => {
    expect((await control("/info", {}, "wrong")).status).toBe(401);
    const info = await readJson(await control("/info"));
    expect(info.url).toBe(h.sandbox.url);
    expect(info.workspaces[0].tokens.admin).toBe(h.sandbox.workspaces[0]!.tokens.admin);
  });

  it("sets faults and reads the journal", async () => {
    const ws = h.sandbox.workspaces[0]!;
    const added = await readJson(
      await control("/faults", {
        method: "POST",
        body: JSON.stringify({ kind: "error", status: 503, times: 1 }),
      }),
    );
    expect(added.ids).toHaveLength(1);
    const hit = await fetch(`${ws.baseUrl}/api/status/`, {
      headers: { Authorization: `token="${ws.tokens.admin}"` },
    });
    expect(hit.status).toBe(503);
    const journal = await readJson(await control("/journal?outcome=fault:error"));
    expect(journal.entries).toHaveLength(1);
    expect((await control("/faults", { method: "DELETE" })).status).toBe(204);
    expect((await readJson(await control("/faults"))).faults).toEqual([]);
    expect((await control("/journal", { method: "DELETE" })).status).toBe(204);
  });

  it("toggles gates and server connectivity", async () => {
    const ws = h.sandbox.workspaces[0]!;
    const gates = await readJson(
      await control("/gates", {
        method: "PUT",
        body: JSON.stringify({ mfaRequired: true, workspace: "ap1/acme" }),
      }),
    );
    expect(gates.gates[0]).toMatchObject({ workspace: "ap1/acme", mfaRequired: true });
    const servers = (await readJson(await control("/workspaces/ap1/acme/servers"))).servers;
    const res = await fetch(`${ws.baseUrl}/api/events/commands/`, {
      method: "POST",
      headers: { Authorization: `token="${ws.tokens.admin}"`, "Content-Type": "application/json" },
      body: JSON.stringify({ server: servers[0].id, line: "uptime" }),
    });
    expect(res.status).toBe(401);
    await control("/gates", { method: "PUT", body: JSON.stringify({ mfaRequired: false }) });
    const patched = await readJson(
      await control(`/workspaces/ap1/acme/servers/${servers[0].id}`, {
        method: "PATCH",
        body: JSON.stringify({ is_connected: false }),
      }),
    );
    expect(patched.is_connected).toBe(false);
    const auth = await readJson(
      await control(`/workspaces/ap1/acme/agent-authorization/${servers[0].name}`),
    );
    expect(auth.authorization).toMatch(/^id="[0-9a-f-]+", key="\w+"$/);
  });

  it("decides a work session as a person in the web console would", async () => {
    const ws = h.sandbox.workspaces[0]!;
    const servers = (await readJson(await control("/workspaces/ap1/acme/servers"))).servers;
    const asked = await fetch(`${ws.baseUrl}/api/work-sessions/sessions/`, {
      method: "POST",
      headers: { Authorization: `Bearer ${ws.tokens.jwt}`, "Content-Type": "application/json" },
      body: JSON.stringify({
        description: "disk cleanup",
        scopes: ["command", "webftp"],
        servers: [servers[0].id, servers[1].id],
        expires_at: new Date(Date.now() + 3_600_000).toISOString(),
      }),
    });
    const { id } = await readJson(asked);
    const decide = (body: unknown) =>
      control(`/workspaces/ap1/acme/work-sessions/${id}/decide`, {
        method: "POST",
        body: JSON.stringify(body),
      });
    const approved = await readJson(await decide({ servers: [servers[0].id] }));
    expect(approved).toMatchObject({ status: "active", scopes: ["command", "webftp"] });
    expect(approved.servers.map((s: { id: string }) => s.id)).toEqual([servers[0].id]);
    const again = await decide({ decision: "reject" });
    expect(again.status).toBe(400);
    expect((await readJson(again)).detail).toMatch(/is active, not pending/);
  });

  it("puts a workspace on a free plan: authoring alert rules answers 402", async () => {
    const ws = h.sandbox.workspaces[0]!;
    const create = () =>
      fetch(`${ws.baseUrl}/api/metrics/alert-rules/`, {
        method: "POST",
        headers: {
          Authorization: `token="${ws.tokens.admin}"`,
          "Content-Type": "application/json",
        },
        body: JSON.stringify({ name: "plan check", target: "cpu-usage", threshold: 99 }),
      });
    const body = JSON.stringify({ freePlan: true, workspace: "ap1/acme" });
    const gates = await readJson(await control("/gates", { method: "PUT", body }));
    expect(gates.gates[0]).toMatchObject({ workspace: "ap1/acme", freePlan: true });
    expect((await create()).status).toBe(402);
    await control("/gates", { method: "PUT", body: JSON.stringify({ freePlan: false }) });
    expect((await create()).status).toBe(201);
  });
});

describe("close()", () => {
  it("stops everything: stalled requests, running commands, timers", async () => {
    const before = process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
    const sb = await startSandbox({ servers: 3, commandDelays: 5 });
    const ws = sb.workspaces[0]!;
    const headers = {
      Authorization: `token="${ws.tokens.admin}"`,
      "Content-Type": "application/json",
    };
    const server = (
      sb.control.workspace("ap1", "acme").servers() as {
        id: string;
        is_connected: boolean;
        os_name: string;
      }[]
    ).find((s) => s.is_connected && s.os_name !== "Windows")!;
    await fetch(`${ws.baseUrl}/api/events/commands/`, {
      method: "POST",
      headers,
      body: JSON.stringify({ server: server.id, line: "sleep 30" }),
    });
    await fetch(`${ws.baseUrl}/api/events/commands/`, {
      method: "POST",
      headers,
      body: JSON.stringify({
        server: server.id,
        line: "uptime",
        scheduled_at: new Date(Date.now() + 86_400_000).toISOString(),
      }),
    });
    sb.control.addFault({ kind: "stall", path: "/api/status/" });
    const stalled = fetch(`${ws.baseUrl}/api/status/`, { headers }).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 50));
    const started = performance.now();
    await sb.close();
    expect(performance.now() - started).toBeLessThan(1000);
    expect(await stalled).toBeInstanceOf(Error);
    await new Promise((r) => setTimeout(r, 20));
    const after = process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
    expect(after).toBeLessThanOrEqual(before);
  });
});
