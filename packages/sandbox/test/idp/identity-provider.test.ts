import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createRemoteJWKSet, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { MFA_CLAIM } from "../../src/index.js";
import { readJson, useSandbox } from "../helpers/sandbox.js";
import { authorizeUrl, claimsOf, pkce, post } from "./helpers.js";

const h = useSandbox({ servers: 3, seed: 7 });
const REDIRECT = "http://127.0.0.1:9/callback";

function setup() {
  const idp = h.sandbox.idp("ap1/acme");
  const users = h.sandbox.control.workspace("ap1", "acme").users();
  const owner = users.find((u) => u.is_superuser)?.username as string;
  const member = users.find((u) => !u.is_staff && u.is_active)?.username as string;
  return { idp, owner, member };
}

/** A confidential client (as the MCP server is) and a logged-in code for `username`. */
async function codeFor(username: string, extra: Record<string, string> = {}) {
  const { idp } = setup();
  const client = idp.registerClient({ redirectUris: [REDIRECT] });
  const { verifier, challenge } = pkce();
  const location = await idp.authorize(
    authorizeUrl(idp.issuer, {
      client_id: client.clientId,
      redirect_uri: REDIRECT,
      code_challenge: challenge,
      code_challenge_method: "S256",
      ...extra,
    }),
    { username },
  );
  const url = new URL(location);
  return { client, verifier, url, code: url.searchParams.get("code") as string };
}

function exchange(
  client: { clientId: string; clientSecret: string | null },
  code: string,
  verifier: string,
  redirectUri = REDIRECT,
) {
  return post(setup().idp.tokenEndpoint, {
    grant_type: "authorization_code",
    client_id: client.clientId,
    client_secret: client.clientSecret ?? "",
    code,
    code_verifier: verifier,
    redirect_uri: redirectUri,
  });
}

describe("discovery and keys", () => {
  it("serves OIDC discovery at the issuer and in the RFC 8414 form", async () => {
    const { idp } = setup();
    expect(idp.issuer).toBe(`${h.sandbox.url}/idp/ap1/acme/`);
    const doc = await readJson(await fetch(idp.discoveryUrl));
    expect(doc).toMatchObject({
      issuer: idp.issuer,
      authorization_endpoint: `${idp.issuer}authorize`,
      token_endpoint: `${idp.issuer}oauth/token`,
      device_authorization_endpoint: `${idp.issuer}oauth/device/code`,
      revocation_endpoint: `${idp.issuer}oauth/revoke`,
      jwks_uri: `${idp.issuer}.well-known/jwks.json`,
      code_challenge_methods_supported: ["S256"],
    });
    const inserted = await fetch(
      `${h.sandbox.url}/.well-known/oauth-authorization-server/idp/ap1/acme`,
    );
    expect(await readJson(inserted)).toEqual(doc);
    expect(
      (await fetch(`${h.sandbox.url}/idp/ap1/nope/.well-known/openid-configuration`)).status,
    ).toBe(404);
  });

  it("tells a client where it is through /api/auth/env, as the CLI reads it", async () => {
    const { idp } = setup();
    const env = await readJson(
      await fetch(`${h.sandbox.workspaces[0]?.baseUrl}/api/auth/env?client=cli`),
    );
    expect(env).toEqual({
      auth0: {
        method: "auth0",
        client_id: idp.cliClientId,
        domain: idp.issuer.replace("http://", "").replace(/\/$/, ""),
        audience: "https://alpacon.io/access/",
        schema_name: "acme",
      },
      language: "en",
    });
  });

  it("signs RS256 access tokens that verify against the JWKS, with Auth0's claims", async () => {
    const { idp, member } = setup();
    const tokens = await idp.login(member, { mfa: "otp" });
    const jwks = createRemoteJWKSet(new URL(idp.jwksUri));
    const { payload, protectedHeader } = await jwtVerify(tokens.access_token, jwks, {
      issuer: idp.issuer,
      audience: "https://alpacon.io/access/",
    });
    expect(protectedHeader.alg).toBe("RS256");
    expect(payload).toMatchObject({
      sub: expect.stringMatching(/^auth0\|/),
      scope: "openid profile email offline_access",
      "https://alpacon.io/workspaces": [{ schema_name: "acme", region: "ap1" }],
      "https://alpacon.io/username": member,
      [MFA_CLAIM]: { otp: expect.any(String) },
    });
    expect(payload.exp).toBe((payload.iat as number) + 3600);
    expect(tokens.refresh_token).toMatch(/^v1\./);
    const id = await jwtVerify(tokens.id_token as string, jwks, { audience: idp.cliClientId });
    expect(id.payload).toMatchObject({ nickname: member, amr: ["mfa"] });
  });
});

describe("authorization code with PKCE", () => {
  it("logs a member in through the form, echoes state and exchanges the code once", async () => {
    const { member } = setup();
    const { client, verifier, url, code } = await codeFor(member);
    expect(url.origin + url.pathname).toBe(REDIRECT);
    expect(url.searchParams.get("state")).toBe("st-123");
    const first = await exchange(client, code, verifier);
    expect(first.status).toBe(200);
    expect(first.headers.get("cache-control")).toBe("no-store");
    expect(first.body).toMatchObject({ token_type: "Bearer", expires_in: 3600 });
    expect(claimsOf(first.body.access_token)["https://alpacon.io/username"]).toBe(member);
    // A replayed code is refused, and what the first exchange issued is revoked.
    const replay = await exchange(client, code, verifier);
    expect(replay.body).toMatchObject({ error: "invalid_grant" });
    const api = h.api().withAuthorization(`Bearer ${first.body.access_token}`);
    expect((await api.get("/api/iam/users/-/")).status).toBe(401);
    const refresh = await post(setup().idp.tokenEndpoint, {
      grant_type: "refresh_token",
      client_id: client.clientId,
      client_secret: client.clientSecret as string,
      refresh_token: first.body.refresh_token,
    });
    expect(refresh.body).toMatchObject({ error: "invalid_grant" });
  });

  it("refuses a wrong or missing code_verifier", async () => {
    const { member } = setup();
    const { client, code, verifier } = await codeFor(member);
    expect((await exchange(client, code, pkce().verifier)).body).toMatchObject({
      error: "invalid_grant",
      error_description: "Failed to verify code verifier",
    });
    const again = await codeFor(member);
    const missing = await post(setup().idp.tokenEndpoint, {
      grant_type: "authorization_code",
      client_id: again.client.clientId,
      client_secret: again.client.clientSecret as string,
      code: again.code,
      redirect_uri: REDIRECT,
    });
    expect(missing.body.error).toBe("invalid_grant");
    expect(verifier).not.toBe("");
  });

  it("refuses a different redirect_uri at the token endpoint", async () => {
    const { member } = setup();
    const { client, code, verifier } = await codeFor(member);
    const res = await exchange(client, code, verifier, "http://127.0.0.1:9/other");
    expect(res.body.error).toBe("invalid_grant");
  });

  it("never redirects to an unregistered URI or for an unknown client", async () => {
    const { idp } = setup();
    const client = idp.registerClient({ redirectUris: [REDIRECT] });
    for (const redirect of [
      "http://127.0.0.1:9/callback/",
      "http://127.0.0.1:9/callback?x=1",
      "http://evil.example/callback",
      "http://127.0.0.1:9/callback/../evil",
    ]) {
      const res = await fetch(
        authorizeUrl(idp.issuer, { client_id: client.clientId, redirect_uri: redirect }),
        { redirect: "manual" },
      );
      expect(res.status).toBe(400);
      expect(res.headers.get("location")).toBeNull();
    }
    const unknown = await fetch(
      authorizeUrl(idp.issuer, { client_id: "nobody", redirect_uri: REDIRECT }),
      { redirect: "manual" },
    );
    expect(unknown.status).toBe(400);
  });

  it("sends request errors back to the client with state: plain PKCE, public client without PKCE, foreign audience", async () => {
    const { idp, member } = setup();
    const client = idp.registerClient({ redirectUris: [REDIRECT] });
    const open = async (params: Record<string, string>, clientId = client.clientId) => {
      const res = await fetch(
        authorizeUrl(idp.issuer, { client_id: clientId, redirect_uri: REDIRECT, ...params }),
        {
          redirect: "manual",
        },
      );
      return new URL(res.headers.get("location") as string).searchParams;
    };
    const plain = await open({ code_challenge: pkce().verifier, code_challenge_method: "plain" });
    expect(plain.get("error")).toBe("invalid_request");
    expect(plain.get("state")).toBe("st-123");
    const pub = idp.registerClient({ redirectUris: [REDIRECT], confidential: false });
    expect((await open({}, pub.clientId)).get("error")).toBe("invalid_request");
    expect((await open({ audience: "https://other.example/" })).get("error")).toBe("access_denied");
    expect((await open({ response_type: "token" })).get("error")).toBe("unsupported_response_type");
    // The person can say no.
    await expect(
      idp.authorize(
        authorizeUrl(idp.issuer, { client_id: client.clientId, redirect_uri: REDIRECT }),
        {
          username: member,
          deny: true,
        },
      ),
    ).resolves.toContain("error=access_denied");
  });

  it("keeps a browser session: a second authorize is silent, prompt=none without one is login_required", async () => {
    const { idp, member } = setup();
    const client = idp.registerClient({ redirectUris: [REDIRECT] });
    const url = authorizeUrl(idp.issuer, {
      client_id: client.clientId,
      redirect_uri: REDIRECT,
      prompt: "none",
    });
    const none = await fetch(url, { redirect: "manual" });
    expect(new URL(none.headers.get("location") as string).searchParams.get("error")).toBe(
      "login_required",
    );
    const login = await post(url, {
      ...Object.fromEntries(new URL(url).searchParams),
      username: member,
      decision: "allow",
    });
    const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] as string;
    expect(cookie).toMatch(/^idp_session=/);
    const silent = await fetch(url, { redirect: "manual", headers: { cookie } });
    expect(new URL(silent.headers.get("location") as string).searchParams.get("code")).toBeTruthy();
  });

  it("the test browser carries a server's own cookie back to it, as an MCP server's callback needs", async () => {
    const { idp, member } = setup();
    // A server in front of the provider, as an MCP server in OAuth mode: /start sets a binding
    // cookie and sends the browser to the provider; /cb only completes with that cookie.
    const server: Server = createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      if (url.pathname === "/start") {
        res.writeHead(302, {
          "set-cookie": "binding=b-42; Path=/; HttpOnly",
          location: authorizeUrl(idp.issuer, {
            client_id: client.clientId,
            redirect_uri: `${origin}/cb`,
          }),
        });
      } else if (req.headers.cookie === "binding=b-42") {
        res.writeHead(302, { location: `${REDIRECT}?code=${url.searchParams.get("code")}` });
      } else {
        res.writeHead(400);
      }
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const client = idp.registerClient({ redirectUris: [`${origin}/cb`] });
    try {
      const landed = await idp.authorize(`${origin}/start`, { username: member, stopAt: REDIRECT });
      expect(new URL(landed).searchParams.get("code")).toBeTruthy();
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it("demands MFA when the request asks for it (MFA audience, acr_values or the mfa scope)", async () => {
    const { idp, member } = setup();
    const client = idp.registerClient({ redirectUris: [REDIRECT] });
    const { challenge, verifier } = pkce();
    const url = authorizeUrl(idp.issuer, {
      client_id: client.clientId,
      redirect_uri: REDIRECT,
      code_challenge: challenge,
      code_challenge_method: "S256",
      scope: "openid offline_access mfa",
    });
    await expect(idp.authorize(url, { username: member })).rejects.toThrow(/requires MFA/);
    const location = await idp.authorize(url, { username: member, mfa: "otp" });
    const tokens = await exchange(
      client,
      new URL(location).searchParams.get("code") as string,
      verifier,
    );
    expect(tokens.body.scope).toBe("openid offline_access");
    expect(claimsOf(tokens.body.access_token)[MFA_CLAIM]).toEqual({ otp: expect.any(String) });
  });
});

describe("refresh tokens", () => {
  it("rotate: each use gives a new one, a reused one ends the family", async () => {
    const { idp, member } = setup();
    const first = await idp.login(member);
    const refresh = (token: string, scope?: string) =>
      post(
        idp.tokenEndpoint,
        {
          grant_type: "refresh_token",
          client_id: idp.cliClientId,
          refresh_token: token,
          ...(scope ? { scope } : {}),
        },
        { json: true },
      );
    const second = await refresh(first.refresh_token as string, "cli org:acme");
    expect(second.status).toBe(403);
    expect(second.body.error).toBe("invalid_scope");
    const ok = await refresh(first.refresh_token as string, "openid email");
    expect(ok.status).toBe(200);
    expect(ok.body.scope).toBe("openid email");
    expect(ok.body.refresh_token).not.toBe(first.refresh_token);
    const reuse = await refresh(first.refresh_token as string);
    expect(reuse.body.error).toBe("invalid_grant");
    // The leak is assumed: the rotated successor is dead too.
    expect((await refresh(ok.body.refresh_token)).body.error).toBe("invalid_grant");
  });

  it("/oauth/revoke ends a refresh token; a confidential client must authenticate", async () => {
    const { idp, member } = setup();
    const tokens = await idp.login(member);
    const client = idp.registerClient({ redirectUris: [REDIRECT] });
    const bad = await post(`${idp.issuer}oauth/revoke`, {
      client_id: client.clientId,
      client_secret: "wrong",
      token: tokens.refresh_token as string,
    });
    expect(bad.status).toBe(401);
    // Another client cannot revoke it either (200, as for an unknown token, but nothing happens).
    const other = await post(`${idp.issuer}oauth/revoke`, {
      client_id: client.clientId,
      client_secret: client.clientSecret as string,
      token: tokens.refresh_token as string,
    });
    expect(other.status).toBe(200);
    const stillAlive = await post(idp.tokenEndpoint, {
      grant_type: "refresh_token",
      client_id: idp.cliClientId,
      refresh_token: tokens.refresh_token as string,
    });
    expect(stillAlive.status).toBe(200);
    tokens.refresh_token = stillAlive.body.refresh_token;
    const res = await post(
      `${idp.issuer}oauth/revoke`,
      { client_id: idp.cliClientId, token: tokens.refresh_token as string },
      { json: true },
    );
    expect(res.status).toBe(200);
    const after = await post(idp.tokenEndpoint, {
      grant_type: "refresh_token",
      client_id: idp.cliClientId,
      refresh_token: tokens.refresh_token as string,
    });
    expect(after.body.error).toBe("invalid_grant");
  });
});

describe("device flow, as the CLI runs it", () => {
  it("device code → pending → approved on /activate → tokens once", async () => {
    const { idp, member } = setup();
    const start = await post(
      `${idp.issuer}oauth/device/code`,
      {
        client_id: idp.cliClientId,
        scope: "openid profile email offline_access cli org:acme device:0f6f3f2e-2a9d-4a1e-8f2b",
        audience: idp.audience,
      },
      { json: true },
    );
    expect(start.status).toBe(200);
    expect(start.body).toMatchObject({
      device_code: expect.any(String),
      user_code: expect.stringMatching(/^[B-Z]{4}-[B-Z]{4}$/),
      verification_uri: `${idp.issuer}activate`,
      expires_in: 900,
      interval: 5,
    });
    expect(start.body.verification_uri_complete).toBe(
      `${idp.issuer}activate?user_code=${start.body.user_code}`,
    );
    const poll = () =>
      post(
        idp.tokenEndpoint,
        {
          grant_type: "urn:ietf:params:oauth:grant-type:device_code",
          device_code: start.body.device_code,
          client_id: idp.cliClientId,
        },
        { json: true },
      );
    const pending = await poll();
    expect(pending.status).toBe(403);
    expect(pending.body.error).toBe("authorization_pending");
    const page = await fetch(start.body.verification_uri_complete);
    expect(await page.text()).toContain(start.body.user_code);
    const approved = await post(`${idp.issuer}activate`, {
      user_code: start.body.user_code,
      username: member,
      decision: "allow",
    });
    expect(approved.status).toBe(200);
    const done = await poll();
    expect(done.status).toBe(200);
    expect(done.body.scope).toContain("cli org:acme");
    expect(claimsOf(done.body.access_token)["https://alpacon.io/username"]).toBe(member);
    expect((await poll()).body.error).toBe("invalid_grant");
  });

  it("a denied request is access_denied; another workspace's org scope is refused", async () => {
    const { idp, member } = setup();
    const start = await post(`${idp.issuer}oauth/device/code`, { client_id: idp.cliClientId });
    idp.approveDevice(start.body.user_code, member, { deny: true });
    const res = await post(idp.tokenEndpoint, {
      grant_type: "urn:ietf:params:oauth:grant-type:device_code",
      device_code: start.body.device_code,
      client_id: idp.cliClientId,
    });
    expect(res.body.error).toBe("access_denied");
    const foreign = await post(`${idp.issuer}oauth/device/code`, {
      client_id: idp.cliClientId,
      scope: "openid org:globex",
    });
    expect(foreign.status).toBe(403);
    expect(foreign.body.error).toBe("access_denied");
  });
});
