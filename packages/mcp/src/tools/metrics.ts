import {
  type AlpaconClient,
  seriesStats,
  summarizeDiskIo,
  summarizeDisks,
  summarizeTraffic,
  type UsagePoint,
} from "@alpacon/sdk";
import * as z from "zod";
import type { ToolContext } from "../server/context.js";
import { bytes, listLines } from "../server/format.js";
import { serverLabel } from "../server/server-refs.js";
import { alertRule, ruleLine } from "./alerts.js";
import {
  apiFields,
  defineTool,
  type Input,
  listTool,
  type Output,
  serverId,
  serverRef,
} from "./define.js";

const HOUR_MS = 3_600_000;

const range = {
  hours: z.int().min(1).max(720).default(24).describe("Hours back; ignored if start is given."),
  // The name and the date-time format say what it is.
  start: z.iso.datetime({ offset: true }).optional(),
  end: z.iso.datetime({ offset: true }).optional().describe("Range end; default now."),
};

function window(args: { hours: number; start?: string | undefined; end?: string | undefined }) {
  const end = args.end ?? new Date().toISOString();
  const start = args.start ?? new Date(Date.parse(end) - args.hours * HOUR_MS).toISOString();
  return { start, end };
}

// Nullable where used: null when there are no samples, which the type says well enough.
const stats = z.object({
  avg: z.number(),
  min: z.number(),
  max: z.number(),
  latest: z.number(),
  latestAt: z.string(),
  samples: z.int(),
});
type Stats = z.output<typeof stats>;

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

const bucket = z.object({
  start: z.string(),
  avg: z.number(),
  max: z.number(),
});

/** Down-samples a series to at most `count` buckets, keeping each bucket's peak visible. */
function buckets(points: readonly UsagePoint[], count: number): Array<z.output<typeof bucket>> {
  const sorted = [...points].sort((a, b) => a.timestamp.localeCompare(b.timestamp));
  const size = Math.max(1, Math.ceil(sorted.length / count));
  const out: Array<z.output<typeof bucket>> = [];
  for (let index = 0; index < sorted.length; index += size) {
    const slice = sorted.slice(index, index + size);
    const values = slice.map((point) => point.usage);
    out.push({
      start: slice[0]!.timestamp,
      avg: round(values.reduce((sum, item) => sum + item, 0) / values.length),
      max: round(Math.max(...values)),
    });
  }
  return out;
}

const usageOutput = {
  server: z.string(),
  start: z.string(),
  end: z.string(),
  stats: stats.nullable(),
  series: z
    .array(bucket)
    .describe("Up to `buckets` equal slices of the range (percent), oldest first."),
};

const usageInput = {
  server: serverId,
  ...range,
  buckets: z.int().min(1).max(200).default(24).describe("Most points in the series."),
};

const NOT_FOUND = "Check the server id with servers_list";

/** What get_cpu_usage and get_memory_usage share: all but the series they read. */
function usageTool(noun: string) {
  return {
    operation: "GET" as const,
    input: usageInput,
    output: usageOutput,
    notFound: NOT_FOUND,
    async run(
      args: Input<typeof usageInput>,
      context: {
        sdk: (query: { server: string; start: string; end: string }) => Promise<UsagePoint[]>;
      },
    ) {
      const span = window(args);
      const points = await context.sdk({ server: args.server, ...span });
      return {
        server: args.server,
        ...span,
        stats: seriesStats(points, (point: UsagePoint) => point.usage),
        series: buckets(points, args.buckets),
      };
    },
    summary: (result: Output<typeof usageOutput>, _args: unknown, context: ToolContext) =>
      result.stats
        ? `${noun} usage of ${serverLabel(context.servers, result.server)} from ${result.start} to ${result.end}: avg ${result.stats.avg}%, max ${result.stats.max}%, min ${result.stats.min}%, latest ${result.stats.latest}% (${result.stats.samples} samples).`
        : `No ${noun} samples for ${serverLabel(context.servers, result.server)} between ${result.start} and ${result.end}.`,
  };
}

export const getCpuUsage = defineTool({
  name: "get_cpu_usage",
  searchHint: "cpu usage load processor utilization performance",
  toolset: "metrics",
  title: "Get CPU usage",
  description:
    "A server's CPU usage in percent over time, with a series that keeps peaks: is it CPU-bound, since when?",
  sdk: (c: AlpaconClient) => c.metrics.cpuUsage,
  ...usageTool("CPU"),
});

export const getMemoryUsage = defineTool({
  name: "get_memory_usage",
  searchHint: "memory ram usage utilization",
  toolset: "metrics",
  title: "Get memory usage",
  description:
    "A server's memory usage in percent over time, with a series that keeps peaks: is it short of memory, since when?",
  sdk: (c: AlpaconClient) => c.metrics.memoryUsage,
  ...usageTool("memory"),
});

const diskDevice = z.object({
  device: z.string(),
  mount_point: z.string().nullable(),
  usage: stats.nullable().describe("Used space in percent."),
  latest: z
    .object({ total: z.int(), used: z.int(), free: z.int() })
    .describe("Latest sizes in bytes."),
});

export const getDiskUsage = defineTool({
  name: "get_disk_usage",
  searchHint: "disk space storage partition mount usage",
  toolset: "metrics",
  title: "Get disk usage",
  description: "Used disk space per device over time: full or filling file systems.",
  sdk: (c) => c.metrics.diskUsage,
  operation: "GET",
  input: {
    server: serverId,
    device: z.string().min(1).max(200).optional().describe("Block device, e.g. /dev/sda1."),
    partition: z.string().min(1).max(200).optional().describe("Mount point, e.g. /."),
    ...range,
  },
  output: { server: z.string(), start: z.string(), end: z.string(), devices: z.array(diskDevice) },
  notFound: NOT_FOUND,
  async run({ hours, ...args }, { sdk }) {
    const span = window({ hours, ...args });
    const points = await sdk(apiFields({ ...args, ...span }));
    return { server: args.server, ...span, devices: summarizeDisks(points) };
  },
  summary: (result, _args, context) =>
    result.devices.length === 0
      ? `No disk usage samples for ${serverLabel(context.servers, result.server)} in that range.`
      : `Disk usage of ${serverLabel(context.servers, result.server)}:` +
        listLines(
          result.devices,
          (item) =>
            `${item.device}${item.mount_point ? ` (${item.mount_point})` : ""}: ${item.usage?.latest ?? "?"}% used now, max ${item.usage?.max ?? "?"}%`,
        ),
});

const rate = z.object({ avg: z.number(), max: z.number(), latest: z.number() });
const trafficInterface = z.object({
  interface: z.string(),
  // In and out, in bits per second, over the samples: the names say it.
  input_bps: rate,
  output_bps: rate,
  peak_input_bps: z.number(),
  peak_output_bps: z.number(),
  samples: z.int(),
});

export const getNetworkTraffic = defineTool({
  name: "get_network_traffic",
  searchHint: "network traffic bandwidth interface bps packets",
  toolset: "metrics",
  title: "Get network traffic",
  description:
    "Network traffic per interface in bits/s over time, in and out: saturated links or odd traffic.",
  sdk: (c) => c.metrics.networkTraffic,
  operation: "GET",
  input: {
    server: serverId,
    interface: z.string().min(1).max(64).optional().describe("Network interface, e.g. eth0."),
    ...range,
  },
  output: {
    server: z.string(),
    start: z.string(),
    end: z.string(),
    interfaces: z.array(trafficInterface),
  },
  notFound: NOT_FOUND,
  async run({ hours, ...args }, { sdk }) {
    const span = window({ hours, ...args });
    const points = await sdk(apiFields({ ...args, ...span }));
    return { server: args.server, ...span, interfaces: summarizeTraffic(points) };
  },
  summary: (result, _args, context) =>
    result.interfaces.length === 0
      ? `No traffic samples for ${serverLabel(context.servers, result.server)} in that range.`
      : `Network traffic of ${serverLabel(context.servers, result.server)}:` +
        listLines(
          result.interfaces,
          (item) =>
            `${item.interface}: in avg ${mbps(item.input_bps.avg)}, out avg ${mbps(item.output_bps.avg)}, peak in ${mbps(item.peak_input_bps)}, peak out ${mbps(item.peak_output_bps)}`,
        ),
});

function mbps(bitsPerSecond: number): string {
  return `${(bitsPerSecond / 1_000_000).toFixed(2)} Mbit/s`;
}

const unavailable = z.array(z.object({ metric: z.string(), reason: z.string() }));

export const getServerMetricsSummary = defineTool({
  name: "get_server_metrics_summary",
  searchHint: "server metrics summary overview health monitoring dashboard",
  alwaysLoad: true,
  toolset: "metrics",
  title: "Summarise a server's metrics",
  description:
    "A server's CPU, memory, disk and network over the last hours. Use it first for 'how is this server doing'; the get_*_usage and get_network_traffic tools give detail.",
  sdk: (c) => c.metrics.summary,
  operation: "GET",
  input: {
    server: serverId,
    hours: z.int().min(1).max(168).default(24).describe("Hours back from now."),
  },
  output: {
    server: z.string(),
    start: z.string(),
    end: z.string(),
    cpu: stats.nullable(),
    memory: stats.nullable(),
    disks: z.array(diskDevice),
    interfaces: z.array(trafficInterface),
    unavailable,
  },
  notFound: NOT_FOUND,
  run: async (args, { sdk }) => sdk({ server: args.server, ...window({ hours: args.hours }) }),
  summary: (result, _args, context) => {
    const part = (name: string, value: Stats | null) =>
      value
        ? `${name} avg ${value.avg}% / max ${value.max}% / now ${value.latest}%`
        : `${name} n/a`;
    const fullest = [...result.disks].sort(
      (a, b) => (b.usage?.latest ?? 0) - (a.usage?.latest ?? 0),
    )[0];
    const disk = fullest
      ? `fullest disk ${fullest.device} ${fullest.usage?.latest ?? "?"}%`
      : "disk n/a";
    const missing = result.unavailable.length
      ? ` Unavailable: ${result.unavailable.map((item) => item.metric).join(", ")}.`
      : "";
    return `${serverLabel(context.servers, result.server)} from ${result.start} to ${result.end}: ${part("CPU", result.cpu)}; ${part("memory", result.memory)}; ${disk}; ${result.interfaces.length} interfaces.${missing}`;
  },
});

export const getCpuTopServers = defineTool({
  name: "get_cpu_top_servers",
  searchHint: "top cpu busiest servers ranking load",
  toolset: "metrics",
  title: "Top servers by CPU",
  description: "The five servers with the highest CPU peak (percent) in the last 24 hours.",
  sdk: (c) => c.metrics.cpuTopServers,
  operation: "GET",
  input: {},
  output: {
    servers: z.array(
      z.object({ server: serverRef, value: z.number().describe("CPU peak in percent.") }),
    ),
  },
  run: async (_args, { sdk }) => ({ servers: await sdk() }),
  summary: (result) =>
    result.servers.length === 0
      ? "No CPU data for the last 24 hours."
      : `Highest CPU peaks over the last 24 hours:${listLines(result.servers, (item) => topLine(item, "%"))}`,
});

const diskIoDevice = z.object({
  device: z.string(),
  avgReadBps: z.number(),
  avgWriteBps: z.number(),
  peakReadBps: z.number(),
  peakWriteBps: z.number(),
  samples: z.int(),
});

export const getDiskIo = defineTool({
  name: "get_disk_io",
  searchHint: "disk io read write throughput iops storage performance",
  toolset: "metrics",
  title: "Get disk I/O",
  description:
    "Disk reads and writes per device in bytes/s over time: which disk is busy, since when.",
  sdk: (c) => c.metrics.diskIo,
  operation: "GET",
  input: {
    server: serverId,
    device: z.string().min(1).max(64).optional().describe("Disk device, e.g. sda."),
    ...range,
  },
  output: {
    server: z.string(),
    start: z.string(),
    end: z.string(),
    devices: z.array(diskIoDevice),
  },
  notFound: NOT_FOUND,
  async run({ hours, ...args }, { sdk }) {
    const span = window({ hours, ...args });
    const points = await sdk(apiFields({ ...args, ...span }));
    return {
      server: args.server,
      ...span,
      devices: summarizeDiskIo(points).map((item) => ({
        device: item.device,
        avgReadBps: item.read_bps.avg,
        avgWriteBps: item.write_bps.avg,
        peakReadBps: item.peak_read_bps,
        peakWriteBps: item.peak_write_bps,
        samples: item.samples,
      })),
    };
  },
  summary: (result, _args, context) =>
    result.devices.length === 0
      ? `No disk I/O samples for ${serverLabel(context.servers, result.server)} in that range.`
      : `Disk I/O of ${serverLabel(context.servers, result.server)} from ${result.start} to ${result.end}:` +
        listLines(
          result.devices,
          (item) =>
            `${item.device}: read avg ${bytes(item.avgReadBps)}/s (peak ${bytes(item.peakReadBps)}/s), write avg ${bytes(item.avgWriteBps)}/s (peak ${bytes(item.peakWriteBps)}/s)`,
        ),
});

const TOP_METRICS = {
  cpu: { read: (c: AlpaconClient) => c.metrics.cpuTopServers, unit: "%" },
  memory: { read: (c: AlpaconClient) => c.metrics.memoryTopServers, unit: "%" },
  disk_io: { read: (c: AlpaconClient) => c.metrics.diskIoTopServers, unit: " B/s" },
  traffic: { read: (c: AlpaconClient) => c.metrics.trafficTopServers, unit: " bit/s" },
} as const;
type TopMetric = keyof typeof TOP_METRICS;

export const getTopServers = defineTool({
  name: "get_top_servers",
  searchHint: "top servers ranking busiest compare metrics workspace",
  toolset: "metrics",
  title: "Top servers by metric",
  description:
    "The five busiest servers of the last 24 hours by CPU, memory, disk I/O or traffic peak.",
  sdk: Object.values(TOP_METRICS).map((metric) => metric.read),
  operation: "GET",
  input: {
    metrics: z
      .array(z.enum(["cpu", "memory", "disk_io", "traffic"]))
      .min(1)
      .max(4)
      .default(["cpu", "memory", "disk_io", "traffic"])
      .describe("Default: all."),
  },
  output: {
    top: z.array(
      z.object({
        metric: z.string(),
        servers: z.array(z.object({ server: serverRef, value: z.number() })),
      }),
    ),
  },
  run: async (args, { call }) => ({
    top: await Promise.all(
      [...new Set(args.metrics)].map(async (metric) => ({
        metric,
        servers: await call(TOP_METRICS[metric].read)(),
      })),
    ),
  }),
  summary: (result) =>
    result.top
      .map(
        ({ metric, servers }) =>
          `Top by ${metric} peak (24 h):${servers.length === 0 ? " no data." : listLines(servers, (item) => topLine(item, TOP_METRICS[metric as TopMetric].unit))}`,
      )
      .join("\n"),
});

export const getAlertRules = listTool({
  name: "get_alert_rules",
  searchHint: "alert rules monitoring threshold notification configuration",
  toolset: "metrics",
  title: "List alert rules",
  description:
    "The workspace's alert rules: which metric each watches and over what threshold. With server: the rules watching it (attached or default). Authoring them is in the alerts toolset.",
  sdk: (c) => c.alertRules.list,
  input: { server: serverId.optional().describe("Only the rules watching this server.") },
  rows: "rules",
  row: alertRule,
  line: ruleLine,
});

function topLine(
  item: { server: { id: string; name?: string | undefined }; value: number },
  unit: string,
) {
  return `${item.server.name ?? "(name not given)"} (${item.server.id}): ${round(item.value)}${unit}`;
}

export const metricsTools = [
  getCpuUsage,
  getMemoryUsage,
  getDiskUsage,
  getNetworkTraffic,
  getServerMetricsSummary,
  getCpuTopServers,
  getTopServers,
  getDiskIo,
  getAlertRules,
];
