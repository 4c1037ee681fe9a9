/**
 * `pnpm bench` (full) and `pnpm bench:smoke` / BENCH_SMOKE=1 (tiny sizes). Prints the table and
 * writes bench/results/latest.json (full) or bench/results/smoke.json (smoke).
 *
 *   --smoke        tiny sizes, every benchmark, about a minute
 *   --only B1,B4   run some benchmarks only
 *   --out PATH     where to write the JSON
 *   --strict       exit 1 when a target is missed
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { RESULTS_DIR } from "./lib/paths.js";
import { machine, table, writeResults } from "./lib/report.js";
import { BENCHMARK_IDS, runBenchmarks } from "./run.js";

const { values } = parseArgs({
  options: {
    smoke: { type: "boolean" },
    only: { type: "string" },
    out: { type: "string" },
    strict: { type: "boolean" },
  },
});
const smoke = values.smoke === true || process.env.BENCH_SMOKE === "1";
const only = values.only?.split(",").map((id) => id.trim().toUpperCase()) ?? [];
const unknown = only.filter((id) => !BENCHMARK_IDS.includes(id));
if (unknown.length > 0) {
  process.stderr.write(
    `Unknown benchmark(s): ${unknown.join(", ")}. Known: ${BENCHMARK_IDS.join(", ")}.\n`,
  );
  process.exit(2);
}

const log = (line: string) => process.stderr.write(`bench: ${line}\n`);
const info = machine();
log(
  `node ${info.node}, ${info.cpus} × ${info.cpuModel}, load ${info.loadAverage}, ${smoke ? "smoke" : "full"} run`,
);
const started = performance.now();
const result = await runBenchmarks({ smoke, only, log });
const out = values.out ?? join(RESULTS_DIR, smoke ? "smoke.json" : "latest.json");
writeResults(out, result);

const passed = result.rows.filter((item) => item.pass).length;
process.stdout.write(`\n${table(result.rows)}\n\n`);
process.stdout.write(
  `${passed} of ${result.rows.length} targets met in ${((performance.now() - started) / 1000).toFixed(0)} s; results in ${out}\n`,
);
if (values.strict && passed < result.rows.length) process.exitCode = 1;
