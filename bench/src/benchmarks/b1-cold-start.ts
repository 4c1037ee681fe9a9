import type { Config } from "../lib/config.js";
import { cpuTimeMs } from "../lib/proc.js";
import { ms, type Row, row, times } from "../lib/row.js";
import type { Fixture } from "../lib/setup.js";
import { type Summary, summarize } from "../lib/stats.js";
import type { StdioMcp } from "../lib/stdio-mcp.js";

interface ColdStart {
  /** spawn → `initialize` answered. */
  wall: number;
  /** CPU ms the server had used when `initialize` was answered. */
  cpu: number;
  /** spawn → the first `tools/list` answered, asked right after the handshake. */
  listed: number;
}

/**
 * spawn → `initialize` answered, then `tools/list` as clients ask it next. Our server loads its
 * tool modules after answering `initialize` (packages/mcp server.ts), so the second figure shows
 * where that work went. The request is written at once; the pipe holds it until the server reads.
 */
async function coldStart(start: () => StdioMcp): Promise<ColdStart> {
  const server = start();
  try {
    const answeredAt = await server.initialize();
    const cpu = cpuTimeMs(server.pid);
    await server.request("tools/list");
    const listedAt = performance.now();
    return { wall: answeredAt - server.spawnedAt, cpu, listed: listedAt - server.spawnedAt };
  } finally {
    await server.close();
  }
}

const EVERY_TOOLSET = { ALPACON_MCP_TOOLSETS: "all" };

/**
 * B1: cold start of the built `alpacon-mcp` on stdio until `initialize` is answered, with the
 * default toolsets and with every one, against the minimal MCP SDK server. Runs alternate
 * between the three so drift on a shared machine hits all of them.
 */
export async function coldStartBench(config: Config, fixture: Fixture): Promise<Row[]> {
  const starts = {
    ours: () => fixture.startOurs(),
    everyToolset: () => fixture.startOurs(EVERY_TOOLSET),
    minimal: () => fixture.startMinimal(),
  };
  const runs: Record<keyof typeof starts, ColdStart[]> = {
    ours: [],
    everyToolset: [],
    minimal: [],
  };
  // One unmeasured start of each warms the OS file cache, as on any machine that ran node before.
  for (const start of Object.values(starts)) await coldStart(start);
  for (let run = 0; run < config.coldStarts; run++) {
    for (const [name, start] of Object.entries(starts)) {
      runs[name as keyof typeof starts].push(await coldStart(start));
    }
  }
  const b: Summary = summarize(runs.minimal.map((item) => item.wall));
  const cpuB = summarize(runs.minimal.map((item) => item.cpu));
  const listedB = summarize(runs.minimal.map((item) => item.listed));
  const measured = (which: "ours" | "everyToolset", what: string) => {
    const a: Summary = summarize(runs[which].map((item) => item.wall));
    const cpuA = summarize(runs[which].map((item) => item.cpu));
    const listedA = summarize(runs[which].map((item) => item.listed));
    const ratio = a.median / b.median;
    return row({
      id: "B1",
      what,
      baseline: `minimal MCP server ${ms(b.median)} (p95 ${ms(b.p95)})`,
      ours: `${ms(a.median)} (p95 ${ms(a.p95)})`,
      ratio: times(ratio),
      target: "≤ 1.3×",
      checked: ratio,
      targetSpec: { op: "<=", limit: 1.3, text: "≤ 1.3×" },
      // CPU time is the steadier figure on a shared machine; the target is on wall time.
      details: {
        oursMs: a,
        minimalMs: b,
        oursCpuMs: cpuA,
        minimalCpuMs: cpuB,
        cpuRatio: cpuA.median / cpuB.median,
        oursToolsListMs: listedA,
        minimalToolsListMs: listedB,
        toolsListRatio: listedA.median / listedB.median,
      },
    });
  };
  return [
    measured("ours", "cold start (stdio) → initialize answered, median"),
    measured("everyToolset", "cold start, --toolsets all → initialize answered, median"),
  ];
}
