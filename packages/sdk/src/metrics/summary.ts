import type { DiskUsagePoint, TrafficPoint } from "../resources/metrics.js";

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

export function seriesStats<Point extends { timestamp: string }>(
  points: readonly Point[],
  value: (point: Point) => number,
): SeriesStats | null {
  if (points.length === 0) return null;
  const values = points.map(value);
  const last = latestOf(points);
  return {
    avg: round(values.reduce((sum, item) => sum + item, 0) / values.length),
    min: round(Math.min(...values)),
    max: round(Math.max(...values)),
    latest: round(value(last)),
    latestAt: last.timestamp,
    samples: values.length,
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
    const input = seriesStats(list, (point) => point.avg_input_bps)!;
    const output = seriesStats(list, (point) => point.avg_output_bps)!;
    return {
      interface: name,
      input_bps: { avg: input.avg, max: input.max, latest: input.latest },
      output_bps: { avg: output.avg, max: output.max, latest: output.latest },
      peak_input_bps: Math.max(...list.map((point) => point.peak_input_bps)),
      peak_output_bps: Math.max(...list.map((point) => point.peak_output_bps)),
      samples: list.length,
    };
  });
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
