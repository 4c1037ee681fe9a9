import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createAlpaconClient,
  InvalidResponseError,
  RedirectError,
  ServerError,
  type Transport,
} from "../../src/index.js";
import { nodeTransport } from "../../src/node.js";
import { failure, json, startLoopbackServer } from "../helpers/loopback-server.js";

const TOKEN = "alpat-canary-SECRET-0123456789";
const SERVER = "7f4d8a70-3f0b-4c56-9d2e-2f3b8e0c9a11";

let api: Awaited<ReturnType<typeof startLoopbackServer>>;
let elsewhere: Awaited<ReturnType<typeof startLoopbackServer>>;

beforeEach(async () => {
  api = await startLoopbackServer();
  // Another port is another origin: what a hostile answer would point the client to.
  elsewhere = await startLoopbackServer();
  elsewhere.always((_request, response) => json(response, 201, [{ id: "x" }]));
});

afterEach(async () => {
  await api.close();
  await elsewhere.close();
});

const transports = {
  "the default fetch transport": undefined,
  nodeTransport: nodeTransport,
} as const;

function client(transport: Transport | undefined) {
  return createAlpaconClient({
    workspace: "acme",
    region: "ap1",
    baseUrl: `${api.url}/ap1/acme`,
    token: TOKEN,
    timeoutMs: 2_000,
    maxRetries: 0,
    ...(transport ? { transport } : {}),
  });
}

describe.each(Object.entries(transports))("API calls through %s", (_name, transport) => {
  it("never follow a 307 that would re-send a command's POST body to another host", async () => {
    api.reply((_request, response) => {
      response.writeHead(307, { location: `${elsewhere.url}/ap1/acme/api/events/commands/` });
      response.end();
    });
    const error = await failure(
      client(transport).commands.create({ server: SERVER, line: "rm -rf /srv/data" }),
    );
    expect(error).toBeInstanceOf(RedirectError);
    expect((error as RedirectError).status).toBe(307);
    expect((error as RedirectError).target).toBe(elsewhere.url);
    expect(error.message).toMatch(/do not follow redirects/);
    expect(error.message).not.toContain(TOKEN);
    expect(elsewhere.requests).toHaveLength(0);
    expect(api.requests).toHaveLength(1);
  });

  it("never follow a GET's redirect either: the token stays with the API", async () => {
    api.reply((_request, response) => {
      response.writeHead(302, { location: `${elsewhere.url}/steal` });
      response.end();
    });
    const error = await failure(client(transport).servers.list());
    expect(error).toBeInstanceOf(RedirectError);
    expect(elsewhere.requests).toHaveLength(0);
  });

  it("report an HTML page answered with 200 as a typed error, not a SyntaxError", async () => {
    api.reply((_request, response) => {
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      response.end("<html><body>Sign in to the proxy</body></html>");
    });
    const error = await failure(client(transport).servers.list());
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error).toMatchObject({ method: "GET", path: "/api/servers/servers/", status: 200 });
    expect(error.message).toMatch(/text\/html.*instead of JSON/);
  });

  it("report a body labelled JSON that does not parse as a typed error", async () => {
    api.reply((_request, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end("{ not json");
    });
    const error = await failure(client(transport).servers.list());
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error.message).toMatch(/not valid JSON/);
  });
});

it("commands.run reports a create answered with a redirect as refused, and never sends it elsewhere", async () => {
  api.always((request, response) => {
    if (request.method === "POST") {
      response.writeHead(308, { location: `${elsewhere.url}/ap1/acme/api/events/commands/` });
      response.end();
      return;
    }
    json(response, 200, { count: 0, current: 1, next: null, previous: null, last: 1, results: [] });
  });
  const [result] = await client(undefined).commands.run({ servers: SERVER, line: "uptime" });
  expect(result?.error?.kind).toBe("rejected");
  expect(result?.error?.message).toMatch(/do not follow redirects/);
  expect(elsewhere.requests).toHaveLength(0);
  expect(api.requests.filter((request) => request.method === "POST")).toHaveLength(1);
});

it("a 5xx with an HTML page is still a ServerError", async () => {
  api.reply((_request, response) => {
    response.writeHead(502, { "content-type": "text/html" });
    response.end("<html>Bad Gateway</html>");
  });
  const error = await failure(client(undefined).servers.list());
  expect(error).toBeInstanceOf(ServerError);
});
