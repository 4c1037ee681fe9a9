// Build, pack and install the three packages the way a user gets them: `pnpm pack` (which turns
// `workspace:` ranges into versions) and `npm install` of the tarballs into an empty directory
// outside the repository, so nothing resolves through the workspace's node_modules.

import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export const REPO_ROOT = resolve(import.meta.dirname, "../..");
export const PACKAGES = ["sdk", "sandbox", "mcp"] as const;

export interface Installed {
  /** The temporary directory with node_modules holding the installed tarballs. */
  dir: string;
  /** `node_modules/.bin/alpacon-mcp` and `alpacon-sandbox` (run them with `node`). */
  mcpBin: string;
  sandboxBin: string;
  /** The packed tarballs, by package directory name (for installs of a subset). */
  tarballs: Record<(typeof PACKAGES)[number], string>;
  /** Seconds each step took, for the README's figures. */
  timings: { build: number; pack: number; install: number };
}

const npmEnv = () => ({
  ...process.env,
  npm_config_update_notifier: "false",
  npm_config_fund: "false",
});

function newest(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let max = stat.mtimeMs;
  for (const name of readdirSync(path)) max = Math.max(max, newest(join(path, name)));
  return max;
}

function oldest(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let min = Number.POSITIVE_INFINITY;
  for (const name of readdirSync(path)) min = Math.min(min, oldest(join(path, name)));
  return min;
}

/** Whether some package's dist is missing or older than its sources. */
export function buildIsStale(): boolean {
  return PACKAGES.some((name) => {
    const root = join(REPO_ROOT, "packages", name);
    const dist = join(root, "dist");
    if (!existsSync(dist) || readdirSync(dist).length === 0) return true;
    const inputs = [join(root, "src"), join(root, "package.json"), join(root, "tsup.config.ts")];
    return Math.max(...inputs.map(newest)) > oldest(dist);
  });
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const value = await work();
  return [value, Math.round((performance.now() - started) / 100) / 10];
}

/**
 * Builds (once, when a dist is missing or stale, or always with E2E_BUILD=always), packs and
 * installs. `pnpm check` in CI has just built, so the build is usually skipped there.
 */
export async function buildPackInstall(root: string): Promise<Installed> {
  const env = npmEnv();
  const [, build] = await timed(async () => {
    if (process.env.E2E_BUILD !== "always" && !buildIsStale()) return;
    await run("pnpm", ["-r", "--filter", "./packages/*", "build"], {
      cwd: REPO_ROOT,
      env,
      maxBuffer: 64 * 1024 * 1024,
    });
  });

  const packDir = join(root, "tarballs");
  mkdirSync(packDir, { recursive: true });
  const [tarballs, pack] = await timed(() =>
    Promise.all(
      PACKAGES.map(async (name) => {
        const { stdout } = await run("pnpm", ["pack", "--pack-destination", packDir], {
          cwd: join(REPO_ROOT, "packages", name),
          env,
        });
        const file = stdout
          .trim()
          .split("\n")
          .map((line) => line.trim())
          .reverse()
          .find((line) => line.endsWith(".tgz"));
        if (!file) throw new Error(`pnpm pack printed no tarball for ${name}:\n${stdout}`);
        return resolve(packDir, file);
      }),
    ),
  );

  const dir = join(root, "install");
  const [, install] = await timed(() => npmInstall(dir, tarballs));
  return {
    dir,
    mcpBin: join(dir, "node_modules", ".bin", "alpacon-mcp"),
    sandboxBin: join(dir, "node_modules", ".bin", "alpacon-sandbox"),
    tarballs: Object.fromEntries(PACKAGES.map((name, index) => [name, tarballs[index]!])) as Record<
      (typeof PACKAGES)[number],
      string
    >,
    timings: { build, pack, install },
  };
}

/** `npm install <tarballs>` into `dir` (created, with an empty package.json), as a user would. */
export async function npmInstall(dir: string, tarballs: readonly string[]): Promise<string> {
  mkdirSync(dir, { recursive: true });
  if (!existsSync(join(dir, "package.json"))) {
    writeFileSync(
      join(dir, "package.json"),
      JSON.stringify({ name: "alpacon-e2e-install", private: true }),
    );
  }
  const env = npmEnv();
  const { stdout, stderr } = await run(
    "npm",
    ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=warn", ...tarballs],
    { cwd: dir, env, maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout + stderr;
}

export function tempRoot(prefix: string): string {
  const dir = join(tmpdir(), `${prefix}${process.pid}-${Date.now().toString(36)}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}
