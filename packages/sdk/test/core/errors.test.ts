import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { toApiError } from "../../src/core/error-mapping.js";
import {
  AbortedError,
  AlpaconApiError,
  AuthenticationError,
  ConflictError,
  ConnectionError,
  createAlpaconClient,
  InvalidResponseError,
  MfaRequiredError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  RedirectError,
  ServerError,
  TimeoutError,
  ValidationError,
  WorkSessionError,
} from "../../src/index.js";
import { failure, json, startLoopbackServer } from "../helpers/loopback-server.js";

const init = (status: number, body: unknown, method = "POST") => ({
  status,
  method,
  path: "/api/events/commands/",
  body,
  context: "workspace acme (ap1)",
});

describe("API errors carry their fields", () => {
  it.each([
    [401, {}, AuthenticationError, /^Check the API token for workspace acme \(ap1\)/],
    [401, { code: "auth_mfa_required" }, MfaRequiredError, /multi-factor/],
    [403, { code: "api_token_acl_not_allowed" }, PermissionDeniedError, /token's ACL/],
    [403, { code: "work_session_expired" }, WorkSessionError, /extend it/],
    [403, { detail: "No." }, PermissionDeniedError, /workspace admin for the permission/],
    [404, {}, NotFoundError, /Check the id or name/],
    [500, {}, ServerError, /retry later$/],
    [307, {}, RedirectError, /do not follow redirects/],
  ])("%i %j: the class, a hint the message ends with", (status, body, type, hint) => {
    const error = toApiError(init(status, body));
    expect(error).toBeInstanceOf(type);
    expect(error.hint).toMatch(hint);
    expect(error.message.endsWith(error.hint!)).toBe(true);
  });

  it("no hint where the SDK knows no next step beyond the API's words", () => {
    expect(toApiError(init(400, { line: ["Too long."] })).hint).toBeUndefined();
    expect(toApiError(init(409, { detail: "Busy." })).hint).toBeUndefined();
    expect(toApiError(init(418, {}))).toBeInstanceOf(AlpaconApiError);
  });

  it("a class built directly words the same hint as the mapping (one source)", () => {
    const cases = [
      [new AuthenticationError(init(401, {})), init(401, {})],
      [
        new PermissionDeniedError(init(403, { code: "api_token_acl_not_allowed" })),
        init(403, { code: "api_token_acl_not_allowed" }),
      ],
      [
        new WorkSessionError(init(400, { code: "work_session_not_active" })),
        init(400, { code: "work_session_not_active" }),
      ],
      [new NotFoundError(init(404, {})), init(404, {})],
      [
        new RateLimitError({ ...init(429, {}), retryAfterMs: 1_200 }),
        { ...init(429, {}), retryAfterMs: 1_200 },
      ],
      [
        new ServerError({ ...init(502, {}), requestId: "r-1" }),
        { ...init(502, {}), requestId: "r-1" },
      ],
    ] as const;
    for (const [built, from] of cases) expect(built.hint).toBe(toApiError(from).hint);
    expect(cases[4][0].hint).toBe("Retry after 2 s");
    expect(cases[5][0].hint).toMatch(/report the request id \(r-1\)/);
    // An explicit hint still wins.
    expect(new NotFoundError(init(404, {}), "List them first").hint).toBe("List them first");
  });

  it("reason is the API's detail, or its code in words", () => {
    expect(toApiError(init(403, { detail: "Nope." })).reason).toBe("Nope.");
    expect(toApiError(init(403, { code: "api_token_acl_not_allowed" })).reason).toBe(
      "the API token's access control list does not allow this",
    );
    expect(toApiError(init(500, "<html>")).reason).toBeUndefined();
  });

  it.each([
    [400, "POST", false],
    [404, "DELETE", false],
    [429, "POST", false],
    [307, "POST", false],
    [500, "POST", true],
    [503, "PATCH", true],
    [500, "GET", false],
  ])("%i after %s: mayHaveTakenEffect %s", (status, method, expected) => {
    expect(toApiError(init(status, {}, method)).mayHaveTakenEffect).toBe(expected);
  });

  it("keeps the fields of each subclass", () => {
    const invalid = toApiError(init(400, { line: ["Too long."] })) as ValidationError;
    expect(invalid.fieldErrors).toEqual({ line: ["Too long."] });
    expect(toApiError(init(409, {}))).toBeInstanceOf(ConflictError);
    const limited = toApiError({ ...init(429, {}), retryAfterMs: 5_000 }) as RateLimitError;
    expect(limited.retryAfterMs).toBe(5_000);
    const moved = toApiError({ ...init(302, {}), location: "https://other.example/x" });
    expect((moved as RedirectError).target).toBe("https://other.example");
  });
});

describe("errors without an answer carry their fields", () => {
  const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), {
    code: "ECONNREFUSED",
  });
  const reset = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });

  it("ConnectionError: method, path, reason, hint", () => {
    const error = new ConnectionError("GET", "/api/x/", "ECONNREFUSED");
    expect(error).toMatchObject({ method: "GET", path: "/api/x/", reason: "ECONNREFUSED" });
    expect(error.hint).toMatch(/reachable/);
    expect(error.message).toBe(`GET /api/x/ failed: ECONNREFUSED. ${error.hint}.`);
  });

  it("ConnectionError: a write may have taken effect unless the connection never opened", () => {
    const wrapped = new TypeError("fetch failed", { cause: refused });
    expect(new ConnectionError("POST", "/p/", "x", { cause: wrapped }).mayHaveTakenEffect).toBe(
      false,
    );
    expect(new ConnectionError("POST", "/p/", "x", { cause: reset }).mayHaveTakenEffect).toBe(true);
    expect(new ConnectionError("POST", "/p/", "x").mayHaveTakenEffect).toBe(true);
    expect(new ConnectionError("GET", "/p/", "x", { cause: reset }).mayHaveTakenEffect).toBe(false);
    expect(new ConnectionError("POST", "/p/", "x", { cause: reset }).cause).toBe(reset);
  });

  it("TimeoutError: timeoutMs, hint, and effect by method", () => {
    const read = new TimeoutError("GET", "/api/x/", 1_500);
    expect(read).toMatchObject({ timeoutMs: 1_500, mayHaveTakenEffect: false });
    expect(read.hint).toBe("Retry, or raise timeoutMs");
    expect(new TimeoutError("POST", "/api/x/", 1).mayHaveTakenEffect).toBe(true);
  });

  it("InvalidResponseError: reason, content type, hint", () => {
    const error = new InvalidResponseError({
      method: "GET",
      path: "/api/x/",
      status: 200,
      contentType: "text/html",
      reason: "Unexpected token <",
    });
    expect(error).toMatchObject({ reason: "Unexpected token <", contentType: "text/html" });
    expect(error.hint).toMatch(/proxy/);
    expect(error.mayHaveTakenEffect).toBe(false);
    // Without the method the SDK cannot tell a read: it says a change may have been made.
    expect(new InvalidResponseError({}).mayHaveTakenEffect).toBe(true);
  });

  it("AbortedError: nothing claimed unless the thrower says so", () => {
    expect(new AbortedError("stopped").mayHaveTakenEffect).toBe(false);
    expect(new AbortedError("stopped").hint).toBeUndefined();
    expect(new AbortedError("stopped", { mayHaveTakenEffect: true }).mayHaveTakenEffect).toBe(true);
  });
});

describe("through a real connection", () => {
  let server: Awaited<ReturnType<typeof startLoopbackServer>>;
  beforeEach(async () => {
    server = await startLoopbackServer();
  });
  afterEach(async () => {
    await server.close();
  });
  const sdk = (url = server.url) =>
    createAlpaconClient({ baseUrl: url, token: "alpat-x-0123456789", maxRetries: 0 });
  const body = { server: "s-1", line: "uptime", shell: "system" as const };

  it("a POST whose connection was reset after sending may have taken effect", async () => {
    server.always((_request, response) => response.socket?.destroy());
    const error = await failure(sdk().commands.create(body));
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).mayHaveTakenEffect).toBe(true);
    expect((error as ConnectionError).reason).not.toBe("");
  });

  it("a POST to a closed port never left: no effect", async () => {
    const url = server.url;
    await server.close();
    const error = await failure(sdk(url).commands.create(body));
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).mayHaveTakenEffect).toBe(false);
    expect((error as ConnectionError).reason).toMatch(/ECONNREFUSED/);
    server = await startLoopbackServer();
  });

  it("a POST answered 500 may have taken effect; one answered 400 did not", async () => {
    server.reply(
      (_request, response) => json(response, 500, { detail: "boom" }),
      (_request, response) => json(response, 400, { line: ["Bad."] }),
    );
    const crashed = await failure(sdk().commands.create(body));
    expect(crashed).toBeInstanceOf(ServerError);
    expect((crashed as ServerError).mayHaveTakenEffect).toBe(true);
    const refused = await failure(sdk().commands.create(body));
    expect(refused).toBeInstanceOf(ValidationError);
    expect((refused as ValidationError).mayHaveTakenEffect).toBe(false);
  });

  it("a POST aborted in flight may have taken effect", async () => {
    const controller = new AbortController();
    server.always(() => controller.abort());
    const error = await failure(sdk().commands.create(body, { signal: controller.signal }));
    expect(error).toBeInstanceOf(AbortedError);
    expect((error as AbortedError).mayHaveTakenEffect).toBe(true);
  });
});
