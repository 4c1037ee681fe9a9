import { beforeAll, describe, expect, it } from "vitest";
import { type Api, eventually, useSandbox } from "./helpers/sandbox.js";

const h = useSandbox({ servers: 10 });
let linux: { id: string; name: string };

beforeAll(() => {
  const servers = h.sandbox.control.workspace("ap1", "acme").servers() as {
    id: string;
    name: string;
    is_connected: boolean;
    os_name: string;
  }[];
  linux = servers.find((s) => s.is_connected && s.os_name !== "Windows") as {
    id: string;
    name: string;
  };
});

const run = (api: Api, line: string, server = linux.id) =>
  api.post("/api/events/commands/", { server, line, shell: "system" });

describe("authentication", () => {
  it('accepts token="…", token=… and Bearer <jwt>', async () => {
    const ws = h.sandbox.workspaces[0]!;
    for (const header of [
      `token="${ws.tokens.admin}"`,
      `token=${ws.tokens.admin}`,
      `Bearer ${ws.tokens.jwt}`,
    ]) {
      expect((await h.api().withAuthorization(header).get("/api/status/")).status, header).toBe(
        200,
      );
    }
  });

  it("401 without credentials, with unknown or malformed ones", async () => {
    const api = h.api();
    const missing = await api.withAuthorization(null).get("/api/servers/servers/");
    expect(missing.status).toBe(401);
    expect(missing.body).toEqual({ detail: "Authentication credentials were not provided." });
    expect(missing.headers.get("www-authenticate")).toContain("Token");
    for (const header of [
      'token="alpat-unknown"',
      "Bearer aaa.bbb.ccc",
      "Bearer not-a-jwt",
      'token="a b"',
    ]) {
      const res = await api.withAuthorization(header).get("/api/servers/servers/");
      expect(res.status, header).toBe(401);
      expect(res.body).toEqual({ detail: "Invalid token." });
    }
  });

  it("a token of one workspace is rejected by another", async () => {
    const [acme, globex] = h.sandbox.workspaces;
    const crossed = h.api(1).withAuthorization(`token="${acme!.tokens.admin}"`);
    expect((await crossed.get("/api/status/")).status).toBe(401);
    const crossedJwt = h.api(0).withAuthorization(`Bearer ${globex!.tokens.jwt}`);
    expect((await crossedJwt.get("/api/status/")).status).toBe(401);
  });
});

describe("token ACLs", () => {
  it("a read-only token reads but every write is 403 api_token_acl_not_allowed", async () => {
    const ro = h.api(0, "readOnly");
    expect((await ro.get("/api/servers/servers/")).status).toBe(200);
    const write = await ro.post("/api/servers/notes/", { server: linux.id, content: "nope" });
    expect(write.status).toBe(403);
    expect(write.body).toEqual({ code: "api_token_acl_not_allowed" });
    expect((await run(ro, "uptime")).status).toBe(403);
  });

  it("a command-ACL token runs only matching lines on listed servers", async () => {
    const control = h.sandbox.control.workspace("ap1", "acme");
    control.setCommandAcl({ patterns: ["uptime", "echo *"], servers: [linux.id] });
    const acl = h.api(0, "commandAcl");
    expect((await run(acl, "uptime")).status).toBe(201);
    expect((await run(acl, "echo hello world")).status).toBe(201);
    const denied = await run(acl, "rm -rf /");
    expect(denied.status).toBe(403);
    expect(denied.body).toEqual({ code: "api_token_acl_not_allowed", source: "command" });
    // `uptime` exactly, not `uptime; rm -rf /`: the pattern must match the whole line.
    expect((await run(acl, "uptime; cat /etc/shadow")).status).toBe(403);
    const other = (control.servers() as { id: string }[]).find((s) => s.id !== linux.id)!;
    expect((await run(acl, "uptime", other.id)).status).toBe(403);
    // Other endpoints are not restricted by the command ACL.
    expect((await acl.get("/api/servers/servers/")).status).toBe(200);
  });
});

describe("gates", () => {
  it("MFA required: websh and command creation answer 401 auth_mfa_required", async () => {
    h.sandbox.control.setMfaRequired(true, "ap1/acme");
    try {
      const api = h.api();
      const cmd = await run(api, "uptime");
      expect(cmd.status).toBe(401);
      expect(cmd.body).toMatchObject({ code: "auth_mfa_required", source: "command" });
      const websh = await api.post("/api/websh/sessions/", {
        server: linux.id,
        rows: 24,
        cols: 80,
      });
      expect(websh.body).toMatchObject({ code: "auth_mfa_required", source: "websh" });
      // Other workspaces are not affected; reads are not gated.
      expect((await api.get("/api/servers/servers/")).status).toBe(200);
    } finally {
      h.sandbox.control.setMfaRequired(false);
    }
    expect((await run(h.api(), "uptime")).status).toBe(201);
  });

  it("work session required: JWT callers get 403, API tokens bypass, an active session passes", async () => {
    h.sandbox.control.setWorkSessionRequired(true);
    try {
      const jwt = h.api(0, "jwt");
      const denied = await run(jwt, "uptime");
      expect(denied.status).toBe(403);
      expect(denied.body).toEqual({ code: "work_session_required", source: "command" });
      expect((await run(h.api(), "uptime")).status).toBe(201);
      const under = (work_session: string, server = linux.id) =>
        jwt.post("/api/events/commands/", { server, line: "uptime", work_session });
      const code = async (work_session: string, server?: string) =>
        (await under(work_session, server)).body.code;
      // An id that names no session is no longer accepted as it was.
      expect(await code("11111111-1111-4111-8111-111111111111")).toBe("work_session_not_usable");
      const ask = (api: typeof jwt) =>
        api.post("/api/work-sessions/sessions/", {
          description: "uptime check",
          scopes: ["command"],
          servers: [linux.id],
          expires_at: new Date(Date.now() + 3_600_000).toISOString(),
        });
      const mine = (await ask(jwt)).body.id as string;
      expect(await code(mine)).toBe("work_session_not_active");
      h.sandbox.control.workspace("ap1", "acme").decideWorkSession(mine, "approve");
      const other = h.sandbox.control
        .workspace("ap1", "acme")
        .servers()
        .find((s) => s.id !== linux.id && s.is_connected)!.id as string;
      expect(await code(mine, other)).toBe("work_session_server_not_allowed");
      expect((await under(mine)).status).toBe(201);
      const theirs = (await ask(h.api())).body.id as string;
      h.sandbox.control.workspace("ap1", "acme").decideWorkSession(theirs, "approve");
      expect(await code(theirs)).toBe("work_session_assignee_mismatch");
      expect((await jwt.post(`/api/work-sessions/sessions/${mine}/complete/`, {})).status).toBe(
        200,
      );
      expect(await code(mine)).toBe("work_session_not_active");
    } finally {
      h.sandbox.control.setWorkSessionRequired(false);
    }
  });

  it("a JWT user runs commands as their own system user", async () => {
    const jwt = h.api(0, "jwt");
    const me = (await jwt.get("/api/iam/users/-/")).body;
    const created = await run(jwt, "whoami");
    const id = created.body[0].id;
    const done = await eventually(async () => {
      const r = await jwt.get(`/api/events/commands/${id}/`);
      return r.body.handled_at ? r : null;
    });
    expect(done.body.result).toBe(`${me.username}\n`);
    // Non-staff users only see their own commands.
    const list = await jwt.get("/api/events/commands/");
    expect(
      list.body.results.every((c: { requested_by: { id: string } }) => c.requested_by.id === me.id),
    ).toBe(true);
  });
});
