import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "@alpacon/sdk/node";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { type Tool, ToolListChangedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, test, vi } from "vitest";
import { ALL_TOOLS } from "../../src/tools/index.js";
import {
  type ListableTool,
  useLeanToolList,
  workspaceArguments,
} from "../../src/tools/tool-list.js";
import { useHarness } from "../helpers/file-harness.js";
import { call, connect, tempDir } from "../helpers/harness.js";

// The sandbox has two workspaces, acme (ap1) and globex (us1); the harness's token file has both.
const h = useHarness();

function inputOf(tools: Tool[], name: string): Tool["inputSchema"] {
  return tools.find((tool) => tool.name === name)!.inputSchema;
}

/** A token file with only acme, on its own, so tests can add and remove workspaces. */
function onlyAcme(): string {
  const file = join(tempDir(), "token.json");
  const both = JSON.parse(readFileSync(h.configFile, "utf8"));
  writeFileSync(file, JSON.stringify({ ap1: { acme: both.ap1.acme } }), { mode: 0o600 });
  return file;
}

describe("workspace and region arguments", () => {
  test("with one workspace, tools list neither, and still accept both", async () => {
    const { client, close } = await connect({
      config: loadConfig({ configFile: onlyAcme(), env: {} }),
    });
    const { tools } = await client.listTools();
    const servers = inputOf(tools, "servers_list");
    expect(servers.properties).not.toHaveProperty("workspace");
    expect(servers.properties).not.toHaveProperty("region");
    expect((await call(client, "servers_list")).isError).toBe(false);
    const named = await call(client, "servers_list", { workspace: "acme", region: "ap1" });
    expect(named.isError).toBe(false);
    await close();
  });

  test("with several, tools list their names and require one", async () => {
    const { client } = await h.connect();
    const { tools } = await client.listTools();
    const servers = inputOf(tools, "servers_list");
    expect(servers.properties!.workspace).toEqual({ type: "string", enum: ["acme", "globex"] });
    // No name is configured in two regions: region would be noise.
    expect(servers.properties).not.toHaveProperty("region");
    expect(servers.required).toEqual(["workspace"]);
    expect(inputOf(tools, "server_get").required).toEqual(["server", "workspace"]);
    // Tools of this process's own state take no workspace.
    expect(inputOf(tools, "websh_channels_list").properties).toEqual({});

    const globex = await call(client, "servers_list", { workspace: "globex" });
    expect(globex.isError).toBe(false);
    const ids = h.sandbox.control
      .workspace("us1", "globex")
      .servers()
      .map((server) => server.id);
    const listed = (globex.structured!.servers as Array<{ id: string }>).map((server) => server.id);
    expect(listed.length).toBeGreaterThan(0);
    for (const id of listed) expect(ids).toContain(id);
  });

  test("a name configured in two regions brings in region, and workspace is then optional", () => {
    const acmeTwice = [
      { workspace: "acme", region: "ap1" },
      { workspace: "acme", region: "us1" },
    ];
    expect(workspaceArguments(acmeTwice)).toEqual({
      properties: {
        workspace: { type: "string", enum: ["acme"] },
        region: { type: "string", enum: ["ap1", "us1"], description: expect.any(String) },
      },
      required: [],
    });
    const withOps = workspaceArguments([...acmeTwice, { workspace: "ops", region: "us1" }]);
    expect(withOps.properties.workspace!.enum).toEqual(["acme", "ops"]);
    expect(withOps.required).toEqual(["workspace"]);
  });

  test("saving and removing tokens changes the list, and the client is told", async () => {
    const file = onlyAcme();
    const { client, close } = await connect({
      config: loadConfig({ configFile: file, env: {} }),
      confirm: "allow",
    });
    expect(client.getServerCapabilities()?.tools?.listChanged).toBe(true);
    let notified = 0;
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      notified++;
    });
    const workspaceOfServersList = async () =>
      inputOf((await client.listTools()).tools, "servers_list").properties?.workspace;

    // A new token for the one workspace there is: nothing to choose, nothing to tell.
    const acmeToken = JSON.parse(readFileSync(file, "utf8")).ap1.acme.token as string;
    await call(client, "auth_set_token", { workspace: "acme", region: "ap1", token: acmeToken });
    expect(await workspaceOfServersList()).toBeUndefined();

    const saved = await call(client, "auth_set_token", {
      workspace: "globex",
      region: "us1",
      token: "alpat-SecondWorkspaceToken0123",
    });
    expect(saved.isError).toBe(false);
    await vi.waitFor(() => expect(notified).toBe(1));
    expect(await workspaceOfServersList()).toMatchObject({ enum: ["acme", "globex"] });

    const removed = await call(client, "auth_remove_token", { workspace: "globex", region: "us1" });
    expect(removed.isError).toBe(false);
    await vi.waitFor(() => expect(notified).toBe(2));
    expect(await workspaceOfServersList()).toBeUndefined();
    expect(notified).toBe(2);
    await close();
  });
});

describe("the listing", () => {
  test("nullable objects are typed [object, null] and still validate real results", async () => {
    const { client } = await h.connect({ outputSchemas: true });
    const { tools } = await client.listTools();
    const summary = tools.find((tool) => tool.name === "get_server_metrics_summary")!;
    const cpu = (summary.outputSchema!.properties as Record<string, Record<string, unknown>>).cpu!;
    expect(cpu.type).toEqual(["object", "null"]);
    expect(cpu.required).toContain("avg");
    // The SDK client checks structuredContent against the listed outputSchema.
    const result = await call(client, "get_server_metrics_summary", {
      workspace: "acme",
      server: h.server,
      hours: 1,
    });
    expect(result.isError).toBe(false);
    expect(result.structured).toHaveProperty("cpu");
  });

  test("output schemas are listed only when asked for; results are structured either way", async () => {
    const { client } = await h.connect();
    const { tools } = await client.listTools();
    expect(tools.filter((tool) => tool.outputSchema).map((tool) => tool.name)).toEqual([]);
    const result = await call(client, "servers_list", { workspace: "acme" });
    expect(result.structured).toHaveProperty("servers");
    const asked = await h.connect({ outputSchemas: true });
    const withSchemas = (await asked.client.listTools()).tools;
    expect(withSchemas.every((tool) => tool.outputSchema?.type === "object")).toBe(true);
  });

  test("every tool has a search hint; the entry points are loaded at once", async () => {
    const { client } = await h.connect({ toolsets: ["all"] });
    const { tools } = await client.listTools();
    for (const tool of tools) {
      const hint = tool._meta?.["anthropic/searchHint"];
      expect(typeof hint === "string" && hint.split(" ").length >= 2, tool.name).toBe(true);
    }
    const always = tools.filter((tool) => tool._meta?.["anthropic/alwaysLoad"] === true);
    expect(always.map((tool) => tool.name).sort()).toEqual([
      "command_run",
      // Code mode's two tools: with --code-mode they are all a session has.
      "execute",
      "get_server_metrics_summary",
      "get_server_overview",
      "health_check",
      "list_alerts",
      "search",
      "server_get",
      "servers_list",
      "workspaces_list",
    ]);
  });

  test("read-only tools carry no destructive or idempotent hint; others carry what differs", async () => {
    const { client } = await h.connect();
    const { tools } = await client.listTools();
    const hintsOf = (name: string) => tools.find((tool) => tool.name === name)!.annotations;
    expect(hintsOf("servers_list")).toEqual({ readOnlyHint: true, openWorldHint: false });
    expect(hintsOf("command_run")).toEqual({ destructiveHint: true, openWorldHint: true });
    expect(hintsOf("iam_user_delete")).toEqual({
      destructiveHint: true,
      idempotentHint: true,
      openWorldHint: false,
    });
    expect(hintsOf("server_note_create")).toEqual({
      destructiveHint: false,
      openWorldHint: false,
    });
  });
});

describe("before the tool modules have loaded (server.ts)", () => {
  test("tools/list waits for them, then lists them", async () => {
    const server = new McpServer(
      { name: "test", version: "0.0.0" },
      { capabilities: { tools: { listChanged: true } } },
    );
    let load!: (tools: { listed: ListableTool[] }) => void;
    const loaded = new Promise<{ listed: ListableTool[] }>((resolve) => (load = resolve));
    useLeanToolList(server, loaded, { list: () => [], onChange: () => {} });
    const client = new Client({ name: "test", version: "0.0.0" });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
    let answered = false;
    const listing = client.listTools().then((result) => {
      answered = true;
      return result;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(answered).toBe(false);
    const definition = ALL_TOOLS.find((tool) => tool.name === "servers_list")!;
    load({ listed: [{ definition, _meta: { "anthropic/searchHint": definition.searchHint } }] });
    const { tools } = await listing;
    expect(tools.map((tool) => tool.name)).toEqual(["servers_list"]);
    expect(tools[0]!._meta).toEqual({ "anthropic/searchHint": definition.searchHint });
    await Promise.all([client.close(), server.close()]);
  });
});
