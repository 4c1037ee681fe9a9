import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg, release, totalmem } from "node:os";
import { dirname } from "node:path";
import type { RunResult } from "../run.js";
import type { Row } from "./row.js";

const COLUMNS: Array<[keyof Row | "result", string]> = [
  ["id", "id"],
  ["what", "what"],
  ["baseline", "baseline"],
  ["ours", "ours"],
  ["ratio", "ratio"],
  ["target", "target"],
  ["result", "result"],
];

function cells(item: Row): string[] {
  return COLUMNS.map(([key]) =>
    key === "result" ? (item.pass ? "pass" : "FAIL") : String(item[key]),
  );
}

/** A Markdown table: readable in a terminal, and pasteable into the README as it is. */
export function table(rows: readonly Row[]): string {
  const header = COLUMNS.map(([, title]) => title);
  const body = rows.map(cells);
  // At least 3 wide, separator padded: the layout the repository's formatter (biome) gives it.
  const widths = header.map((title, index) =>
    Math.max(3, title.length, ...body.map((line) => line[index]!.length)),
  );
  const line = (values: string[]) =>
    `| ${values.map((value, index) => value.padEnd(widths[index]!)).join(" | ")} |`;
  return [line(header), line(widths.map((width) => "-".repeat(width))), ...body.map(line)].join(
    "\n",
  );
}

export function machine() {
  const list = cpus();
  let commit: string | null = null;
  try {
    commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
  } catch {
    commit = null;
  }
  return {
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    kernel: release(),
    cpus: list.length,
    cpuModel: list[0]?.model ?? "unknown",
    memoryGiB: Math.round(totalmem() / 1024 ** 3),
    // 1-minute load average when the results were written: above the core count, other work
    // shared the machine and wall-clock numbers (not ratios of interleaved runs) suffer.
    loadAverage: Number(loadavg()[0]!.toFixed(2)),
    commit,
  };
}

/** Numbers to 4 significant digits: enough to compare runs, few enough to diff. */
function round(value: unknown): unknown {
  if (typeof value === "number") {
    if (!Number.isFinite(value) || Number.isInteger(value)) return value;
    return Number(value.toPrecision(4));
  }
  if (Array.isArray(value)) return value.map(round);
  if (value !== null && typeof value === "object") {
    // Keys sorted at every level: the same results always serialize the same way.
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, round((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

export function writeResults(path: string, result: RunResult): void {
  const document = {
    date: new Date().toISOString().slice(0, 10),
    machine: machine(),
    mode: result.mode,
    passed: result.rows.filter((item) => item.pass).length,
    total: result.rows.length,
    config: result.config,
    secondsPerBenchmark: result.secondsPerBenchmark,
    // Rows keep their table order; only keys inside are sorted.
    results: result.rows,
  };
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(round(document), null, 2)}\n`);
}
