import { loadConfig } from "@alpacon/sdk/node";
import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, test } from "vitest";
import { createAlpaconMcpServer, listTools } from "../../src/index.js";
import { TOOL_ALIASES } from "../../src/tools/aliases.js";
import { ALL_TOOLS } from "../../src/tools/index.js";
import { onByDefault } from "../../src/tools/select-tools.js";
import { expectToolError } from "../helpers/expect-tool.js";
import { useHarness } from "../helpers/file-harness.js";
import { call, connectedServer, type Harness, serverIds } from "../helpers/harness.js";

const h = useHarness();

async function names(options: Parameters<Harness["connect"]>[0]) {
  const { client } = await h.connect(options);
  return (await client.listTools()).tools.map((tool) => tool.name);
}

describe("tool selection", () => {
  test("the default toolsets' tools by default, every tool with all", async () => {
    const defaults = ALL_TOOLS.filter(onByDefault);
    expect(await names({ toolsets: ["default"] })).toEqual(defaults.map((tool) => tool.name));
    // Read-only tools of IAM and events only: their writes are named on purpose.
    expect(defaults.map((tool) => tool.name)).toContain("iam_users_list");
    expect(defaults.map((tool) => tool.name)).not.toContain("iam_user_delete");
    expect(await names({ toolsets: ["default", "iam"] })).toContain("iam_user_delete");
    // Advanced tools of a daily toolset come with naming it.
    expect(defaults.map((tool) => tool.name)).toContain("webftp_upload_file");
    expect(defaults.map((tool) => tool.name)).not.toContain("webftp_bulk_upload");
    expect(await names({ toolsets: ["webftp"] })).toContain("webftp_bulk_upload");
    expect(await names({ toolsets: ["all"] })).toHaveLength(listTools().length);
  });

  test("toolsets, single tools and exclusions compose", async () => {
    const metrics = listTools().filter((tool) => tool.toolset === "metrics");
    expect(await names({ toolsets: ["metrics"] })).toEqual(metrics.map((tool) => tool.name));
    expect(await names({ tools: ["servers_list"] })).toEqual(["servers_list"]);
    const mixed = await names({
      toolsets: ["metrics"],
      tools: ["servers_list"],
      excludeTools: ["get_cpu_usage"],
    });
    expect(mixed).toContain("servers_list");
    expect(mixed).not.toContain("get_cpu_usage");
    expect(mixed).toHaveLength(metrics.length);
  });

  test("read-only wins over every other setting", async () => {
    const listed = await names({ readOnly: true, tools: ["iam_user_delete", "servers_list"] });
    expect(listed).toEqual(["servers_list"]);
    const all = await names({ readOnly: true, toolsets: ["default"] });
    const readOnly = ALL_TOOLS.filter((tool) => tool.annotations.readOnlyHint && onByDefault(tool));
    expect(all).toEqual(readOnly.map((tool) => tool.name));
    expect(all).not.toContain("command_run");
  });

  test("a read-only server refuses a call to a hidden tool", async () => {
    const { client } = await h.connect({ readOnly: true });
    const result = await call(client, "iam_user_delete", { workspace: "acme", user: "-" });
    expectToolError(result, "not found");
  });

  test("unknown names fail with the list of valid ones", () => {
    const config = loadConfig({ configFile: h.configFile, env: {} });
    expect(() => createAlpaconMcpServer({ config, toolsets: ["metric"] })).toThrow(
      /Unknown toolset "metric". Valid toolsets: all, default, servers, metrics/,
    );
    expect(() => createAlpaconMcpServer({ config, tools: ["list_server"] })).toThrow(
      /Unknown tool "list_server". Valid tools: servers_list, server_get/,
    );
    expect(() => createAlpaconMcpServer({ config, excludeTools: ["nope"] })).toThrow(/nope/);
    expect(() => createAlpaconMcpServer({ config, confirm: "ask" as never })).toThrow(
      /elicit, allow, deny/,
    );
  });

  test("creating and connecting a server makes no API request", async () => {
    h.sandbox.control.clearJournal();
    const { client } = await h.connect({});
    await client.listTools();
    expect(h.sandbox.control.journal()).toEqual([]);
  });
});

async function disposableUser(): Promise<string> {
  return (await disposableNamedUser()).id;
}

async function disposableNamedUser(): Promise<{ id: string; name: string }> {
  const { client } = await h.connect();
  const name = `tmp${Math.floor(Math.random() * 1e9)}`;
  const created = await call(client, "iam_user_create", { workspace: "acme", username: name });
  return { id: (created.structured!.user as { id: string }).id, name };
}

async function userExists(id: string): Promise<boolean> {
  const { client } = await h.connect();
  return !(await call(client, "iam_user_get", { workspace: "acme", user: id })).isError;
}

describe("confirmation of destructive calls", () => {
  async function elicitingClient(answer: "accept" | "decline" | "untick") {
    const questions: string[] = [];
    const connected = await h.connect({ confirm: "elicit" }, { elicitation: { form: {} } });
    connected.client.setRequestHandler(ElicitRequestSchema, async (request) => {
      questions.push(request.params.message);
      if (answer === "decline") return { action: "decline" };
      return { action: "accept", content: { confirm: answer === "accept" } };
    });
    return { ...connected, questions };
  }

  test("runs when the user accepts, after asking what will happen", async () => {
    const { id, name } = await disposableNamedUser();
    const { client, questions } = await elicitingClient("accept");
    const result = await call(client, "iam_user_delete", { workspace: "acme", user: id });
    expect(result.isError).toBe(false);
    expect(questions).toEqual([
      `Delete workspace user \`${name}\` permanently? (workspace acme, region ap1)`,
    ]);
    expect(await userExists(id)).toBe(false);
  });

  test.each(["decline", "untick"] as const)(
    "does nothing when the user answers %s",
    async (answer) => {
      const id = await disposableUser();
      const { client } = await elicitingClient(answer);
      const result = await call(client, "iam_user_delete", { workspace: "acme", user: id });
      expect(result.isError).toBe(true);
      expect(result.structured).toBeUndefined();
      expect(result.text).toContain("declined");
      expect(result.text).toContain("Do not retry");
      expect(await userExists(id)).toBe(true);
    },
  );

  test("a client without elicitation is refused by default, with the way to allow it", async () => {
    const id = await disposableUser();
    const { client } = await h.connect({ confirm: "elicit" });
    const result = await call(client, "iam_user_delete", { workspace: "acme", user: id });
    expectToolError(result, "--confirm allow");
    expect(await userExists(id)).toBe(true);
  });

  test("confirm deny refuses even with elicitation; read tools never ask", async () => {
    const id = await disposableUser();
    const { client } = await h.connect({ confirm: "deny" }, { elicitation: { form: {} } });
    const refused = await call(client, "iam_user_delete", { workspace: "acme", user: id });
    expectToolError(refused, "confirm mode deny");
    expect((await call(client, "servers_list", { workspace: "acme" })).isError).toBe(false);
  });
});

describe("progress and cancellation", () => {
  test("command_run reports progress per finished server", async () => {
    const { client } = await h.connect();
    const ids = [...serverIds(h.sandbox).values()].slice(0, 3);
    const updates: Array<{ progress: number; total?: number | undefined }> = [];
    await client.callTool(
      { name: "command_run", arguments: { workspace: "acme", servers: ids, command: "uptime" } },
      undefined,
      { onprogress: (update) => updates.push(update) },
    );
    expect(updates[0]).toMatchObject({ progress: 0, total: 3 });
    expect(updates.at(-1)).toMatchObject({ progress: 3, total: 3 });
    const values = updates.map((update) => update.progress);
    expect(values).toEqual([...values].sort((a, b) => a - b));
  });

  test("a cancelled call stops following the command", async () => {
    h.sandbox.control.setCommandDelays("manual");
    try {
      const { client } = await h.connect();
      const server = connectedServer(h.sandbox);
      const controller = new AbortController();
      h.sandbox.control.clearJournal();
      const pending = client.callTool(
        {
          name: "command_run",
          arguments: { workspace: "acme", servers: [server], command: "uptime" },
        },
        undefined,
        { signal: controller.signal },
      );
      const polls = () =>
        h.sandbox.control.journal({ method: "GET", path: /\/api\/events\/commands\// }).length;
      while (polls() < 2) await new Promise((resolve) => setTimeout(resolve, 20));
      controller.abort();
      await expect(pending).rejects.toThrow();
      await new Promise((resolve) => setTimeout(resolve, 100));
      const settled = polls();
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(polls()).toBe(settled);
    } finally {
      h.sandbox.control.setCommandDelays({ delivered: 10, acked: 10, running: 10 });
    }
  });
});

describe("resources", () => {
  test("lists servers of every workspace and reads one as JSON", async () => {
    const { client } = await h.connect();
    const { resources } = await client.listResources();
    const id = connectedServer(h.sandbox);
    const uri = `alpacon://ap1/acme/servers/${id}`;
    expect(resources.map((item) => item.uri)).toContain(uri);
    expect(resources.some((item) => item.uri.startsWith("alpacon://us1/globex/servers/"))).toBe(
      true,
    );
    const read = await client.readResource({ uri });
    const text = (read.contents[0] as { text: string }).text;
    expect(JSON.parse(text)).toMatchObject({ id });
    const templates = await client.listResourceTemplates();
    expect(templates.resourceTemplates[0]!.uriTemplate).toBe(
      "alpacon://{region}/{workspace}/servers/{id}",
    );
  });

  test("reading an unknown server fails with the three answers", async () => {
    const { client } = await h.connect();
    await expect(
      client.readResource({
        uri: "alpacon://ap1/acme/servers/00000000-0000-4000-8000-000000000000",
      }),
    ).rejects.toThrow(/Why: .*404[\s\S]*What to do/);
  });
});

describe("read views (the reference's alpacon:// resources)", () => {
  test("a workspace's views are listed per workspace and read as the tool's result", async () => {
    const { client } = await h.connect({ toolsets: ["default"] });
    const { resources } = await client.listResources();
    const uris = resources.map((item) => item.uri);
    expect(uris).toContain("alpacon://servers/ap1/acme");
    expect(uris).toContain("alpacon://servers/us1/globex");
    // Opt-in toolsets' views come with their toolset.
    expect(uris).not.toContain("alpacon://alerts/ap1/acme");
    const read = await client.readResource({ uri: "alpacon://servers/ap1/acme" });
    const listed = JSON.parse((read.contents[0] as { text: string }).text);
    const ids = h.sandbox.control
      .workspace("ap1", "acme")
      .servers()
      .map((item) => item.id);
    expect(listed.servers.length).toBeGreaterThan(0);
    for (const server of listed.servers) expect(ids).toContain(server.id);
  });

  test("a server's views take its id (or name) from the URI", async () => {
    const { client } = await h.connect();
    const templates = (await client.listResourceTemplates()).resourceTemplates;
    expect(templates.map((item) => item.uriTemplate)).toContain(
      "alpacon://servers/{region}/{workspace}/{server_id}/overview",
    );
    const id = connectedServer(h.sandbox);
    const read = await client.readResource({ uri: `alpacon://servers/ap1/acme/${id}/overview` });
    const overview = JSON.parse((read.contents[0] as { text: string }).text);
    expect(overview).toMatchObject({ server: id, os: { name: expect.any(String) } });
  });

  test("an unknown server fails with the three answers; a view of a tool not offered is not there", async () => {
    const { client } = await h.connect({ toolsets: ["servers"] });
    await expect(
      client.readResource({
        uri: "alpacon://servers/ap1/acme/00000000-0000-4000-8000-000000000000",
      }),
    ).rejects.toThrow(/Why: .*404[\s\S]*What to do/);
    await expect(
      client.readResource({ uri: `alpacon://system/ap1/acme/${h.server}/time` }),
    ).rejects.toThrow(/not found/i);
  });
});

describe("prompts", () => {
  test("offers the chained jobs", async () => {
    const { client } = await h.connect();
    const { prompts } = await client.listPrompts();
    expect(prompts.map((prompt) => prompt.name)).toEqual([
      "diagnose_slow_server",
      "fleet_health_report",
      "audit_server_access",
      "work_session_workflow",
      "guarded_execution",
      "incident_response",
      "security_audit",
    ]);
    const prompt = await client.getPrompt({
      name: "diagnose_slow_server",
      arguments: { server: "db-1", workspace: "acme" },
    });
    const text = (prompt.messages[0]!.content as { text: string }).text;
    expect(text).toContain('"db-1"');
    expect(text).toContain("get_server_metrics_summary");
    expect(text).toContain('workspace "acme"');
  });

  // A prompt that names a tool this server does not have sends the model astray.
  test.each([
    ["diagnose_slow_server", { server: "db-1" }],
    ["fleet_health_report", {}],
    ["audit_server_access", { server: "db-1" }],
    ["work_session_workflow", { intent: "rotate nginx logs", servers: "web-1" }],
    ["guarded_execution", { workSession: "7f1c0d2e-0000-4000-8000-000000000001" }],
    ["incident_response", { server: "web-1" }],
    ["incident_response", {}],
    ["security_audit", { server: "web-1" }],
  ])("%s names only tools that exist", async (name, args) => {
    const { client } = await h.connect();
    const prompt = await client.getPrompt({ name, arguments: args });
    const text = (prompt.messages[0]!.content as { text: string }).text;
    const known = new Set([...ALL_TOOLS.map((tool) => tool.name), ...Object.keys(TOOL_ALIASES)]);
    const named = [...text.matchAll(/\b[a-z]+(?:_[a-z]+)+\b/g)].map((match) => match[0]);
    const prompts = (await client.listPrompts()).prompts.map((item) => item.name);
    const notTools = ["may_have_run", "work_session_required", ...prompts];
    const unknown = named.filter((word) => !known.has(word) && !notTools.includes(word));
    expect(unknown).toEqual([]);
    expect(named.length).toBeGreaterThan(0);
  });
});
