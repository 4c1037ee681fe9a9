import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

/**
 * `pnpm demo`: the MCP server on its embedded sandbox, driven by a real MCP client over stdio,
 * the way Claude or Cursor would drive it. Nothing leaves this machine.
 */
const cli = fileURLToPath(new URL("../../packages/mcp/dist/cli.js", import.meta.url));
const workDir = await mkdtemp(join(tmpdir(), "alpacon-demo-"));
const transport = new StdioClientTransport({
  command: process.execPath,
  args: [cli, "--sandbox", "--confirm", "allow", "--allow-dir", workDir],
  stderr: "ignore",
});
const client = new Client({ name: "alpacon-demo", version: "1.0.0" });

type Structured = Record<string, unknown> & { [key: string]: unknown };

// The sandbox serves two workspaces; the walkthrough uses the first.
const WORKSPACE = { workspace: "acme", region: "ap1" };

async function call(name: string, args: Record<string, unknown> = {}): Promise<Structured> {
  const result = await client.callTool({ name, arguments: { ...WORKSPACE, ...args } });
  if (result.isError) throw new Error(`${name}: ${JSON.stringify(result.content)}`);
  return result.structuredContent as Structured;
}

/** A word as a POSIX shell reads it back (paths with spaces are quoted). */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}

function step(index: number, title: string) {
  console.log(`\n[${index}/4] ${title}`);
}

let failed = false;
try {
  console.log("Starting alpacon-mcp --sandbox over stdio …");
  await client.connect(transport);
  const { tools } = await client.listTools();
  console.log(`Connected: ${tools.length} tools.`);

  step(1, "Fleet overview (servers_list, get_cpu_top_servers)");
  const fleet = await call("servers_list", { pageSize: 100 });
  const servers = fleet.servers as Array<{
    id: string;
    name: string;
    status: string;
    connected: boolean;
    os: string;
  }>;
  console.log(
    `    ${fleet.count} servers; ${servers.filter((s) => s.connected).length} connected on this page.`,
  );
  const top = (await call("get_cpu_top_servers")).servers as Array<{
    server: { id: string; name: string };
    value: number;
  }>;
  for (const item of top)
    console.log(`    hot: ${item.server.name} peaked at ${item.value.toFixed(1)} % CPU`);

  const hot = top[0]!.server;
  step(2, `A hot server's metrics (get_server_metrics_summary on ${hot.name})`);
  const summary = await call("get_server_metrics_summary", { server: hot.id, hours: 24 });
  const cpu = summary.cpu as { avg: number; max: number; latest: number } | null;
  const memory = summary.memory as { avg: number; max: number; latest: number } | null;
  console.log(`    CPU avg ${cpu?.avg} % / max ${cpu?.max} % / now ${cpu?.latest} %`);
  console.log(
    `    memory avg ${memory?.avg} % / max ${memory?.max} %; ${(summary.disks as unknown[]).length} disks`,
  );

  const linux = servers.find((s) => s.connected && !/windows/i.test(s.os ?? "")) ?? servers[0]!;
  step(3, `Commands with their exit codes (command_run on ${linux.name})`);
  for (const command of ["uptime", "ls /nonexistent"]) {
    const run = await call("command_run", { servers: [linux.id], command });
    const [result] = run.results as Array<{ exitCode: number | null; output: string }>;
    console.log(`    $ ${command}  → exit ${result?.exitCode}: ${result?.output.trim()}`);
  }

  step(4, "A file round trip (webftp_upload_file, webftp_download_file)");
  const original = join(workDir, "notes.txt");
  await writeFile(original, "written by the demo\n".repeat(100));
  await call("webftp_upload_file", {
    server: linux.id,
    localPath: original,
    remotePath: "/tmp/notes.txt",
  });
  const back = join(workDir, "notes-back.txt");
  const download = await call("webftp_download_file", {
    server: linux.id,
    remotePath: "/tmp/notes.txt",
    localPath: back,
  });
  const same = (await readFile(original)).equals(await readFile(back));
  console.log(`    uploaded and downloaded ${download.bytes} bytes; identical: ${same}`);
  failed = !same;

  // The commands start this clone's build: `npx -y @alpacon/mcp` only works once the package
  // is published (packages/mcp/README.md, "Install").
  const command = ["node", cli, "--sandbox"];
  console.log(`
Connect your own client to a sandbox like this one (these start the alpacon-mcp of this clone):
  Claude Code:     claude mcp add alpacon -- ${command.map(shellWord).join(" ")}
  Claude Desktop:  "mcpServers": { "alpacon": ${JSON.stringify({ command: command[0], args: command.slice(1) })} }
  Or let setup write it: node ${shellWord(cli)} setup --client <claude-desktop|cursor|vscode|…> --sandbox
Use a real workspace by replacing --sandbox with a token: see packages/mcp/README.md.`);
} catch (error) {
  failed = true;
  console.error(`\nDemo failed: ${(error as Error).message}`);
} finally {
  await client.close().catch(() => undefined);
  await rm(workDir, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
