import { getEventListeners } from "node:events";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  AbortedError,
  AlpaconApiError,
  AuthenticationError,
  ConflictError,
  ConnectionError,
  createAlpaconClient,
  MfaRequiredError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ServerError,
  TimeoutError,
  ValidationError,
} from "../../src/index.js";
import { failure, json, replyJson, startLoopbackServer } from "../helpers/loopback-server.js";

const TOKEN = "alpat-canary-SECRET-0123456789";
const JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjYW5hcnkifQ.c2lnbmF0dXJlLWNhbmFyeQ";
const PAGE = { count: 0, current: 1, next: null, previous: null, last: 1, results: [] };

let server: Awaited<ReturnType<typeof startLoopbackServer>>;
const logLines: string[] = [];
const logger = {
  debug: (message: string, fields?: Record<string, unknown>) =>
    logLines.push(`${message} ${JSON.stringify(fields)}`),
  warn: (message: string, fields?: Record<string, unknown>) =>
    logLines.push(`${message} ${JSON.stringify(fields)}`),
};

function client(overrides: Parameters<typeof createAlpaconClient>[0] = {}) {
  return createAlpaconClient({
    workspace: "acme",
    region: "ap1",
    baseUrl: `${server.url}/ap1/acme`,
    token: TOKEN,
    timeoutMs: 2_000,
    logger,
    ...overrides,
  });
}

beforeEach(async () => {
  server = await startLoopbackServer();
  logLines.length = 0;
});

afterEach(async () => {
  await server.close();
});

describe("requests", () => {
  it('sends API tokens as token="…" under the base path prefix, with a user agent', async () => {
    server.reply(replyJson(200, PAGE));
    await client().servers.list({ page_size: 5, search: "web" });
    const [request] = server.requests;
    expect(request?.url).toBe("/ap1/acme/api/servers/servers/?page_size=5&search=web");
    expect(request?.headers.authorization).toBe(`token="${TOKEN}"`);
    expect(request?.headers["user-agent"]).toMatch(/^alpacon-sdk-ts\//);
  });

  it("sends JWTs as Bearer", async () => {
    server.reply(replyJson(200, PAGE));
    await client({ token: JWT }).servers.list();
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${JWT}`);
  });

  it("asks a token provider before each request", async () => {
    let calls = 0;
    server.reply(replyJson(200, PAGE), replyJson(200, PAGE));
    const c = client({ token: undefined, tokenProvider: async () => `rotating-${++calls}` });
    await c.servers.list();
    await c.servers.list();
    expect(server.requests.map((r) => r.headers.authorization)).toEqual([
      'token="rotating-1"',
      'token="rotating-2"',
    ]);
  });

  it("encodes path parameters so an id cannot change the route", async () => {
    server.reply(replyJson(404, { detail: "Not found." }));
    await failure(client().servers.get("../../iam/users/x"));
    expect(server.requests[0]?.url).toBe(
      "/ap1/acme/api/servers/servers/..%2F..%2Fiam%2Fusers%2Fx/",
    );
  });
});

describe("errors from real status codes and bodies", () => {
  const cases: [number, unknown, new (...args: never[]) => Error, RegExp][] = [
    [
      401,
      { detail: "Invalid token." },
      AuthenticationError,
      /401: Invalid token\..*Check the API token for workspace acme \(ap1\)/,
    ],
    [401, { code: "auth_mfa_required", source: "websh" }, MfaRequiredError, /multi-factor/],
    [403, { code: "api_token_acl_not_allowed" }, PermissionDeniedError, /ACL/],
    [400, { code: "api_token_acl_not_allowed" }, PermissionDeniedError, /ACL/],
    [
      403,
      { code: "work_session_required", source: "command" },
      PermissionDeniedError,
      /work session/,
    ],
    [
      403,
      { detail: "You do not have permission to perform this action." },
      PermissionDeniedError,
      /permission/,
    ],
    [404, { detail: "Not found." }, NotFoundError, /404: Not found\./],
    [
      400,
      { content: ["Ensure this field has no more than 512 characters."] },
      ValidationError,
      /content: Ensure/,
    ],
    [400, ["Requested server is not connected."], ValidationError, /not connected/],
    [409, { detail: "conflict" }, ConflictError, /409/],
    [500, "<html><body>Internal error</body></html>", ServerError, /failed with 500\. The Alpacon/],
    [418, { detail: "teapot" }, AlpaconApiError, /418: teapot/],
  ];

  it.each(cases)(
    "maps %i %j to the right class with a next step",
    async (status, body, kind, message) => {
      server.always(replyJson(status, body));
      const error = await failure(
        client({ maxRetries: 0 }).servers.get("7b0c1b2e-0000-4000-8000-000000000001"),
      );
      expect(error).toBeInstanceOf(kind);
      expect(error.message).toMatch(message);
      expect(error.message).not.toContain("<html>");
      expect((error as AlpaconApiError).status).toBe(status);
      expect((error as AlpaconApiError).method).toBe("GET");
      expect((error as AlpaconApiError).path).toBe(
        "/api/servers/servers/7b0c1b2e-0000-4000-8000-000000000001/",
      );
    },
  );

  it("names the API path in errors, without the base path or the query", async () => {
    server.always(replyJson(404, { detail: "Not found." }));
    const error = await failure(client({ maxRetries: 0 }).servers.list({ search: "a?b#c" }));
    expect((error as AlpaconApiError).path).toBe("/api/servers/servers/");
  });

  it("keeps DRF field errors and the API's code", async () => {
    server.reply(
      replyJson(400, {
        username: ["A user with that username already exists."],
        code: "user_username_in_use",
      }),
    );
    const error = (await failure(
      client().iam.users.create({ username: "alice", email: "a@x.io" }),
    )) as ValidationError;
    expect(error.code).toBe("user_username_in_use");
    expect(error.fieldErrors).toEqual({ username: ["A user with that username already exists."] });
  });

  it("exposes Retry-After on a 429 that is not retried", async () => {
    server.reply(replyJson(429, { detail: "Request was throttled." }, { "retry-after": "7" }));
    const error = (await failure(client({ maxRetries: 0 }).servers.list())) as RateLimitError;
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.retryAfterMs).toBe(7_000);
    expect(error.message).toMatch(/Retry after 7 s/);
  });

  it("carries the request id when the server sends one", async () => {
    server.reply(replyJson(404, { detail: "Not found." }, { "x-request-id": "req-42" }));
    const error = (await failure(client().notes.get("n1"))) as NotFoundError;
    expect(error.requestId).toBe("req-42");
  });
});

describe("retries", () => {
  it("retries a GET after 429, honouring Retry-After", async () => {
    server.reply(
      replyJson(429, { detail: "Request was throttled." }, { "retry-after": "1" }),
      replyJson(200, PAGE),
    );
    const started = performance.now();
    await client().servers.list();
    expect(server.requests).toHaveLength(2);
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
  });

  it("retries GETs on 502/503 and connection resets, up to maxRetries", async () => {
    server.reply(
      replyJson(503, { detail: "unavailable" }),
      (_request, response) => response.socket?.destroy(),
      replyJson(200, PAGE),
    );
    await expect(client({ maxRetries: 2 }).servers.list()).resolves.toEqual(PAGE);
    expect(server.requests).toHaveLength(3);
  });

  it("gives up after maxRetries with the last error", async () => {
    server.always(replyJson(502, { detail: "bad gateway" }));
    const error = await failure(client({ maxRetries: 1 }).servers.list());
    expect(error).toBeInstanceOf(ServerError);
    expect(server.requests).toHaveLength(2);
  });

  it("never retries a POST, even on 503 or a reset connection", async () => {
    server.always(replyJson(503, { detail: "unavailable" }));
    const body = { server: "7b0c1b2e-0000-4000-8000-000000000001", line: "uptime" };
    expect(await failure(client({ maxRetries: 5 }).commands.create(body))).toBeInstanceOf(
      ServerError,
    );
    expect(server.requests).toHaveLength(1);

    server.always((_request, response) => response.socket?.destroy());
    expect(await failure(client({ maxRetries: 5 }).commands.create(body))).toBeInstanceOf(
      ConnectionError,
    );
    expect(server.requests).toHaveLength(2);
  });

  it("never retries a PATCH", async () => {
    server.always(replyJson(500, { detail: "boom" }));
    await failure(client({ maxRetries: 3 }).notes.update("n1", { content: "x" }));
    expect(server.requests).toHaveLength(1);
  });

  it("does not retry 4xx other than 408 and 429", async () => {
    server.always(replyJson(404, { detail: "Not found." }));
    await failure(client({ maxRetries: 3 }).servers.get("x"));
    expect(server.requests).toHaveLength(1);
  });
});

describe("timeouts and aborts", () => {
  it("times out a stalled response and says so", async () => {
    server.always(() => {});
    const error = await failure(client({ timeoutMs: 150, maxRetries: 0 }).servers.list());
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.message).toMatch(/timed out after 150 ms/);
  });

  it("times out a body that stalls after the headers", async () => {
    server.always((_request, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.write('{"count": 1');
    });
    expect(await failure(client({ timeoutMs: 150, maxRetries: 0 }).servers.list())).toBeInstanceOf(
      TimeoutError,
    );
  });

  it("reports a truncated body as a connection error", async () => {
    server.always((_request, response) => {
      response.writeHead(200, { "content-type": "application/json", "content-length": "500" });
      response.write('{"count": 1', () => response.socket?.destroy());
    });
    expect(await failure(client({ maxRetries: 0 }).servers.list())).toBeInstanceOf(ConnectionError);
  });

  it("per-call options override the client's", async () => {
    server.always(() => {});
    const error = await failure(
      client({ timeoutMs: 10_000 }).servers.list({}, { timeoutMs: 100, maxRetries: 0 }),
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect(server.requests).toHaveLength(1);
  });

  it("stops at once when the caller aborts, without retrying", async () => {
    server.always(() => {});
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = performance.now();
    const error = await failure(
      client({ maxRetries: 3 }).servers.list({}, { signal: controller.signal }),
    );
    expect(error).toBeInstanceOf(AbortedError);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(server.requests).toHaveLength(1);
  });

  it("leaves no listener on a caller's signal that outlives many calls", async () => {
    // A script often passes one long-lived signal to every call; each call must take its
    // listener back when it ends (undici Requests built per call kept theirs until GC).
    server.always((_request, response) => json(response, 200, PAGE));
    const controller = new AbortController();
    const sdk = client();
    for (let i = 0; i < 20; i++) await sdk.servers.list({}, { signal: controller.signal });
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
    expect(server.requests).toHaveLength(20);
  });

  it("reports a refused connection clearly", async () => {
    const url = server.url;
    await server.close();
    const error = await failure(
      createAlpaconClient({ baseUrl: url, token: TOKEN, maxRetries: 0 }).servers.list(),
    );
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.message).toMatch(/ECONNREFUSED/);
    server = await startLoopbackServer();
  });
});

describe("pagination", () => {
  function pages(total: number, pageSize: number) {
    server.always((request, response) => {
      const url = new URL(request.url, "http://x");
      const page = Number(url.searchParams.get("page") ?? 1);
      const size = Number(url.searchParams.get("page_size") ?? 15);
      const last = Math.ceil(total / size);
      const results = Array.from({ length: Math.min(size, total - (page - 1) * size) }, (_, i) => ({
        id: String((page - 1) * size + i),
      }));
      json(response, 200, {
        count: total,
        current: page,
        next: page < last ? page + 1 : null,
        previous: page > 1 ? page - 1 : null,
        last,
        results,
      });
    });
    expect(pageSize).toBeGreaterThan(0);
  }

  it("walks all pages", async () => {
    pages(250, 100);
    const ids: string[] = [];
    for await (const item of client().servers.iterate()) ids.push(item.id);
    expect(ids).toHaveLength(250);
    expect(ids.at(-1)).toBe("249");
    expect(server.requests.map((r) => new URL(r.url, "http://x").searchParams.get("page"))).toEqual(
      ["1", "2", "3"],
    );
  });

  it("stops at the limit without fetching further pages", async () => {
    pages(250, 10);
    const ids: string[] = [];
    for await (const item of client().servers.iterate({}, { limit: 25, pageSize: 10 }))
      ids.push(item.id);
    expect(ids).toHaveLength(25);
    expect(server.requests).toHaveLength(3);
  });
});

describe("secrets", () => {
  it("never puts the token into errors or log lines", async () => {
    server.reply(
      replyJson(401, { detail: "Invalid token." }),
      replyJson(503, { detail: "x" }),
      replyJson(200, PAGE),
      (_request, response) => response.socket?.destroy(),
    );
    const c = client({ maxRetries: 0 });
    const errors = [await failure(c.servers.list()), await failure(c.servers.list())];
    await c.servers.list();
    errors.push(await failure(c.servers.list()));
    for (const error of errors) {
      expect(`${error.message} ${error.stack} ${JSON.stringify(error)}`).not.toContain(TOKEN);
    }
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.join("\n")).not.toContain(TOKEN);
  });

  it("refuses tokens with whitespace or control characters when the client is made", async () => {
    expect(() => client({ token: "abc def" })).toThrow(/copy it again/);
    expect(() => client({ token: "abc\n" })).toThrow(/control characters/);
  });

  it("refuses a bad token from a provider before sending anything", async () => {
    await expect(
      client({ token: undefined, tokenProvider: () => "" }).servers.list(),
    ).rejects.toThrow(/is empty/);
    expect(server.requests).toHaveLength(0);
  });
});
