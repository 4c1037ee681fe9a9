import { describe, expect, it } from "vitest";
import { BENCHMARK_IDS, type RunResult, runBenchmarks } from "../src/run.js";

// Keeps the benchmark scripts from rotting: every benchmark runs with tiny sizes and must
// produce numbers. Whether targets are met is for `pnpm bench` on a quiet machine, not for CI.
describe("pnpm bench:smoke", () => {
  let result: RunResult;

  it("runs every benchmark with tiny sizes", async () => {
    result = await runBenchmarks({ smoke: true });
    expect(result.mode).toBe("smoke");
    expect(new Set(result.rows.map((item) => item.id))).toEqual(new Set(BENCHMARK_IDS));
  });

  it("produces a finite number and readable cells for every row", () => {
    for (const item of result.rows) {
      expect(Number.isFinite(item.checked), `${item.id} ${item.what}`).toBe(true);
      expect(item.checked, `${item.id} ${item.what}`).toBeGreaterThan(0);
      for (const cell of [item.what, item.baseline, item.ours, item.ratio, item.target]) {
        expect(cell).not.toMatch(/NaN|undefined|Infinity/);
      }
    }
  });
});
