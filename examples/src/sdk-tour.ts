import { startSandbox } from "@alpacon/sandbox";
import { createAlpaconClient } from "@alpacon/sdk";
import { fanOut } from "./fan-out.js";
import { fileRoundTrip } from "./file-round-trip.js";
import { fleetOverview } from "./fleet-overview.js";
import type { Example } from "./run.js";
import { webshExec } from "./websh-exec.js";

/** A short tour of the SDK against a local sandbox: no account, nothing leaves this machine. */
const steps: [string, Example][] = [
  ["Fleet overview", fleetOverview],
  ["One command on every server, with exit codes", fanOut],
  ["A websh terminal keeps its working directory", webshExec],
  ["A file round trip through webftp", fileRoundTrip],
];

const sandbox = await startSandbox({ port: 0, servers: 24 });
const [ws] = sandbox.workspaces;
const alpacon = createAlpaconClient({
  workspace: ws!.workspace,
  region: ws!.region,
  baseUrl: ws!.baseUrl,
  token: ws!.tokens.admin,
});
console.log(`Sandbox workspace ${ws!.workspace} (${ws!.region}) at ${ws!.baseUrl}\n`);
let failed = 0;
for (const [index, [title, example]] of steps.entries()) {
  console.log(`[${index + 1}/${steps.length}] ${title}`);
  try {
    await example(alpacon, (line) => console.log(`    ${line}`));
  } catch (error) {
    failed += 1;
    console.log(`    failed: ${(error as Error).message}`);
  }
}
await alpacon.websh.closeAll();
await sandbox.close();
process.exitCode = failed > 0 ? 1 : 0;
