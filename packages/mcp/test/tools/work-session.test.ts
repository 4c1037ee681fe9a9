import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "@alpacon/sdk/node";
import { afterEach, beforeAll, describe, expect, test, vi } from "vitest";
import { expectInvalidInput, expectToolError } from "../helpers/expect-tool.js";
import { useHarness } from "../helpers/file-harness.js";
import { call, tempDir } from "../helpers/harness.js";

// The work-session gate applies to browser logins (JWT); API tokens bypass it, as in the product.
const h = useHarness({ workSessionRequired: true });

afterEach(() => {
  vi.unstubAllEnvs();
});

/** A client of a server configured with the sandbox's browser-login (JWT) tokens. */
async function asBrowserLogin() {
  const dir = tempDir();
  const file = join(dir, "token.json");
  const content: Record<string, Record<string, { token: string; url: string }>> = {};
  for (const ws of h.sandbox.workspaces) {
    content[ws.region] = {
      ...content[ws.region],
      [ws.workspace]: { token: ws.tokens.jwt, url: ws.baseUrl },
    };
  }
  writeFileSync(file, JSON.stringify(content), { mode: 0o600 });
  const { client } = await h.connect({
    config: loadConfig({ configFile: file, env: {} }),
    allowDirs: [dir],
  });
  return { client, dir };
}

// The gate checks the session: an active one of the browser login's user, for its scopes and server.
let WORK_SESSION: string;
beforeAll(async () => {
  const { client } = await asBrowserLogin();
  const created = await call(client, "work_session_create", {
    workspace: "acme",
    description: "gate tests",
    scopes: ["command", "websh", "webftp"],
    servers: [h.server],
    expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
  });
  WORK_SESSION = (created.structured!.session as { id: string }).id;
  h.sandbox.control.workspace("ap1", "acme").decideWorkSession(WORK_SESSION, "approve");
});

describe("work sessions", () => {
  test("command_run without one says exactly what to do; with one it runs", async () => {
    const { client } = await asBrowserLogin();
    const refused = await call(client, "command_run", {
      workspace: "acme",
      servers: [h.server],
      command: "whoami",
    });
    const row = (refused.structured!.results as { error: { kind: string; message: string } }[])[0]!;
    expect(row.error.kind).toBe("rejected");
    expect(row.error.message).toMatch(/requires a work session for running commands/);
    expect(row.error.message).toMatch(/"command" scope and server /);
    expect(row.error.message).toMatch(/workSession: <its id>.*ALPACON_WORK_SESSION/);
    expect(refused.text).toContain(row.error.message);
    const ran = await call(client, "command_run", {
      workspace: "acme",
      servers: [h.server],
      command: "whoami",
      workSession: WORK_SESSION,
    });
    expect(ran.structured).toMatchObject({ succeeded: 1 });
  });

  test("websh_command_execute uses ALPACON_WORK_SESSION when no argument is given", async () => {
    const { client } = await asBrowserLogin();
    const refused = await call(client, "websh_command_execute", {
      workspace: "acme",
      server: h.server,
      command: "echo hi",
    });
    expectToolError(refused, /requires a work session for opening a websh session/);
    vi.stubEnv("ALPACON_WORK_SESSION", WORK_SESSION);
    const ran = await call(client, "websh_command_execute", {
      workspace: "acme",
      server: h.server,
      command: "echo hi",
    });
    expect(ran.isError).toBe(false);
    expect(ran.structured).toMatchObject({ exitCode: 0 });
  });

  test("a malformed ALPACON_WORK_SESSION is named, and nothing is sent", async () => {
    const { client } = await asBrowserLogin();
    vi.stubEnv("ALPACON_WORK_SESSION", "not-a-uuid");
    const result = await call(client, "websh_session_create", {
      workspace: "acme",
      server: h.server,
    });
    expectToolError(
      result,
      "ALPACON_WORK_SESSION is set to something that is not a work session id",
    );
  });

  test("a workSession argument that is not an id is refused by the schema", async () => {
    const { client } = await asBrowserLogin();
    const result = await call(client, "websh_session_create", {
      workspace: "acme",
      server: h.server,
      workSession: "yesterday's",
    });
    expectInvalidInput(result);
  });

  test("websh_session_create and the webftp tools pass workSession on", async () => {
    const { client, dir } = await asBrowserLogin();
    const opened = await call(client, "websh_session_create", {
      workspace: "acme",
      server: h.server,
      workSession: WORK_SESSION,
    });
    expect(opened.isError).toBe(false);
    const me = await call(client, "iam_user_get", { workspace: "acme", user: "-" });
    const home = `/home/${(me.structured!.user as { username: string }).username}`;
    writeFileSync(join(dir, "note.txt"), "hello");
    const upload = {
      workspace: "acme",
      server: h.server,
      localPath: join(dir, "note.txt"),
      remotePath: `${home}/note.txt`,
    };
    expectToolError(await call(client, "webftp_upload_file", upload), /for transferring files/);
    expect(
      (await call(client, "webftp_upload_file", { ...upload, workSession: WORK_SESSION })).isError,
    ).toBe(false);
    const download = {
      workspace: "acme",
      server: h.server,
      remotePath: `${home}/note.txt`,
      localPath: join(dir, "back.txt"),
    };
    expectToolError(await call(client, "webftp_download_file", download), /for transferring files/);
    expect(
      (await call(client, "webftp_download_file", { ...download, workSession: WORK_SESSION }))
        .isError,
    ).toBe(false);
  });

  test("API tokens are not subject to the gate", async () => {
    const result = await h.call("command_run", {
      workspace: "acme",
      servers: [h.server],
      command: "uptime",
    });
    expect(result.structured).toMatchObject({ succeeded: 1 });
  });
});

describe("MFA", () => {
  test("a refusal asks the user to complete MFA and never to replace the token", async () => {
    h.sandbox.control.setMfaRequired(true, "ap1/acme");
    try {
      const result = await h.call("websh_command_execute", {
        workspace: "acme",
        server: h.server,
        command: "id",
      });
      expectToolError(result, /multi-factor authentication for opening a websh session/);
      expect(result.text).toMatch(/web console.*do not replace it/);
      expect(result.text).not.toMatch(/auth_set_token/);
      const run = await h.call("command_run", {
        workspace: "acme",
        servers: [h.server],
        command: "id",
      });
      expect(run.text).toMatch(/multi-factor authentication for running commands/);
    } finally {
      h.sandbox.control.setMfaRequired(false);
    }
  });
});
