/**
 * B5's client side, in a process of its own so the client and the sandbox do not share one
 * event loop. Modes:
 * - `sdk-commands`: `client.commands.run` (what the command_run tool calls) across the fleet;
 * - `raw-commands`: the same work by bare fetch, as tight as it gets: create POST, then a status
 *   GET at once (again every 5 ms until finished), `concurrency` servers at a time;
 * - `raw-metrics`: a metrics summary per server by bare fetch: CPU, memory, traffic and the disk
 *   device list at once, then each device's disk series, `concurrency` servers at a time, over
 *   the last METRICS_HOURS (as the tool is called in b5-fleet.ts).
 * An untimed pass over `warm` servers first: while the sandbox is cold it builds each server's
 * simulated machine on first use, which is its cost, not the client's; later it only warms up
 * this process. Prints one JSON line with the timed samples.
 */
import { createAlpaconClient } from "@alpacon/sdk";
import { nodeTransport } from "@alpacon/sdk/node";
import { METRICS_HOURS } from "../lib/config.js";

export interface FleetJob {
  mode: "sdk-commands" | "raw-commands" | "raw-metrics";
  baseUrl: string;
  token: string;
  workspace: string;
  region: string;
  servers: string[];
  concurrency: number;
  runs: number;
  /** Servers in the untimed first pass (the whole fleet while the sandbox is still cold). */
  warm: number;
}

export interface FleetReport {
  ms: number[];
  /** CPU time (user + system) of this process over the timed runs, in ms. */
  cpuMs: number;
  /** Servers with a result in the last run. */
  finished: number;
}

const job = JSON.parse(process.argv[2] ?? "{}") as FleetJob;
const headers = { Authorization: `token="${job.token}"`, "Content-Type": "application/json" };

async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(`${job.baseUrl}${path}`, { headers, ...init });
  if (!response.ok) throw new Error(`${init.method ?? "GET"} ${path}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

/** `concurrency` workers over the servers; resolves with how many finished. */
async function fanOut(
  servers: string[],
  work: (server: string) => Promise<boolean>,
): Promise<number> {
  let next = 0;
  let finished = 0;
  const worker = async () => {
    while (next < servers.length) if (await work(servers[next++]!)) finished++;
  };
  await Promise.all(Array.from({ length: job.concurrency }, worker));
  return finished;
}

async function rawCommand(server: string): Promise<boolean> {
  const [created] = await api<Array<{ id: string }>>("/api/events/commands/", {
    method: "POST",
    body: JSON.stringify({ server, line: "uptime", shell: "system" }),
  });
  for (let attempt = 0; attempt < 2_000; attempt++) {
    const command = await api<{ handled_at: string | null }>(
      `/api/events/commands/${created!.id}/`,
    );
    if (command.handled_at) return true;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return false;
}

async function rawMetrics(server: string): Promise<boolean> {
  const end = new Date();
  const range = `start=${encodeURIComponent(new Date(end.getTime() - METRICS_HOURS * 3_600_000).toISOString())}&end=${encodeURIComponent(end.toISOString())}`;
  const base = "/api/metrics/realtime";
  const disks = async () => {
    const { devices } = await api<{ devices: string[] }>(
      `${base}/disk-usage/device/?server=${server}`,
    );
    return Promise.all(
      devices.map((device) =>
        api(`${base}/disk-usage/?server=${server}&device=${encodeURIComponent(device)}&${range}`),
      ),
    );
  };
  await Promise.all([
    api(`${base}/cpu/?server=${server}&${range}`),
    api(`${base}/memory/?server=${server}&${range}`),
    api(`${base}/traffic/?server=${server}&${range}`),
    disks(),
  ]);
  return true;
}

// As alpacon-mcp makes its clients, so this row measures what command_run runs.
const client = createAlpaconClient({
  transport: nodeTransport,
  baseUrl: job.baseUrl,
  token: job.token,
  workspace: job.workspace,
  region: job.region,
});

const once = (servers: string[]): Promise<number> =>
  job.mode === "sdk-commands"
    ? client.commands
        .run({ servers, line: "uptime", concurrency: job.concurrency })
        .then((results) => results.filter((result) => result.exitCode !== null).length)
    : fanOut(servers, job.mode === "raw-commands" ? rawCommand : rawMetrics);

await once(job.servers.slice(0, job.warm));
const samples: number[] = [];
let finished = 0;
const cpuBefore = process.cpuUsage();
for (let index = 0; index < job.runs; index++) {
  const started = performance.now();
  finished = await once(job.servers);
  samples.push(performance.now() - started);
}
const cpu = process.cpuUsage(cpuBefore);
const report: FleetReport = { ms: samples, cpuMs: (cpu.user + cpu.system) / 1000, finished };
process.stdout.write(`${JSON.stringify(report)}\n`);
