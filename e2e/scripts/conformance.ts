// `pnpm conformance`: build the packages if their dist is stale, start `alpacon-mcp --sandbox
// --transport http` on a free loopback port, run the MCP conformance suite (server mode, Node 22)
// against it, stateful then stateless, and exit 1 on any unexpected result.
//
// Results stay in a temporary directory (printed); E2E_CONFORMANCE_OUT=<dir> chooses it.

import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeRun, runConformance } from "../src/conformance.js";
import { buildIsStale, REPO_ROOT } from "../src/install.js";

if (buildIsStale()) {
  console.log("Building the packages (their dist is missing or older than the sources)…");
  execFileSync("pnpm", ["-r", "--filter", "./packages/*", "build"], {
    cwd: REPO_ROOT,
    stdio: "inherit",
  });
}

const out = process.env.E2E_CONFORMANCE_OUT ?? mkdtempSync(join(tmpdir(), "alpacon-conformance-"));
// The server runs on the Node that runs pnpm (the suite itself needs Node 22, see processes.ts).
const node = process.env.npm_node_execpath ?? process.execPath;
const cli = join(REPO_ROOT, "packages", "mcp", "dist", "cli.js");

let failed = false;
for (const stateless of [false, true]) {
  const label = stateless ? "stateless" : "stateful";
  const result = await runConformance({
    server: { command: node, args: [cli] },
    outDir: join(out, label),
    stateless,
  });
  console.log(describeRun(`Streamable HTTP, ${label}`, result));
  if (result.exitCode !== 0 || result.unexpected.length || result.stale.length) {
    failed = true;
    console.log(result.output);
  }
}
console.log(`Results: ${out}`);
process.exitCode = failed ? 1 : 0;
