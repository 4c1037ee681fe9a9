import { type IterateOptions, iteratePages, type Page } from "../core/pagination.js";
import { data, Resource } from "../core/resource.js";
import type { RequestOptions } from "../core/transport.js";
import type { QueryOf, Schemas } from "../core/types.js";
import { pageOf } from "./shapes.js";

export type SystemInfo = Schemas["SystemInfo"];
export type OsVersion = Schemas["OsVersion"];
export type SystemUser = Schemas["SystemUser"];
export type SystemGroup = Schemas["SystemGroup"];
export type SystemPackage = Schemas["SystemPackage"];
export type NetworkInterface = Schemas["NetworkInterface"];
export type Disk = Schemas["Disk"];
export type Partition = Schemas["Partition"];
export type SystemTime = Schemas["SystemTime"];

/** What the agent reports about a server, under `/api/proc/`; every call names the `server`. */
export class System extends Resource {
  /** Hardware and host information: `listSystemInfo` (a lone row arrives as a page of one). */
  async info(
    query: QueryOf<"listSystemInfo">,
    options?: RequestOptions,
  ): Promise<Page<SystemInfo>> {
    return pageOf(
      await data(this.http.GET("/api/proc/info/", { params: { query }, ...this.request(options) })),
    );
  }

  /** Operating system name and version: `listOsVersions` (a lone row as a page of one). */
  async osVersion(
    query: QueryOf<"listOsVersions">,
    options?: RequestOptions,
  ): Promise<Page<OsVersion>> {
    return pageOf(
      await data(this.http.GET("/api/proc/os/", { params: { query }, ...this.request(options) })),
    );
  }

  /** Local (system) users: `listSystemUsers`. */
  users(query: QueryOf<"listSystemUsers">, options?: RequestOptions): Promise<Page<SystemUser>> {
    return data(this.http.GET("/api/proc/users/", { params: { query }, ...this.request(options) }));
  }

  iterateUsers(
    query: QueryOf<"listSystemUsers">,
    options: IterateOptions & RequestOptions = {},
  ): AsyncGenerator<SystemUser> {
    return iteratePages((page) => this.users(page, options), query, options);
  }

  /** Local groups: `listSystemGroups`. */
  groups(query: QueryOf<"listSystemGroups">, options?: RequestOptions): Promise<Page<SystemGroup>> {
    return data(
      this.http.GET("/api/proc/groups/", { params: { query }, ...this.request(options) }),
    );
  }

  /** Installed packages: `listSystemPackages`. */
  packages(
    query: QueryOf<"listSystemPackages">,
    options?: RequestOptions,
  ): Promise<Page<SystemPackage>> {
    return data(
      this.http.GET("/api/proc/packages/", { params: { query }, ...this.request(options) }),
    );
  }

  iteratePackages(
    query: QueryOf<"listSystemPackages">,
    options: IterateOptions & RequestOptions = {},
  ): AsyncGenerator<SystemPackage> {
    return iteratePages((page) => this.packages(page, options), query, options);
  }

  /** Network interfaces with their addresses: `listNetworkInterfaces`. */
  interfaces(
    query: QueryOf<"listNetworkInterfaces">,
    options?: RequestOptions,
  ): Promise<Page<NetworkInterface>> {
    return data(
      this.http.GET("/api/proc/interfaces/", { params: { query }, ...this.request(options) }),
    );
  }

  /** Block devices: `listDisks`. */
  disks(query: QueryOf<"listDisks">, options?: RequestOptions): Promise<Page<Disk>> {
    return data(this.http.GET("/api/proc/disks/", { params: { query }, ...this.request(options) }));
  }

  /** Partitions and their mount points: `listPartitions`. */
  partitions(query: QueryOf<"listPartitions">, options?: RequestOptions): Promise<Page<Partition>> {
    return data(
      this.http.GET("/api/proc/partitions/", { params: { query }, ...this.request(options) }),
    );
  }

  /** Clock, time zone and boot time: `listSystemTimes` (a lone row as a page of one). */
  async time(
    query: QueryOf<"listSystemTimes">,
    options?: RequestOptions,
  ): Promise<Page<SystemTime>> {
    return pageOf(
      await data(this.http.GET("/api/proc/time/", { params: { query }, ...this.request(options) })),
    );
  }

  /** Disks and partitions together (two list calls in parallel, 100 of each at most). */
  async diskInfo(
    query: { server: string },
    options?: RequestOptions,
  ): Promise<{ disks: Disk[]; partitions: Partition[] }> {
    const [disks, partitions] = await Promise.all([
      this.disks({ server: query.server, page_size: 100 }, options),
      this.partitions({ server: query.server, page_size: 100 }, options),
    ]);
    return { disks: disks.results, partitions: partitions.results };
  }
}
