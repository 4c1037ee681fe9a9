import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

// Paths of the built artefacts the benchmarks run. Benchmarks always run BUILT code (dist), as a
// user would: `ensureBuilt()` (build.ts) makes sure it is there and fresh.

/** bench/ */
export const BENCH_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const REPO_DIR = resolve(BENCH_DIR, "..");
export const BENCH_DIST = join(BENCH_DIR, "dist");
export const RESULTS_DIR = join(BENCH_DIR, "results");

/** The `alpacon-mcp` bin as published (stdio). */
export const MCP_CLI = join(REPO_DIR, "packages/mcp/dist/cli.js");
/** The baseline: a minimal MCP SDK server with one tool doing a raw fetch (baselines/). */
export const MINIMAL_SERVER = join(BENCH_DIST, "minimal-server.js");
/** Child processes of the benchmarks (src/children/), built like the baseline. */
export const SDK_TRANSFER_CHILD = join(BENCH_DIST, "sdk-transfer.js");
export const LOAD_CHILD = join(BENCH_DIST, "http-load.js");
export const FLEET_CHILD = join(BENCH_DIST, "fleet-run.js");
export const PROXY_CHILD = join(BENCH_DIST, "round-robin-proxy.js");
