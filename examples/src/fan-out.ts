import { type Example, runExample } from "./run.js";

/** Runs one command on every connected Linux server and reports exit codes. */
export const fanOut: Example = async (alpacon, log) => {
  const servers: string[] = [];
  for await (const server of alpacon.servers.iterate()) {
    if (server.is_connected && !/windows/i.test(server.os_name ?? "")) servers.push(server.id);
  }
  const results = await alpacon.commands.run({
    servers,
    line: "uptime",
    concurrency: 16,
    onProgress: ({ done, total }) => {
      if (done === total) log(`ran on ${total} servers`);
    },
  });
  const failed = results.filter((result) => result.exitCode !== 0);
  log(`exit 0 on ${results.length - failed.length} servers, other outcomes on ${failed.length}`);
  for (const result of failed)
    log(`  ${result.server}: ${result.error?.message ?? `exit ${result.exitCode}`}`);
};

if (import.meta.url === `file://${process.argv[1]}`) await runExample(fanOut);
