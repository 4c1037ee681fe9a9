import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../lib/config.js";
import { nodeFlags } from "../lib/node-flags.js";
import { MCP_CLI } from "../lib/paths.js";
import { type Row, row } from "../lib/row.js";
import type { Fixture } from "../lib/setup.js";
import { StdioMcp } from "../lib/stdio-mcp.js";

/**
 * B6: what `tools/list` costs a model's context. Bytes are of the JSON the server sends per tool
 * (name, title, description, input and output schemas, annotations); tokens are estimated as
 * bytes ÷ 4, the usual rule of thumb for English and JSON with BPE tokenizers: an estimate, not a
 * count from any one model's tokenizer.
 */

interface Listed {
  name: string;
}

interface Measure {
  tools: number;
  totalBytes: number;
  bytesPerTool: number;
  estimatedTokensPerTool: number;
}

function measure(tools: readonly Listed[]): Measure {
  const totalBytes = Buffer.byteLength(JSON.stringify({ tools }));
  const bytesPerTool = totalBytes / tools.length;
  return {
    tools: tools.length,
    totalBytes,
    bytesPerTool,
    estimatedTokensPerTool: bytesPerTool / 4,
  };
}

async function listTools(server: StdioMcp): Promise<Listed[]> {
  try {
    await server.initialize();
    const { tools } = await server.request<{ tools: Listed[] }>("tools/list");
    if (tools.length === 0) throw new Error("tools/list returned no tools.");
    return tools;
  } finally {
    await server.close();
  }
}

/**
 * The same server with a second workspace configured: workspace tools then list a `workspace`
 * argument naming both (with one workspace there is nothing to choose and it is left out). The
 * second entry is never contacted: listing tools makes no request.
 */
function startWithTwoWorkspaces(fixture: Fixture): StdioMcp {
  const ws = fixture.workspace;
  const file = join(fixture.dir, "two-workspaces.json");
  const entry = { token: ws.tokens.admin, url: ws.baseUrl };
  writeFileSync(
    file,
    JSON.stringify({ [ws.region]: { [ws.workspace]: entry }, us1: { globex: entry } }),
    { mode: 0o600 },
  );
  return new StdioMcp(MCP_CLI, { ALPACON_MCP_CONFIG_FILE: file }, [], nodeFlags());
}

/** Where the bytes are, summed over tools: what to cut first when a target is missed. */
function breakdown(tools: readonly Listed[]) {
  const sizes = tools
    .map((tool) => ({ name: tool.name, bytes: Buffer.byteLength(JSON.stringify(tool)) }))
    .sort((a, b) => b.bytes - a.bytes);
  const byField: Record<string, number> = {};
  for (const tool of tools) {
    for (const [field, value] of Object.entries(tool)) {
      byField[field] = (byField[field] ?? 0) + Buffer.byteLength(JSON.stringify(value));
    }
  }
  return { largest: sizes.slice(0, 5), bytesByField: byField };
}

export async function toolsListBench(_config: Config, fixture: Fixture): Promise<Row[]> {
  // The default set, as a user who sets nothing gets it: its whole listing has a budget.
  const tools = await listTools(fixture.startOurs());
  const all = await listTools(fixture.startOurs({ ALPACON_MCP_TOOLSETS: "all" }));
  const twoWorkspaces = measure(await listTools(startWithTwoWorkspaces(fixture)));
  const byDefault = measure(tools);
  const everything = measure(all);
  const tokens = byDefault.totalBytes / 4;
  return [
    row({
      id: "B6",
      what: `tools/list payload, default set of ${tools.length} tools (tokens ≈ bytes/4)`,
      baseline: "—",
      ours: `${byDefault.totalBytes.toLocaleString("en-US")} B ≈ ${Math.round(tokens).toLocaleString("en-US")} tokens (${Math.round(byDefault.estimatedTokensPerTool)}/tool)`,
      ratio: "—",
      target: "≤ 12,000 tokens",
      checked: tokens,
      targetSpec: { op: "<=", limit: 12_000, text: "≤ 12,000 tokens" },
      details: { ...byDefault, twoWorkspaces, ...breakdown(tools) },
    }),
    row({
      id: "B6",
      what: `tools/list payload, --toolsets all: ${all.length} tools (tokens ≈ bytes/4)`,
      baseline: "—",
      ours: `${everything.totalBytes.toLocaleString("en-US")} B, ${Math.round(everything.bytesPerTool)} B/tool ≈ ${Math.round(everything.estimatedTokensPerTool)} tokens/tool`,
      ratio: "—",
      target: "≤ 300 tokens/tool",
      checked: everything.estimatedTokensPerTool,
      targetSpec: { op: "<=", limit: 300, text: "≤ 300 tokens/tool" },
      details: { ...everything, ...breakdown(all) },
    }),
  ];
}
