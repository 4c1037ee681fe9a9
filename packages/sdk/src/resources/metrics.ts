import { data, Resource } from "../core/resource.js";
import type { RequestOptions } from "../core/transport.js";
import type { QueryOf, Schemas } from "../core/types.js";

export type UsagePoint = Schemas["UsagePoint"];
export type DiskUsagePoint = Schemas["DiskUsagePoint"];
export type DiskIoPoint = Schemas["DiskIoPoint"];
export type TrafficPoint = Schemas["TrafficPoint"];
export type TopServer = Schemas["TopServer"];

type WithRange<Query> = Omit<Query, "start" | "end"> & {
  /** Start of the range; defaults to 24 hours ago, as the reference server did. */
  start?: string | Date;
  end?: string | Date;
};

export type MetricsQuery = WithRange<QueryOf<"getCpuUsage">>;
export type DiskUsageQuery = WithRange<QueryOf<"getDiskUsage">>;
export type DiskIoQuery = WithRange<QueryOf<"getDiskIo">>;
export type TrafficQuery = WithRange<QueryOf<"getNetworkTraffic">>;

const DAY_MS = 24 * 60 * 60 * 1000;

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

/** Time series and top-5 rankings under `/api/metrics/realtime/`. */
export class Metrics extends Resource {
  /** CPU usage points (percent): `getCpuUsage`. */
  cpuUsage(query: MetricsQuery, options?: RequestOptions): Promise<UsagePoint[]> {
    return data(
      this.http.GET("/api/metrics/realtime/cpu/", {
        params: { query: withRange(query) },
        ...this.request(options),
      }),
    );
  }

  /** Memory usage points (percent): `getMemoryUsage`. */
  memoryUsage(query: MetricsQuery, options?: RequestOptions): Promise<UsagePoint[]> {
    return data(
      this.http.GET("/api/metrics/realtime/memory/", {
        params: { query: withRange(query) },
        ...this.request(options),
      }),
    );
  }

  /** Disk usage points for one device or partition: `getDiskUsage`. */
  diskUsage(query: DiskUsageQuery, options?: RequestOptions): Promise<DiskUsagePoint[]> {
    return data(
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
    return data(
      this.http.GET("/api/metrics/realtime/disk-io/", {
        params: { query: withRange(query) },
        ...this.request(options),
      }),
    );
  }

  /** Network traffic points: `getNetworkTraffic`. */
  networkTraffic(query: TrafficQuery, options?: RequestOptions): Promise<TrafficPoint[]> {
    return data(
      this.http.GET("/api/metrics/realtime/traffic/", {
        params: { query: withRange(query) },
        ...this.request(options),
      }),
    );
  }

  /** The five servers with the highest CPU peak in the last 24 h: `getCpuTopServers`. */
  cpuTopServers(options?: RequestOptions): Promise<TopServer[]> {
    return data(this.http.GET("/api/metrics/realtime/cpu/top/", this.request(options)));
  }

  /** `getMemoryTopServers`. */
  memoryTopServers(options?: RequestOptions): Promise<TopServer[]> {
    return data(this.http.GET("/api/metrics/realtime/memory/top/", this.request(options)));
  }

  /** `getDiskIoTopServers`. */
  diskIoTopServers(options?: RequestOptions): Promise<TopServer[]> {
    return data(this.http.GET("/api/metrics/realtime/disk-io/top/", this.request(options)));
  }

  /** `getTrafficTopServers`. */
  trafficTopServers(options?: RequestOptions): Promise<TopServer[]> {
    return data(this.http.GET("/api/metrics/realtime/traffic/top/", this.request(options)));
  }
}
