import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { LoadJob, LoadReport } from "../children/http-load.js";
import type { Config } from "../lib/config.js";
import { LOAD_CHILD } from "../lib/paths.js";
import { type Row, rate, row } from "../lib/row.js";
import { runNodeJson } from "../lib/run-child.js";
import type { Fixture } from "../lib/setup.js";

async function load(job: LoadJob): Promise<LoadReport> {
  const report = await runNodeJson<LoadReport>(
    LOAD_CHILD,
    [JSON.stringify(job)],
    (job.seconds + 30) * 1000,
  );
  if (report.non2xx > 0 || report.errors > 0 || report.total === 0) {
    throw new Error(
      `Load on ${job.url} had ${report.non2xx} non-2xx answers and ${report.errors} errors.`,
    );
  }
  return report;
}

/**
 * B8: authenticated `GET /api/status/` on the sandbox from a separate load process (autocannon,
 * keep-alive connections). A bare node:http server answering the same JSON from this process is
 * measured the same way, as the ceiling of this machine; the target itself is absolute.
 */
export async function throughputBench(config: Config, fixture: Fixture): Promise<Row[]> {
  const bare = createServer((_req, res) => {
    const body = '{"status":"Good"}';
    res.writeHead(200, { "Content-Type": "application/json", "Content-Length": body.length });
    res.end(body);
  });
  await new Promise<void>((resolve) => bare.listen(0, "127.0.0.1", resolve));
  try {
    const headers = { Authorization: fixture.authorization };
    const common = { headers, connections: config.loadConnections, seconds: config.loadSeconds };
    const ceiling = await load({
      ...common,
      url: `http://127.0.0.1:${(bare.address() as AddressInfo).port}/api/status/`,
    });
    const ours = await load({ ...common, url: `${fixture.workspace.baseUrl}/api/status/` });
    return [
      row({
        id: "B8",
        what: `sandbox GET /api/status/, ${config.loadConnections} connections, ${config.loadSeconds} s`,
        baseline: `bare node:http ${rate(ceiling.requestsPerSecond, "req/s")}`,
        ours: `${rate(ours.requestsPerSecond, "req/s")} (p99 ${ours.latencyP99Ms} ms)`,
        ratio: "—",
        target: "≥ 5,000 req/s",
        checked: ours.requestsPerSecond,
        targetSpec: { op: ">=", limit: 5_000, text: "≥ 5,000 req/s" },
        details: { sandbox: ours, bareNodeHttp: ceiling },
      }),
    ];
  } finally {
    await new Promise<void>((resolve) => bare.close(() => resolve()));
  }
}
