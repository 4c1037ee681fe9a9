import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { afterEach, describe, expect, it } from "vitest";
import * as z from "zod";
import type { CallReport, Runtime } from "../../src/server/context.js";
import {
  type LoadedTools,
  routeTool,
  routeToolCalls,
  type ToolRoute,
} from "../../src/server/register.js";
import { defineTool } from "../../src/tools/define.js";

// A tool whose result depends on its input, so one test can send a result that fits the output
// schema and one that does not (as an API answer of an unexpected shape would).
const probe = defineTool({
  name: "probe",
  searchHint: "probe test",
  toolset: "servers",
  title: "Probe",
  description: "Returns a count.",
  sdk: [],
  operation: "local-read",
  scope: "local",
  input: { broken: z.boolean() },
  output: { count: z.int(), names: z.array(z.string()) },
  run: async ({ broken }) =>
    (broken ? { count: 2, names: ["web-1", null] } : { count: 1, names: ["web-1"] }) as never,
  summary: (result) => `${result.count} names`,
});

const reports: CallReport[] = [];
let registered: ToolRoute | undefined;
let close: (() => Promise<void>) | undefined;

afterEach(async () => {
  await close?.();
  reports.length = 0;
});

/** A client of a server with the probe tool, routed once `load` resolves (at once by default). */
async function connected(load: Promise<void> = Promise.resolve()): Promise<Client> {
  const server = new McpServer({ name: "test", version: "0.0.0" }, { capabilities: { tools: {} } });
  const runtime = {
    workspaces: { secrets: () => [] },
    report: (call: CallReport) => reports.push(call),
  } as unknown as Runtime;
  const routes = new Map<string, ToolRoute>();
  const tools: Promise<LoadedTools> = load.then(() => {
    registered = routeTool(server, probe, runtime, "allow", routes);
    return { routes, listed: [registered] };
  });
  routeToolCalls(server, tools);
  const client = new Client({ name: "test", version: "0.0.0" });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
  close = async () => {
    await client.close();
    await server.close();
  };
  return client;
}

describe("output check", () => {
  it("sends a result that fits the output schema as structuredContent", async () => {
    const client = await connected();
    const result = await client.callTool({ name: "probe", arguments: { broken: false } });
    expect(result.isError).toBeUndefined();
    expect(result.structuredContent).toEqual({ count: 1, names: ["web-1"] });
    expect(reports.map((call) => call.outcome)).toEqual(["ok"]);
  });

  it("turns a result that breaks it into an error naming the field, with no structuredContent", async () => {
    const client = await connected();
    const result = await client.callTool({ name: "probe", arguments: { broken: true } });
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toBeUndefined();
    const text = (result.content as Array<{ text: string }>)[0]!.text;
    expect(text).toContain("probe failed.");
    expect(text).toMatch(/Why: the result does not match the tool's output schema \(names\.1: /);
    expect(text).toContain("What to do: Retry once");
    expect(reports.map((call) => call.outcome)).toEqual(["error"]);
  });
});

describe("tools/call route", () => {
  it("answers a tool it does not know as the MCP SDK does", async () => {
    const client = await connected();
    const unknown = await client.callTool({ name: "nope", arguments: {} });
    expect(unknown).toEqual({
      content: [{ type: "text", text: "MCP error -32602: Tool nope not found" }],
      isError: true,
    });
    expect(reports).toEqual([]);
  });

  it("holds a call that comes before the tools have loaded, and answers it once they have", async () => {
    let load!: () => void;
    const client = await connected(new Promise<void>((resolve) => (load = resolve)));
    let answered = false;
    const call = client.callTool({ name: "probe", arguments: { broken: false } }).then((result) => {
      answered = true;
      return result;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(answered).toBe(false);
    load();
    expect((await call).structuredContent).toEqual({ count: 1, names: ["web-1"] });
  });

  it("calls the handler the tool has now (MCP Apps wrap it after registration)", async () => {
    const client = await connected();
    await client.callTool({ name: "probe", arguments: { broken: false } });
    const original = registered!.handler;
    registered!.handler = async (args, extra) => ({
      ...(await original(args, extra)),
      _meta: { wrapped: true },
    });
    const result = await client.callTool({ name: "probe", arguments: { broken: false } });
    expect(result._meta).toEqual({ wrapped: true });
  });
});
