import type { Sandbox } from "@alpacon/sandbox";
import type { FleetJob, FleetReport } from "../children/fleet-run.js";
import { type Config, METRICS_HOURS } from "../lib/config.js";
import { nodeFlags } from "../lib/node-flags.js";
import { FLEET_CHILD } from "../lib/paths.js";
import { cpuTimeMs } from "../lib/proc.js";
import { ms, type Row, row, times } from "../lib/row.js";
import { runNodeJson } from "../lib/run-child.js";
import type { Fixture } from "../lib/setup.js";
import { type Summary, summarize } from "../lib/stats.js";

/** Runs `fn` over `items` with at most `limit` in flight (the client-side pool of an MCP host). */
async function pool<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<unknown>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let index = 0; index < items.length; index += size)
    out.push(items.slice(index, index + size));
  return out;
}

/**
 * Sequential round trips one operation made, read from the sandbox's request journal: requests
 * that arrive within a latency of the first of a round were sent together (in parallel).
 */
function roundTrips(
  sandbox: Sandbox,
  sinceSeq: number,
  latencyMs: number,
): { requests: number; rounds: number } {
  const entries = sandbox.control.journal({ sinceSeq });
  const arrivals = entries.map((entry) => Date.parse(entry.time)).sort((a, b) => a - b);
  let rounds = 0;
  let roundStart = Number.NEGATIVE_INFINITY;
  for (const at of arrivals) {
    if (at - roundStart >= latencyMs * 0.75) {
      rounds++;
      roundStart = at;
    }
  }
  return { requests: entries.length, rounds };
}

function lastSeq(sandbox: Sandbox): number {
  return sandbox.control.journal().at(-1)?.seq ?? 0;
}

/** CPU time of this (the sandbox's) process so far, user + system, in ms. */
function ownCpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

async function timeRuns(runs: number, fn: () => Promise<unknown>): Promise<Summary> {
  const samples: number[] = [];
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    await fn();
    samples.push(performance.now() - started);
  }
  return summarize(samples);
}

function fleetRow(
  what: string,
  ideal: { ms: number; text: string },
  raw: Summary,
  measured: Summary,
  details: Record<string, unknown>,
): Row {
  const ratio = measured.median / ideal.ms;
  return row({
    id: "B5",
    what,
    baseline: `ideal ${ms(ideal.ms)} (${ideal.text}); raw fetch ${ms(raw.median)}`,
    ours: `${ms(measured.median)} (p95 ${ms(measured.p95)})`,
    ratio: times(ratio),
    target: "≤ 1.25×",
    checked: ratio,
    targetSpec: { op: "<=", limit: 1.25, text: "≤ 1.25×" },
    details: {
      idealMs: ideal.ms,
      measuredMs: measured,
      rawFetchMs: raw,
      oursOverRaw: measured.median / raw.median,
      rawOverIdeal: raw.median / ideal.ms,
      ...details,
    },
  });
}

/**
 * B5: fan-out across the fleet (1,000 servers) with latency injected on every request, against
 * the ideal ⌈N / concurrency⌉ × latency × round trips, and beside a bare-fetch client doing the
 * same requests as tightly as possible (which shows what the sandbox itself allows).
 *
 * Round trips: a command needs 2 sequential ones per server, the create POST and one status GET
 * that finds it finished (the sandbox's agent delays are 0 here, so only the client's own
 * overhead remains, and `result` comes inline, so no chunk reads). A metrics summary needs 2 as
 * well: the disk-device list, then each device's series; CPU, memory and traffic go out with the
 * first. The journal confirms both counts for one server (`oneServer` in the details).
 *
 * Summaries cover the last hour (12 points per series), not the tool's default 24 h: the sandbox
 * computes every point on the fly, and with 24 h of points it, not the client, bounds the run
 * (a bare-fetch client then needs 2.6× the ideal; see the README). The requests and round trips
 * are the same either way.
 *
 * Untimed passes first: one over the whole fleet while the sandbox is cold (it builds each
 * server's simulated machine on first use, which is its cost, not the client's), then short
 * ones that warm each client process.
 */
/**
 * BENCH_B5_ROWS=metrics (or commands, mcp-commands; comma-separated) runs only those rows, to iterate
 * on one of them; every row runs by default.
 */
function rowWanted(name: "commands" | "mcp-commands" | "metrics"): boolean {
  const wanted = process.env.BENCH_B5_ROWS?.split(",").map((item) => item.trim());
  return !wanted?.length || wanted.includes(name);
}

export async function fleetBench(config: Config, fixture: Fixture): Promise<Row[]> {
  const { sandbox } = fixture;
  const latency = config.fleetLatencyMs;
  const concurrency = config.fleetConcurrency;
  const servers = fixture.connectedServers();
  const n = servers.length;
  const ws = fixture.workspace;
  /** A fleet child's timed runs, and its CPU time per server and run. */
  const child = async (
    mode: FleetJob["mode"],
    warm: number,
  ): Promise<{ time: Summary; cpuMsPerServer: number }> => {
    const job: FleetJob = {
      mode,
      baseUrl: ws.baseUrl,
      token: ws.tokens.admin,
      workspace: ws.workspace,
      region: ws.region,
      servers,
      concurrency,
      runs: config.fleetRuns,
      warm,
    };
    const report = await runNodeJson<FleetReport>(
      FLEET_CHILD,
      [JSON.stringify(job)],
      600_000,
      nodeFlags(),
    );
    if (report.finished !== n) throw new Error(`${mode} finished on ${report.finished} of ${n}.`);
    return { time: summarize(report.ms), cpuMsPerServer: report.cpuMs / (n * config.fleetRuns) };
  };
  const fleetIdeal = {
    ms: Math.ceil(n / concurrency) * latency * 2,
    text: `⌈${n}/${concurrency}⌉×${latency} ms×2 trips`,
  };
  const rows: Row[] = [];
  const warmCount = Math.min(n, concurrency * 4);

  // --- commands.run (what command_run calls), every server in one call
  const client = fixture.client();
  const before = lastSeq(sandbox);
  await client.commands.run({ servers: servers.slice(0, 1), line: "uptime" });
  const commandTrips = roundTrips(sandbox, before, latency);
  // The first child warms the whole (cold) fleet; later passes only warm their own process.
  const rawCommands =
    rowWanted("commands") || rowWanted("mcp-commands") ? await child("raw-commands", n) : null;
  if (rawCommands && rowWanted("commands")) {
    rows.push(
      fleetRow(
        `commands.run (SDK of command_run) on ${n} servers, ${latency} ms latency`,
        fleetIdeal,
        rawCommands.time,
        (await child("sdk-commands", warmCount)).time,
        { servers: n, concurrency, latencyMs: latency, oneServer: commandTrips },
      ),
    );
  }

  const ours = fixture.startOurs();
  try {
    await ours.initialize();
    if (rawCommands && rowWanted("mcp-commands")) {
      // --- command_run through MCP: the tool takes ≤ 50 servers, so one call per 50, in turn
      const batches = chunks(servers, 50);
      const runBatches = async () => {
        for (const batch of batches)
          await ours.callTool("command_run", { servers: batch, command: "uptime" });
      };
      await ours.callTool("command_run", { servers: batches[0], command: "uptime" });
      const perCall = Math.min(50, n);
      const callIdeal = {
        ms: batches.length * Math.ceil(perCall / concurrency) * latency * 2,
        text: `${batches.length} calls×⌈${perCall}/${concurrency}⌉×${latency} ms×2 trips`,
      };
      rows.push(
        fleetRow(
          `command_run via MCP, ${batches.length} calls of ≤50 servers in turn`,
          callIdeal,
          rawCommands.time,
          await timeRuns(config.fleetRuns, runBatches),
          {
            servers: n,
            calls: batches.length,
            concurrencyPerCall: concurrency,
            latencyMs: latency,
          },
        ),
      );
    }

    if (rowWanted("metrics")) {
      // --- get_server_metrics_summary for every server, `concurrency` tool calls in flight
      const start = lastSeq(sandbox);
      await ours.callTool("get_server_metrics_summary", {
        server: servers[0],
        hours: METRICS_HOURS,
      });
      const metricTrips = roundTrips(sandbox, start, latency);
      const summaries = () =>
        pool(servers, concurrency, (server) =>
          ours.callTool("get_server_metrics_summary", { server, hours: METRICS_HOURS }),
        );
      // The raw pass first: its untimed pass over the whole fleet warms the sandbox's metrics.
      const rawMetrics = await child("raw-metrics", n);
      await pool(servers.slice(0, warmCount), concurrency, (server) =>
        ours.callTool("get_server_metrics_summary", { server, hours: METRICS_HOURS }),
      );
      // CPU per server beside the times: on a shared machine it moves much less than wall time,
      // and it shows which process (our server, or the sandbox answering it) a change made cheaper.
      const cpuBefore = { server: cpuTimeMs(ours.pid), sandbox: ownCpuMs() };
      const measured = await timeRuns(config.fleetRuns, summaries);
      const perServer = (ms: number) => ms / (n * config.fleetRuns);
      rows.push(
        fleetRow(
          `get_server_metrics_summary on ${n} servers, ${concurrency} calls in flight`,
          fleetIdeal,
          rawMetrics.time,
          measured,
          {
            servers: n,
            concurrency,
            latencyMs: latency,
            oneServer: metricTrips,
            cpuMsPerServer: {
              ours: perServer(cpuTimeMs(ours.pid) - cpuBefore.server),
              rawFetchClient: rawMetrics.cpuMsPerServer,
              sandboxAndClient: perServer(ownCpuMs() - cpuBefore.sandbox),
            },
          },
        ),
      );
    }
  } finally {
    await ours.close();
  }
  return rows;
}
