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

/**
 * Tools the default server lists beyond the 46 of the reference server's README (the first
 * target was for those): our own, and the reference's later tools (reference-tools.md).
 */
const ADDED_TOOLS = new Set([
  "command_run",
  "command_get",
  "websh_sessions_list",
  "workspaces_list",
  "list_commands",
  "get_event",
  "get_disk_io",
  "get_top_servers",
  "get_system_time",
  "get_server_note",
  "update_server_note",
  "delete_server_note",
  "get_iam_group",
  "list_iam_memberships",
  "remove_iam_member",
  "work_session_create",
  "work_session_list",
  "work_session_get",
  "work_session_update",
  "work_session_close",
  "work_session_extend",
  "work_session_analyze",
  "work_session_timeline",
  "get_alert_rules",
]);

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

export async function toolsListBench(_config: Config, fixture: Fixture): Promise<Row[]> {
  // Every tool the default server lists: the reference tools and the ones this server adds. The
  // judged figure is the average over all of them, the stricter one (the added command_run is
  // among the largest); the reference tools' own average is in the details.
  const tools = await listTools(fixture.startOurs());
  const reference = tools.filter((tool) => !ADDED_TOOLS.has(tool.name));
  if (reference.length !== 46) {
    throw new Error(`Expected the 46 reference tools, found ${reference.length}.`);
  }
  const twoWorkspaces = measure(await listTools(startWithTwoWorkspaces(fixture)));

  const sizes = tools
    .map((tool) => ({ name: tool.name, bytes: Buffer.byteLength(JSON.stringify(tool)) }))
    .sort((a, b) => b.bytes - a.bytes);
  // Where the bytes are, summed over tools: what to cut first when the target is missed.
  const byField: Record<string, number> = {};
  for (const tool of tools) {
    for (const [field, value] of Object.entries(tool)) {
      byField[field] = (byField[field] ?? 0) + Buffer.byteLength(JSON.stringify(value));
    }
  }
  const all = measure(tools);
  const tokens = all.estimatedTokensPerTool;
  return [
    row({
      id: "B6",
      what: `tools/list payload, ${tools.length} tools (tokens ≈ bytes/4)`,
      baseline: "—",
      ours: `${all.totalBytes.toLocaleString("en-US")} B, ${Math.round(all.bytesPerTool)} B/tool ≈ ${Math.round(tokens)} tokens/tool`,
      ratio: "—",
      target: "≤ 300 tokens/tool",
      checked: tokens,
      targetSpec: { op: "<=", limit: 300, text: "≤ 300 tokens/tool" },
      details: {
        ...all,
        referenceTools: measure(reference),
        twoWorkspaces,
        largest: sizes.slice(0, 5),
        bytesByField: byField,
      },
    }),
  ];
}
