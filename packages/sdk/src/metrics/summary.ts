import type { DiskIoPoint, DiskUsagePoint, TrafficPoint } from "../resources/metrics.js";

/** Statistics of one series over a range. */
export interface SeriesStats {
  avg: number;
  min: number;
  max: number;
  latest: number;
  latestAt: string;
  samples: number;
}

export interface DiskSummary {
  device: string;
  mount_point: string | null;
  /** Used space in percent. */
  usage: SeriesStats | null;
  /** Latest sizes in bytes. */
  latest: { total: number; used: number; free: number };
}

export interface InterfaceSummary {
  interface: string;
  input_bps: { avg: number; max: number; latest: number };
  output_bps: { avg: number; max: number; latest: number };
  peak_input_bps: number;
  peak_output_bps: number;
  samples: number;
}

export interface DiskIoSummary {
  device: string;
  /** Bytes per second. */
  read_bps: { avg: number; max: number; latest: number };
  write_bps: { avg: number; max: number; latest: number };
  peak_read_bps: number;
  peak_write_bps: number;
  samples: number;
}

export interface MetricsSummary {
  server: string;
  start: string;
  end: string;
  cpu: SeriesStats | null;
  memory: SeriesStats | null;
  disks: DiskSummary[];
  interfaces: InterfaceSummary[];
  /** Metrics that could not be read (no data, no permission …), with the reason. */
  unavailable: Array<{ metric: string; reason: string }>;
}

/**
 * Average, minimum, maximum and latest value of a series, in one pass over the points (summaries
 * run once per server across a fleet, and a 24 h series holds hundreds of points).
 */
export function seriesStats<Point extends { timestamp: string }>(
  points: readonly Point[],
  value: (point: Point) => number,
): SeriesStats | null {
  const stats = accumulate(points, value);
  if (!stats) return null;
  return {
    avg: round(stats.sum / points.length),
    min: round(stats.min),
    max: round(stats.max),
    latest: round(value(stats.last)),
    latestAt: stats.last.timestamp,
    samples: points.length,
  };
}

export function summarizeDisks(points: readonly DiskUsagePoint[]): DiskSummary[] {
  return [...groupBy(points, (point) => point.device)].map(([device, list]) => {
    const last = latestOf(list);
    return {
      device,
      mount_point: last.mount_point ?? null,
      usage: seriesStats(list, (point) => point.usage),
      latest: { total: last.total, used: last.used, free: last.free },
    };
  });
}

export function summarizeTraffic(points: readonly TrafficPoint[]): InterfaceSummary[] {
  return [...groupBy(points, (point) => point.interface)].map(([name, list]) => {
    const input = rate(list, (point) => point.avg_input_bps);
    const output = rate(list, (point) => point.avg_output_bps);
    return {
      interface: name,
      input_bps: input,
      output_bps: output,
      peak_input_bps: maxOf(list, (point) => point.peak_input_bps),
      peak_output_bps: maxOf(list, (point) => point.peak_output_bps),
      samples: list.length,
    };
  });
}

export function summarizeDiskIo(points: readonly DiskIoPoint[]): DiskIoSummary[] {
  return [...groupBy(points, (point) => point.device)].map(([device, list]) => ({
    device,
    read_bps: rate(list, (point) => point.avg_read_bps),
    write_bps: rate(list, (point) => point.avg_write_bps),
    peak_read_bps: maxOf(list, (point) => point.peak_read_bps),
    peak_write_bps: maxOf(list, (point) => point.peak_write_bps),
    samples: list.length,
  }));
}

interface Accumulated<Point> {
  sum: number;
  min: number;
  max: number;
  last: Point;
}

/** Sum, extremes and the latest point of a series; undefined when it is empty. */
function accumulate<Point extends { timestamp: string }>(
  points: readonly Point[],
  value: (point: Point) => number,
): Accumulated<Point> | undefined {
  const first = points[0];
  if (first === undefined) return undefined;
  const stats = {
    sum: 0,
    min: Number.POSITIVE_INFINITY,
    max: Number.NEGATIVE_INFINITY,
    last: first,
  };
  for (const point of points) {
    const current = value(point);
    stats.sum += current;
    stats.min = Math.min(stats.min, current);
    stats.max = Math.max(stats.max, current);
    if (point.timestamp > stats.last.timestamp) stats.last = point;
  }
  return stats;
}

/** Average, maximum and latest rate of a non-empty series (a group always holds a point). */
function rate<Point extends { timestamp: string }>(
  points: readonly Point[],
  value: (point: Point) => number,
): InterfaceSummary["input_bps"] {
  const stats = accumulate(points, value)!;
  return {
    avg: round(stats.sum / points.length),
    max: round(stats.max),
    latest: round(value(stats.last)),
  };
}

function maxOf<Point>(points: readonly Point[], value: (point: Point) => number): number {
  let max = Number.NEGATIVE_INFINITY;
  for (const point of points) max = Math.max(max, value(point));
  return max;
}

function latestOf<Point extends { timestamp: string }>(points: readonly Point[]): Point {
  return points.reduce((latest, point) => (point.timestamp > latest.timestamp ? point : latest));
}

function groupBy<Item>(items: readonly Item[], key: (item: Item) => string): Map<string, Item[]> {
  const groups = new Map<string, Item[]>();
  for (const item of items) {
    const name = key(item);
    const list = groups.get(name);
    if (list) list.push(item);
    else groups.set(name, [item]);
  }
  return groups;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
