import { randomBytes } from "node:crypto";
import { createServer, request as httpRequest } from "node:http";
import { type Sandbox, startSandbox } from "@alpacon/sandbox";
import { UnauthorizedError } from "@modelcontextprotocol/sdk/client/auth.js";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { ClientCapabilities } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, expect } from "vitest";
import type { OAuthHttpOptions } from "../../src/http/oauth-mode.js";
import type { StartHttpOptions } from "../../src/http/server.js";
import { type RunningHttpServer, startHttpServer } from "../../src/http/server.js";
import { browse, startIdp, type TestIdp } from "./idp.js";

import { MemoryOAuthProvider } from "./memory-oauth-provider.js";

export { MemoryOAuthProvider };

export interface OAuthWorld {
  sandbox: Sandbox;
  idp: TestIdp;
  key: string;
  /** Every line the MCP servers logged. */
  logs: string[];
  start(
    options?: Partial<StartHttpOptions> & {
      publicUrl?: string;
      oauthKeys?: string[];
      oauthExtra?: Partial<OAuthHttpOptions>;
    },
  ): Promise<RunningHttpServer>;
}

/**
 * A sandbox workspace, the test identity provider (whose tokens the sandbox accepts as the
 * member's or the owner's browser login) and a way to start MCP servers in OAuth mode on it.
 */
export async function oauthWorld(): Promise<OAuthWorld> {
  const sandbox = await startSandbox({ servers: 3 });
  afterAll(() => sandbox.close());
  const ws = sandbox.workspaces[0]!;
  const control = sandbox.control.workspace(ws.region, ws.workspace);
  const users = {
    member: control.state.tokens.find("jwt", ws.tokens.jwt)!.userId,
    owner: control.state.tokens.find("jwt", ws.tokens.ownerJwt)!.userId,
  };
  // Until the sandbox's own provider is used: tell it each issued token is that person's login.
  const idp = await startIdp({
    onIssue: (token, subject) =>
      control.state.tokens.add({
        scheme: "jwt",
        label: "jwt",
        key: token,
        userId: users[subject as keyof typeof users],
        acl: { kind: "full" },
      }),
  });
  const key = randomBytes(32).toString("hex");
  const logs: string[] = [];
  const running: RunningHttpServer[] = [];
  afterAll(async () => {
    await Promise.all(running.map((server) => server.close()));
  });
  return {
    sandbox,
    idp,
    key,
    logs,
    async start(options = {}) {
      const { publicUrl, oauthKeys = [key], oauthExtra, ...rest } = options;
      const server = await startHttpServer({
        port: 0,
        server: { tools: ["get_current_user", "command_run"], confirm: "allow" },
        logger: { log: (level, message) => logs.push(`${level} ${message}`) },
        oauth: {
          issuer: idp.issuer,
          clientId: idp.clientId,
          audience: idp.audience,
          keys: oauthKeys,
          publicUrl,
          workspace: ws.workspace,
          region: ws.region,
          alpaconUrl: ws.baseUrl,
          ...oauthExtra,
        },
        ...rest,
      });
      running.push(server);
      return server;
    },
  };
}

/**
 * A round-robin HTTP proxy on loopback: each request goes to the next of `backends` (ports, filled
 * in once the instances, which need the proxy's URL, are started).
 */
export async function roundRobin(): Promise<{ url: string; backends: number[]; hits: number[] }> {
  const backends: number[] = [];
  const hits: number[] = [];
  let next = 0;
  const proxy = createServer((incoming, outgoing) => {
    const index = next++ % backends.length;
    hits[index] = (hits[index] ?? 0) + 1;
    const forward = httpRequest(
      {
        host: "127.0.0.1",
        port: backends[index],
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forward.on("error", () => outgoing.destroy());
    incoming.pipe(forward);
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  afterAll(
    () =>
      new Promise<void>((resolve) => {
        proxy.close(() => resolve());
        proxy.closeAllConnections();
      }),
  );
  return { url: `http://127.0.0.1:${(proxy.address() as { port: number }).port}`, backends, hits };
}

/** Runs the client's whole flow as `person`; returns a connected client and its provider. */
export async function signIn(
  world: OAuthWorld,
  url: string,
  person: string,
  provider = new MemoryOAuthProvider(),
  capabilities: ClientCapabilities = {},
) {
  world.idp.nextLogin = person;
  const first = new Client({ name: "oauth-test", version: "1" });
  await expect(
    first.connect(new StreamableHTTPClientTransport(new URL(url), { authProvider: provider })),
  ).rejects.toThrow(UnauthorizedError);
  expect(provider.authorizationUrl).toBeDefined();
  const landed = await browse(provider.authorizationUrl!.href, provider.redirectUrl);
  expect(landed.url, landed.body).toBeDefined();
  const back = new URL(landed.url!);
  expect(back.searchParams.get("state")).toBe(provider.authorizationUrl!.searchParams.get("state"));
  const transport = new StreamableHTTPClientTransport(new URL(url), { authProvider: provider });
  await transport.finishAuth(back.searchParams.get("code")!);
  const client = new Client({ name: "oauth-test", version: "1" }, { capabilities });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { authProvider: provider }));
  return { client, provider };
}

export async function whoAmI(client: Client): Promise<string> {
  const result = await client.callTool({ name: "get_current_user", arguments: {} });
  expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
  return (result.structuredContent as { user: { username: string } }).user.username;
}
