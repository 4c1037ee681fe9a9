import { createHash, randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { describe, expect, test } from "vitest";
import { INITIALIZE, JSON_HEADERS, message, raw, rpc } from "../helpers/http.js";
import { browse } from "../helpers/idp.js";
import { type OAuthWorld, oauthWorld } from "../helpers/oauth-client.js";

// What a hostile client, a stolen value or a wrong token meets at `--auth oauth`.

const world: OAuthWorld = await oauthWorld();
const server = await world.start({ stateless: true });
const base = server.url.replace(/\/mcp$/, "");
const CALLBACK = "http://127.0.0.1:9/callback";

async function register(redirectUris: string[] = [CALLBACK]): Promise<Response> {
  return fetch(`${base}/register`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ redirect_uris: redirectUris, client_name: "attack test" }),
  });
}

async function clientId(redirectUris?: string[]): Promise<string> {
  const response = await register(redirectUris);
  expect(response.status).toBe(201);
  return ((await response.json()) as { client_id: string }).client_id;
}

function pkce() {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

/** An /authorize URL: a code flow to CALLBACK with S256 unless `params` says otherwise (undefined drops one). */
function authorizeUrl(params: Record<string, string | undefined>, root = base): string {
  const all: Record<string, string | undefined> = {
    redirect_uri: CALLBACK,
    response_type: "code",
    code_challenge_method: "S256",
    ...params,
  };
  const url = new URL(`${root}/authorize`);
  for (const [key, value] of Object.entries(all)) {
    if (value !== undefined) url.searchParams.set(key, value);
  }
  return url.href;
}

/** Opens a URL as a browser's first step would, without following the redirect. */
function visit(url: string): Promise<Response> {
  return fetch(url, { redirect: "manual" });
}

/** Runs the browser part; returns the code (and state) delivered to the callback. */
async function codeFor(id: string, challenge: string, root = base, person = "member") {
  world.idp.nextLogin = person;
  const landed = await browse(
    authorizeUrl(
      {
        client_id: id,
        code_challenge: challenge,
        state: "s1",
      },
      root,
    ),
    CALLBACK,
  );
  const url = new URL(landed.url!);
  expect(url.searchParams.get("state")).toBe("s1");
  expect(url.searchParams.get("iss")).toBe(root);
  return url.searchParams.get("code")!;
}

function token(params: Record<string, string>, root = base): Promise<Response> {
  return fetch(`${root}/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(params),
  });
}

async function login(person = "member"): Promise<{ access: string; refresh: string; id: string }> {
  const id = await clientId();
  const { verifier, challenge } = pkce();
  const code = await codeFor(id, challenge, base, person);
  const answer = await token({
    grant_type: "authorization_code",
    code,
    code_verifier: verifier,
    client_id: id,
    redirect_uri: CALLBACK,
  });
  expect(answer.status).toBe(200);
  const body = (await answer.json()) as { access_token: string; refresh_token: string };
  return { access: body.access_token, refresh: body.refresh_token, id };
}

function callMcp(bearer: string | undefined, body = INITIALIZE) {
  return raw(server.url, {
    headers: { ...JSON_HEADERS, ...(bearer ? { Authorization: `Bearer ${bearer}` } : {}) },
    body,
  });
}

describe("discovery", () => {
  test("no token: 401 pointing at the protected resource metadata, which names this server", async () => {
    const answer = await callMcp(undefined);
    expect(answer.status).toBe(401);
    expect(answer.headers["www-authenticate"]).toBe(
      `Bearer resource_metadata="${base}/.well-known/oauth-protected-resource/mcp"`,
    );
    for (const path of [
      "/.well-known/oauth-protected-resource",
      "/.well-known/oauth-protected-resource/mcp",
    ]) {
      const prm = (await (await fetch(`${base}${path}`)).json()) as Record<string, unknown>;
      expect(prm).toMatchObject({ resource: `${base}/mcp`, authorization_servers: [base] });
    }
    const as = (await (
      await fetch(`${base}/.well-known/oauth-authorization-server`)
    ).json()) as Record<string, unknown>;
    expect(as).toMatchObject({
      issuer: base,
      code_challenge_methods_supported: ["S256"],
      token_endpoint_auth_methods_supported: ["none"],
      client_id_metadata_document_supported: true,
    });
  });
});

describe("registration and /authorize", () => {
  test("a redirect URI off loopback must be on the allowlist", async () => {
    const refused = await register(["https://evil.example/callback"]);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: "invalid_redirect_uri" });
    expect((await register(["https://claude.ai/api/mcp/auth_callback"])).status).toBe(201);
    expect((await register(["http://127.0.0.1:9/cb#frag"])).status).toBe(400);
  });

  test("redirect URI tricks get an error page, never a redirect", async () => {
    const id = await clientId();
    const { challenge } = pkce();
    for (const uri of [
      "http://127.0.0.1:9/callback/extra",
      "http://127.0.0.1:9/callbackx",
      "http://127.0.0.1:9/call",
      "http://127.0.0.1:10/callback",
      "http://localhost:9/callback",
      "https://evil.example/callback",
      undefined,
    ]) {
      const answer = await visit(
        authorizeUrl({
          client_id: id,
          redirect_uri: uri,
          code_challenge: challenge,
        }),
      );
      expect(answer.status, uri).toBe(400);
      expect(answer.headers.get("location"), uri).toBeNull();
    }
  });

  test("an unknown or forged client_id gets an error page", async () => {
    const { challenge } = pkce();
    const id = await clientId();
    for (const forged of ["nope", `${id.slice(0, -4)}AAAA`]) {
      const answer = await visit(
        authorizeUrl({
          client_id: forged,
          code_challenge: challenge,
        }),
      );
      expect(answer.status).toBe(401);
      expect(answer.headers.get("location")).toBeNull();
    }
  });

  test("PKCE is required, S256 only", async () => {
    const id = await clientId();
    const { verifier, challenge } = pkce();
    for (const params of [
      {},
      { code_challenge: verifier, code_challenge_method: "plain" },
      { code_challenge: challenge, code_challenge_method: undefined },
      { code_challenge: "short", code_challenge_method: "S256" },
    ]) {
      const answer = await visit(
        authorizeUrl({
          client_id: id,
          state: "x",
          ...params,
        }),
      );
      const back = new URL(answer.headers.get("location")!);
      expect(back.href.startsWith(CALLBACK)).toBe(true);
      expect(back.searchParams.get("error")).toBe("invalid_request");
      expect(back.searchParams.get("state")).toBe("x");
    }
  });

  test("the callback only completes in the browser that started, with an intact state", async () => {
    const id = await clientId();
    const { challenge } = pkce();
    const start = await visit(
      authorizeUrl({
        client_id: id,
        code_challenge: challenge,
      }),
    );
    const atIdp = start.headers.get("location")!;
    // Another browser (no cookie) following the identity provider's link: refused.
    const elsewhere = await browse(atIdp, CALLBACK);
    expect(elsewhere.url).toBeUndefined();
    expect(elsewhere.status).toBe(400);
    // The right cookie with a tampered state: refused too.
    const cookie = start.headers.getSetCookie()[0]!.split(";")[0]!;
    const [name, value] = cookie.split("=");
    const idpAnswer = await fetch(atIdp, { redirect: "manual" });
    const callback = new URL(idpAnswer.headers.get("location")!);
    callback.searchParams.set("state", `${callback.searchParams.get("state")!.slice(0, -3)}abc`);
    const tampered = await browse(callback.href, CALLBACK, new Map([[name!, value!]]));
    expect(tampered.status).toBe(400);
  });
});

describe("/token", () => {
  test("a wrong or missing verifier, another client, another redirect URI: invalid_grant", async () => {
    const id = await clientId();
    const other = await clientId();
    const { verifier, challenge } = pkce();
    const code = await codeFor(id, challenge);
    const good = {
      grant_type: "authorization_code",
      code,
      code_verifier: verifier,
      client_id: id,
      redirect_uri: CALLBACK,
    };
    for (const bad of [
      { ...good, code_verifier: pkce().verifier },
      { ...good, code_verifier: "" },
      { ...good, client_id: other },
      { ...good, redirect_uri: "http://127.0.0.1:9/other" },
      { ...good, code: `${code.slice(0, -4)}AAAA` },
    ]) {
      const answer = await token(bad);
      expect(answer.status).toBe(400);
      expect(await answer.json()).toMatchObject({ error: "invalid_grant" });
    }
    // None of those spent the code: the rightful client still gets its token.
    expect((await token(good)).status).toBe(200);
  });

  test("a code works once, on this instance and on another one sharing the key", async () => {
    const id = await clientId();
    const { verifier, challenge } = pkce();
    const code = await codeFor(id, challenge);
    const params = {
      grant_type: "authorization_code",
      code,
      code_verifier: verifier,
      client_id: id,
      redirect_uri: CALLBACK,
    };
    expect((await token(params)).status).toBe(200);
    const again = await token(params);
    expect(await again.json()).toMatchObject({ error: "invalid_grant" });
    // Another instance has not seen the code spent; the identity provider refuses its code twice.
    const twin = await world.start({ stateless: true, publicUrl: base });
    const elsewhere = await token(params, `http://127.0.0.1:${twin.port}`);
    expect(elsewhere.status).toBe(400);
    expect(await elsewhere.json()).toMatchObject({ error: "invalid_grant" });
    expect(world.idp.grants.at(-1)).toEqual({ grant: "authorization_code", status: 400 });
  });

  test("a refresh token is bound to its client and sealed", async () => {
    const { refresh, id } = await login();
    const other = await clientId();
    const stolen = await token({
      grant_type: "refresh_token",
      refresh_token: refresh,
      client_id: other,
    });
    expect(await stolen.json()).toMatchObject({ error: "invalid_grant" });
    const forged = await token({
      grant_type: "refresh_token",
      refresh_token: "upstream-refresh-token",
      client_id: id,
    });
    expect(await forged.json()).toMatchObject({ error: "invalid_grant" });
    expect(
      (await token({ grant_type: "refresh_token", refresh_token: refresh, client_id: id })).status,
    ).toBe(200);
    const password = await token({
      grant_type: "password",
      username: "a",
      password: "b",
      client_id: id,
    });
    expect(await password.json()).toMatchObject({ error: "unsupported_grant_type" });
  });

  test("what another deployment sealed opens nowhere here; a rotated-out key's values still open", async () => {
    const id = await clientId();
    const other = await world.start({
      stateless: true,
      oauthKeys: [randomBytes(32).toString("hex")],
    });
    const otherBase = other.url.replace(/\/mcp$/, "");
    const { challenge } = pkce();
    const refused = await visit(
      authorizeUrl(
        {
          client_id: id,
          code_challenge: challenge,
        },
        otherBase,
      ),
    );
    expect(refused.status).toBe(401);
    const rotated = await world.start({
      stateless: true,
      oauthKeys: [randomBytes(32).toString("hex"), world.key],
    });
    const rotatedBase = rotated.url.replace(/\/mcp$/, "");
    const accepted = await visit(
      authorizeUrl(
        {
          client_id: id,
          code_challenge: challenge,
        },
        rotatedBase,
      ),
    );
    expect(accepted.status).toBe(302);
    expect(accepted.headers.get("location")!.startsWith(world.idp.issuer)).toBe(true);
  });
});

describe("bearer tokens at /mcp", () => {
  test("another audience, expired, another signer, not a JWT: 401 invalid_token saying why", async () => {
    const cases: Array<[string, RegExp]> = [
      [await world.idp.mint({ sub: "member", aud: "https://other.example/" }), /aud claim/],
      [await world.idp.mint({ sub: "member" }, { expiresIn: -60 }), /expired/],
      [await world.idp.mint({ sub: "member" }, { key: "foreign" }), /signature|not signed/],
      [await world.idp.mint({ sub: "member", iss: "https://evil.example/" }), /iss claim/],
      ["not-a-jwt", /not a valid JWT/],
    ];
    for (const [bad, why] of cases) {
      const answer = await callMcp(bad);
      expect(answer.status).toBe(401);
      const challenge = String(answer.headers["www-authenticate"]);
      expect(challenge).toMatch(/^Bearer error="invalid_token"/);
      expect(challenge).toContain("resource_metadata=");
      expect(challenge).toMatch(why);
      expect(answer.body).not.toContain(bad);
    }
    for (const line of world.logs) for (const [bad] of cases) expect(line).not.toContain(bad);
  });

  test("an unreachable identity provider is a 503 to retry, not a 401 that sends people to sign in", async () => {
    const cut = await world.start({
      stateless: true,
      oauthExtra: { issuer: "http://127.0.0.1:1/" },
    });
    const answer = await raw(cut.url, {
      headers: {
        ...JSON_HEADERS,
        Authorization: `Bearer ${await world.idp.mint({ sub: "member" })}`,
      },
      body: INITIALIZE,
    });
    expect(answer.status).toBe(503);
    expect(answer.headers["www-authenticate"]).toBeUndefined();
  });

  test("a session is its opener's: another person's token cannot use it", async () => {
    const stateful = await world.start();
    const member = await login("member");
    const owner = await login("owner");
    const opened = await raw(stateful.url, {
      headers: { ...JSON_HEADERS, Authorization: `Bearer ${member.access}` },
      body: INITIALIZE,
    });
    expect(opened.status).toBe(200);
    const session = String(opened.headers["mcp-session-id"]);
    const hijack = await raw(stateful.url, {
      headers: {
        ...JSON_HEADERS,
        Authorization: `Bearer ${owner.access}`,
        "Mcp-Session-Id": session,
      },
      body: rpc("tools/list", {}, 2),
    });
    expect(hijack.status).toBe(403);
  });

  test("tokens and codes never appear in the logs", async () => {
    const secrets = world.idp.issued.map((item) => item.token);
    expect(secrets.length).toBeGreaterThan(3);
    for (const line of world.logs) for (const secret of secrets) expect(line).not.toContain(secret);
  });
});

describe("MFA step-up", () => {
  test("the API's auth_mfa_required becomes 401 with scope mfa, then words within the cooldown", async () => {
    const ws = world.sandbox.workspaces[0]!;
    const control = world.sandbox.control.workspace(ws.region, ws.workspace);
    const serverId = String(control.servers()[0]!.id);
    control.setGates({ mfaRequired: true });
    try {
      const { access } = await login("member");
      const run = rpc(
        "tools/call",
        { name: "command_run", arguments: { servers: [serverId], command: "uptime" } },
        3,
      );
      const first = await callMcp(access, run);
      expect(first.status).toBe(401);
      expect(first.headers["www-authenticate"]).toMatch(
        /error="invalid_token".*scope="openid profile email offline_access mfa".*resource_metadata=/,
      );
      const second = await callMcp(access, run);
      expect(second.status).toBe(200);
      const text = JSON.stringify(message(second));
      expect(text).toMatch(/multi-factor authentication/);
      expect(text).toMatch(/re-authorize this server in their MCP client/);
      expect(text).not.toContain(access);
      // The step-up login asks the identity provider for MFA.
      const id = await clientId();
      const answer = await visit(
        authorizeUrl({
          client_id: id,
          code_challenge: pkce().challenge,
          scope: "openid mfa",
        }),
      );
      const atIdp = new URL(answer.headers.get("location")!);
      expect(atIdp.searchParams.get("acr_values")).toBe(
        "http://schemas.openid.net/pape/policies/2007/06/multi-factor",
      );
      expect(atIdp.searchParams.get("scope")).not.toContain("mfa");
    } finally {
      control.setGates({ mfaRequired: false });
    }
  });
});

describe("client ID metadata documents", () => {
  test("an https-style URL client_id: its document's redirect URIs, and only if it names itself", async () => {
    const documents = new Map<string, unknown>();
    const host = createServer((request, response) => {
      const document = documents.get(request.url ?? "");
      response.writeHead(document ? 200 : 404, { "Content-Type": "application/json" });
      response.end(JSON.stringify(document ?? {}));
    });
    await new Promise<void>((resolve) => host.listen(0, "127.0.0.1", resolve));
    const origin = `http://127.0.0.1:${(host.address() as { port: number }).port}`;
    try {
      const id = `${origin}/client.json`;
      documents.set("/client.json", {
        client_id: id,
        client_name: "cimd",
        redirect_uris: [CALLBACK],
      });
      documents.set("/liar.json", { client_id: `${origin}/other.json`, redirect_uris: [CALLBACK] });
      documents.set("/evil.json", {
        client_id: `${origin}/evil.json`,
        redirect_uris: ["https://evil.example/cb"],
      });
      const devServer = await world.start({
        stateless: true,
        oauthExtra: { insecureLoopbackMetadata: true },
      });
      const devBase = devServer.url.replace(/\/mcp$/, "");
      const { verifier, challenge } = pkce();
      world.idp.nextLogin = "member";
      const landed = await browse(
        authorizeUrl(
          {
            client_id: id,
            code_challenge: challenge,
          },
          devBase,
        ),
        CALLBACK,
      );
      const code = new URL(landed.url!).searchParams.get("code")!;
      const answer = await token(
        {
          grant_type: "authorization_code",
          code,
          code_verifier: verifier,
          client_id: id,
          redirect_uri: CALLBACK,
        },
        devBase,
      );
      expect(answer.status).toBe(200);
      for (const bad of [`${origin}/liar.json`, `${origin}/evil.json`, `${origin}/missing.json`]) {
        const refused = await visit(
          authorizeUrl(
            {
              client_id: bad,
              code_challenge: challenge,
            },
            devBase,
          ),
        );
        expect(refused.status, bad).toBe(401);
      }
      // Without the development switch, an http document is refused before it is fetched.
      const refused = await visit(
        authorizeUrl({
          client_id: id,
          code_challenge: challenge,
        }),
      );
      expect(refused.status).toBe(401);
      const off = await world.start({
        stateless: true,
        oauthExtra: { clientMetadataDocuments: false, insecureLoopbackMetadata: true },
      });
      const offBase = off.url.replace(/\/mcp$/, "");
      const meta = (await (
        await fetch(`${offBase}/.well-known/oauth-authorization-server`)
      ).json()) as Record<string, unknown>;
      expect(meta.client_id_metadata_document_supported).toBe(false);
      const offAnswer = await visit(
        authorizeUrl(
          {
            client_id: id,
            code_challenge: challenge,
          },
          offBase,
        ),
      );
      expect(offAnswer.status).toBe(401);
      expect(await refused.json()).toMatchObject({
        error: "invalid_client",
        error_description: expect.stringMatching(/https URL/),
      });
    } finally {
      await new Promise<void>((resolve) => host.close(() => resolve()));
    }
  });
});

describe("what an OAuth caller is told", () => {
  test("commands need a work session: the result names the tool to request one", async () => {
    const ws = world.sandbox.workspaces[0]!;
    const control = world.sandbox.control.workspace(ws.region, ws.workspace);
    const serverId = String(control.servers()[0]!.id);
    control.setGates({ workSessionRequired: true });
    try {
      const { access } = await login("member");
      const answer = await callMcp(
        access,
        rpc(
          "tools/call",
          { name: "command_run", arguments: { servers: [serverId], command: "uptime" } },
          4,
        ),
      );
      expect(answer.status).toBe(200);
      const text = JSON.stringify(message(answer));
      expect(text).toMatch(/work session/);
      expect(text).toMatch(/work_session_create/);
    } finally {
      control.setGates({ workSessionRequired: false });
    }
  });

  test("stateless with --confirm deny: the refusal says which restart is possible", async () => {
    const denying = await world.start({
      stateless: true,
      server: { tools: ["command_run"], confirm: "deny" },
    });
    const ws = world.sandbox.workspaces[0]!;
    const serverId = String(
      world.sandbox.control.workspace(ws.region, ws.workspace).servers()[0]!.id,
    );
    const { access } = await login("member");
    const answer = await raw(denying.url, {
      headers: { ...JSON_HEADERS, Authorization: `Bearer ${access}` },
      body: rpc(
        "tools/call",
        { name: "command_run", arguments: { servers: [serverId], command: "uptime" } },
        5,
      ),
    });
    const text = JSON.stringify(message(answer));
    expect(text).toMatch(/confirm mode deny/);
    expect(text).toMatch(/--confirm allow .*not --stateless/);
  });
});
