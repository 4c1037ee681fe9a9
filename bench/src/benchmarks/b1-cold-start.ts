import type { Config } from "../lib/config.js";
import { cpuTimeMs } from "../lib/proc.js";
import { ms, type Row, row, times } from "../lib/row.js";
import type { Fixture } from "../lib/setup.js";
import { type Summary, summarize } from "../lib/stats.js";
import type { StdioMcp } from "../lib/stdio-mcp.js";

/**
 * spawn → `initialize` answered: wall ms, and the CPU ms the server used by then. The request is
 * written at once; the pipe holds it until the server reads.
 */
async function coldStart(start: () => StdioMcp): Promise<{ wall: number; cpu: number }> {
  const server = start();
  try {
    const answeredAt = await server.initialize();
    return { wall: answeredAt - server.spawnedAt, cpu: cpuTimeMs(server.pid) };
  } finally {
    await server.close();
  }
}

/**
 * B1: cold start of the built `alpacon-mcp` on stdio until `initialize` is answered, against the
 * minimal MCP SDK server. Runs alternate between the two so drift on a shared machine hits both.
 */
export async function coldStartBench(config: Config, fixture: Fixture): Promise<Row[]> {
  const ours: Array<{ wall: number; cpu: number }> = [];
  const minimal: Array<{ wall: number; cpu: number }> = [];
  // One unmeasured start of each warms the OS file cache, as on any machine that ran node before.
  await coldStart(() => fixture.startOurs());
  await coldStart(() => fixture.startMinimal());
  for (let run = 0; run < config.coldStarts; run++) {
    ours.push(await coldStart(() => fixture.startOurs()));
    minimal.push(await coldStart(() => fixture.startMinimal()));
  }
  const a: Summary = summarize(ours.map((item) => item.wall));
  const b: Summary = summarize(minimal.map((item) => item.wall));
  const cpuA = summarize(ours.map((item) => item.cpu));
  const cpuB = summarize(minimal.map((item) => item.cpu));
  const ratio = a.median / b.median;
  return [
    row({
      id: "B1",
      what: "cold start (stdio) → initialize answered, median",
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
      },
    }),
  ];
}
