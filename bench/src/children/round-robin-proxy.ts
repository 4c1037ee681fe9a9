/**
 * B10's load balancer: e2e's round-robin proxy (no affinity) in a process of its own, so it
 * shares an event loop neither with the sandbox (in the bench process) nor with the load
 * generator. Prints `{"url"}` once it listens; on SIGTERM prints `{"counts"}` (requests per
 * backend) and exits.
 */
import { startRoundRobinProxy } from "../../../e2e/src/round-robin-proxy.js";

const backends = JSON.parse(process.argv[2] ?? "[]") as string[];
const proxy = await startRoundRobinProxy(backends);
process.stdout.write(`${JSON.stringify({ url: proxy.url })}\n`);
process.once("SIGTERM", () => {
  process.stdout.write(`${JSON.stringify({ counts: proxy.counts })}\n`);
  void proxy.close().then(() => process.exit(0));
});
