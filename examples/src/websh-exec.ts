import { type Example, runExample } from "./run.js";

/** Opens a terminal, runs commands that share a working directory, and reads exit codes. */
export const webshExec: Example = async (alpacon, log) => {
  const { results } = await alpacon.servers.list({ page_size: 100 });
  const server = results.find((item) => item.is_connected && !/windows/i.test(item.os_name ?? ""));
  if (!server) throw new Error("No connected Linux server to open a shell on.");
  const shell = await alpacon.websh.open({ server: server.id });
  try {
    await shell.exec("cd /var/log");
    const pwd = await shell.exec("pwd");
    log(`cwd is ${pwd.output.trim()} (exit ${pwd.exitCode})`);
    const missing = await shell.exec("cat /no/such/file");
    log(`cat of a missing file exits ${missing.exitCode}: ${missing.output.trim()}`);
  } finally {
    await shell.close();
  }
};

if (import.meta.url === `file://${process.argv[1]}`) await runExample(webshExec);
