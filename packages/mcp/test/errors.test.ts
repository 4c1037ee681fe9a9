import {
  AuthenticationError,
  ConnectionError,
  InvalidResponseError,
  MfaRequiredError,
  PermissionDeniedError,
  RateLimitError,
  RedirectError,
  ServerError,
  TimeoutError,
  ValidationError,
  WorkSessionError,
} from "@alpacon/sdk";
import { describe, expect, test } from "vitest";
import { describeFailure, redact, redactDeep, ToolError } from "../src/errors.js";

const where = { tool: "servers_list", workspace: "acme", region: "ap1", server: "s-1" };
const init = (status: number, body: unknown) => ({
  status,
  method: "GET",
  path: "/api/servers/servers/",
  body,
  context: "workspace acme (ap1)",
});

describe("describeFailure", () => {
  test("always answers what failed, why and what to do", () => {
    const text = describeFailure(
      new AuthenticationError(init(401, { detail: "Invalid token." })),
      where,
    );
    expect(text.split("\n")).toEqual([
      "servers_list failed (workspace acme, region ap1, server s-1).",
      "Why: the API token was rejected (HTTP 401: Invalid token.).",
      expect.stringMatching(
        /^What to do: Ask the user to run `alpacon-mcp auth set --workspace acme --region ap1` in a terminal \(the token then stays out of this chat\) or to set the ALPACON_MCP_AP1_ACME_TOKEN variable, then retry\. Only if they cannot use a terminal, auth_set_token/,
      ),
    ]);
  });

  test("a rejected token in a hyphenated workspace names a variable a shell can set", () => {
    const text = describeFailure(new AuthenticationError(init(401, {})), {
      ...where,
      workspace: "my-team",
    });
    expect(text).toContain("alpacon-mcp auth set --workspace my-team --region ap1");
    expect(text).toContain("ALPACON_MCP_AP1_MY_TEAM_TOKEN");
  });

  test.each([
    [new MfaRequiredError(init(401, { code: "auth_mfa_required" })), /multi-factor/, /web console/],
    [
      new PermissionDeniedError(
        init(403, { code: "api_token_acl_not_allowed", source: "command" }),
      ),
      /access control list/,
      /workspace admin to allow it in the token's ACL/,
    ],
    [
      new WorkSessionError(init(403, { code: "work_session_required", source: "command" })),
      /requires a work session for running commands.*work_session_required/,
      /open a work session .*"command" scope and server s-1.*workSession: <its id>.*ALPACON_WORK_SESSION/,
    ],
    [
      new WorkSessionError(init(400, { code: "work_session_not_active", source: "websh" })),
      /waits for a person's approval/,
      /you cannot approve it/,
    ],
    [
      new WorkSessionError(
        init(403, { code: "work_session_server_not_allowed", source: "webftp" }),
      ),
      /Server s-1 is not part of the work session/,
      /add server s-1 to it/,
    ],
    [
      new MfaRequiredError(init(401, { code: "auth_mfa_required", source: "websh" })),
      /multi-factor authentication for opening a websh session on server s-1/,
      /complete multi-factor authentication .*web console.*do not replace it/,
    ],
    [new PermissionDeniedError(init(403, { detail: "Nope." })), /not allowed.*Nope/, /permission/],
    [
      new ValidationError(init(400, { server: ["Enter a valid UUID."] })),
      /server: Enter a valid UUID/,
      /Correct the arguments/,
    ],
    [
      new ValidationError(init(400, { code: "api_insufficient_data" })),
      /no data/,
      /Widen the time range/,
    ],
    [
      new RateLimitError({ ...init(429, {}), retryAfterMs: 12_500 }),
      /rate-limiting/,
      /Retry after 13 s/,
    ],
    [
      new ServerError({ ...init(503, "<html>bad gateway</html>"), requestId: "req-7" }),
      /HTTP 503, request id req-7/,
      /report the request id/,
    ],
    [new ConnectionError("GET", "/api/x/", "ECONNREFUSED"), /no answer .*ECONNREFUSED/, /network/],
    [new TimeoutError("GET", "/api/x/", 30_000), /within 30 s/, /Retry/],
    [
      new RedirectError({ ...init(307, ""), location: "https://evil.example/x" }),
      /redirect \(HTTP 307 to https:\/\/evil\.example\), which is never followed/,
      /workspace URL/,
    ],
    [
      new InvalidResponseError({
        method: "GET",
        path: "/api/x/",
        status: 200,
        contentType: "text/html",
      }),
      /not JSON \(text\/html for GET \/api\/x\/\)/,
      /proxy/,
    ],
    [new ToolError("it broke", "Fix it"), /it broke/, /Fix it/],
    [new Error("boom"), /unexpected error: boom/, /report it/],
  ])("%s", (error, why, todo) => {
    const text = describeFailure(error, where);
    expect(text).toMatch(new RegExp(`Why: .*${why.source}`));
    expect(text).toMatch(new RegExp(`What to do: .*${todo.source}`));
    expect(text).not.toContain("<html>");
    expect(text).not.toMatch(/\n\s+at /);
  });
});

describe("redact", () => {
  test("removes configured tokens and anything shaped like one", () => {
    const text =
      "token=abcdefghijkl alpat-Secret123 jwt eyJhbGciOi.eyJzdWIiOjF9.c2ln wss://h/ws/websh/s/c/TOKEN1/";
    expect(redact(text, ["abcdefghijkl"])).toBe(
      "token=[redacted] [redacted] jwt [redacted] wss://h/ws/websh/s/c/[redacted]/",
    );
  });

  test("session tokens, Authorization headers and bearer values", () => {
    expect(redact("alpst-AbC123_x", [])).toBe("[redacted]");
    expect(redact('{"Authorization": "token=\\"abc\\""}', [])).toBe(
      '{"Authorization": "[redacted]"}',
    );
    expect(redact("authorization: Bearer abcdefgh12345678", [])).toBe("authorization: [redacted]");
    expect(redact("sent Bearer abcdefgh12345678 upstream", [])).toBe(
      "sent Bearer [redacted] upstream",
    );
    expect(redact("GET /x?token=s3cr3t&page=2", [])).toBe("GET /x?token=[redacted]&page=2");
    // Prose about tokens stays readable.
    expect(redact("a bearer token is required", [])).toBe("a bearer token is required");
  });
});

describe("redactDeep", () => {
  test("returns a value without tokens as it is, without copying", () => {
    const value = {
      results: [{ name: "web-1", note: "tokens are made in the console" }],
      count: 1,
    };
    expect(redactDeep(value, ["abcdefghijkl"])).toBe(value);
  });

  test("redacts every string of a value holding a token, keys and other values kept", () => {
    const value = {
      output: "TOKEN=abcdefghijkl\n",
      nested: [{ url: "wss://h/ws/websh/s/c/TOKEN1/", n: 3, ok: true, none: null }],
      header: 'Authorization: "Bearer abcdefgh12345678"',
      session: "alpst-AbC123_x",
    };
    expect(redactDeep(value, ["abcdefghijkl"])).toEqual({
      output: "TOKEN=[redacted]\n",
      nested: [{ url: "wss://h/ws/websh/s/c/[redacted]/", n: 3, ok: true, none: null }],
      header: 'Authorization: "[redacted]"',
      session: "[redacted]",
    });
  });

  test("finds configured tokens that JSON escapes", () => {
    const secret = 'odd"secret\\value';
    expect(redactDeep({ line: `x ${secret} y` }, [secret])).toEqual({ line: "x [redacted] y" });
  });
});
