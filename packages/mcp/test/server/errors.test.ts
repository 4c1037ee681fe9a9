import {
  AbortedError,
  AuthenticationError,
  ConflictError,
  ConnectionError,
  InvalidResponseError,
  MfaRequiredError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  RedirectError,
  ServerError,
  TimeoutError,
  ValidationError,
  WebftpTransferError,
  WebshClosedError,
  WebshHandshakeError,
  WorkSessionError,
} from "@alpacon/sdk";
import { describe, expect, test } from "vitest";
import { describeFailure, redact, redactDeep, ToolError } from "../../src/server/errors.js";

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

describe("describeFailure reads fields and hints, not messages", () => {
  const todoOf = (text: string) => text.split("\nWhat to do: ")[1];
  const whyOf = (text: string) => text.split("\n")[1];

  test("takes the SDK's hint as what to do", () => {
    const refused = new ConnectionError("GET", "/api/x/", "ECONNREFUSED");
    expect(todoOf(describeFailure(refused, where))).toBe(`${refused.hint}.`);
    const limited = new RateLimitError({ ...init(429, {}), retryAfterMs: 2_000 });
    expect(todoOf(describeFailure(limited, where))).toBe("Retry after 2 s.");
    const conflict = new ConflictError(init(409, {}), "Reload the user first");
    expect(todoOf(describeFailure(conflict, where))).toBe("Reload the user first.");
  });

  test("a tool's own advice beats the SDK's hint", () => {
    const missing = new NotFoundError(init(404, {}));
    expect(missing.hint).toBeTruthy();
    expect(todoOf(describeFailure(missing, { ...where, notFound: "List them first" }))).toBe(
      "List them first.",
    );
    const denied = new PermissionDeniedError(init(403, {}));
    expect(todoOf(describeFailure(denied, { ...where, forbidden: "Ask for admin" }))).toBe(
      "Ask for admin.",
    );
  });

  test("a webftp failure from its direction, detail and id", () => {
    const error = new WebftpTransferError("t-9", "upload", "File exists.");
    const text = describeFailure(error, where);
    expect(whyOf(text)).toBe("Why: The upload failed on the server (transfer t-9): File exists.");
    expect(todoOf(text)).toBe(`${error.hint}.`);
    expect(todoOf(text)).toMatch(/overwrite: true/);
    const down = describeFailure(new WebftpTransferError("t-8", "download", ""), where);
    expect(whyOf(down)).toMatch(/download failed on the server \(transfer t-8\): no reason given/);
    expect(todoOf(down)).toMatch(/resourceType: folder/);
  });

  test("websh errors from their code, reason and consequence", () => {
    const lost = new WebshClosedError(1006, "gone", "the command may have run partly", {
      mayHaveTakenEffect: true,
    });
    const text = describeFailure(lost, where);
    expect(whyOf(text)).toBe(
      "Why: the websh connection was lost (close code 1006: gone); the command may have run partly.",
    );
    expect(todoOf(text)).toMatch(/^It may already have taken effect: .*websh_session_create/);
    expect(whyOf(describeFailure(new WebshClosedError(4000, ""), where))).toBe(
      "Why: the websh session was closed.",
    );
    expect(whyOf(describeFailure(new WebshHandshakeError(403, "upgrade refused"), where))).toBe(
      "Why: the websh server refused the connection (HTTP 403): upgrade refused.",
    );
  });

  test("a call that may have taken effect says to check before calling again", () => {
    const post = { ...init(502, {}), method: "POST" };
    const crashed = describeFailure(new ServerError(post), where);
    expect(todoOf(crashed)).toMatch(
      /^It may already have taken effect: check the current state before calling servers_list again\. The Alpacon server had a problem/,
    );
    // A read cannot have changed anything: the advice is the hint alone.
    expect(todoOf(describeFailure(new ServerError(init(502, {})), where))).toMatch(
      /^The Alpacon server had a problem/,
    );
    const aborted = new AbortedError("stopped", { mayHaveTakenEffect: true });
    expect(todoOf(describeFailure(aborted, where))).toMatch(/^It may already have taken effect/);
  });
});
