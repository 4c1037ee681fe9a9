/**
 * Server administration changes the simulated server as the service does: reboots and agent
 * restarts come back after the configured delay, shutdowns stay down, upgrades change the agent
 * version, unregistered servers are gone for commands and websh, stars are personal, and a
 * registration token's key is shown once and only a live token yields an install guide.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { type Api, eventually, useSandbox } from "./helpers/sandbox.js";

let clockOffset = 0;
const h = useSandbox({
  servers: 16,
  seed: 11,
  commandDelays: 3,
  serverActionDelays: { agentRestart: 150, reboot: 300 },
  now: () => Date.now() + clockOffset,
});

let api: Api;
let online: { id: string; name: string }[];

beforeAll(() => {
  api = h.api();
  const servers = h.sandbox.control.workspace("ap1", "acme").servers() as {
    id: string;
    name: string;
    is_connected: boolean;
    os_name: string;
  }[];
  online = servers.filter((s) => s.is_connected && s.os_name !== "Windows");
});

const server = (i: number) => online[i] as { id: string; name: string };
const get = async (id: string) => (await api.get(`/api/servers/servers/${id}/`)).body;
const act = (id: string, action: string, extra: Record<string, unknown> = {}) =>
  api.post(`/api/servers/servers/${id}/actions/`, { action, ...extra });

/** Waits until the action's command finished and the server reached `connected`. */
async function settle(commandId: string, id: string, connected: boolean) {
  await eventually(async () => {
    const c = (await api.get(`/api/events/commands/${commandId}/`)).body;
    return c.status === "success";
  });
  return eventually(async () => {
    const s = await get(id);
    return s.is_connected === connected ? s : false;
  });
}

describe("agent and system actions", () => {
  it("reboot disconnects the server, then brings it back with a new boot time", async () => {
    const { id } = server(0);
    const before = await get(id);
    const res = await act(id, "reboot_system");
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ shell: "internal", line: "reboot" });
    const down = await settle(res.body.id, id, false);
    expect(down.uptime).toBeNull();
    const refused = await act(id, "restart_agent");
    expect(refused.body).toEqual({
      non_field_errors: ["Requested server is not connected now. Please try again later."],
    });
    const up = await eventually(async () => {
      const s = await get(id);
      return s.is_connected ? s : false;
    });
    expect(Date.parse(up.boot_time)).toBeGreaterThan(Date.parse(before.boot_time));
  });

  it("shutdown_system and shutdown_agent leave the server disconnected", async () => {
    for (const [i, action] of [
      [1, "shutdown_system"],
      [2, "shutdown_agent"],
    ] as const) {
      const { id } = server(i);
      const res = await act(id, action);
      await settle(res.body.id, id, false);
      await new Promise((r) => setTimeout(r, 400));
      expect((await get(id)).is_connected).toBe(false);
    }
  });

  it("upgrade_agent changes the agent version; restart_agent reconnects", async () => {
    const { id } = server(3);
    const before = (await get(id)).version;
    const res = await act(id, "upgrade_agent");
    await settle(res.body.id, id, false);
    const after = await eventually(async () => {
      const s = await get(id);
      return s.is_connected ? s : false;
    });
    expect(after.version).not.toBe(before);
    const restart = await act(id, "restart_agent");
    expect(restart.body.line).toBe("restart");
    await settle(restart.body.id, id, false);
    const back = await eventually(async () => (await get(id)).is_connected);
    expect(back).toBe(true);
  });

  it("refuses disruptive actions while a websh session is open, unless forced", async () => {
    const { id } = server(4);
    const session = await api.post("/api/websh/sessions/", { server: id, rows: 24, cols: 80 });
    expect(session.status).toBe(201);
    const busy = await act(id, "reboot_system");
    expect(busy.status).toBe(409);
    expect(busy.body.code).toBe("server_busy_with_user_work");
    // Agent actions are not guarded (the CLI guards reboot, shutdown and upgrade system only).
    expect((await act(id, "update_information")).status).toBe(201);
    expect((await act(id, "upgrade_system", { force: true })).status).toBe(201);
  });

  it("refuses callers who neither own the server nor are staff", async () => {
    const member = h.api(0, "jwt");
    const owned = h.sandbox.control.workspace("ap1", "acme").servers() as {
      id: string;
      owner: { id: string };
    }[];
    const me = (await member.get("/api/iam/users/-/")).body.id as string;
    const other = owned.find((s) => s.owner.id !== me) as { id: string };
    expect(
      (await member.post(`/api/servers/servers/${other.id}/actions/`, { action: "reboot_system" }))
        .status,
    ).toBe(403);
  });
});

describe("unregister", () => {
  it("removes the server: lists, commands and websh treat it as missing", async () => {
    const { id, name } = server(5);
    const open = await api.post("/api/websh/sessions/", { server: id, rows: 24, cols: 80 });
    expect((await api.delete(`/api/servers/servers/${id}/`)).status).toBe(204);
    const closed = await api.get(`/api/websh/sessions/${open.body.id}/`);
    expect(closed.body.closed_at).not.toBeNull();
    const list = await api.get(`/api/servers/servers/?name=${encodeURIComponent(name)}`);
    expect(list.body.count).toBe(0);
    const command = await api.post("/api/events/commands/", { server: id, line: "uptime" });
    expect(command.status).toBe(400);
    expect(command.body.server[0]).toContain("object does not exist");
    const websh = await api.post("/api/websh/sessions/", { server: id, rows: 24, cols: 80 });
    expect(websh.status).toBe(400);
    expect((await api.delete(`/api/servers/servers/${id}/`)).status).toBe(404);
  });
});

describe("stars", () => {
  it("are personal and limited to five", async () => {
    const member = h.api(0, "jwt");
    const first = server(6).id;
    expect((await api.post(`/api/servers/servers/${first}/star/`, { status: true })).status).toBe(
      200,
    );
    expect((await get(first)).starred).toBe(true);
    expect((await member.get(`/api/servers/servers/${first}/star/`)).body).toEqual({
      status: false,
    });
    const starred = await api.get("/api/servers/servers/?starred=true");
    expect(starred.body.results.map((s: { id: string }) => s.id)).toEqual([first]);
    for (const s of online.slice(7, 11)) {
      expect((await api.post(`/api/servers/servers/${s.id}/star/`, { status: true })).status).toBe(
        200,
      );
    }
    const sixth = await api.post(`/api/servers/servers/${server(11).id}/star/`, { status: true });
    expect(sixth.body).toEqual({
      non_field_errors: ["You can star up to 5 servers. Please unstar one first."],
    });
    const unstar = await api.post(`/api/servers/servers/${first}/star/`, { status: false });
    expect(unstar.body).toEqual({ status: false });
  });
});

describe("registration tokens", () => {
  it("show the key once and give a guide only while the token lives", async () => {
    const created = await api.post("/api/servers/registration-tokens/", {
      name: "edge",
      expires_at: new Date(Date.now() + clockOffset + 60_000).toISOString(),
    });
    const { id, key } = created.body as { id: string; key: string };
    const listed = await api.get("/api/servers/registration-tokens/");
    expect(JSON.stringify(listed.body)).not.toContain(key);
    const guide = async () =>
      api.post("/api/servers/registration-methods/token-install/guide/?response_type=json", {
        platform: "debian",
        registration_token: id,
      });
    expect((await guide()).body.token_key).toBe(key);
    clockOffset += 120_000;
    expect((await guide()).body).toEqual({
      registration_token: ["This registration token has expired."],
    });
    const past = await api.post("/api/servers/registration-tokens/", {
      name: "late",
      expires_at: new Date(Date.now() - 1000).toISOString(),
    });
    expect(past.body).toEqual({ expires_at: ["The expiry must be in the future."] });
    expect((await api.delete(`/api/servers/registration-tokens/${id}/`)).status).toBe(204);
    expect((await guide()).status).toBe(400);
  });
});
