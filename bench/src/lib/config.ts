import type { TimingOptions } from "./timing.js";

/** Sizes and repetitions. Smoke mode keeps every benchmark but shrinks it to seconds. */
export interface Config {
  smoke: boolean;
  /** B1, B7: child processes started per server. */
  coldStarts: number;
  /** B2, B3: tinybench budget per task. */
  latency: TimingOptions;
  /** B3: runs of the 1 s silence rule (each costs more than a second). */
  silenceRuns: number;
  silenceMs: number;
  /** B4: bytes per transfer and transfers per side. */
  transferBytes: number;
  transferRuns: number;
  /** B5: fleet size, injected latency, SDK concurrency, repetitions. */
  fleet: number;
  fleetLatencyMs: number;
  fleetConcurrency: number;
  fleetRuns: number;
  /** B9: servers in the code-mode fleet. */
  codeFleet: number;
  /** B7: how long a started server idles before its RSS is read. */
  idleMs: number;
  /** B8: load duration and concurrent connections. */
  loadSeconds: number;
  loadConnections: number;
}

/** B5's metrics window (b5-fleet.ts explains why 1 h rather than the tool's default 24 h). */
export const METRICS_HOURS = 1;

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

export function configFor(smoke: boolean): Config {
  if (smoke) {
    return {
      smoke,
      coldStarts: 2,
      latency: { time: 200, iterations: 10, warmupIterations: 3 },
      silenceRuns: 1,
      silenceMs: 1_000,
      transferBytes: 4 * MIB,
      transferRuns: 2,
      fleet: 40,
      fleetLatencyMs: 20,
      fleetConcurrency: 16,
      fleetRuns: 1,
      codeFleet: 40,
      idleMs: 200,
      loadSeconds: 1,
      loadConnections: 8,
    };
  }
  return {
    smoke,
    coldStarts: 20,
    latency: { time: 3_000, iterations: 300, warmupIterations: 30 },
    silenceRuns: 5,
    silenceMs: 1_000,
    transferBytes: GIB,
    // Even, so each side goes first equally often.
    transferRuns: 6,
    fleet: 1_000,
    fleetLatencyMs: 20,
    fleetConcurrency: 16,
    fleetRuns: 3,
    codeFleet: 200,
    idleMs: 1_000,
    loadSeconds: 10,
    loadConnections: 16,
  };
}
