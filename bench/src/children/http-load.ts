/**
 * B8's load generator, in its own process so it does not share an event loop with the server
 * it measures. autocannon with keep-alive connections, bounded by duration; prints one JSON line.
 */
import autocannon from "autocannon";

export interface LoadJob {
  url: string;
  headers: Record<string, string>;
  /** Default GET without a body (B8); B10 POSTs a JSON-RPC request. */
  method?: "GET" | "POST";
  body?: string;
  connections: number;
  seconds: number;
}

export interface LoadReport {
  requestsPerSecond: number;
  total: number;
  non2xx: number;
  errors: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  seconds: number;
}

const job = JSON.parse(process.argv[2] ?? "{}") as LoadJob;
const result = await autocannon({
  url: job.url,
  headers: job.headers,
  method: job.method ?? "GET",
  ...(job.body === undefined ? {} : { body: job.body }),
  connections: job.connections,
  pipelining: 1,
  duration: job.seconds,
});
const report: LoadReport = {
  requestsPerSecond: result.requests.total / result.duration,
  total: result.requests.total,
  non2xx: result.non2xx,
  errors: result.errors + result.timeouts,
  latencyP50Ms: result.latency.p50,
  latencyP99Ms: result.latency.p99,
  seconds: result.duration,
};
process.stdout.write(`${JSON.stringify(report)}\n`);
