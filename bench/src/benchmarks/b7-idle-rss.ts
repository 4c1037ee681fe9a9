import type { Config } from "../lib/config.js";
import { readMemory } from "../lib/proc.js";
import { mib, type Row, row, times } from "../lib/row.js";
import type { Fixture } from "../lib/setup.js";
import { summarize } from "../lib/stats.js";
import type { StdioMcp } from "../lib/stdio-mcp.js";
import { sleep } from "../lib/timing.js";

/** Starts a server, completes the handshake, lets it idle, and reads its RSS from /proc. */
async function idleRss(start: () => StdioMcp, idleMs: number): Promise<number> {
  const server = start();
  try {
    await server.initialize();
    await sleep(idleMs);
    return readMemory(server.pid).rss;
  } finally {
    await server.close();
  }
}

/**
 * B7: resident memory of a freshly started, idle server, with the default toolsets and with
 * every one, against the minimal MCP SDK server.
 */
export async function idleRssBench(config: Config, fixture: Fixture): Promise<Row[]> {
  const ours: number[] = [];
  const everyToolset: number[] = [];
  const minimal: number[] = [];
  const runs = Math.max(1, Math.ceil(config.coldStarts / 4));
  for (let run = 0; run < runs; run++) {
    ours.push(await idleRss(() => fixture.startOurs(), config.idleMs));
    everyToolset.push(
      await idleRss(() => fixture.startOurs({ ALPACON_MCP_TOOLSETS: "all" }), config.idleMs),
    );
    minimal.push(await idleRss(() => fixture.startMinimal(), config.idleMs));
  }
  const b = summarize(minimal);
  const measured = (samples: number[], what: string) => {
    const a = summarize(samples);
    const ratio = a.median / b.median;
    return row({
      id: "B7",
      what,
      baseline: `minimal MCP server ${mib(b.median)}`,
      ours: mib(a.median),
      ratio: times(ratio),
      target: "≤ 1.2×",
      checked: ratio,
      targetSpec: { op: "<=", limit: 1.2, text: "≤ 1.2×" },
      details: { oursBytes: a, minimalBytes: b },
    });
  };
  return [
    measured(ours, `idle RSS after start (+${config.idleMs} ms idle), median`),
    measured(everyToolset, `idle RSS, --toolsets all (+${config.idleMs} ms idle), median`),
  ];
}
