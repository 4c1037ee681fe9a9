import { readFileSync } from "node:fs";
import { ElicitRequestSchema, type ElicitResult } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, test } from "vitest";
import { envForQuestion, visible } from "../../src/server/confirm.js";
import { expectInvalidInput, expectToolError } from "../helpers/expect-tool.js";
import { useHarness } from "../helpers/file-harness.js";
import { call, MISSING_ID, serverIds } from "../helpers/harness.js";

const h = useHarness();

/** A client that can be asked, answering every question with `answer`, and what it was asked. */
async function asking(answer: ElicitResult = { action: "accept", content: { confirm: true } }) {
  const questions: string[] = [];
  const connected = await h.connect({ confirm: "elicit" }, { elicitation: { form: {} } });
  connected.client.setRequestHandler(ElicitRequestSchema, async (request) => {
    questions.push(request.params.message);
    return answer;
  });
  return { client: connected.client, questions };
}

function serverName(id: string): string {
  for (const [name, value] of serverIds(h.sandbox)) if (value === id) return name;
  throw new Error(`no server ${id}`);
}

describe("answers", () => {
  test("a bare accept (content {}) is a yes", async () => {
    const { client, questions } = await asking({ action: "accept", content: {} });
    const result = await call(client, "command_run", {
      workspace: "acme",
      servers: [h.server],
      command: "echo bare",
    });
    expect(result.isError).toBe(false);
    expect(questions).toHaveLength(1);
    expect(result.text).toContain("1 of 1 server(s) succeeded");
  });

  test("an accept without content is a yes too", async () => {
    const { client } = await asking({ action: "accept" });
    const result = await call(client, "command_run", {
      workspace: "acme",
      servers: [h.server],
      command: "echo bare",
    });
    expect(result.isError).toBe(false);
  });
});

describe("answers that break the question's schema", () => {
  test("a confirm that is not a boolean is refused, nothing runs (the SDK's check, built on first use)", async () => {
    const { client, questions } = await asking({ action: "accept", content: { confirm: "yes" } });
    const result = await call(client, "command_run", {
      workspace: "acme",
      servers: [h.server],
      command: "echo never",
    });
    expect(questions).toHaveLength(1);
    expect(result.isError).toBe(true);
    expect(result.text).not.toContain("succeeded");
    expect(result.text).toMatch(/confirm/);
  });
});

describe("questions name what changes the effect", () => {
  test("command_run: the server's name, user, group and every env variable (secrets hidden)", async () => {
    const { client, questions } = await asking({ action: "decline" });
    await call(client, "command_run", {
      workspace: "acme",
      servers: [h.server],
      command: "rm -rf ~/*",
      username: "root",
      groupname: "adm",
      env: {
        HOME: "/srv/app/data",
        MYSQL_PWD: "hunter2-very-secret",
        DATABASE_URL: "postgres://app:s3cretpw@db/app",
      },
    });
    const [question] = questions;
    expect(question).toContain(`on server ${serverName(h.server)} as user \`root\`, group \`adm\``);
    expect(question).toContain("(workspace acme, region ap1)");
    expect(question).toContain("HOME=`/srv/app/data`");
    expect(question).toContain("MYSQL_PWD=(secret, 19 characters, not shown)");
    expect(question).toContain("DATABASE_URL=`postgres://app:***@db/app`");
    expect(question).not.toContain("hunter2");
    expect(question).not.toContain("s3cretpw");
    expect(question).not.toContain(h.server);
  });

  test("command_run: standard input by its size, the commands it waits for, its time", async () => {
    const { client, questions } = await asking({ action: "decline" });
    const after = "0b5e3f4a-1c2d-4e5f-8a9b-0c1d2e3f4a5b";
    await call(client, "command_run", {
      workspace: "acme",
      servers: [h.server],
      command: "psql",
      stdin: "DROP TABLE users;",
      runAfter: [after],
      scheduledAt: "2030-01-02T03:04:05Z",
    });
    expect(questions[0]).toContain("With 17 characters of standard input");
    expect(questions[0]).toContain(`After command(s) ${after} finish`);
    expect(questions[0]).toContain("At 2030-01-02T03:04:05Z");
    expect(questions[0]).not.toContain("DROP TABLE");
  });

  test("escape sequences in arguments are shown, not sent raw", async () => {
    const { client, questions } = await asking({ action: "decline" });
    await call(client, "command_run", {
      workspace: "acme",
      servers: [h.server],
      command: "true",
      env: { PS1: "\x1b[2J\x1b[1;1Hfine\u202e" },
    });
    expect(questions[0]).toContain("PS1=`\\x1b[2J\\x1b[1;1Hfine\\u202e`");
    // biome-ignore lint/suspicious/noControlCharactersInRegex: none may reach the question
    expect(questions[0]).not.toMatch(/[\x1b\u202e]/);
  });

  test("websh_channel_execute names the server and user of the channel", async () => {
    // One MCP server holds the channel and asks both questions: channels are per MCP server.
    const { client, questions } = await asking();
    const created = await call(client, "websh_session_create", {
      workspace: "acme",
      server: serverName(h.server),
      username: "root",
    });
    expect(created.isError).toBe(false);
    expect(questions[0]).toContain(
      `Open a shell on server ${serverName(h.server)} as user \`root\``,
    );
    const { channelId } = created.structured!.channel as { channelId: string };
    await call(client, "websh_channel_execute", { channelId, command: "df -h" });
    expect(questions[1]).toBe(
      `Run \`df -h\` in the open shell of \`root\` on server ${serverName(h.server)} (channel ${channelId}, workspace acme, region ap1)?`,
    );
  });

  test("finish_command names the command line and server, not only its id", async () => {
    const ran = await h.call("command_run", {
      workspace: "acme",
      servers: [h.server],
      command: "echo lifecycle",
    });
    const { commandId } = (ran.structured!.results as Array<{ commandId: string }>)[0]!;
    const { client, questions } = await asking({ action: "decline" });
    await call(client, "finish_command", {
      workspace: "acme",
      command: commandId,
      success: false,
      exitCode: 2,
      result: "forged",
    });
    expect(questions[0]).toBe(
      `Record command \`echo lifecycle\` on server ${serverName(h.server)} (${commandId}, now success) as finished (failure, exit 2), recording 6 characters as its result? This overwrites its result. (workspace acme, region ap1)`,
    );
  });

  test("auth_set_token says what it replaces and never shows the token", async () => {
    const { client, questions } = await asking({ action: "decline" });
    const token = "alpat-never-in-a-question-123";
    const result = await call(client, "auth_set_token", { workspace: "acme", token });
    expectToolError(result, "declined");
    expect(questions[0]).toContain(
      `Replace the API token this server uses for workspace acme (region ap1) in ${h.configFile}?`,
    );
    expect(questions[0]).not.toContain(token);
  });
});

describe("validation before asking", () => {
  test.each([
    ["command_run", { workspace: "acme", servers: [MISSING_ID], command: "uptime" }, "404"],
    ["iam_user_delete", { workspace: "acme", user: MISSING_ID }, "iam_users_list"],
    ["websh_channel_execute", { channelId: "nope", command: "ls" }, "websh_channels_list"],
    ["iam_user_update", { workspace: "acme", user: "-" }, "no field to change"],
    ["websh_session_create", { workspace: "acme", server: "no-such-server" }, "servers_list"],
    [
      "webftp_upload_file",
      { workspace: "acme", server: MISSING_ID, localPath: "x", remotePath: "/tmp/" },
      "404",
    ],
  ])("%s with arguments that cannot work fails without asking", async (name, args, hint) => {
    const { client, questions } = await asking();
    const result = await call(client, name, args);
    expectToolError(result, hint);
    expect(questions).toEqual([]);
  });
});

test("webftp local paths are checked before asking", async () => {
  const { client, questions } = await asking();
  const upload = await call(client, "webftp_upload_file", {
    workspace: "acme",
    server: h.server,
    localPath: "no-such-file.txt",
    remotePath: "/tmp/",
  });
  expectToolError(upload, "webftp_upload_file failed");
  const download = await call(client, "webftp_download_file", {
    workspace: "acme",
    server: h.server,
    remotePath: "/etc/hosts",
    localPath: "/etc/alpacon-test-outside",
  });
  expectToolError(download, "webftp_download_file failed");
  expect(questions).toEqual([]);
});

describe("control characters in command lines", () => {
  test.each([
    ["command_run", { workspace: "acme", servers: ["x"] }],
    ["websh_command_execute", { workspace: "acme", server: "x" }],
    ["websh_channel_execute", { channelId: "x" }],
  ])("%s refuses Ctrl-U and escape sequences", async (name, args) => {
    for (const command of ["true\x15rm -f /tmp/victim", "echo \x1b[2Jhi", "ls\r"]) {
      const result = await h.call(name, { ...args, command });
      expectInvalidInput(result);
      expect(result.text).toContain("control characters");
    }
  });

  test("tab and newline still pass", async () => {
    const result = await h.call("command_run", {
      workspace: "acme",
      servers: [h.server],
      command: "echo a\techo\necho b",
    });
    expect(result.isError).toBe(false);
  });
});

describe("effects larger than the method (issue 15 break 6)", () => {
  test.each([
    ["auth_set_token", { workspace: "acme", token: "alpat-replacement-token-1" }],
    ["iam_group_create", { workspace: "acme", name: "ops-owners" }],
    ["websh_session_create", { workspace: "acme", server: "x" }],
    ["iam_user_create", { workspace: "acme", username: "newcomer" }],
  ])("%s is refused under --confirm deny", async (name, args) => {
    const before = readFileSync(h.configFile, "utf8");
    const resolved = name === "websh_session_create" ? { ...args, server: h.server } : args;
    const result = await h.call(name, resolved, { confirm: "deny" });
    expectToolError(result, "confirm mode deny");
    expect(readFileSync(h.configFile, "utf8")).toBe(before);
  });
});

describe("helpers", () => {
  test("visible writes out controls, bidi marks and zero-width characters", () => {
    expect(visible("a\x1b[31mb\x15\x7f\u0085\u200b\u2066c\r\n")).toBe(
      "a\\x1b[31mb\\x15\\x7f\\x85\\u200b\\u2066c\\r\\n",
    );
    expect(visible("line\nnext", { keepNewlines: true })).toBe("line\nnext");
  });

  test("envForQuestion shows paths and program variables even under secret-looking names", () => {
    expect(
      envForQuestion({ PWD: "/srv/app", GIT_ASKPASS: "evil", GH_PAT: "ghp_x", API_KEY: "" }),
    ).toBe(
      "PWD=`/srv/app`, GIT_ASKPASS=`evil`, GH_PAT=(secret, 5 characters, not shown), API_KEY=(secret, 0 characters, not shown)",
    );
  });
});
