import type { ServerRecord } from "../state/model.js";
import { hashSeed, noise } from "./rng.js";

/** Sample spacing of the simulated agent, and the most points one answer may hold. */
export const METRIC_STEP_MS = 5 * 60_000;
export const MAX_POINTS = 2016;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Value noise: smooth between random anchors every `period` ms. */
function smooth(seed: number, key: number, t: number, period: number): number {
  const a = Math.floor(t / period);
  const f = t / period - a;
  const s = f * f * (3 - 2 * f);
  const v0 = noise(seed, key, a);
  const v1 = noise(seed, key, a + 1);
  return v0 + (v1 - v0) * s;
}

/** 0 at night, 1 mid-afternoon (server local time is irrelevant for a fleet view). */
function daily(t: number, tzOffsetHours: number): number {
  const hour = ((((t + tzOffsetHours * HOUR) % DAY) + DAY) % DAY) / HOUR;
  return 0.5 + 0.5 * Math.sin((2 * Math.PI * (hour - 8)) / 24);
}

/** Distinct sample instants whose ISO text is kept: 4 weeks of 5-minute samples, and then some. */
const ISO_CACHE_SIZE = 16_384;
const isoCache = new Map<number, string>();

/**
 * ISO 8601 text of a sample instant. Every server samples on the same grid (multiples of the
 * step), so a fleet's series share a few hundred instants; formatting each one anew was, with
 * JSON serialization, most of the sandbox's CPU per metrics answer (bench/README, B5).
 */
export function sampleIso(t: number): string {
  let text = isoCache.get(t);
  if (text === undefined) {
    text = new Date(t).toISOString();
    // Oldest first out: instants only move forward with the clock.
    if (isoCache.size >= ISO_CACHE_SIZE) isoCache.delete(isoCache.keys().next().value as number);
    isoCache.set(t, text);
  }
  return text;
}

const round2 = (v: number): number => Math.round(v * 100) / 100;
const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/**
 * Time series of one server, computed for any timestamp from (seed, server, t): nothing is
 * stored, so 10,000 servers cost nothing until someone asks for a range.
 */
export class ServerMetrics {
  private readonly seed: number;
  private readonly tz: number;
  readonly cpuBase: number;
  readonly memBase: number;
  private peakCache: { hour: number; peaks: Peaks } | undefined;

  constructor(
    workspaceSeed: number,
    private readonly server: ServerRecord,
  ) {
    this.seed = hashSeed(workspaceSeed, "metrics", server.index);
    this.tz = [0, 9, -7, 1][server.index % 4] ?? 0;
    this.cpuBase = server.hot ? 78 + noise(this.seed, 1, 0) * 12 : 4 + noise(this.seed, 1, 0) * 38;
    this.memBase = server.hot ? 80 + noise(this.seed, 2, 0) * 10 : 25 + noise(this.seed, 2, 0) * 45;
  }

  /** Sample timestamps in [start, end] the agent would have reported, or [] when none. */
  timestamps(start: number, end: number, now: number): number[] {
    const from = Math.max(start, this.server.addedAt);
    const to = Math.min(end, now, this.server.isConnected ? now : this.server.lastConnectivity);
    if (to < from) return [];
    let step = METRIC_STEP_MS;
    while ((to - from) / step > MAX_POINTS) step *= 2;
    const out: number[] = [];
    for (let t = Math.ceil(from / step) * step; t <= to; t += step) out.push(t);
    return out;
  }

  cpu(t: number): number {
    const d = daily(t, this.tz);
    const wave = this.server.hot ? 0.9 + 0.1 * d : 0.55 + 0.6 * d;
    const spike = noise(this.seed, 3, Math.floor(t / METRIC_STEP_MS)) > 0.985 ? 25 : 0;
    const jitter =
      (smooth(this.seed, 4, t, HOUR) - 0.5) * 10 + (noise(this.seed, 5, t / 1000) - 0.5) * 4;
    return round2(clamp(this.cpuBase * wave + jitter + spike, 0.1, 100));
  }

  memory(t: number): number {
    const d = daily(t, this.tz);
    const drift = (smooth(this.seed, 6, t, 6 * HOUR) - 0.5) * 8;
    return round2(
      clamp(this.memBase + 6 * d + drift + (noise(this.seed, 7, t / 1000) - 0.5) * 2, 1, 99.9),
    );
  }

  /** Used fraction of a partition: slowly growing, with a little noise. */
  diskUsedFraction(partitionIndex: number, t: number): number {
    const base = 0.2 + noise(this.seed, 10 + partitionIndex, 0) * 0.6;
    const growth = ((t - this.server.addedAt) / (365 * DAY)) * 0.05;
    const wobble = (smooth(this.seed, 20 + partitionIndex, t, 2 * HOUR) - 0.5) * 0.02;
    return clamp(base + growth + wobble, 0.01, 0.99);
  }

  diskIo(
    deviceIndex: number,
    t: number,
  ): {
    peak_read_bps: number;
    peak_write_bps: number;
    avg_read_bps: number;
    avg_write_bps: number;
  } {
    const d = daily(t, this.tz);
    const scale = (this.server.hot ? 60e6 : 4e6) * (1 + deviceIndex * 0.5);
    const read = scale * (0.2 + d) * (0.5 + smooth(this.seed, 30 + deviceIndex, t, HOUR));
    const write = scale * 0.6 * (0.2 + d) * (0.5 + smooth(this.seed, 40 + deviceIndex, t, HOUR));
    const burst = 1.5 + noise(this.seed, 50 + deviceIndex, t / 1000) * 2;
    return {
      avg_read_bps: Math.round(read),
      avg_write_bps: Math.round(write),
      peak_read_bps: Math.round(read * burst),
      peak_write_bps: Math.round(write * burst),
    };
  }

  traffic(
    interfaceIndex: number,
    t: number,
  ): {
    peak_input_bps: number;
    peak_output_bps: number;
    avg_input_bps: number;
    avg_output_bps: number;
    peak_input_pps: number;
    peak_output_pps: number;
  } {
    const d = daily(t, this.tz);
    const scale = (this.server.hot ? 400e6 : 20e6) / (1 + interfaceIndex * 4);
    const input = scale * (0.15 + d) * (0.5 + smooth(this.seed, 60 + interfaceIndex, t, HOUR));
    const output = input * (0.4 + noise(this.seed, 70 + interfaceIndex, 0));
    const burst = 1.3 + noise(this.seed, 80 + interfaceIndex, t / 1000) * 1.5;
    return {
      avg_input_bps: Math.round(input),
      avg_output_bps: Math.round(output),
      peak_input_bps: Math.round(input * burst),
      peak_output_bps: Math.round(output * burst),
      // ~800-byte average packets
      peak_input_pps: Math.round((input * burst) / 6400),
      peak_output_pps: Math.round((output * burst) / 6400),
    };
  }

  /**
   * Peak values over the 24 hours before `now`, read from the same series the realtime
   * endpoints serve (so a "top" ranking agrees with the charts), cached per hour.
   */
  peaks(now: number): Peaks {
    const hour = Math.floor(now / HOUR);
    if (this.peakCache?.hour === hour) return this.peakCache.peaks;
    const times = this.timestamps(now - DAY, now, now);
    const max = (value: (t: number) => number) =>
      times.reduce((peak, t) => Math.max(peak, value(t)), 0);
    const peaks: Peaks = {
      cpu: max((t) => this.cpu(t)),
      memory: max((t) => this.memory(t)),
      diskIo: max((t) => {
        const io = this.diskIo(0, t);
        return io.peak_read_bps + io.peak_write_bps;
      }),
      traffic: max((t) => {
        const traffic = this.traffic(0, t);
        return traffic.peak_input_bps + traffic.peak_output_bps;
      }),
    };
    this.peakCache = { hour, peaks };
    return peaks;
  }
}

export interface Peaks {
  cpu: number;
  memory: number;
  diskIo: number;
  traffic: number;
}
