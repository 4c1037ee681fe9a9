import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { BENCH_DIR, BENCH_DIST, REPO_DIR } from "./paths.js";

/** Newest modification time under the given files and directories (recursive). */
function newest(paths: readonly string[]): number {
  let latest = 0;
  for (const path of paths) {
    if (!existsSync(path)) continue;
    const info = statSync(path);
    if (info.isDirectory()) {
      const children = readdirSync(path).map((name) => join(path, name));
      latest = Math.max(latest, newest(children));
    } else latest = Math.max(latest, info.mtimeMs);
  }
  return latest;
}

/** Oldest of the outputs, or 0 when one is missing (then it must be built). */
function oldest(paths: readonly string[]): number {
  let earliest = Number.POSITIVE_INFINITY;
  for (const path of paths) {
    if (!existsSync(path)) return 0;
    earliest = Math.min(earliest, statSync(path).mtimeMs);
  }
  return earliest;
}

const PACKAGES: Record<string, string[]> = {
  sdk: ["dist/index.js", "dist/node.js"],
  sandbox: ["dist/index.js", "dist/cli.js"],
  mcp: ["dist/index.js", "dist/cli.js"],
};

function stalePackages(): string[] {
  return Object.entries(PACKAGES)
    .filter(([name, outputs]) => {
      const dir = join(REPO_DIR, "packages", name);
      const inputs = newest(["src", "package.json", "tsup.config.ts"].map((p) => join(dir, p)));
      return inputs > oldest(outputs.map((p) => join(dir, p)));
    })
    .map(([name]) => name);
}

const BENCH_OUTPUTS = [
  "minimal-server.js",
  "sdk-transfer.js",
  "http-load.js",
  "fleet-run.js",
  "round-robin-proxy.js",
];

/**
 * Benchmarks measure the BUILT packages (packages/*\/dist), as users run them. When a package's
 * sources are newer than its dist (or dist is missing), `pnpm build` runs first; the bench's
 * own child programs are built with tsup the same way. BENCH_SKIP_BUILD=1 skips both checks.
 */
export function ensureBuilt(log: (line: string) => void): void {
  if (process.env.BENCH_SKIP_BUILD === "1") return;
  const stale = stalePackages();
  if (stale.length > 0) {
    log(`dist is missing or older than the sources (${stale.join(", ")}): pnpm build`);
    execFileSync("pnpm", ["build"], { cwd: REPO_DIR, stdio: ["ignore", "ignore", "inherit"] });
  }
  const inputs = newest([
    ...["baselines", "src", "tsup.config.ts", "package.json"].map((p) => join(BENCH_DIR, p)),
    // B10's proxy child bundles e2e's round-robin proxy.
    join(REPO_DIR, "e2e/src/round-robin-proxy.ts"),
  ]);
  if (inputs > oldest(BENCH_OUTPUTS.map((p) => join(BENCH_DIST, p)))) {
    log("building the bench's child programs (tsup)");
    execFileSync("pnpm", ["exec", "tsup"], {
      cwd: BENCH_DIR,
      stdio: ["ignore", "ignore", "inherit"],
    });
  }
}
