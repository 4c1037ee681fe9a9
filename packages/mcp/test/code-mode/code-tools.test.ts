import { describe, expect, test } from "vitest";
import { parseCliOptions } from "../../src/cli/cli-options.js";
import { TOOL_ALIASES } from "../../src/tools/aliases.js";
import { ALL_TOOLS } from "../../src/tools/index.js";
import { useHarness } from "../helpers/file-harness.js";
import { call } from "../helpers/harness.js";

const h = useHarness();

describe("code mode", () => {
  test("--code-mode lists only search and execute, within 1,500 tokens", async () => {
    const { client } = await h.connect({ codeMode: true });
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(["search", "execute"]);
    expect(JSON.stringify(tools).length / 4).toBeLessThanOrEqual(1_500);
  });

  test("--read-only keeps execute (its bridge reads only) and drops nothing else it lists", async () => {
    const { client } = await h.connect({ codeMode: true, readOnly: true });
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(["search", "execute"]);
  });

  test("the code toolset combines with others", async () => {
    const { client } = await h.connect({ toolsets: ["servers", "code"] });
    const names = (await client.listTools()).tools.map((tool) => tool.name);
    expect(names).toContain("servers_list");
    expect(names).toContain("execute");
    expect(names).not.toContain("command_run");
    // The snippets reach what the rest of the selection offers, here servers only.
    const result = await call(client, "execute", {
      workspace: "acme",
      code: "const n = (await alpacon.servers.list()).count; try { await alpacon.metrics.cpuTopServers(); } catch (e) { return [n > 0, e.name]; }",
    });
    expect(result.structured!.result).toEqual([true, "NotAllowed"]);
  });

  test("the names clash with no tool and no alias", () => {
    const others = ALL_TOOLS.filter((tool) => tool.toolset !== "code").map((tool) => tool.name);
    for (const name of ["search", "execute"]) {
      expect(others).not.toContain(name);
      expect(Object.keys(TOOL_ALIASES)).not.toContain(name);
    }
  });

  test("the CLI flag and variable turn it on", () => {
    expect(parseCliOptions(["--code-mode"], {}).server.codeMode).toBe(true);
    expect(parseCliOptions([], { ALPACON_MCP_CODE_MODE: "1" }).server.codeMode).toBe(true);
    expect(parseCliOptions([], {}).server.codeMode).toBe(false);
  });
});

describe("search", () => {
  test("finds methods by words with a signature to copy", async () => {
    const result = await h.call("search", { query: "top servers memory" });
    expect(result.isError).toBe(false);
    const results = result.structured!.results as { name: string; text: string }[];
    expect(results[0]!.name).toBe("alpacon.metrics.memoryTopServers");
    expect(results[0]!.text).toBe("alpacon.metrics.memoryTopServers(): Promise<TopServer[]>");
  });

  test("says which calls ask and which this server refuses", async () => {
    const { client } = await h.connect({ codeMode: true, readOnly: true });
    const result = await call(client, "search", { query: "commands run", limit: 5 });
    const run = (
      result.structured!.results as { name: string; effect?: string; unavailable?: string }[]
    ).find((hit) => hit.name === "alpacon.commands.run");
    expect(run).toMatchObject({ effect: "run", unavailable: expect.stringMatching(/read-only/) });
    expect(result.text).toContain("alpacon.commands.run(options: RunCommandOptions)");
  });

  test("a method comes with the types its signature names, queries included", async () => {
    const result = await h.call("search", { query: "installed packages of a server", limit: 10 });
    const hit = (result.structured!.results as { name: string; types?: string[] }[]).find(
      (item) => item.name === "alpacon.system.packages",
    );
    expect(hit?.types?.[0]).toMatch(
      /^QueryOf<"listSystemPackages"> = \{ server: string; page\?: number;/,
    );
    expect(result.text).toContain('  type QueryOf<"listSystemPackages">');
  });

  test("finds types and README sections too", async () => {
    const result = await h.call("search", { query: "RunCommandOptions", limit: 3 });
    const results = result.structured!.results as { kind: string; name: string; text: string }[];
    const type = results.find((hit) => hit.kind === "type");
    expect(type?.text).toMatch(/^RunCommandOptions \{ servers: string \| readonly string\[\];/);
    const docs = await h.call("search", { query: "errors retries" });
    expect((docs.structured!.results as { kind: string }[]).some((hit) => hit.kind === "doc")).toBe(
      true,
    );
  });

  test("a query that matches nothing says what to try", async () => {
    const result = await h.call("search", { query: "zzzqqq" });
    expect(result.structured!.results).toEqual([]);
    expect(result.text).toMatch(/No matches/);
  });
});
