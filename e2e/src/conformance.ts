// Runs the MCP conformance suite (server mode) against `alpacon-mcp --sandbox --transport http`
// and reads its results. Used by `pnpm conformance` (scripts/conformance.ts) and by
// test/conformance.test.ts, so CI and people run the same thing.

import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { type Child, node22, packageFile, start } from "./processes.js";

const run = promisify(execFile);

export const EXPECTED_FAILURES = resolve(
  import.meta.dirname,
  "../conformance/expected-failures.yml",
);
/** Added for the `--stateless` run only. */
export const EXPECTED_FAILURES_STATELESS = resolve(
  import.meta.dirname,
  "../conformance/expected-failures-stateless.yml",
);

export interface ExpectedFailure {
  scenario: string;
  reason: string;
}

/** The entries of expected-failures files, each with the reason written after it. */
export function readExpectedFailures(stateless = false): ExpectedFailure[] {
  const files = stateless ? [EXPECTED_FAILURES, EXPECTED_FAILURES_STATELESS] : [EXPECTED_FAILURES];
  const entries: ExpectedFailure[] = [];
  for (const file of files) {
    for (const line of readFileSync(file, "utf8").split("\n")) {
      const match = line.match(/^\s+-\s+([\w:.-]+)\s*(?:#\s*(.*))?$/);
      if (match) entries.push({ scenario: match[1]!, reason: (match[2] ?? "").trim() });
    }
  }
  return entries;
}

/** The suite's own format, for its --expected-failures option. */
function baselineFile(dir: string, stateless: boolean): string {
  const file = join(dir, "expected-failures.yml");
  const names = readExpectedFailures(stateless).map((entry) => `  - ${entry.scenario}`);
  writeFileSync(file, `server:\n${names.join("\n")}\n`);
  return file;
}

export interface ServerCommand {
  command: string;
  /** Arguments before alpacon-mcp's own (`--no -- alpacon-mcp` for npx, the cli.js for node). */
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

export interface ConformanceResult {
  /** The suite's exit code: 0 when every failure is expected and no expected one passed. */
  exitCode: number;
  /** The suite's console output. */
  output: string;
  url: string;
  /** Scenario → passed (no FAILURE and no WARNING check). */
  scenarios: Record<string, boolean>;
  passed: string[];
  failed: string[];
  /** Failures not in the expected-failures file. */
  unexpected: string[];
  /** Expected failures that passed. */
  stale: string[];
  serverStderr: string;
}

/** Scenario name from a result directory such as `server-ping-2026-11-25T20-49-17-253Z`. */
function scenarioOf(directory: string): string {
  return directory.replace(/^server-/, "").replace(/-\d{4}-\d{2}-\d{2}T[\d-]+Z$/, "");
}

function readResults(outDir: string): Record<string, boolean> {
  const scenarios: Record<string, boolean> = {};
  if (!existsSync(outDir)) return scenarios;
  for (const directory of readdirSync(outDir)) {
    const file = join(outDir, directory, "checks.json");
    if (!existsSync(file)) continue;
    const checks = JSON.parse(readFileSync(file, "utf8")) as Array<{ status: string }>;
    const ok = !checks.some((check) => check.status === "FAILURE" || check.status === "WARNING");
    const name = scenarioOf(directory);
    scenarios[name] = (scenarios[name] ?? true) && ok;
  }
  return scenarios;
}

/**
 * Starts the server on its embedded sandbox (port 0, loopback), runs the active suite with the
 * expected-failures file, stops the server, and reports.
 */
export async function runConformance(options: {
  server: ServerCommand;
  outDir: string;
  stateless?: boolean;
  timeoutMs?: number;
}): Promise<ConformanceResult> {
  const flags = ["--sandbox", "--transport", "http", "--port", "0", "--confirm", "allow"];
  if (options.stateless) flags.push("--stateless");
  const server: Child = start(options.server.command, [...options.server.args, ...flags], {
    ...(options.server.cwd ? { cwd: options.server.cwd } : {}),
    ...(options.server.env ? { env: options.server.env } : {}),
  });
  try {
    const match = await server.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+\/mcp)/);
    const url = match[1]!;
    const suite = packageFile("@modelcontextprotocol/conformance", "dist/index.js");
    mkdirSync(options.outDir, { recursive: true });
    const baseline = baselineFile(options.outDir, options.stateless ?? false);
    let exitCode = 0;
    let output = "";
    try {
      const done = await run(
        node22(),
        [
          suite,
          "server",
          "--url",
          url,
          "--expected-failures",
          baseline,
          "-o",
          join(options.outDir, "results"),
        ],
        {
          timeout: options.timeoutMs ?? 120_000,
          maxBuffer: 32 * 1024 * 1024,
          env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
        },
      );
      output = done.stdout + done.stderr;
    } catch (error) {
      const failed = error as { code?: number; stdout?: string; stderr?: string; message: string };
      exitCode = typeof failed.code === "number" ? failed.code : 1;
      output = `${failed.stdout ?? ""}${failed.stderr ?? ""}` || failed.message;
    }
    const scenarios = readResults(join(options.outDir, "results"));
    const expected = new Set(
      readExpectedFailures(options.stateless).map((entry) => entry.scenario),
    );
    const passed = Object.keys(scenarios)
      .filter((name) => scenarios[name])
      .sort();
    const failed = Object.keys(scenarios)
      .filter((name) => !scenarios[name])
      .sort();
    return {
      exitCode,
      output,
      url,
      scenarios,
      passed,
      failed,
      unexpected: failed.filter((name) => !expected.has(name)),
      stale: passed.filter((name) => expected.has(name)),
      serverStderr: server.stderr(),
    };
  } finally {
    await server.stop();
  }
}

/**
 * The suite's scenarios by side (`list --server`, `list --client`). Issue 18 asks for its
 * authorization scenarios that apply to a server; 0.1.16 has none: every `auth/*` scenario is a
 * client scenario (the suite plays the authorization server and a mock MCP server and checks
 * the client's discovery, registration, PKCE and scopes).
 */
export async function listScenarios(side: "server" | "client"): Promise<string[]> {
  const suite = packageFile("@modelcontextprotocol/conformance", "dist/index.js");
  const { stdout } = await run(node22(), [suite, "list", `--${side}`], {
    timeout: 30_000,
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
  });
  return [...stdout.matchAll(/^\s+-\s+(\S+)/gm)].map((match) => match[1]!);
}

/** A one-screen report of a run. */
export function describeRun(label: string, result: ConformanceResult): string {
  const lines = [
    `${label}: ${result.passed.length} passed, ${result.failed.length} failed (${result.failed.length - result.unexpected.length} expected), suite exit code ${result.exitCode}`,
    `  passed: ${result.passed.join(", ") || "none"}`,
  ];
  if (result.unexpected.length)
    lines.push(`  UNEXPECTED failures: ${result.unexpected.join(", ")}`);
  if (result.stale.length)
    lines.push(`  STALE expected failures (now passing): ${result.stale.join(", ")}`);
  return lines.join("\n");
}
