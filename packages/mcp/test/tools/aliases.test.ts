import { join } from "node:path";
import { loadConfig } from "@alpacon/sdk/node";
import { afterAll, beforeAll, expect, test } from "vitest";
import { aliasesOf, canonicalName, TOOL_ALIASES } from "../../src/tools/aliases.js";
import { ALL_TOOLS } from "../../src/tools/index.js";
import { selectTools } from "../../src/tools/select-tools.js";
import { type Connected, connect, tempDir } from "../helpers/harness.js";

const NAMES = new Set(ALL_TOOLS.map((tool) => tool.name));

let server: Connected;
beforeAll(async () => {
  server = await connect({
    config: loadConfig({ configFile: join(tempDir(), "t.json"), env: {} }),
    // Every tool, opt-in toolsets included, so every alias has its tool listed.
    toolsets: ["all"],
  });
});
afterAll(() => server.close());

test("every alias names a tool and is not itself a tool's name", () => {
  for (const [alias, name] of Object.entries(TOOL_ALIASES)) {
    expect(NAMES.has(name), `${alias} → ${name}`).toBe(true);
    expect(NAMES.has(alias), alias).toBe(false);
  }
  expect(canonicalName("list_servers")).toBe("servers_list");
  expect(canonicalName("servers_list")).toBe("servers_list");
  expect(aliasesOf("servers_list")).toEqual(["list_servers"]);
});

test("tools/list shows each tool once, under its own name only", async () => {
  const names = (await server.client.listTools()).tools.map((tool) => tool.name);
  expect(names).toHaveLength(ALL_TOOLS.length);
  for (const alias of Object.keys(TOOL_ALIASES)) expect(names).not.toContain(alias);
});

test("a call by alias runs the tool", async () => {
  const byName = await server.client.callTool({ name: "workspaces_list", arguments: {} });
  const byAlias = await server.client.callTool({ name: "list_workspaces", arguments: {} });
  expect(byAlias.isError).toBeUndefined();
  expect(byAlias).toEqual(byName);
});

test("a call by alias is checked against the tool's input schema and named by the tool", async () => {
  const result = await server.client.callTool({ name: "get_server", arguments: {} });
  expect(result.isError).toBe(true);
  expect(JSON.stringify(result.content)).toContain("Invalid arguments for tool server_get");
});

test("--tools and --exclude-tools accept aliases", () => {
  expect(selectTools({ tools: ["list_servers", "get_server"] }).map((tool) => tool.name)).toEqual([
    "servers_list",
    "server_get",
  ]);
  const without = selectTools({ toolsets: ["servers"], excludeTools: ["list_server_notes"] });
  expect(without.map((tool) => tool.name)).not.toContain("server_notes_list");
  expect(() => selectTools({ tools: ["list_serverz"] })).toThrow(/Unknown tool "list_serverz"/);
});

test("an alias of a tool left out is not callable either", async () => {
  const only = await connect({
    config: loadConfig({ configFile: join(tempDir(), "t.json"), env: {} }),
    tools: ["workspaces_list"],
  });
  try {
    const result = await only.client.callTool({ name: "list_servers", arguments: {} });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toMatch(/not found/i);
  } finally {
    await only.close();
  }
});
