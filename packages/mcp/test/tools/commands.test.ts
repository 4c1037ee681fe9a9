import { describe, expect, test } from "vitest";
import { expectInvalidInput, expectToolError } from "../helpers/expect-tool.js";
import { useHarness } from "../helpers/file-harness.js";
import { call, MISSING_ID, serverIds } from "../helpers/harness.js";

const h = useHarness();

describe("command_run", () => {
  test("runs on several servers and reports each exit code", async () => {
    const { client } = await h.connect();
    const ids = [...serverIds(h.sandbox).values()].slice(0, 3);
    const result = await call(client, "command_run", {
      workspace: "acme",
      servers: ids,
      command: "echo hello",
    });
    expect(result.isError).toBe(false);
    const rows = result.structured!.results as Array<{ server: string; exitCode: number | null }>;
    expect(rows.map((row) => row.server).sort()).toEqual([...ids].sort());
    expect(result.text).toContain("`echo hello`");
  });

  test("keeps the end of long output and says how to read the rest", async () => {
    const result = await h.call("command_run", {
      workspace: "acme",
      servers: [h.server],
      command: "cat /etc/services",
      maxOutputChars: 100,
    });
    const row = (result.structured!.results as Array<Record<string, unknown>>)[0]!;
    if (row.outputTruncated) {
      expect((row.output as string).length).toBe(100);
      expect(result.text).toContain("command_get");
    } else {
      expect((row.output as string).length).toBeLessThanOrEqual(100);
    }
  });

  test("a command outside the token's ACL is rejected, and the result says why", async () => {
    const { client } = await h.connect({ token: "commandAcl" });
    const result = await call(client, "command_run", {
      workspace: "acme",
      servers: [h.server],
      command: "rm -rf /tmp/x",
    });
    const row = (result.structured!.results as Array<{ error: { kind: string } | null }>)[0]!;
    expect(row.error?.kind).toBe("rejected");
    expect(result.structured!.failed).toBe(1);
    expect(result.text).toMatch(/ACL/);
  });

  test("a refused row is worded from the API's status, reason and hint, not the request line", async () => {
    const { client } = await h.connect({ token: "commandAcl" });
    const result = await call(client, "command_run", {
      workspace: "acme",
      servers: [h.server],
      command: "rm -rf /tmp/x",
    });
    const row = (result.structured!.results as Array<{ error: { message: string } | null }>)[0]!;
    expect(row.error?.message).toMatch(/^HTTP 403: .+\. Ask a workspace admin to allow it/);
    expect(row.error?.message).not.toMatch(/POST|\/api\//);
  });

  test("gives standard input and runs after another command", async () => {
    const first = await h.call("command_run", {
      workspace: "acme",
      servers: [h.server],
      command: "echo first",
    });
    const [done] = first.structured!.results as Array<{ commandId: string }>;
    const result = await h.call("command_run", {
      workspace: "acme",
      servers: [h.server],
      command: "wc -l",
      stdin: "a\nb\nc\n",
      runAfter: [done!.commandId],
    });
    const [row] = result.structured!.results as Array<{ output: string; exitCode: number }>;
    expect(row).toMatchObject({ output: "3\n", exitCode: 0 });
  });

  test("a scheduled command is created and not waited for; command_get follows it", async () => {
    const at = new Date(Date.now() + 3_600_000).toISOString();
    const result = await h.call("command_run", {
      workspace: "acme",
      servers: [h.server],
      command: "uptime",
      scheduledAt: at,
    });
    expect(result.isError).toBe(false);
    const [row] = result.structured!.results as Array<{ status: string; commandId: string }>;
    expect(row!.status).toBe("scheduled");
    expect(result.text).toContain(`scheduled for ${at} on 1 of 1 server(s)`);
    const followed = await h.call("command_get", { workspace: "acme", command: row!.commandId });
    expect(followed.structured).toMatchObject({ command: { status: "scheduled" } });
  });

  test("a scheduled time that is not a time, or an unknown shell, is refused", async () => {
    for (const bad of [{ scheduledAt: "tomorrow" }, { shell: "bash" }]) {
      const result = await h.call("command_run", {
        workspace: "acme",
        servers: [h.server],
        command: "uptime",
        ...bad,
      });
      expectInvalidInput(result);
    }
  });

  test("an empty server list is refused", async () => {
    const result = await h.call("command_run", {
      workspace: "acme",
      servers: [],
      command: "uptime",
    });
    expectInvalidInput(result);
  });
});

test("a token printed by a command is scrubbed from text and structured output", async () => {
  const { client } = await h.connect();
  const token = h.sandbox.workspaces.find((item) => item.workspace === "acme")!.tokens.admin;
  const result = await call(client, "command_run", {
    workspace: "acme",
    servers: [h.server],
    command: `echo ${token}`,
  });
  expect(JSON.stringify(result)).not.toContain(token);
  expect(result.text).toContain("[redacted]");
});

describe("list_commands", () => {
  test("lists the commands run, newest first, with their status", async () => {
    await h.call("command_run", { workspace: "acme", servers: [h.server], command: "echo listed" });
    const result = await h.call("list_commands", { workspace: "acme", server: h.server });
    expect(result.isError).toBe(false);
    const [newest] = result.structured!.commands as Array<{ line: string; status: string }>;
    expect(newest).toMatchObject({ line: "echo listed", status: "success" });
    expect(result.text).toContain("`echo listed` success, exit 0");
  });

  test("a search longer than 200 characters is refused", async () => {
    const result = await h.call("list_commands", { workspace: "acme", search: "x".repeat(201) });
    expectInvalidInput(result);
  });
});

describe("command_get", () => {
  test("reads a command's output from an offset", async () => {
    const { client } = await h.connect();
    const run = await call(client, "command_run", {
      workspace: "acme",
      servers: [h.server],
      command: "echo 0123456789",
    });
    const id = (run.structured!.results as Array<{ commandId: string }>)[0]!.commandId;
    const result = await call(client, "command_get", {
      workspace: "acme",
      command: id,
      offset: 5,
      maxChars: 100,
    });
    expect(result.isError).toBe(false);
    expect(result.structured).toMatchObject({ offset: 5, nextOffset: null });
    expect(result.structured!.output).toBe("56789\n");
  });

  test("an unknown command is a 404 that points to command_run", async () => {
    const result = await h.call("command_get", { workspace: "acme", command: MISSING_ID });
    expectToolError(result, "command_run");
  });
});
