import { randomBytes } from "node:crypto";
import { startSandbox } from "@alpacon/sandbox";
import { UnauthorizedError } from "@modelcontextprotocol/sdk/client/auth.js";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { OAuthTokens } from "@modelcontextprotocol/sdk/shared/auth.js";
import { afterAll, expect, test } from "vitest";
import { startHttpServer } from "../../src/http/server.js";
import { JSON_HEADERS, raw, rpc } from "../helpers/http.js";
import { MemoryOAuthProvider, roundRobin, whoAmI } from "../helpers/oauth-client.js";

// The same flow against the sandbox's own identity provider (an Auth0 tenant per workspace),
// whose JWTs the sandbox API accepts with the member's own rights and MFA state: two stateless
// instances behind a round-robin proxy, two people, refresh, and an MFA step-up end to end.

const sandbox = await startSandbox({ servers: 3 });
afterAll(() => sandbox.close());
const ws = sandbox.workspaces[0]!;
const control = sandbox.control.workspace(ws.region, ws.workspace);
const idp = sandbox.idp(`${ws.region}/${ws.workspace}`);
const username = (token: string) =>
  control.state.userById.get(control.state.tokens.find("jwt", token)!.userId)!.username!;
const people = { member: username(ws.tokens.jwt), owner: username(ws.tokens.ownerJwt) };

const lb = await roundRobin();
const upstream = idp.registerClient({ redirectUris: [`${lb.url}/oauth/callback`], name: "mcp" });
const key = randomBytes(32).toString("hex");
const logs: string[] = [];
for (let i = 0; i < 2; i++) {
  const server = await startHttpServer({
    port: 0,
    stateless: true,
    server: { tools: ["get_current_user", "command_run"], confirm: "allow" },
    logger: { log: (level, message) => logs.push(`${level} ${message}`) },
    oauth: {
      issuer: idp.issuer,
      clientId: upstream.clientId,
      clientSecret: upstream.clientSecret ?? undefined,
      audience: idp.audience,
      keys: [key],
      publicUrl: lb.url,
      workspace: ws.workspace,
      region: ws.region,
      alpaconUrl: ws.baseUrl,
    },
  });
  afterAll(() => server.close());
  lb.backends.push(server.port);
}
const url = new URL(`${lb.url}/mcp`);

/** The browser: our /authorize, the provider's login page, our callback (with our cookie). */
async function browserLogin(authorizationUrl: URL, as: string, mfa?: string): Promise<string> {
  const landed = new URL(
    await idp.authorize(authorizationUrl.href, {
      username: as,
      ...(mfa ? { mfa } : {}),
      stopAt: authorizationUrl.searchParams.get("redirect_uri")!,
    }),
  );
  expect(landed.searchParams.get("state")).toBe(authorizationUrl.searchParams.get("state"));
  const code = landed.searchParams.get("code");
  expect(code, landed.href).toBeTruthy();
  return code!;
}

async function connect(provider: MemoryOAuthProvider, as: string, mfa?: string) {
  await expect(
    new Client({ name: "t", version: "1" }).connect(
      new StreamableHTTPClientTransport(url, { authProvider: provider }),
    ),
  ).rejects.toThrow(UnauthorizedError);
  const code = await browserLogin(provider.authorizationUrl!, as, mfa);
  await new StreamableHTTPClientTransport(url, { authProvider: provider }).finishAuth(code);
  const client = new Client({ name: "t", version: "1" });
  await client.connect(new StreamableHTTPClientTransport(url, { authProvider: provider }));
  return client;
}

test("two people sign in at the sandbox provider and act as themselves, on either instance", async () => {
  const member = await connect(new MemoryOAuthProvider(), people.member);
  const owner = await connect(new MemoryOAuthProvider(), people.owner);
  expect(await whoAmI(member)).toBe(people.member);
  expect(await whoAmI(owner)).toBe(people.owner);
  expect(lb.hits[0]).toBeGreaterThan(2);
  expect(lb.hits[1]).toBeGreaterThan(2);
  await Promise.all([member.close(), owner.close()]);
}, 30_000);

test("an expired access token is refreshed through /token and the call goes on", async () => {
  idp.setLifetimes({ accessToken: 1 });
  const provider = new MemoryOAuthProvider();
  const client = await connect(provider, people.member);
  idp.setLifetimes({ accessToken: 3600 });
  const first = provider.saved!.access_token;
  await new Promise((resolve) => setTimeout(resolve, 2_100));
  expect(await whoAmI(client)).toBe(people.member);
  expect(provider.saved!.access_token).not.toBe(first);
  for (const line of logs) expect(line).not.toContain(first);
  await client.close();
}, 30_000);

test("MFA step-up: 401 with scope mfa, the client signs in again with MFA, the command runs", async () => {
  const serverId = String(control.servers()[0]!.id);
  control.setGates({ mfaRequired: true });
  try {
    // A client without a refresh token goes straight to a new authorization on the challenge.
    class NoRefresh extends MemoryOAuthProvider {
      override saveTokens({ refresh_token: _dropped, ...tokens }: OAuthTokens) {
        super.saveTokens(tokens);
      }
    }
    const provider = new NoRefresh();
    const client = await connect(provider, people.owner);
    provider.authorizationUrl = undefined;
    const run = { name: "command_run", arguments: { servers: [serverId], command: "uptime" } };
    await expect(client.callTool(run)).rejects.toThrow(UnauthorizedError);
    expect(provider.authorizationUrl!.searchParams.get("scope")).toContain("mfa");
    const code = await browserLogin(provider.authorizationUrl!, people.owner, "otp");
    await new StreamableHTTPClientTransport(url, { authProvider: provider }).finishAuth(code);
    const again = new Client({ name: "t", version: "1" });
    await again.connect(new StreamableHTTPClientTransport(url, { authProvider: provider }));
    const result = await again.callTool(run);
    expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    await Promise.all([client.close(), again.close()]);
  } finally {
    control.setGates({ mfaRequired: false });
  }
}, 30_000);

test("tokens this provider issued that the server must refuse: expired, for its MFA API, another workspace's, revoked", async () => {
  // What oauth-attacks.test.ts mints by hand, here as the provider really issues it.
  const call = (bearer: string) =>
    raw(url.href, {
      headers: { ...JSON_HEADERS, Authorization: `Bearer ${bearer}` },
      body: rpc("tools/call", { name: "get_current_user", arguments: {} }),
    });
  const other = sandbox.workspaces[1]!;
  const otherOwner = sandbox.control
    .workspace(other.region, other.workspace)
    .users()
    .find((user) => user.is_superuser)!.username as string;
  const cases: Array<[string, RegExp]> = [
    [(await idp.login(people.member, { expiresIn: -60 })).access_token, /expired|"exp"/],
    [
      (await idp.login(people.member, { audience: idp.mfaAudience, mfa: "otp" })).access_token,
      /aud claim/,
    ],
    [
      (await sandbox.idp(`${other.region}/${other.workspace}`).login(otherOwner)).access_token,
      /iss claim/,
    ],
  ];
  const revoked = (await idp.login(people.member)).access_token;
  expect((await call(revoked)).status).toBe(200);
  expect(idp.revoke(revoked)).toBe(true);
  cases.push([revoked, /invalid_token/]);
  for (const [bad, why] of cases) {
    const answer = await call(bad);
    expect(answer.status, String(why)).toBe(401);
    const challenge = String(answer.headers["www-authenticate"]);
    expect(challenge).toMatch(/^Bearer error="invalid_token"/);
    expect(challenge).toMatch(why);
    expect(answer.body).not.toContain(bad);
  }
  for (const line of logs) for (const [bad] of cases) expect(line).not.toContain(bad);
});
