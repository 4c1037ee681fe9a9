// The MCP Inspector CLI (@modelcontextprotocol/inspector 2.x, `--cli`, under Node 22) against
// `npx alpacon-mcp` over stdio from the installed tarball: tools/list, then one tools/call per
// toolset. The server is configured through -e variables: the Inspector would take flags placed
// after the target command as its own.

import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { listTools, TOOLSETS } from "@alpacon/mcp";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { cleanEnv, installed, scratchDir } from "../src/installed.js";
import { node22, packageFile } from "../src/processes.js";

const run = promisify(execFile);

let home: string;
let removeHome: () => void;
beforeAll(() => {
  [home, removeHome] = scratchDir();
});
afterAll(() => removeHome());

interface InspectorRun {
  code: number;
  json: Record<string, unknown> | undefined;
  stderr: string;
}

/** `mcp-inspector --cli npx --no alpacon-mcp -e … --method … --format json`. */
async function inspector(args: string[]): Promise<InspectorRun> {
  const launcher = packageFile(
    "@modelcontextprotocol/inspector",
    "clients/launcher/build/index.js",
  );
  const serverEnv = [
    "ALPACON_MCP_SANDBOX=1",
    "ALPACON_MCP_CONFIRM=allow",
    // Opt-in toolsets too: tools/list is compared with every tool, and each toolset gets a call.
    "ALPACON_MCP_TOOLSETS=all",
    // Output schemas too (off by default): the Inspector checks each result against its schema.
    "ALPACON_MCP_OUTPUT_SCHEMAS=1",
    "ALPACON_MCP_LOG_LEVEL=warning",
    "npm_config_update_notifier=false",
  ].flatMap((pair) => ["-e", pair]);
  try {
    const { stdout, stderr } = await run(
      node22(),
      // The Inspector's default 15 s connect timeout is too short for npx on a loaded machine.
      [
        launcher,
        "--cli",
        "npx",
        "--no",
        "alpacon-mcp",
        ...serverEnv,
        ...args,
        "--connect-timeout",
        "45000",
        "--format",
        "json",
      ],
      { cwd: installed().dir, env: cleanEnv(home), timeout: 60_000, maxBuffer: 32 * 1024 * 1024 },
    );
    return { code: 0, json: JSON.parse(stdout), stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    let json: Record<string, unknown> | undefined;
    try {
      json = JSON.parse(failed.stderr?.trim().split("\n").pop() ?? "");
    } catch {
      json = undefined;
    }
    return { code: failed.code ?? -1, json, stderr: failed.stderr ?? "" };
  }
}

function callArgs(tool: string, args: Record<string, unknown>): string[] {
  return ["--method", "tools/call", "--tool-name", tool, "--tool-args-json", JSON.stringify(args)];
}

interface CallResult {
  content: Array<{ type: string; text: string }>;
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
}

describe("MCP Inspector CLI (Node 22) against npx alpacon-mcp over stdio", () => {
  test("tools/list lists every tool (ALPACON_MCP_TOOLSETS=all) with its schemas", async () => {
    const listed = await inspector(["--method", "tools/list"]);
    expect(listed.code, listed.stderr).toBe(0);
    const tools = (listed.json!.result as { tools: Array<Record<string, unknown>> }).tools;
    expect(tools.map((tool) => tool.name).sort()).toEqual(
      listTools()
        .map((tool) => tool.name)
        .sort(),
    );
    for (const tool of tools) {
      expect(tool.inputSchema).toMatchObject({ type: "object" });
      expect(tool.outputSchema).toMatchObject({ type: "object" });
      expect(tool.annotations).toBeDefined();
      expect((tool._meta as Record<string, unknown>)["anthropic/searchHint"]).toEqual(
        expect.any(String),
      );
    }
  });

  test("one tools/call per toolset", async () => {
    const servers = await inspector(callArgs("servers_list", { workspace: "acme" }));
    expect(servers.code, servers.stderr).toBe(0);
    const listed = (servers.json!.result as CallResult).structuredContent!.servers as Array<{
      id: string;
      connected: boolean;
      os: string | null;
    }>;
    const server = listed.find((item) => item.connected && !/windows/i.test(item.os ?? ""))!.id;

    const acme = { workspace: "acme" };
    const calls: Array<[string, string, Record<string, unknown>, RegExp]> = [
      ["metrics", "get_cpu_usage", { ...acme, server, hours: 2 }, /CPU usage of/],
      ["system-info", "get_os_version", { ...acme, server }, /\S/],
      [
        "websh",
        "websh_command_execute",
        { ...acme, server, command: "echo via-inspector" },
        /via-inspector/,
      ],
      ["webftp", "webftp_uploads_list", acme, /upload/i],
      ["events", "list_events", { ...acme, pageSize: 5 }, /event/i],
      [
        "commands",
        "command_run",
        { ...acme, servers: [server], command: "echo ok; exit 4" },
        /exit 4/,
      ],
      ["work-sessions", "work_session_list", acme, /sessions/],
      ["iam", "iam_users_list", acme, /users?/],
      ["auth", "workspaces_list", {}, /acme/],
      ["workspace", "get_current_user", acme, /superuser/],
      ["tokens", "list_api_token_scopes", acme, /server: read/],
      ["security", "list_server_acls", acme, /server ACL entries/],
      ["alerts", "list_alerts", acme, /alert/i],
      ["server-admin", "list_registration_tokens", acme, /tokens/],
      ["certs", "list_certificate_authorities", acme, /authorities/],
      ["health", "health_check", {}, /\S/],
      ["audit", "list_server_logs", { ...acme, server }, /server log records, newest first/],
      ["approvals", "list_sudo_policies", acme, /polic/i],
      ["health", "health_check", {}, /alpacon-mcp/],
      ["packages", "list_system_package_entries", { ...acme, server }, /entries/],
      ["webhooks", "list_event_subscriptions", acme, /subscriptions/],
      // A snippet that only reads: it runs unasked, in the interpreter loaded from dist.
      [
        "code",
        "execute",
        { ...acme, code: "return (await alpacon.servers.list()).count;" },
        /^\d+$/,
      ],
    ];
    expect(new Set(["servers", ...calls.map(([toolset]) => toolset)])).toEqual(new Set(TOOLSETS));

    // Each run starts its own server (and sandbox); three at a time on two cores.
    const results: InspectorRun[] = [];
    for (let i = 0; i < calls.length; i += 3) {
      results.push(
        ...(await Promise.all(
          calls.slice(i, i + 3).map(([, tool, args]) => inspector(callArgs(tool, args))),
        )),
      );
    }
    calls.forEach(([, tool, , pattern], index) => {
      const outcome = results[index]!;
      expect(outcome.code, `${tool}: ${outcome.stderr}`).toBe(0);
      const result = outcome.json!.result as CallResult;
      expect(result.isError ?? false, `${tool}: ${JSON.stringify(result)}`).toBe(false);
      expect(result.content[0]!.text).toMatch(pattern);
      expect(result.structuredContent).toBeDefined();
    });
    // One Inspector run starts npx, a server and a sandbox (~10 s on two cores): a batch of three
    // takes up to ~30 s on a busy machine, and there are six batches with certs, approvals, health.
  }, 300_000);

  test("an unknown tool: exit code 5, tool_not_found", async () => {
    const outcome = await inspector(callArgs("no_such_tool", {}));
    expect(outcome.code).toBe(5);
    expect(outcome.json).toMatchObject({ error: { code: "tool_not_found" } });
  });
});
