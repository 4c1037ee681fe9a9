import { describe, expect, it } from "vitest";
import { useSandbox } from "../helpers/sandbox.js";

let clock = Date.parse("2026-03-02T09:00:00Z");
const h = useSandbox({ servers: 3, seed: 11, now: () => clock });

function setup() {
  const idp = h.sandbox.idp("ap1/acme");
  const ws = h.sandbox.control.workspace("ap1", "acme");
  const users = ws.users();
  const owner = users.find((u) => u.is_superuser)?.username as string;
  const member = users.find((u) => !u.is_staff && u.is_active)?.username as string;
  const server = ws.servers().find((s) => s.is_connected && s.os_name !== "Windows")?.id as string;
  return { idp, ws, owner, member, server };
}

const as = (token: string) => h.api().withAuthorization(`Bearer ${token}`);

describe("the API accepts the identity provider's JWTs for the member they name", () => {
  it("two members see different results: the owner reads registration tokens, the member gets 403", async () => {
    const { idp, owner, member } = setup();
    const ownerApi = as((await idp.login(owner)).access_token);
    const memberApi = as((await idp.login(member)).access_token);
    expect((await ownerApi.get("/api/iam/users/-/")).body.username).toBe(owner);
    expect((await memberApi.get("/api/iam/users/-/")).body.username).toBe(member);
    expect((await ownerApi.get("/api/servers/registration-tokens/")).status).toBe(200);
    const denied = await memberApi.get("/api/servers/registration-tokens/");
    expect(denied.status).toBe(403);
    expect(denied.body).toEqual({ detail: "You do not have permission to perform this action." });
  });

  it("refuses an expired token, a revoked one, another audience, another workspace and a forged one", async () => {
    const { idp, member } = setup();
    const invalid = { detail: "Invalid token." };
    const check = async (token: string) => {
      const res = await as(token).get("/api/iam/users/-/");
      return res.status === 401 ? res.body : res.status;
    };

    idp.setLifetimes({ accessToken: 60 });
    const short = (await idp.login(member)).access_token;
    idp.setLifetimes({ accessToken: 3600 });
    expect(await check(short)).toBe(200);
    clock += 61_000;
    expect(await check(short)).toEqual(invalid);

    const revoked = (await idp.login(member)).access_token;
    expect(await check(revoked)).toBe(200);
    expect(idp.revoke(revoked)).toBe(true);
    expect(await check(revoked)).toEqual(invalid);

    // Auth0's MFA API audience is a real audience of the same issuer, but not the API's.
    const mfaOnly = (await idp.login(member, { audience: idp.mfaAudience })).access_token;
    expect(await check(mfaOnly)).toEqual(invalid);

    const globex = h.sandbox.idp("us1/globex");
    const globexMember = h.sandbox.control
      .workspace("us1", "globex")
      .users()
      .find((u) => !u.is_staff && u.is_active)?.username as string;
    expect(await check((await globex.login(globexMember)).access_token)).toEqual(invalid);

    const [head, payload, sig] = (await idp.login(member)).access_token.split(".") as string[];
    const claims = JSON.parse(Buffer.from(payload as string, "base64url").toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: "auth0|someone-else" })).toString(
      "base64url",
    );
    expect(await check(`${head}.${forged}.${sig}`)).toEqual(invalid);
  });

  it("logout's blacklist ends the presented token", async () => {
    const { idp, member } = setup();
    const token = (await idp.login(member)).access_token;
    const api = as(token);
    // Not in the spec (the CLI's logout calls it, `cmd/logout.go`): plain fetch, no contract check.
    const res = await fetch(`${h.sandbox.workspaces[0]?.baseUrl}/api/auth0/token/blacklist/`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    expect((await api.get("/api/iam/users/-/")).status).toBe(401);
  });
});

describe("MFA step-up", () => {
  it("a token without a fresh MFA claim gets auth_mfa_required; one with it passes until mfa_timeout", async () => {
    const { idp, ws, member, server } = setup();
    ws.setGates({ mfaRequired: true });
    try {
      const run = (token: string) =>
        as(token).post("/api/events/commands/", { server, line: "uptime" });
      const plain = await run((await idp.login(member)).access_token);
      expect(plain.status).toBe(401);
      expect(plain.body).toMatchObject({ code: "auth_mfa_required", source: "command" });
      const withMfa = (await idp.login(member, { mfa: "otp" })).access_token;
      expect((await run(withMfa)).status).toBe(201);
      // A method the workspace does not allow does not count.
      expect((await run((await idp.login(member, { mfa: "sms" })).access_token)).status).toBe(401);
      // websh and webftp are gated the same way.
      const websh = (token: string) =>
        as(token).post("/api/websh/sessions/", { server, rows: 24, cols: 80 });
      const refused = await websh((await idp.login(member)).access_token);
      expect(refused.body).toMatchObject({ code: "auth_mfa_required", source: "websh" });
      expect((await websh(withMfa)).status).toBe(201);
      clock += 301_000; // the workspace's mfa_timeout is 300 s
      expect((await run(withMfa)).body).toMatchObject({ code: "auth_mfa_required" });
    } finally {
      ws.setGates({ mfaRequired: false });
    }
  });
});

describe("account service", () => {
  it("lists the login's workspace MFA settings for the reference's pre-check, following the gate", async () => {
    const { idp, ws, member } = setup();
    const url = `${idp.accountUrl}/api/workspaces/security/`;
    const token = (await idp.login(member)).access_token;
    const read = async () =>
      (await fetch(url, { headers: { authorization: `Bearer ${token}` } })).json();
    expect(await read()).toEqual([
      expect.objectContaining({ workspace: "acme", mfa_required: false, mfa_required_actions: [] }),
    ]);
    ws.setGates({ mfaRequired: true });
    try {
      expect(await read()).toEqual([
        expect.objectContaining({
          schema_name: "acme",
          region: "ap1",
          mfa_required: true,
          mfa_timeout: 300,
          mfa_required_actions: ["command", "websh", "webftp"],
          allowed_mfa_methods: ["email", "otp"],
        }),
      ]);
    } finally {
      ws.setGates({ mfaRequired: false });
    }
    const anonymous = await fetch(url, {
      headers: { authorization: `Bearer ${h.sandbox.workspaces[0]?.tokens.jwt}` },
    });
    expect(anonymous.status).toBe(401);
  });
});

describe("work sessions", () => {
  it("gate identity-provider JWTs as browser logins: required, then allowed under an active session", async () => {
    const { idp, ws, member, server } = setup();
    ws.setGates({ workSessionRequired: true });
    try {
      const api = as((await idp.login(member)).access_token);
      const denied = await api.post("/api/events/commands/", { server, line: "uptime" });
      expect(denied.status).toBe(403);
      expect(denied.body).toEqual({ code: "work_session_required", source: "command" });
      const created = await api.post("/api/work-sessions/sessions/", {
        description: "check uptime",
        scopes: ["command"],
        servers: [server],
        expires_at: new Date(clock + 3_600_000).toISOString(),
      });
      expect(created.status).toBe(201);
      ws.decideWorkSession(created.body.id, "approve");
      const ok = await api.post("/api/events/commands/", {
        server,
        line: "uptime",
        work_session: created.body.id,
      });
      expect(ok.status).toBe(201);
    } finally {
      ws.setGates({ workSessionRequired: false });
    }
  });
});

describe("control API over HTTP", () => {
  it("registers a client, logs a member in and revokes, for tests in another process", async () => {
    const { member } = setup();
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${h.sandbox.url}/_sandbox/workspaces/ap1/acme/idp${path}`, {
        method,
        headers: {
          authorization: `Bearer ${h.sandbox.controlToken}`,
          "content-type": "application/json",
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      // biome-ignore lint/suspicious/noExplicitAny: test convenience; shapes are asserted right after
      const parsed: any = res.status === 204 ? null : await res.json();
      return { status: res.status, body: parsed };
    };
    const info = await call("GET", "");
    expect(info.body).toMatchObject({
      issuer: `${h.sandbox.url}/idp/ap1/acme/`,
      audience: "https://alpacon.io/access/",
    });
    const client = await call("POST", "/clients", { redirect_uris: ["http://127.0.0.1:9/cb"] });
    expect(client.body).toMatchObject({
      client_id: expect.any(String),
      client_secret: expect.any(String),
    });
    const tokens = await call("POST", "/login", { username: member, mfa: "otp" });
    expect((await as(tokens.body.access_token).get("/api/iam/users/-/")).status).toBe(200);
    expect((await call("POST", "/revoke", { token: tokens.body.access_token })).body).toEqual({
      revoked: true,
    });
    expect((await as(tokens.body.access_token).get("/api/iam/users/-/")).status).toBe(401);
  });
});
