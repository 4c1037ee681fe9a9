import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, test } from "vitest";
import {
  MemoryOAuthProvider,
  type OAuthWorld,
  oauthWorld,
  roundRobin,
  signIn,
  whoAmI,
} from "../helpers/oauth-client.js";

// The MCP TypeScript SDK client's own OAuth flow against `--auth oauth`: discovery (RFC 9728,
// RFC 8414), dynamic registration, PKCE, the login at the identity provider, the token, tool
// calls as that person, and refresh.

const world: OAuthWorld = await oauthWorld();

function secretsSeen(provider: MemoryOAuthProvider): string[] {
  return [
    ...world.idp.issued.map((item) => item.token),
    provider.saved?.refresh_token ?? "",
  ].filter(Boolean);
}

describe("one instance with sessions", () => {
  test("the SDK client signs in, calls tools as that person, and refreshes", async () => {
    const server = await world.start();
    const { client, provider } = await signIn(world, server.url, "member");
    const member = await whoAmI(client);
    // The token the client holds is the identity provider's access token (the Alpacon JWT).
    expect(world.idp.issued.map((item) => item.token)).toContain(provider.saved?.access_token);
    // The refresh token is sealed by this server, never the provider's own.
    expect(provider.saved?.refresh_token).toMatch(/^ey[\w-]+\.\.[\w-]+\.[\w-]+\.[\w-]+$/);

    const other = await signIn(world, server.url, "owner");
    const owner = await whoAmI(other.client);
    expect(owner).not.toBe(member);

    // An expired access token: the client refreshes through /token and carries on.
    world.idp.accessTtl = 1;
    const short = await signIn(world, server.url, "member");
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    world.idp.accessTtl = 3600;
    const before = short.provider.saved?.access_token;
    expect(await whoAmI(short.client)).toBe(member);
    expect(short.provider.saved?.access_token).not.toBe(before);
    expect(world.idp.grants).toContainEqual({ grant: "refresh_token", status: 200 });

    const leaked = [...secretsSeen(provider), ...secretsSeen(short.provider)];
    for (const line of world.logs) for (const secret of leaked) expect(line).not.toContain(secret);
    await Promise.all([client.close(), other.client.close(), short.client.close()]);
  }, 30_000);
});

describe("confirmations and MFA with sessions", () => {
  test("a confirmation reaches the person; MFA met after it is said in words (the status was sent)", async () => {
    const server = await world.start({ server: { tools: ["command_run"], confirm: "elicit" } });
    const ws = world.sandbox.workspaces[0]!;
    const control = world.sandbox.control.workspace(ws.region, ws.workspace);
    const serverId = String(control.servers()[0]!.id);
    const { client } = await signIn(world, server.url, "member", new MemoryOAuthProvider(), {
      elicitation: { form: {} },
    });
    const questions: string[] = [];
    client.setRequestHandler(ElicitRequestSchema, async (request) => {
      questions.push(request.params.message);
      return { action: "accept", content: { confirm: true } };
    });
    const run = { name: "command_run", arguments: { servers: [serverId], command: "uptime" } };
    const ran = await client.callTool(run);
    expect(questions).toHaveLength(1);
    expect(questions[0]).toMatch(/uptime/);
    expect(ran.isError, JSON.stringify(ran.content)).toBeFalsy();

    control.setGates({ mfaRequired: true });
    try {
      const refused = JSON.stringify(await client.callTool(run));
      expect(questions).toHaveLength(2);
      expect(refused).toMatch(/multi-factor authentication/);
      expect(refused).toMatch(/re-authorize this server in their MCP client/);
      expect(refused).not.toMatch(/was asked to sign in again/);
    } finally {
      control.setGates({ mfaRequired: false });
    }
    await client.close();
  }, 20_000);
});

describe("a token Alpacon no longer accepts", () => {
  test("revoked mid-session: 401 invalid_token, and the client refreshes and carries on", async () => {
    const server = await world.start();
    const { client, provider } = await signIn(world, server.url, "member");
    const name = await whoAmI(client);
    const revoked = provider.saved!.access_token;
    const ws = world.sandbox.workspaces[0]!;
    world.sandbox.control.workspace(ws.region, ws.workspace).state.tokens.remove("jwt", revoked);
    const refreshes = world.idp.grants.filter((grant) => grant.grant === "refresh_token").length;
    expect(await whoAmI(client)).toBe(name);
    expect(provider.saved!.access_token).not.toBe(revoked);
    expect(world.idp.grants.filter((grant) => grant.grant === "refresh_token")).toHaveLength(
      refreshes + 1,
    );
    await client.close();
  });
});

describe("two stateless instances behind a round-robin proxy, sharing the key", () => {
  test("registration, login, token and calls each land on either instance", async () => {
    const lb = await roundRobin();
    const a = await world.start({ stateless: true, publicUrl: lb.url });
    const b = await world.start({ stateless: true, publicUrl: lb.url });
    lb.backends.push(a.port, b.port);
    const { client, provider } = await signIn(world, `${lb.url}/mcp`, "member");
    const name = await whoAmI(client);
    const owner = await signIn(world, `${lb.url}/mcp`, "owner");
    expect(await whoAmI(owner.client)).not.toBe(name);
    // A refresh and a call after it, wherever they land.
    const refreshed = await fetch(`${lb.url}/token`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "refresh_token",
        refresh_token: provider.saved!.refresh_token!,
        client_id: provider.information!.client_id,
      }),
    });
    expect(refreshed.status).toBe(200);
    expect(await whoAmI(client)).toBe(name);
    expect(lb.hits[0]).toBeGreaterThan(3);
    expect(lb.hits[1]).toBeGreaterThan(3);
    await Promise.all([client.close(), owner.client.close()]);
  }, 30_000);
});
