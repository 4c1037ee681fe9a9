// Remote team mode from the outside (issue 18): two `npx alpacon-mcp --transport http --auth
// oauth --stateless` processes from the tarballs, behind a round-robin proxy without affinity,
// signing people in at the sandbox's Auth0-shaped identity provider. The MCP SDK client runs the
// whole flow (discovery, registration, PKCE, login, token, refresh, MFA step-up) and each of its
// requests may land on either instance.

import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Sandbox } from "@alpacon/sandbox";
import { UnauthorizedError } from "@modelcontextprotocol/sdk/client/auth.js";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { MemoryOAuthProvider } from "../../packages/mcp/test/helpers/memory-oauth-provider.js";
import { cleanEnv, installed, listeningUrl, npx, scratchDir } from "../src/installed.js";
import { type Child, freePort, stopAll } from "../src/processes.js";
import { rawRequest } from "../src/raw-http.js";
import { type RoundRobinProxy, startRoundRobinProxy } from "../src/round-robin-proxy.js";

const TOOLS = ["get_current_user", "list_registration_tokens", "command_run"];

let sandbox: Sandbox;
let proxy: RoundRobinProxy;
let mcpUrl: URL;
const instances: Child[] = [];
const people = { owner: "", member: "" };
const cleanups: Array<() => void> = [];

type SandboxIdp = ReturnType<Sandbox["idp"]>;
const idp = (): SandboxIdp => sandbox.idp("ap1/acme");
const control = () => sandbox.control.workspace("ap1", "acme");

beforeAll(async () => {
  // The installed sandbox package, as the servers are the installed CLI.
  const from = (file: string) => pathToFileURL(join(installed().dir, "node_modules", file)).href;
  const { startSandbox } = (await import(
    from("@alpacon/sandbox/dist/index.js")
  )) as typeof import("@alpacon/sandbox");
  sandbox = await startSandbox({
    port: 0,
    servers: 2,
    workspaces: [{ region: "ap1", workspace: "acme" }],
  });
  const users = control().users();
  people.owner = String(users.find((u) => u.is_superuser)!.username);
  people.member = String(users.find((u) => !u.is_staff && u.is_active)!.username);

  // The instances need the proxy's URL (their public URL) and the proxy needs theirs: ports first.
  const ports = [await freePort(), await freePort()];
  proxy = await startRoundRobinProxy(ports.map((port) => `http://127.0.0.1:${port}`));
  mcpUrl = new URL(`${proxy.url}/mcp`);
  const upstream = idp().registerClient({
    redirectUris: [`${proxy.url}/oauth/callback`],
    name: "alpacon-mcp team deployment",
  });
  const key = randomBytes(32).toString("hex");
  for (const port of ports) {
    const [home, remove] = scratchDir();
    cleanups.push(remove);
    const child = npx(
      "alpacon-mcp",
      [
        ...["--transport", "http", "--auth", "oauth", "--workspace", "acme", "--region", "ap1"],
        ...["--port", String(port), "--public-url", proxy.url, "--stateless", "--confirm", "allow"],
        ...["--tools", TOOLS.join(",")],
      ],
      cleanEnv(home, {
        ALPACON_MCP_OAUTH_ISSUER: idp().issuer,
        ALPACON_MCP_OAUTH_CLIENT_ID: upstream.clientId,
        ALPACON_MCP_OAUTH_CLIENT_SECRET: upstream.clientSecret!,
        ALPACON_MCP_OAUTH_KEY: key,
        ALPACON_MCP_AP1_ACME_URL: sandbox.workspaces[0]!.baseUrl,
      }),
    );
    instances.push(child);
  }
  await Promise.all(instances.map((child) => listeningUrl(child)));
}, 60_000);

afterAll(async () => {
  await stopAll();
  await proxy?.close();
  await sandbox?.close();
  for (const remove of cleanups.splice(0)) remove();
});

/** The SDK client's whole flow as `username`: 401 → discovery and registration → browser → token. */
async function signIn(provider: MemoryOAuthProvider, username: string, mfa?: string) {
  const first = new Client({ name: "e2e-team", version: "1.0.0" });
  await expect(
    first.connect(new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider })),
  ).rejects.toThrow(UnauthorizedError);
  await finishLogin(provider, username, mfa);
  const client = new Client({ name: "e2e-team", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider }));
  return client;
}

/** The browser part (our /authorize, the provider's login form, our callback), then the code. */
async function finishLogin(provider: MemoryOAuthProvider, username: string, mfa?: string) {
  const authorization = provider.authorizationUrl!;
  expect(authorization.origin).toBe(proxy.url);
  expect(authorization.searchParams.get("code_challenge_method")).toBe("S256");
  const landed = new URL(
    await idp().authorize(authorization.href, {
      username,
      ...(mfa ? { mfa } : {}),
      stopAt: provider.redirectUrl,
    }),
  );
  expect(landed.searchParams.get("state")).toBe(authorization.searchParams.get("state"));
  await new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider }).finishAuth(
    landed.searchParams.get("code")!,
  );
}

async function call(client: Client, name: string, args: Record<string, unknown> = {}) {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  return { ...result, text: JSON.stringify(result.content) };
}

async function whoAmI(client: Client): Promise<string> {
  const result = await call(client, "get_current_user");
  expect(result.isError, result.text).toBeFalsy();
  return (result.structuredContent as { user: { username: string } }).user.username;
}

/** A bare `tools/call` with this bearer token, read exactly as it arrives. */
function rawCall(bearer: string) {
  return rawRequest(mcpUrl.href, {
    headers: { authorization: `Bearer ${bearer}` },
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "tools/call",
      params: { name: "get_current_user", arguments: {} },
    }),
  });
}

describe.sequential("team mode: two installed instances behind a round-robin proxy", () => {
  test("two people sign in through either instance and see what their own rights allow", async () => {
    const owner = await signIn(new MemoryOAuthProvider(), people.owner);
    const member = await signIn(new MemoryOAuthProvider(), people.member);
    try {
      expect(await whoAmI(owner)).toBe(people.owner);
      expect(await whoAmI(member)).toBe(people.member);
      // Registration tokens are staff-only at the API: the same tool, two answers.
      const ownerList = await call(owner, "list_registration_tokens");
      expect(ownerList.isError, ownerList.text).toBeFalsy();
      const memberList = await call(member, "list_registration_tokens");
      expect(memberList.isError).toBe(true);
      expect(memberList.text).toMatch(/permission/i);
    } finally {
      await Promise.all([owner.close(), member.close()]);
    }
    // Discovery, registration, authorize, callback, token and calls: each instance got its share.
    expect(proxy.counts[0]).toBeGreaterThan(5);
    expect(proxy.counts[1]).toBeGreaterThan(5);
  });

  test("an expired access token is refused, and the client refreshes through /token and goes on", async () => {
    idp().setLifetimes({ accessToken: 1 });
    const provider = new MemoryOAuthProvider();
    let client: Client;
    try {
      client = await signIn(provider, people.member);
    } finally {
      idp().setLifetimes({ accessToken: 3600 });
    }
    const expired = provider.saved!.access_token;
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const refused = await rawCall(expired);
    expect(refused.status).toBe(401);
    expect(String(refused.headers["www-authenticate"])).toMatch(/error="invalid_token".*exp/);
    expect(await whoAmI(client)).toBe(people.member);
    expect(provider.saved!.access_token).not.toBe(expired);
    await client.close();
    for (const child of instances) expect(child.stderr()).not.toContain(expired);
  });

  test("a revoked token and a token for another audience are refused", async () => {
    const { access_token: revoked } = await idp().login(people.member);
    expect((await rawCall(revoked)).status).toBe(200);
    expect(idp().revoke(revoked)).toBe(true);
    const afterRevoke = await rawCall(revoked);
    expect(afterRevoke.status).toBe(401);
    expect(String(afterRevoke.headers["www-authenticate"])).toMatch(/error="invalid_token"/);
    // A token of the same provider for its MFA API: never valid at the Alpacon API's resource.
    const { access_token: mfaApi } = await idp().login(people.member, {
      audience: idp().mfaAudience,
      mfa: "otp",
    });
    const foreign = await rawCall(mfaApi);
    expect(foreign.status).toBe(401);
    expect(String(foreign.headers["www-authenticate"])).toMatch(/error="invalid_token".*aud/);
    for (const answer of [afterRevoke, foreign]) {
      expect(answer.body).not.toContain(revoked);
      expect(answer.body).not.toContain(mfaApi);
    }
  });

  test("MFA step-up: 401 with scope mfa, the person signs in again with MFA, the command runs", async () => {
    const serverId = String(control().servers()[0]!.id);
    control().setGates({ mfaRequired: true });
    try {
      // Without a refresh token the client goes straight to a new authorization on the challenge.
      const provider = new MemoryOAuthProvider({ keepRefreshToken: false });
      const client = await signIn(provider, people.owner);
      provider.authorizationUrl = undefined;
      const run = { name: "command_run", arguments: { servers: [serverId], command: "uptime" } };
      await expect(client.callTool(run)).rejects.toThrow(UnauthorizedError);
      expect(provider.authorizationUrl!.searchParams.get("scope")).toContain("mfa");
      // The provider refuses the step-up login without MFA.
      await expect(
        idp().authorize(provider.authorizationUrl!.href, {
          username: people.owner,
          stopAt: provider.redirectUrl,
        }),
      ).rejects.toThrow(/MFA/);
      await finishLogin(provider, people.owner, "otp");
      const again = new Client({ name: "e2e-team", version: "1.0.0" });
      await again.connect(new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider }));
      const result = await call(again, "command_run", run.arguments);
      expect(result.isError, result.text).toBeFalsy();
      await Promise.all([client.close(), again.close()]);
    } finally {
      control().setGates({ mfaRequired: false });
    }
  });
});
