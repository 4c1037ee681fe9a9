import { chmodSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { type AuditEntry, openAuditLog } from "../../src/index.js";
import { auditArguments } from "../../src/server/audit.js";
import { useHarness } from "../helpers/file-harness.js";
import { call, connectedServer, MISSING_ID, tempDir } from "../helpers/harness.js";
import { waitFor } from "../helpers/http.js";

const h = useHarness();

function lines(file: string): AuditEntry[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as AuditEntry);
}

const posix = process.platform !== "win32";

describe("the audit log", () => {
  test("one JSON line per tool call, in a file only its owner can read", async () => {
    const file = join(tempDir(), "audit.jsonl");
    const audit = openAuditLog(file);
    try {
      const { client } = await h.connect({ audit });
      await call(client, "servers_list", { workspace: "acme", pageSize: 5 });
      await call(client, "server_get", { workspace: "acme", server: MISSING_ID });
      const entries = lines(file);
      expect(entries).toEqual([
        {
          time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          tool: "servers_list",
          workspace: "acme",
          region: "ap1",
          arguments: { workspace: "acme", pageSize: 5, page: 1 },
          outcome: "ok",
          durationMs: expect.any(Number),
        },
        {
          time: expect.any(String),
          tool: "server_get",
          workspace: "acme",
          region: "ap1",
          arguments: { workspace: "acme", server: MISSING_ID },
          outcome: "error",
          error: expect.stringMatching(/404/),
          durationMs: expect.any(Number),
        },
      ]);
      if (posix) expect(statSync(file).mode & 0o777).toBe(0o600);
    } finally {
      audit.close();
    }
  });

  test("appends to an existing private file", async () => {
    const file = join(tempDir(), "audit.jsonl");
    writeFileSync(file, '{"earlier":true}\n', { mode: 0o600 });
    const audit = openAuditLog(file);
    const { client } = await h.connect({ audit });
    await call(client, "workspaces_list");
    audit.close();
    const text = readFileSync(file, "utf8").split("\n").filter(Boolean);
    expect(text[0]).toBe('{"earlier":true}');
    expect(JSON.parse(text[1]!)).toMatchObject({ tool: "workspaces_list", workspace: null });
  });

  test("tokens are never written; refused confirmations are `denied`", async () => {
    const file = join(tempDir(), "audit.jsonl");
    const audit = openAuditLog(file);
    const token = "alpat-NotARealTokenButShapedLikeOne123";
    try {
      const { client } = await h.connect({ audit, confirm: "deny" });
      await call(client, "auth_set_token", { workspace: "other", token });
      await call(client, "iam_user_delete", { workspace: "acme", user: MISSING_ID });
      await call(client, "command_run", {
        workspace: "acme",
        servers: [connectedServer(h.sandbox)],
        command: `echo ${h.sandbox.workspaces[0]!.tokens.admin}`,
      });
      const text = readFileSync(file, "utf8");
      expect(text).not.toContain(token);
      expect(text).not.toContain(h.sandbox.workspaces[0]!.tokens.admin);
      const [set, remove, run] = lines(file);
      expect(set).toMatchObject({
        tool: "auth_set_token",
        workspace: "other",
        arguments: { token: "[redacted]" },
      });
      expect(remove).toMatchObject({
        tool: "iam_user_delete",
        outcome: "denied",
        error: expect.stringMatching(/confirm mode deny/),
      });
      expect(run).toMatchObject({
        tool: "command_run",
        outcome: "denied",
        arguments: { command: "echo [redacted]" },
      });
    } finally {
      audit.close();
    }
  });

  test("command_run's env is written as names only, never its values", async () => {
    const file = join(tempDir(), "audit.jsonl");
    const audit = openAuditLog(file);
    const secrets = ["mysql-pw-Zq81", "postgres://app:db-pw-77@db/app", "ghp_SecretPat0123456789"];
    try {
      const { client } = await h.connect({ audit, confirm: "deny" });
      await call(client, "command_run", {
        workspace: "acme",
        servers: [connectedServer(h.sandbox)],
        command: "mysqldump app",
        env: { MYSQL_PWD: secrets[0], DATABASE_URL: secrets[1], GH_PAT: secrets[2] },
      });
      const text = readFileSync(file, "utf8");
      for (const secret of secrets) expect(text).not.toContain(secret);
      expect(lines(file)[0]).toMatchObject({
        tool: "command_run",
        arguments: { env: ["MYSQL_PWD", "DATABASE_URL", "GH_PAT"] },
      });
    } finally {
      audit.close();
    }
  });

  test("a call its schema refuses is audited too, with the same care for secrets", async () => {
    const file = join(tempDir(), "audit.jsonl");
    const audit = openAuditLog(file);
    try {
      const { client } = await h.connect({ audit });
      const result = await call(client, "command_run", {
        workspace: "acme",
        servers: "not-a-list",
        command: "rm -rf /srv/app",
        env: "MYSQL_PWD=mysql-pw-Zq81",
      });
      expect(result.isError).toBe(true);
      expect(result.text).toMatch(/Input validation error/);
      const text = readFileSync(file, "utf8");
      expect(text).not.toContain("mysql-pw-Zq81");
      expect(lines(file)).toEqual([
        {
          time: expect.any(String),
          tool: "command_run",
          workspace: "acme",
          region: null,
          arguments: {
            workspace: "acme",
            servers: "not-a-list",
            command: "rm -rf /srv/app",
            env: "[value left out]",
          },
          outcome: "error",
          error: expect.stringMatching(/^invalid arguments: .*servers/),
          durationMs: 0,
        },
      ]);
    } finally {
      audit.close();
    }
  });

  test("a cancelled call is `cancelled`", async () => {
    const file = join(tempDir(), "audit.jsonl");
    const audit = openAuditLog(file);
    h.sandbox.control.setCommandDelays("manual");
    try {
      const { client } = await h.connect({ audit });
      const controller = new AbortController();
      h.sandbox.control.clearJournal();
      const pending = client.callTool(
        {
          name: "command_run",
          arguments: {
            workspace: "acme",
            servers: [connectedServer(h.sandbox)],
            command: "uptime",
          },
        },
        undefined,
        { signal: controller.signal },
      );
      await waitFor(() => h.sandbox.control.journal({ method: "GET" }).length > 0);
      controller.abort();
      await expect(pending).rejects.toThrow();
      await waitFor(() => readFileSync(file, "utf8").length > 0);
      expect(lines(file)).toEqual([
        expect.objectContaining({ tool: "command_run", outcome: "cancelled" }),
      ]);
    } finally {
      h.sandbox.control.setCommandDelays({ delivered: 10, acked: 10, running: 10 });
      audit.close();
    }
  });

  test.skipIf(!posix)(
    "a file others may write to is refused; one they may read is a warning",
    () => {
      const dir = tempDir();
      const shared = join(dir, "shared.jsonl");
      writeFileSync(shared, "");
      chmodSync(shared, 0o666);
      expect(() => openAuditLog(shared)).toThrow(/writable by other users.*chmod 600/);
      const readable = join(dir, "readable.jsonl");
      writeFileSync(readable, "");
      chmodSync(readable, 0o644);
      const audit = openAuditLog(readable);
      expect(audit.warning).toMatch(/readable by other users/);
      audit.close();
      const link = join(dir, "link.jsonl");
      symlinkSync(readable, link);
      expect(() => openAuditLog(link)).toThrow(/symbolic link/);
      expect(() => openAuditLog(join(dir, "missing", "audit.jsonl"))).toThrow(/does not exist/);
    },
  );
});

describe("auditArguments", () => {
  test("leaves out secrets and contents, cuts long strings, scrubs token shapes", () => {
    const args = auditArguments(
      {
        token: "abc",
        password: "hunter2",
        websocketUrl: "wss://x/ws/websh/a/b/secret/",
        content: "file body",
        data: "AAAA",
        stdin: "password\n",
        env: { MYSQL_PWD: "pw" },
        command: "x".repeat(500),
        note: "use alpat-abcdef123456 and eyJa.eyJb.sig",
        nested: { apiKey: "k", keep: 1 },
        servers: ["a", "b"],
        configured: "my-configured-secret",
      },
      ["my-configured-secret"],
    );
    expect(args).toEqual({
      token: "[redacted]",
      password: "[redacted]",
      websocketUrl: "[redacted]",
      content: "[9 characters left out]",
      data: "[4 characters left out]",
      stdin: "[9 characters left out]",
      env: ["MYSQL_PWD"],
      command: `${"x".repeat(200)}… (300 more characters)`,
      note: "use [redacted] and [redacted]",
      nested: { apiKey: "[redacted]", keep: 1 },
      servers: ["a", "b"],
      configured: "[redacted]",
    });
  });
});
