import type { Config } from "../lib/config.js";
import { type Row, row } from "../lib/row.js";
import type { Fixture } from "../lib/setup.js";

/**
 * B6: what `tools/list` costs a model's context. Bytes are of the JSON the server sends per tool
 * (name, title, description, input and output schemas, annotations); tokens are estimated as
 * bytes ÷ 4, the usual rule of thumb for English and JSON with BPE tokenizers: an estimate, not a
 * count from any one model's tokenizer.
 */
export async function toolsListBench(_config: Config, fixture: Fixture): Promise<Row[]> {
  const ours = fixture.startOurs();
  try {
    await ours.initialize();
    const { tools } = await ours.request<{ tools: Array<{ name: string }> }>("tools/list");
    // Every tool the default server lists: the reference tools (46 in the issue) and any the
    // server adds. The target is an average per tool, so the count only scales the total.
    if (tools.length === 0) throw new Error("tools/list returned no tools.");
    const sizes = tools
      .map((tool) => ({ name: tool.name, bytes: Buffer.byteLength(JSON.stringify(tool)) }))
      .sort((a, b) => b.bytes - a.bytes);
    const total = Buffer.byteLength(JSON.stringify({ tools }));
    // Where the bytes are, summed over tools: what to cut first when the target is missed.
    const byField: Record<string, number> = {};
    for (const tool of tools) {
      for (const [field, value] of Object.entries(tool)) {
        byField[field] = (byField[field] ?? 0) + Buffer.byteLength(JSON.stringify(value));
      }
    }
    const perTool = total / tools.length;
    const tokens = perTool / 4;
    return [
      row({
        id: "B6",
        what: `tools/list payload, ${tools.length} tools (tokens ≈ bytes/4)`,
        baseline: "—",
        ours: `${total.toLocaleString("en-US")} B, ${Math.round(perTool)} B/tool ≈ ${Math.round(tokens)} tokens/tool`,
        ratio: "—",
        target: "≤ 300 tokens/tool",
        checked: tokens,
        targetSpec: { op: "<=", limit: 300, text: "≤ 300 tokens/tool" },
        details: {
          tools: tools.length,
          totalBytes: total,
          bytesPerTool: perTool,
          estimatedTokensPerTool: tokens,
          largest: sizes.slice(0, 5),
          bytesByField: byField,
        },
      }),
    ];
  } finally {
    await ours.close();
  }
}
