/** API tokens made through the API: the key is shown once, and the token's scopes decide every call. */
import { describe, expect, it } from "vitest";
import { type Api, useSandbox } from "./helpers/sandbox.js";

const h = useSandbox({ servers: 4, seed: 3 });

async function mint(jwt: Api, body: Record<string, unknown>): Promise<{ id: string; as: Api }> {
  const res = await jwt.post("/api/auth/tokens/", body);
  expect(res.status).toBe(201);
  return { id: res.body.id, as: jwt.withAuthorization(`token="${res.body.key}"`) };
}

describe("API tokens in the sandbox", () => {
  it("shows the key once: never in the list, the detail or an update", async () => {
    const jwt = h.api(0, "jwt");
    const { id } = await mint(jwt, { name: "once" });
    const texts = [
      (await jwt.get("/api/auth/tokens/")).text,
      (await jwt.get(`/api/auth/tokens/${id}/`)).text,
      (await jwt.patch(`/api/auth/tokens/${id}/`, { name: "once-renamed" })).text,
    ];
    for (const text of texts) expect(text).not.toContain("alpat-");
  });

  it("enforces the scopes on every call", async () => {
    const jwt = h.api(0, "jwt");
    const { as } = await mint(jwt, { name: "reader", scopes: ["server:read"] });
    expect((await as.get("/api/servers/servers/")).status).toBe(200);
    const denied = await as.get("/api/iam/users/");
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({ code: "api_token_acl_not_allowed", source: "scope" });
    expect(denied.body.detail).toContain("iam:read");
    expect((await as.get("/api/auth/tokens/scopes/")).status).toBe(200);
  });

  it("grants `*` when neither scopes nor presets are given, and expands presets", async () => {
    const jwt = h.api(0, "jwt");
    const full = await jwt.post("/api/auth/tokens/", { name: "full" });
    expect(full.body.scopes).toEqual(["*"]);
    const { as } = await mint(jwt, { name: "mon", presets: ["monitoring"] });
    expect((await as.get("/api/events/events/")).status).toBe(200);
    expect((await as.get("/api/iam/groups/")).status).toBe(403);
  });

  it("narrowing the scopes by update takes effect on the next call", async () => {
    const jwt = h.api(0, "jwt");
    const { id, as } = await mint(jwt, { name: "narrowed", scopes: ["*"] });
    expect((await as.get("/api/iam/users/")).status).toBe(200);
    await jwt.patch(`/api/auth/tokens/${id}/`, { scopes: ["server:read"] });
    expect((await as.get("/api/iam/users/")).status).toBe(403);
  });

  it("stops working at once when deleted, disabled or expired", async () => {
    const jwt = h.api(0, "jwt");
    const deleted = await mint(jwt, { name: "gone" });
    expect((await deleted.as.get("/api/status/")).status).toBe(200);
    await jwt.delete(`/api/auth/tokens/${deleted.id}/`);
    expect((await deleted.as.get("/api/status/")).status).toBe(401);

    const disabled = await mint(jwt, { name: "off" });
    await jwt.patch(`/api/auth/tokens/${disabled.id}/`, { enabled: false });
    expect((await disabled.as.get("/api/status/")).status).toBe(401);
    await jwt.patch(`/api/auth/tokens/${disabled.id}/`, { enabled: true });
    expect((await disabled.as.get("/api/status/")).status).toBe(200);
  });

  describe("with a clock", () => {
    let clock = Date.parse("2026-01-01T00:00:00Z");
    const timed = useSandbox({ servers: 2, seed: 3, now: () => clock });

    it("stops working once its expiry has passed", async () => {
      const jwt = timed.api(0, "jwt");
      const expiresAt = new Date(clock + 60_000).toISOString();
      const soon = await mint(jwt, { name: "soon", expires_at: expiresAt });
      expect((await soon.as.get("/api/status/")).status).toBe(200);
      clock += 120_000;
      expect((await soon.as.get("/api/status/")).status).toBe(401);
    });
  });

  it("is managed by its owner through a login only, not by another API token", async () => {
    const jwt = h.api(0, "jwt");
    const { id, as } = await mint(jwt, { name: "not-a-minter" });
    expect((await as.get("/api/auth/tokens/")).status).toBe(403);
    expect((await as.post("/api/auth/tokens/", { name: "child" })).status).toBe(403);
    expect((await as.post(`/api/auth/tokens/${id}/duplicate/`, {})).status).toBe(403);
    // The admin API token cannot see it either (and it is not the admin's token).
    expect((await h.api().get(`/api/auth/tokens/${id}/`)).status).toBe(403);
  });

  it("refuses unknown scopes and presets, and a past expiry", async () => {
    const jwt = h.api(0, "jwt");
    const res = await jwt.post("/api/auth/tokens/", {
      name: "bad",
      scopes: ["nope:read"],
      presets: ["nope"],
      expires_at: "2001-01-01T00:00:00Z",
    });
    expect(res.status).toBe(400);
    expect(Object.keys(res.body).sort()).toEqual(["expires_at", "presets", "scopes"]);
  });

  it("a duplicate keeps the scopes and gets its own key", async () => {
    const jwt = h.api(0, "jwt");
    const source = await jwt.post("/api/auth/tokens/", { name: "src", scopes: ["server:read"] });
    const copy = await jwt.post(`/api/auth/tokens/${source.body.id}/duplicate/`, { name: "" });
    expect(copy.body.name).toBe("src (copy)");
    expect(copy.body.scopes).toEqual(["server:read"]);
    expect(copy.body.key).not.toBe(source.body.key);
  });
});

describe("the ACLs of a token made through the API (deny by default)", () => {
  function onlineServer(): { id: string } {
    const servers = h.sandbox.control.workspace("ap1", "acme").servers() as {
      id: string;
      is_connected: boolean;
      os_name: string;
    }[];
    return servers.find((s) => s.is_connected && s.os_name !== "Windows")!;
  }

  it("needs a server entry, then a command entry, for a command", async () => {
    const jwt = h.api(0, "jwt");
    const server = onlineServer();
    const { id, as } = await mint(jwt, { name: "runner" });
    const run = () => as.post("/api/events/commands/", { server: server.id, line: "uptime" });
    const noServer = await run();
    expect(noServer.status).toBe(403);
    expect(noServer.body).toMatchObject({ code: "api_token_acl_not_allowed", source: "server" });
    await jwt.post("/api/security/server-acl/", { token: id, server: server.id });
    expect((await run()).body).toMatchObject({ source: "command" });
    await jwt.post("/api/security/command-acl/", { token: id, command: "upt*" });
    expect((await run()).status).toBe(201);
    const other = await as.post("/api/events/commands/", { server: server.id, line: "reboot" });
    expect(other.body).toMatchObject({ source: "command" });
    // As another user: the entry's empty username means the token's own user only.
    const asRoot = await as.post("/api/events/commands/", {
      server: server.id,
      line: "uptime",
      username: "root",
    });
    expect(asRoot.body).toMatchObject({ source: "command" });
  });

  it("needs a file entry for a transfer, by path and direction", async () => {
    const jwt = h.api(0, "jwt");
    const server = onlineServer();
    const { id, as } = await mint(jwt, { name: "mover" });
    await jwt.post("/api/security/server-acl/bulk/", { token: id, servers: [server.id] });
    const download = (path: string) =>
      as.post("/api/webftp/downloads/", { server: server.id, path });
    expect((await download("/etc/hostname")).body).toMatchObject({ source: "file" });
    await jwt.post("/api/security/file-acl/", { token: id, path: "/etc/*", action: "download" });
    expect((await download("/etc/hostname")).status).toBe(201);
    // A bulk download needs an entry for every path it names.
    const bulk = (path: string[]) =>
      as.post("/api/webftp/downloads/bulk/", { server: server.id, path });
    expect((await bulk(["/etc/hostname", "/var/log/syslog"])).body).toMatchObject({
      source: "file",
    });
    expect((await bulk(["/etc/hostname", "/etc/os-release"])).status).toBe(201);
    const upload = await as.post("/api/webftp/uploads/", {
      server: server.id,
      name: "x.txt",
      path: "/etc",
    });
    expect(upload.body).toMatchObject({ source: "file" });
  });

  it("a duplicate gets copies of the entries; deleting a token removes its entries", async () => {
    const jwt = h.api(0, "jwt");
    const server = onlineServer();
    const { id } = await mint(jwt, { name: "with-acl" });
    await jwt.post("/api/security/server-acl/", { token: id, server: server.id });
    const copy = await jwt.post(`/api/auth/tokens/${id}/duplicate/`, {});
    const copied = await jwt.get(`/api/security/server-acl/?token=${copy.body.id}`);
    expect(copied.body.results.map((e: { server: { id: string } }) => e.server.id)).toEqual([
      server.id,
    ]);
    await jwt.delete(`/api/auth/tokens/${id}/`);
    expect((await jwt.get(`/api/security/server-acl/?token=${id}`)).body.count).toBe(0);
  });

  it("entries of another user's token do not exist for the caller", async () => {
    const jwt = h.api(0, "jwt");
    const { id } = await mint(jwt, { name: "private" });
    const admin = h.api();
    const res = await admin.post("/api/security/command-acl/", { token: id, command: "ls" });
    expect(res.status).toBe(400);
    expect(res.body.token).toEqual([`Invalid pk "${id}" - object does not exist.`]);
  });
});
