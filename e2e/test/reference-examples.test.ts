// The reference README's "Usage Examples" (alpacon-mcp-README.md), each acted out end to end
// against `npx alpacon-mcp --sandbox` over stdio with the MCP SDK client: the tool calls a model
// makes for the request, and checks that the answers hold what the user asked for.

import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { cleanEnv, collect, scratchDir, stdioTransport } from "../src/installed.js";
import { stopAll } from "../src/processes.js";
import { acceptConfirmations } from "../src/scenario.js";

const ACME = { workspace: "acme", region: "ap1" };

interface Answer {
  text: string;
  structured: Record<string, unknown> | undefined;
}

const cleanups: Array<() => void> = [];
let client: Client;
let allowDir: string;
const stderr: string[] = [];
/** A web server (nginx role) and one other connected Linux server, by id. */
let web: { id: string; name: string };

async function call(name: string, args: Record<string, unknown> = {}): Promise<Answer> {
  const result = await client.callTool({ name, arguments: { ...ACME, ...args } }, undefined, {
    timeout: 60_000,
  });
  const content = (result.content ?? []) as Array<{ type: string; text?: string }>;
  const text = content.map((item) => item.text ?? "").join("\n");
  expect(result.isError, `${name}: ${text}`).not.toBe(true);
  return { text, structured: result.structuredContent as Record<string, unknown> | undefined };
}

/** command_run on one server; returns its exit code and output. */
async function run(server: string, command: string, extra: Record<string, unknown> = {}) {
  const answer = await call("command_run", { servers: [server], command, ...extra });
  const row = (answer.structured!.results as Array<Record<string, unknown>>)[0]!;
  return { exitCode: row.exitCode as number, output: String(row.output ?? ""), text: answer.text };
}

beforeAll(async () => {
  const [dir, remove] = scratchDir();
  cleanups.push(remove);
  allowDir = dir;
  const [home, removeHome] = scratchDir();
  cleanups.push(removeHome);
  const transport = stdioTransport(["--sandbox", "--allow-dir", allowDir], cleanEnv(home));
  collect(transport.stderr, stderr);
  client = new Client(
    { name: "e2e-reference-examples", version: "1.0.0" },
    { capabilities: { elicitation: { form: {} } } },
  );
  acceptConfirmations(client);
  await client.connect(transport);
  const servers = await call("servers_list", { search: "web", pageSize: 100 });
  const list = servers.structured!.servers as Array<{
    id: string;
    name: string;
    connected: boolean;
    os: string | null;
  }>;
  const found = list.find(
    (item) => /^web-\d+$/.test(item.name) && item.connected && !/windows/i.test(item.os ?? ""),
  );
  expect(found, servers.text).toBeDefined();
  web = found!;
});

afterAll(async () => {
  await client?.close();
  await stopAll();
  for (const remove of cleanups.splice(0)) remove();
});

describe("the reference README's usage examples on --sandbox", () => {
  test("a health check: CPU, memory and disk over the last 24 hours", async () => {
    const server = await call("server_get", { server: web.id });
    expect(server.text).toContain(web.name);
    const summary = await call("get_server_metrics_summary", { server: web.id, hours: 24 });
    expect(summary.text).toMatch(/CPU/i);
    expect(summary.text).toMatch(/memory/i);
    expect(summary.text).toMatch(/disk/i);
    expect(summary.text).toMatch(/\d+(\.\d+)?\s*%/);
    for (const tool of ["get_cpu_usage", "get_memory_usage", "get_disk_usage"]) {
      const answer = await call(tool, { server: web.id, hours: 24 });
      expect(answer.text, tool).toMatch(/\d+(\.\d+)?\s*%/);
    }
  });

  test("the top 5 servers by CPU usage", async () => {
    const top = await call("get_cpu_top_servers");
    const rows = JSON.stringify(top.structured ?? {});
    expect(top.text).toMatch(/\d+(\.\d+)?\s*%/);
    // Ranked servers are named, so the user can act on them.
    expect(top.text + rows).toMatch(/[a-z]+-\d+/);
  });

  test("users who can log in, and who has sudo", async () => {
    const users = await call("list_system_users", { server: web.id, loginEnabledOnly: true });
    const names = (users.structured!.users as Array<{ username: string }>).map(
      (user) => user.username,
    );
    expect(names).toContain("root");
    // The API lists no group members: a model asks the server, as an operator would.
    const sudo = await run(web.id, "getent group sudo wheel; echo; id -nG");
    expect(sudo.output).toMatch(/^(sudo:x:27|wheel:x:10):[a-z-]+/m);
    const sudoers = await run(web.id, "sudo -n cat /etc/sudoers", { username: "root" });
    expect(sudoers).toMatchObject({ exitCode: 0 });
    expect(sudoers.output).toMatch(/^%(sudo|wheel)\s+ALL=/m);
  });

  test("systemctl status nginx, then its logs, as the token's own user", async () => {
    const status = await run(web.id, "systemctl status nginx");
    expect(status.exitCode).toBe(0);
    expect(status.output).toContain("Active: active (running)");
    const journal = await run(web.id, "journalctl -u nginx --no-pager -n 20");
    expect(journal.exitCode).toBe(0);
    expect(journal.output).toContain("Started nginx.service");
    const errors = await run(
      web.id,
      "tail -n 5 /var/log/nginx/error.log; grep -c ' 502 ' /var/log/nginx/access.log",
    );
    expect(errors.exitCode).toBe(0);
    expect(errors.output).toMatch(/\[error\]/);
  });

  test("upload config.txt to the home directory, then the logs folder as a zip", async () => {
    const home = (await run(web.id, 'printf %s "$HOME"')).output.trim();
    expect(home).toMatch(/^\/home\/[a-z0-9-]+$/);
    const local = join(allowDir, "config.txt");
    writeFileSync(local, "listen_port=8080\n");
    // The example's "/home/user/" is the user's home: a directory ending in / keeps the name.
    await call("webftp_upload_file", {
      server: web.id,
      localPath: local,
      remotePath: `${home}/`,
      overwrite: true,
    });
    const uploaded = await run(web.id, "cat ~/config.txt");
    expect(uploaded.output).toBe("listen_port=8080\n");

    const zip = join(allowDir, "nginx-logs.zip");
    await call("webftp_download_file", {
      server: web.id,
      remotePath: "/var/log/nginx",
      resourceType: "folder",
      localPath: zip,
    });
    const bytes = readFileSync(zip);
    expect(bytes.subarray(0, 2).toString("latin1")).toBe("PK");
    // Entry names sit uncompressed in the central directory.
    expect(bytes.includes("nginx/access.log")).toBe(true);
    expect(bytes.includes("nginx/error.log")).toBe(true);
  });

  test("a persistent shell: disk usage, processes, a backup directory", async () => {
    const opened = await call("websh_session_create", { server: web.id });
    const channel = opened.structured!.channel as { channelId: string; sessionId: string };
    try {
      const exec = async (command: string) =>
        (await call("websh_channel_execute", { channelId: channel.channelId, command }))
          .structured as { exitCode: number; output: string };
      const df = await exec("df -h /");
      expect(df).toMatchObject({ exitCode: 0 });
      expect(df.output).toMatch(/Filesystem\s+Size\s+Used\s+Avail\s+Use%\s+Mounted on/);
      const ps = await exec("ps aux | head -5");
      expect(ps.output).toMatch(/USER\s+PID\s+%CPU/);
      await exec("mkdir -p ~/backup && cd ~/backup");
      // The same shell: the directory change is still there.
      const here = await exec("pwd; test -d . && echo exists");
      expect(here.output).toMatch(/\/home\/[a-z0-9-]+\/backup\s+exists/);
    } finally {
      await call("websh_session_terminate", { sessionId: channel.sessionId });
    }
  });
});
