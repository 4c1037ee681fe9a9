import { Bench } from "tinybench";
import { type Summary, summarize } from "./stats.js";

export interface TimingOptions {
  /** Time budget per task in ms (tinybench keeps going until both limits are reached). */
  time: number;
  /** Minimum iterations per task. */
  iterations: number;
  warmupIterations: number;
}

/**
 * Times async functions one after another with tinybench and returns median/p95 per task. Samples
 * are retained because tinybench reports p50/p75/p99 but not the p95 the issue asks for.
 */
export async function timeTasks(
  tasks: Record<string, () => Promise<unknown>>,
  options: TimingOptions,
): Promise<Record<string, Summary>> {
  const bench = new Bench({
    time: options.time,
    iterations: options.iterations,
    warmup: true,
    warmupIterations: options.warmupIterations,
    warmupTime: 0,
    retainSamples: true,
    throws: true,
  });
  for (const [name, fn] of Object.entries(tasks)) bench.add(name, fn);
  await bench.run();
  const out: Record<string, Summary> = {};
  for (const task of bench.tasks) {
    const result = task.result;
    if (!("latency" in result) || !result.latency.samples) {
      throw new Error(`Task ${task.name} produced no samples (state ${result.state}).`);
    }
    out[task.name] = summarize(result.latency.samples);
  }
  return out;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
