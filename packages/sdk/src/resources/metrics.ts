import { AlpaconError } from "../core/errors.js";
import { data, Resource } from "../core/resource.js";
import type { RequestOptions } from "../core/transport.js";
import type { QueryOf, Schemas } from "../core/types.js";
import {
  type MetricsSummary,
  seriesStats,
  summarizeDisks,
  summarizeTraffic,
} from "../metrics/summary.js";
import { listOf, type ServerRef, toServerRef } from "./shapes.js";

export type UsagePoint = Schemas["UsagePoint"];
export type DiskUsagePoint = Schemas["DiskUsagePoint"];
export type DiskIoPoint = Schemas["DiskIoPoint"];
export type TrafficPoint = Schemas["TrafficPoint"];
/** One entry of a `top/` ranking; `server` holds only `id` (and maybe `name`) when the API sent less. */
export type TopServer = Omit<Schemas["TopServer"], "server"> & { server: ServerRef };

/** A `top/` item as some fixtures have it: `server_id`, `server_name` and a `<metric>_…` number. */
interface FlatTopItem {
  server_id?: string;
  server_name?: string;
  [key: string]: unknown;
}

/**
 * Normalises a `top/` entry: `{server, value}` as the spec has it, with `server` a summary or a
 * UUID, or the flat form of the reference MCP's fixture (`server_id`, `server_name`, and the
 * value in the one numeric field such as `cpu_percent`).
 */
export function toTopServer(item: Schemas["TopServer"] | FlatTopItem): TopServer {
  if ("server" in item && item.server !== undefined && "value" in item) {
    return {
      ...(item as Schemas["TopServer"]),
      server: toServerRef(item.server as Schemas["ServerRef"]),
    };
  }
  const flat = item as FlatTopItem;
  if (typeof flat.server_id !== "string") {
    throw new AlpaconError(
      `A top-servers entry names no server (keys: ${Object.keys(item).join(", ")}). Please report it to the maintainers.`,
    );
  }
  const value = Object.entries(flat).find(
    ([key, v]) => typeof v === "number" && key !== "server_id" && !key.endsWith("_id"),
  )?.[1] as number | undefined;
  if (value === undefined) {
    throw new AlpaconError(
      `A top-servers entry for ${flat.server_id} carries no number (keys: ${Object.keys(item).join(", ")}). Please report it to the maintainers.`,
    );
  }
  return {
    server: {
      id: flat.server_id,
      ...(typeof flat.server_name === "string" ? { name: flat.server_name } : {}),
    },
    value,
  };
}

type WithRange<Query> = Omit<Query, "start" | "end"> & {
  /** Start of the range; defaults to 24 hours ago, as the reference server did. */
  start?: string | Date;
  end?: string | Date;
};

export type MetricsQuery = WithRange<QueryOf<"getCpuUsage">>;
export type DiskUsageQuery = WithRange<QueryOf<"getDiskUsage">>;
export type SummaryQuery = WithRange<{ server: string }>;
export type DiskIoQuery = WithRange<QueryOf<"getDiskIo">>;
export type TrafficQuery = WithRange<QueryOf<"getNetworkTraffic">>;

const DAY_MS = 24 * 60 * 60 * 1000;
/** Devices read when none is named; a server rarely has more, and each costs one request. */
const MAX_DEVICES = 16;

function withRange<Query extends { start?: string | Date; end?: string | Date }>(query: Query) {
  const { start, end, ...rest } = query;
  return {
    ...rest,
    start: toIso(start ?? new Date(Date.now() - DAY_MS)),
    ...(end === undefined ? {} : { end: toIso(end) }),
  };
}

function toIso(value: string | Date): string {
  return value instanceof Date ? value.toISOString() : value;
}

/** A realtime series, a bare array or `{ results }` on the wire, as an array. */
async function series<T>(call: Promise<{ data?: T[] | { results: T[] } }>): Promise<T[]> {
  return listOf(await data(call));
}

/** A `top/` ranking (array, `{ results }` or `{ data }`) as normalised entries. */
async function ranking(call: Promise<{ data?: Schemas["TopServerList"] }>): Promise<TopServer[]> {
  return listOf<Schemas["TopServer"] | FlatTopItem>(await data(call)).map(toTopServer);
}

/** Time series and top-5 rankings under `/api/metrics/realtime/`. */
export class Metrics extends Resource {
  /** CPU usage points (percent): `getCpuUsage`. */
  cpuUsage(query: MetricsQuery, options?: RequestOptions): Promise<UsagePoint[]> {
    return series(
      this.http.GET("/api/metrics/realtime/cpu/", {
        params: { query: withRange(query) },
        ...this.request(options),
      }),
    );
  }

  /** Memory usage points (percent): `getMemoryUsage`. */
  memoryUsage(query: MetricsQuery, options?: RequestOptions): Promise<UsagePoint[]> {
    return series(
      this.http.GET("/api/metrics/realtime/memory/", {
        params: { query: withRange(query) },
        ...this.request(options),
      }),
    );
  }

  /**
   * Disk usage points: `getDiskUsage`. The API needs a `device` or `partition`; without one,
   * every device from `diskUsageDevices` is read (up to 16) and the points are combined.
   */
  async diskUsage(query: DiskUsageQuery, options?: RequestOptions): Promise<DiskUsagePoint[]> {
    if (query.device === undefined && query.partition === undefined) {
      const { devices } = await this.diskUsageDevices({ server: query.server }, options);
      const perDevice = devices
        .slice(0, MAX_DEVICES)
        .map((device) => this.diskUsage({ ...query, device }, options));
      return (await Promise.all(perDevice)).flat();
    }
    return series(
      this.http.GET("/api/metrics/realtime/disk-usage/", {
        params: { query: withRange(query) },
        ...this.request(options),
      }),
    );
  }

  /** Devices that have disk usage data: `listDiskUsageDevices`. */
  diskUsageDevices(
    query: QueryOf<"listDiskUsageDevices">,
    options?: RequestOptions,
  ): Promise<Schemas["DiskUsageDevices"]> {
    return data(
      this.http.GET("/api/metrics/realtime/disk-usage/device/", {
        params: { query },
        ...this.request(options),
      }),
    );
  }

  /** Disk I/O points: `getDiskIo`. */
  diskIo(query: DiskIoQuery, options?: RequestOptions): Promise<DiskIoPoint[]> {
    return series(
      this.http.GET("/api/metrics/realtime/disk-io/", {
        params: { query: withRange(query) },
        ...this.request(options),
      }),
    );
  }

  /** Network traffic points: `getNetworkTraffic`. */
  networkTraffic(query: TrafficQuery, options?: RequestOptions): Promise<TrafficPoint[]> {
    return series(
      this.http.GET("/api/metrics/realtime/traffic/", {
        params: { query: withRange(query) },
        ...this.request(options),
      }),
    );
  }

  /** The five servers with the highest CPU peak in the last 24 h: `getCpuTopServers`. */
  cpuTopServers(options?: RequestOptions): Promise<TopServer[]> {
    return ranking(this.http.GET("/api/metrics/realtime/cpu/top/", this.request(options)));
  }

  /** `getMemoryTopServers`. */
  memoryTopServers(options?: RequestOptions): Promise<TopServer[]> {
    return ranking(this.http.GET("/api/metrics/realtime/memory/top/", this.request(options)));
  }

  /** `getDiskIoTopServers`. */
  diskIoTopServers(options?: RequestOptions): Promise<TopServer[]> {
    return ranking(this.http.GET("/api/metrics/realtime/disk-io/top/", this.request(options)));
  }

  /** `getTrafficTopServers`. */
  trafficTopServers(options?: RequestOptions): Promise<TopServer[]> {
    return ranking(this.http.GET("/api/metrics/realtime/traffic/top/", this.request(options)));
  }

  /**
   * A health overview of one server: CPU and memory statistics, disk usage per device and
   * traffic per interface, read in parallel. A metric that cannot be read is listed in
   * `unavailable` instead of failing the whole summary; if all fail, the first error is thrown.
   */
  async summary(query: SummaryQuery, options?: RequestOptions): Promise<MetricsSummary> {
    const range = withRange({ ...query, end: query.end ?? new Date() });
    const [cpu, memory, disk, network] = await Promise.allSettled([
      this.cpuUsage(range, options),
      this.memoryUsage(range, options),
      this.diskUsage(range, options),
      this.networkTraffic(range, options),
    ]);
    const failed = Object.entries({ cpu, memory, disk, network }).filter(
      ([, result]) => result.status === "rejected",
    );
    if (failed.length === 4) throw (cpu as PromiseRejectedResult).reason;
    return {
      server: query.server,
      start: range.start,
      end: range.end as string,
      cpu: cpu.status === "fulfilled" ? seriesStats(cpu.value, (point) => point.usage) : null,
      memory:
        memory.status === "fulfilled" ? seriesStats(memory.value, (point) => point.usage) : null,
      disks: disk.status === "fulfilled" ? summarizeDisks(disk.value) : [],
      interfaces: network.status === "fulfilled" ? summarizeTraffic(network.value) : [],
      unavailable: failed.map(([metric, result]) => ({
        metric,
        reason: String((result as PromiseRejectedResult).reason?.message ?? result),
      })),
    };
  }
}
