import { type Example, runExample } from "./run.js";

/** Lists every server with its status, then the five busiest by CPU. */
export const fleetOverview: Example = async (alpacon, log) => {
  const byStatus = new Map<string, number>();
  for await (const server of alpacon.servers.iterate()) {
    byStatus.set(server.status.text, (byStatus.get(server.status.text) ?? 0) + 1);
  }
  log(
    `Servers by status: ${[...byStatus].map(([status, count]) => `${status} ${count}`).join(", ")}`,
  );
  for (const { server, value } of await alpacon.metrics.cpuTopServers()) {
    log(`  hot: ${server.name} peaked at ${value.toFixed(1)} % CPU`);
  }
};

if (import.meta.url === `file://${process.argv[1]}`) await runExample(fleetOverview);
