import { Server as NetServer } from "node:net";
import { loadConfig } from "@alpacon/sdk/node";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import {
  type LoggingMessageNotification,
  LoggingMessageNotificationSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, test, vi } from "vitest";
import { type RunningHttpServer, type StartHttpOptions, startHttpServer } from "../../src/index.js";
import { CHANNEL_TOOLS } from "../../src/tools/select-tools.js";
import { useHarness } from "../helpers/file-harness.js";
import { call, connectedServer, MISSING_ID } from "../helpers/harness.js";
import { INITIALIZE, JSON_HEADERS, message, raw, rpc, waitFor } from "../helpers/http.js";

const h = useHarness();

const running: RunningHttpServer[] = [];
const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close().catch(() => {})));
  await Promise.all(running.splice(0).map((server) => server.close()));
});

const TOKEN = "test-bearer-token-0123456789";

async function start(options: StartHttpOptions = {}): Promise<RunningHttpServer> {
  const server = await startHttpServer({
    host: "127.0.0.1",
    port: 0,
    server: { config: loadConfig({ configFile: h.configFile, env: {} }), confirm: "allow" },
    ...options,
  });
  running.push(server);
  return server;
}

async function connectHttp(url: string, headers: Record<string, string> = {}) {
  const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
  const client = new Client({ name: "test", version: "0" });
  await client.connect(transport);
  clients.push(client);
  return { client, transport };
}

describe("Streamable HTTP", () => {
  test("initialize, tools/list and a tools/call against the sandbox, in a session", async () => {
    const server = await start();
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    const { client, transport } = await connectHttp(server.url);
    expect(transport.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(client.getServerVersion()?.name).toBe("alpacon");
    expect(client.getServerCapabilities()?.logging).toEqual({});
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toContain("servers_list");
    const result = await call(client, "servers_list", { workspace: "acme" });
    expect(result.isError).toBe(false);
    expect(result.structured?.count).toBeGreaterThan(0);
    expect(server.sessionCount()).toBe(1);
    await transport.terminateSession();
    expect(server.sessionCount()).toBe(0);
  });

  test("a request with an unknown session id gets 404, one without any gets 400", async () => {
    const server = await start();
    const list = rpc("tools/list");
    const unknown = await raw(server.url, {
      headers: { ...JSON_HEADERS, "Mcp-Session-Id": MISSING_ID },
      body: list,
    });
    expect(unknown.status).toBe(404);
    const none = await raw(server.url, { headers: JSON_HEADERS, body: list });
    expect(none.status).toBe(400);
    expect(message(none)).toMatchObject({
      error: { message: expect.stringMatching(/initialize/) },
    });
  });

  test("idle sessions are closed, and their id is then unknown", async () => {
    const server = await start({ sessionIdleMs: 100 });
    const { client, transport } = await connectHttp(server.url);
    await client.listTools();
    const id = transport.sessionId!;
    expect(server.sessionCount()).toBe(1);
    await waitFor(() => server.sessionCount() === 0);
    const after = await raw(server.url, {
      headers: { ...JSON_HEADERS, "Mcp-Session-Id": id },
      body: rpc("tools/list"),
    });
    expect(after.status).toBe(404);
  });

  test("100 initialize requests lock nobody out: they only replace their own unused sessions", async () => {
    const server = await start();
    const { client: working } = await connectHttp(server.url);
    expect((await call(working, "servers_list", { workspace: "acme" })).isError).toBe(false);
    const flood: string[] = [];
    for (let i = 0; i < 100; i++) {
      const answer = await raw(server.url, { headers: JSON_HEADERS, body: INITIALIZE });
      expect(answer.status).toBe(200);
      flood.push(String(answer.headers["mcp-session-id"]));
    }
    expect(server.sessionCount()).toBe(100);
    // A new client still gets in, and the one at work keeps its session.
    const { client: newcomer } = await connectHttp(server.url);
    expect((await call(newcomer, "servers_list", { workspace: "acme" })).isError).toBe(false);
    expect((await call(working, "servers_list", { workspace: "acme" })).isError).toBe(false);
    expect(server.sessionCount()).toBe(100);
    // The flood's oldest sessions made room.
    const oldest = await raw(server.url, {
      headers: { ...JSON_HEADERS, "Mcp-Session-Id": flood[0]! },
      body: rpc("tools/list"),
    });
    expect(oldest.status).toBe(404);
  }, 30_000);

  test("when every session has been used, the least recently used idle one makes room", async () => {
    const server = await start({ maxSessions: 3 });
    const clients = [];
    for (let i = 0; i < 3; i++) {
      const { client } = await connectHttp(server.url);
      await client.listTools();
      clients.push(client);
    }
    // The first client is the most recently active; the second is now the least.
    await clients[0]!.listTools();
    const { client: fourth } = await connectHttp(server.url);
    await fourth.listTools();
    expect(server.sessionCount()).toBe(3);
    await expect(clients[1]!.listTools()).rejects.toThrow(/404|not found/i);
    await clients[0]!.listTools();
    await clients[2]!.listTools();
  });

  test("even when every session is busy, a new client gets in: the least recent one makes room", async () => {
    const server = await start({ maxSessions: 1 });
    h.sandbox.control.setCommandDelays("manual");
    try {
      const { client: busy } = await connectHttp(server.url);
      h.sandbox.control.clearJournal();
      // A command that never finishes keeps a request of that session in flight.
      const pending = call(busy, "command_run", {
        workspace: "acme",
        servers: [connectedServer(h.sandbox)],
        command: "uptime",
      }).catch((error: unknown) => error);
      await waitFor(() => h.sandbox.control.journal({ method: "POST" }).length > 0);
      const { client: newcomer } = await connectHttp(server.url);
      expect((await call(newcomer, "servers_list", { workspace: "acme" })).isError).toBe(false);
      expect(server.sessionCount()).toBe(1);
      await busy.close();
      await pending;
    } finally {
      h.sandbox.control.setCommandDelays({ delivered: 10, acked: 10, running: 10 });
    }
  });

  test("stateless: no session id, every request stands alone", async () => {
    const server = await start({ stateless: true });
    const { client, transport } = await connectHttp(server.url);
    expect(transport.sessionId).toBeUndefined();
    expect((await client.listTools()).tools.length).toBeGreaterThan(0);
    expect((await call(client, "servers_list", { workspace: "acme" })).isError).toBe(false);
    expect(server.sessionCount()).toBe(0);
    // Two plain requests, no initialize, no session: each is answered by a fresh server.
    for (const id of [1, 2]) {
      const answer = await raw(server.url, {
        headers: JSON_HEADERS,
        body: rpc("tools/list", {}, id),
      });
      expect(answer.status).toBe(200);
      expect(answer.headers["mcp-session-id"]).toBeUndefined();
      expect(message(answer)).toMatchObject({ id, result: { tools: expect.any(Array) } });
    }
    expect((await raw(server.url, { method: "GET", headers: JSON_HEADERS })).status).toBe(405);
  });

  test("stateless: offers no websh channel tool, as no channel could be used or closed", async () => {
    const server = await start({ stateless: true });
    const { client } = await connectHttp(server.url);
    const names = (await client.listTools()).tools.map((tool) => tool.name);
    for (const name of CHANNEL_TOOLS) expect(names).not.toContain(name);
    expect(names).toContain("websh_command_execute");
    expect(names).toContain("websh_session_terminate");
    const unknown = await call(client, "websh_session_create", {
      workspace: "acme",
      server: connectedServer(h.sandbox),
    });
    expect(unknown.isError).toBe(true);
    // One command in a shell of its own works: nothing outlives the request.
    const once = await call(client, "websh_command_execute", {
      workspace: "acme",
      server: connectedServer(h.sandbox),
      command: "echo stateless",
    });
    expect(once.structured).toMatchObject({ output: "stateless\n", exitCode: 0 });
    // Asking for a channel tool by name fails at start, not at the first request.
    await expect(
      start({
        stateless: true,
        server: {
          config: loadConfig({ configFile: h.configFile, env: {} }),
          tools: ["websh_channel_execute"],
        },
      }),
    ).rejects.toThrow(/websh_channel_execute keep a websh channel open between calls/);
  });
});

describe("legacy SSE", () => {
  test("GET /sse + POST /messages: initialize, list and call", async () => {
    const server = await start({ transport: "sse", authToken: TOKEN });
    expect(server.url).toMatch(/\/sse$/);
    const headers = { Authorization: `Bearer ${TOKEN}` };
    const client = new Client({ name: "test", version: "0" });
    await client.connect(new SSEClientTransport(new URL(server.url), { requestInit: { headers } }));
    clients.push(client);
    expect((await client.listTools()).tools.length).toBeGreaterThan(0);
    expect((await call(client, "servers_list", { workspace: "acme" })).isError).toBe(false);
    expect(server.sessionCount()).toBe(1);
    await client.close();
    await waitFor(() => server.sessionCount() === 0);
  });

  test("the same Host, Origin and bearer checks", async () => {
    const server = await start({ transport: "sse", authToken: TOKEN });
    const auth = { Authorization: `Bearer ${TOKEN}` };
    expect((await raw(server.url, { method: "GET" })).status).toBe(401);
    const host = await raw(server.url, {
      method: "GET",
      headers: { ...auth, Host: "evil.example" },
    });
    expect(host.status).toBe(403);
    const origin = await raw(server.url, {
      method: "GET",
      headers: { ...auth, Origin: "https://evil.example" },
    });
    expect(origin.status).toBe(403);
    const messages = server.url.replace(/\/sse$/, `/messages?sessionId=${MISSING_ID}`);
    expect(
      (await raw(messages, { headers: { ...auth, ...JSON_HEADERS }, body: "{}" })).status,
    ).toBe(404);
  });
});

describe("request checks", () => {
  test("a Host that is not loopback is refused (DNS rebinding)", async () => {
    const server = await start();
    for (const host of ["evil.example", "evil.example:8237", "10.0.0.1"]) {
      const answer = await raw(server.url, {
        headers: { ...JSON_HEADERS, Host: host },
        body: INITIALIZE,
      });
      expect(answer.status).toBe(403);
      expect(message(answer)).toMatchObject({ error: { message: expect.stringMatching(/Host/) } });
    }
    const allowed = await raw(server.url, {
      headers: { ...JSON_HEADERS, Host: `localhost:${server.port}` },
      body: INITIALIZE,
    });
    expect(allowed.status).toBe(200);
  });

  test("--allowed-hosts adds names", async () => {
    const server = await start({ allowedHosts: ["mcp.internal"] });
    const answer = await raw(server.url, {
      headers: { ...JSON_HEADERS, Host: "mcp.internal:443" },
      body: INITIALIZE,
    });
    expect(answer.status).toBe(200);
  });

  test("by default no web page may call, not even one on a local port: 403 and no CORS", async () => {
    const server = await start();
    // A session opened by a real (non-browser) client, which a page then tries to ride.
    const opened = await raw(server.url, { headers: JSON_HEADERS, body: INITIALIZE });
    expect(opened.status).toBe(200);
    const session = { "Mcp-Session-Id": String(opened.headers["mcp-session-id"]) };
    const listServers = rpc("tools/call", { name: "servers_list", arguments: {} }, 2);
    for (const origin of [
      "http://localhost:5173",
      "http://127.0.0.1:3000",
      `http://localhost:${server.port}`,
      `https://127.0.0.1:${server.port}`,
      "http://[::1]:8080",
      "null",
    ]) {
      const page = { ...JSON_HEADERS, Origin: origin };
      const init = await raw(server.url, { headers: page, body: INITIALIZE });
      expect(init.status).toBe(403);
      expect(init.headers["access-control-allow-origin"]).toBeUndefined();
      expect(message(init)).toMatchObject({
        error: { message: expect.stringMatching(/--allow-origin/) },
      });
      const ride = await raw(server.url, { headers: { ...page, ...session }, body: listServers });
      expect(ride.status).toBe(403);
      const preflight = await raw(server.url, {
        method: "OPTIONS",
        headers: { Origin: origin, "Access-Control-Request-Method": "POST" },
      });
      expect(preflight.status).toBe(403);
      expect(preflight.headers["access-control-allow-origin"]).toBeUndefined();
    }
    // The server's own origin (the Host it was reached by) serves no page, so it may call.
    const own = await raw(server.url, {
      headers: { ...JSON_HEADERS, Origin: `http://127.0.0.1:${server.port}` },
      body: INITIALIZE,
    });
    expect(own.status).toBe(200);
  });

  test("--allow-origin lists the pages that may call, with CORS; others stay refused", async () => {
    const server = await start({
      allowedOrigins: ["https://app.example", "http://localhost:6274"],
    });
    for (const origin of ["https://evil.example", "http://localhost:5173", "null"]) {
      const refused = await raw(server.url, {
        headers: { ...JSON_HEADERS, Origin: origin },
        body: INITIALIZE,
      });
      expect(refused.status).toBe(403);
    }
    for (const origin of ["http://localhost:6274", "https://app.example"]) {
      const ok = await raw(server.url, {
        headers: { ...JSON_HEADERS, Origin: origin },
        body: INITIALIZE,
      });
      expect(ok.status).toBe(200);
      expect(ok.headers["access-control-allow-origin"]).toBe(origin);
    }
    const preflight = await raw(server.url, {
      method: "OPTIONS",
      headers: { Origin: "https://app.example", "Access-Control-Request-Method": "POST" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers["access-control-allow-headers"]).toMatch(/Mcp-Session-Id/);
  });

  test("a bearer token is required when configured: missing or wrong is 401", async () => {
    const server = await start({ authToken: TOKEN });
    const missing = await raw(server.url, { headers: JSON_HEADERS, body: INITIALIZE });
    expect(missing.status).toBe(401);
    expect(missing.headers["www-authenticate"]).toBe('Bearer realm="alpacon-mcp"');
    const wrong = await raw(server.url, {
      headers: { ...JSON_HEADERS, Authorization: `Bearer ${TOKEN}x` },
      body: INITIALIZE,
    });
    expect(wrong.status).toBe(401);
    expect(wrong.headers["www-authenticate"]).toMatch(/error="invalid_token"/);
    expect(wrong.body).not.toContain(TOKEN);
    const basic = await raw(server.url, {
      headers: { ...JSON_HEADERS, Authorization: `Basic ${TOKEN}` },
      body: INITIALIZE,
    });
    expect(basic.status).toBe(401);
    const { client } = await connectHttp(server.url, { Authorization: `Bearer ${TOKEN}` });
    expect((await client.listTools()).tools.length).toBeGreaterThan(0);
  });

  test("a body over the cap is refused with 413, declared or streamed", async () => {
    const server = await start({ maxBodyBytes: 64 * 1024 });
    const big = JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { pad: "x".repeat(100_000) },
    });
    const declared = await raw(server.url, { headers: JSON_HEADERS, body: big });
    expect(declared.status).toBe(413);
    const chunked = await raw(server.url, {
      headers: { ...JSON_HEADERS, "Transfer-Encoding": "chunked" },
      body: big,
    });
    expect(chunked.status).toBe(413);
    expect(server.sessionCount()).toBe(0);
  });

  test("the default cap is 4 MiB", async () => {
    const server = await start();
    const big = `{"pad":"${"x".repeat(4 * 1024 * 1024)}"}`;
    expect((await raw(server.url, { headers: JSON_HEADERS, body: big })).status).toBe(413);
  });

  test("invalid JSON is a parse error; other paths are 404", async () => {
    const server = await start();
    const bad = await raw(server.url, { headers: JSON_HEADERS, body: "{nope" });
    expect(bad.status).toBe(400);
    expect(message(bad)).toMatchObject({ error: { code: -32700 } });
    const elsewhere = await raw(server.url.replace(/\/mcp$/, "/other"), {
      headers: JSON_HEADERS,
      body: INITIALIZE,
    });
    expect(elsewhere.status).toBe(404);
  });

  test.each(["0.0.0.0", "::", "192.168.1.10", "example.com"])(
    "listening on %s without a bearer token is refused before binding",
    async (host) => {
      const listen = vi.spyOn(NetServer.prototype, "listen");
      try {
        await expect(startHttpServer({ host, port: 0 })).rejects.toThrow(
          /Refusing to listen on .* without a bearer token.*--auth-token/,
        );
        expect(listen).not.toHaveBeenCalled();
      } finally {
        listen.mockRestore();
      }
    },
  );
});

describe("logging", () => {
  test("logging/setLevel decides which messages the client receives; tokens never appear", async () => {
    const server = await start();
    const { client } = await connectHttp(server.url);
    const received: LoggingMessageNotification["params"][] = [];
    client.setNotificationHandler(LoggingMessageNotificationSchema, (notification) => {
      received.push(notification.params);
    });
    // Before setLevel: warnings and worse.
    await call(client, "servers_list", { workspace: "acme" });
    await call(client, "server_get", { workspace: "acme", server: MISSING_ID });
    expect(received.map((item) => item.level)).toEqual(["warning"]);
    expect(received[0]!.data).toMatch(
      /^server_get failed in \d+ ms \(workspace acme, region ap1\): /,
    );

    await client.setLoggingLevel("error");
    await call(client, "server_get", { workspace: "acme", server: MISSING_ID });
    expect(received).toHaveLength(1);

    await client.setLoggingLevel("debug");
    await call(client, "servers_list", { workspace: "acme" });
    expect(received.at(-1)).toMatchObject({
      level: "info",
      logger: "alpacon-mcp",
      data: expect.stringMatching(/^servers_list ok in \d+ ms/),
    });
    const token = h.sandbox.workspaces[0]!.tokens.admin;
    expect(JSON.stringify(received)).not.toContain(token);
  });
});
