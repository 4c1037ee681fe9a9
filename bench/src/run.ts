import type { SandboxOptions } from "@alpacon/sandbox";
import { coldStartBench } from "./benchmarks/b1-cold-start.js";
import { toolCallBench } from "./benchmarks/b2-tool-call.js";
import { webshBench } from "./benchmarks/b3-websh.js";
import { transferBench } from "./benchmarks/b4-transfer.js";
import { fleetBench } from "./benchmarks/b5-fleet.js";
import { toolsListBench } from "./benchmarks/b6-tools-list.js";
import { idleRssBench } from "./benchmarks/b7-idle-rss.js";
import { throughputBench } from "./benchmarks/b8-throughput.js";
import { codeModeBench } from "./benchmarks/b9-code-mode.js";
import { teamBench } from "./benchmarks/b10-team.js";
import { ensureBuilt } from "./lib/build.js";
import { type Config, configFor } from "./lib/config.js";
import type { Row } from "./lib/row.js";
import { Fixture } from "./lib/setup.js";

interface Benchmark {
  id: string;
  /** The sandbox it runs against; each benchmark gets a fresh one. */
  sandbox(config: Config): SandboxOptions;
  run(config: Config, fixture: Fixture): Promise<Row[]>;
}

const BENCHMARKS: Benchmark[] = [
  { id: "B1", sandbox: () => ({}), run: coldStartBench },
  { id: "B2", sandbox: () => ({}), run: toolCallBench },
  { id: "B3", sandbox: () => ({}), run: webshBench },
  { id: "B4", sandbox: () => ({}), run: transferBench },
  {
    id: "B5",
    // Agent delays 0: the benchmark is about the client's overhead over the injected latency.
    sandbox: (config) => ({
      servers: config.fleet,
      latency: config.fleetLatencyMs,
      commandDelays: 0,
    }),
    run: fleetBench,
  },
  { id: "B6", sandbox: () => ({}), run: toolsListBench },
  { id: "B7", sandbox: () => ({}), run: idleRssBench },
  { id: "B8", sandbox: () => ({}), run: throughputBench },
  // Agent delays 0, no latency: B9 compares call counts and bytes; its times are indicative.
  {
    id: "B9",
    sandbox: (config) => ({ servers: config.codeFleet, commandDelays: 0 }),
    run: codeModeBench,
  },
  { id: "B10", sandbox: () => ({}), run: teamBench },
];

export const BENCHMARK_IDS = BENCHMARKS.map((benchmark) => benchmark.id);

export interface RunOptions {
  smoke: boolean;
  /** Benchmark ids to run; all when empty. */
  only?: readonly string[];
  log?: (line: string) => void;
}

export interface RunResult {
  mode: "full" | "smoke";
  config: Config;
  rows: Row[];
  secondsPerBenchmark: Record<string, number>;
}

/** Builds what is stale, then runs the benchmarks one after another, each on its own sandbox. */
export async function runBenchmarks(options: RunOptions): Promise<RunResult> {
  const log = options.log ?? (() => {});
  const config = configFor(options.smoke);
  ensureBuilt(log);
  const selected = BENCHMARKS.filter(
    (benchmark) => !options.only?.length || options.only.includes(benchmark.id),
  );
  const rows: Row[] = [];
  const secondsPerBenchmark: Record<string, number> = {};
  for (const benchmark of selected) {
    log(`${benchmark.id} …`);
    const started = performance.now();
    const fixture = await Fixture.start(benchmark.sandbox(config));
    try {
      rows.push(...(await benchmark.run(config, fixture)));
    } finally {
      await fixture.close();
    }
    secondsPerBenchmark[benchmark.id] = (performance.now() - started) / 1000;
    log(`${benchmark.id} done in ${secondsPerBenchmark[benchmark.id]!.toFixed(1)} s`);
  }
  return { mode: options.smoke ? "smoke" : "full", config, rows, secondsPerBenchmark };
}
