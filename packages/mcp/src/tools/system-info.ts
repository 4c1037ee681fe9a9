import * as z from "zod";
import { failureReason } from "../server/errors.js";
import { bytes, duration, listLines } from "../server/format.js";
import { defineTool, listTool, serverId } from "./define.js";

// The /api/proc/ endpoints are lists filtered by server; facts that exist once per server
// (system info, OS version) are the first row, absent until the agent has reported them.

const NOT_FOUND = "Check the server id with servers_list";
const NOT_REPORTED = "the agent has not reported it yet";

const hardware = z
  .looseObject({
    cpu_brand: z.string(),
    cpu_type: z.string(),
    cpu_physical_cores: z.int(),
    cpu_logical_cores: z.int(),
    physical_memory: z.int().describe("Bytes."),
    hostname: z.string(),
  })
  .nullable()
  .describe(`Null when ${NOT_REPORTED}.`);

const osVersion = z
  .looseObject({ name: z.string(), version: z.string(), platform: z.string() })
  .nullable()
  .describe(`Null when ${NOT_REPORTED}.`);

const clock = z
  .looseObject({ timezone: z.string(), boot_time: z.string() })
  .nullable()
  .describe(`Null when ${NOT_REPORTED}.`);

const networkInterface = z.looseObject({
  name: z.string(),
  is_up: z.boolean(),
  is_running: z.boolean(),
  is_loopback: z.boolean(),
  addresses: z.array(z.looseObject({ address: z.string() })).optional(),
});

export const getSystemInfo = defineTool({
  name: "get_system_info",
  searchHint: "system hardware cpu cores ram architecture specs",
  toolset: "system-info",
  title: "Get hardware and host information",
  description: "A server's hardware from its agent (CPU, memory, model, serial) and hostname.",
  sdk: (c) => c.system.info,
  operation: "GET",
  input: { server: serverId },
  output: { server: z.string(), info: hardware },
  notFound: NOT_FOUND,
  run: async (args, { sdk }) => ({ ...args, info: (await sdk(args)).results[0] ?? null }),
  summary: ({ server, info }) =>
    info
      ? `${info.hostname}: ${info.cpu_brand}, ${info.cpu_physical_cores} cores / ${info.cpu_logical_cores} threads, ${bytes(info.physical_memory)} memory.`
      : `No hardware information for ${server}: ${NOT_REPORTED}.`,
});

export const getOsVersion = defineTool({
  name: "get_os_version",
  searchHint: "os operating system version kernel distribution",
  toolset: "system-info",
  title: "Get the OS version",
  description:
    "A server's OS name, version and platform. Check it before OS-specific commands or advice.",
  sdk: (c) => c.system.osVersion,
  operation: "GET",
  input: { server: serverId },
  output: { server: z.string(), os: osVersion },
  notFound: NOT_FOUND,
  run: async (args, { sdk }) => ({ ...args, os: (await sdk(args)).results[0] ?? null }),
  summary: ({ server, os }) =>
    os
      ? `${os.name} ${os.version} (platform ${os.platform}).`
      : `No OS information for ${server}: ${NOT_REPORTED}.`,
});

const systemUser = z.looseObject({
  username: z.string(),
  uid: z.int(),
  gid: z.int(),
  directory: z.string(),
  shell: z.string(),
});

export const listSystemUsers = listTool({
  name: "list_system_users",
  searchHint: "system users accounts passwd uid",
  toolset: "system-info",
  title: "List local users",
  description: "A server's local accounts (uid, gid, home, shell, IAM user): who can log in.",
  sdk: (c) => c.system.users,
  input: {
    server: serverId,
    search: z.string().min(1).max(200).optional().describe("Text in usernames."),
    loginEnabledOnly: z.boolean().default(false).describe("Hide nologin accounts."),
  },
  pageSize: 50,
  query: ({ loginEnabledOnly, ...args }) => ({
    ...args,
    login_enabled: loginEnabledOnly || undefined,
  }),
  rows: "users",
  row: systemUser,
  echoServer: true,
  noun: "local users",
  line: (user) => `${user.username} (uid ${user.uid}, ${user.shell})`,
  notFound: NOT_FOUND,
});

export const listSystemGroups = listTool({
  name: "list_system_groups",
  searchHint: "system groups gid members",
  toolset: "system-info",
  title: "List local groups",
  description: "A server's local groups, with gid and IAM group.",
  sdk: (c) => c.system.groups,
  input: {
    server: serverId,
    search: z.string().min(1).max(200).optional().describe("Text in group names."),
  },
  pageSize: 50,
  rows: "groups",
  row: z.looseObject({ groupname: z.string(), gid: z.int() }),
  echoServer: true,
  noun: "local groups",
  line: (group) => `${group.groupname} (gid ${group.gid})`,
  notFound: NOT_FOUND,
});

export const listSystemPackages = listTool({
  name: "list_system_packages",
  searchHint: "system packages installed software rpm deb",
  toolset: "system-info",
  title: "List installed packages",
  description: "Packages installed on a server, with version and architecture.",
  sdk: (c) => c.system.packages,
  input: {
    server: serverId,
    name: z.string().min(1).max(200).optional().describe("Exact name, e.g. openssl."),
    search: z.string().min(1).max(200).optional().describe("Text in names."),
    arch: z.string().min(1).max(32).optional().describe("Architecture, e.g. amd64."),
  },
  pageSize: 50,
  rows: "packages",
  row: z.looseObject({ name: z.string(), version: z.string(), arch: z.string() }),
  echoServer: true,
  line: (item) => `${item.name} ${item.version} (${item.arch})`,
  notFound: NOT_FOUND,
});

export const getNetworkInterfaces = defineTool({
  name: "get_network_interfaces",
  searchHint: "network interfaces ip mac address mtu",
  toolset: "system-info",
  title: "Get network interfaces",
  description: "A server's network interfaces and their IP addresses.",
  sdk: (c) => c.system.interfaces,
  operation: "GET",
  input: { server: serverId },
  output: { server: z.string(), count: z.int(), interfaces: z.array(networkInterface) },
  notFound: NOT_FOUND,
  async run(args, { sdk }) {
    const result = await sdk({ ...args, page_size: 100 });
    return { ...args, count: result.count, interfaces: result.results };
  },
  summary: (result) =>
    `${result.count} network interfaces${result.count > result.interfaces.length ? ` (first ${result.interfaces.length} shown)` : ""}:` +
    listLines(
      result.interfaces,
      (item) =>
        `${item.name}: ${item.is_up ? "up" : "down"}${item.is_loopback ? ", loopback" : ""}${item.addresses?.length ? `, ${item.addresses.map((a) => a.address).join(", ")}` : ""}`,
    ),
});

const disk = z.looseObject({ name: z.string() });
const partition = z.looseObject({
  name: z.string(),
  mount_points: z.array(z.string()),
  fs_type: z.string().nullable().optional(),
});

export const getDiskInfo = defineTool({
  name: "get_disk_info",
  searchHint: "disk partition mount filesystem storage layout",
  toolset: "system-info",
  title: "Get disks and partitions",
  description: "A server's disks and partitions (mount points, file systems): its storage layout.",
  sdk: (c) => c.system.diskInfo,
  operation: "GET",
  input: { server: serverId },
  output: { server: z.string(), disks: z.array(disk), partitions: z.array(partition) },
  notFound: NOT_FOUND,
  run: async (args, { sdk }) => ({ ...args, ...(await sdk(args)) }),
  summary: (result) =>
    `${result.disks.length} disks (${result.disks.map((item) => item.name).join(", ") || "none"}), ${result.partitions.length} partitions:` +
    listLines(
      result.partitions,
      (item) =>
        `${item.name} on ${item.mount_points.join(", ") || "(not mounted)"}${item.fs_type ? ` (${item.fs_type})` : ""}`,
    ),
});

export const getSystemTime = defineTool({
  name: "get_system_time",
  searchHint: "time timezone uptime clock ntp",
  toolset: "system-info",
  title: "Get the system time",
  description: "A server's clock, time zone, boot time and uptime: clock skew, recent reboots.",
  sdk: (c) => c.system.time,
  operation: "GET",
  input: { server: serverId },
  output: { server: z.string(), time: clock },
  notFound: NOT_FOUND,
  run: async (args, { sdk }) => ({ ...args, time: (await sdk(args)).results[0] ?? null }),
  summary: ({ server, time }) =>
    time
      ? `Time zone ${time.timezone}, booted ${time.boot_time}${typeof time.datetime === "string" ? `, clock ${time.datetime}` : ""}${typeof time.uptime === "number" ? `, up ${duration(time.uptime)}` : ""}.`
      : `No time information for ${server}: ${NOT_REPORTED}.`,
});

const OVERVIEW_PARTS = ["hardware", "os", "time", "interfaces", "storage"] as const;

export const getServerOverview = defineTool({
  name: "get_server_overview",
  searchHint: "server overview comprehensive system info hardware os all",
  alwaysLoad: true,
  toolset: "system-info",
  title: "Get a server's overview",
  description:
    "A server's hardware, OS, clock and uptime, network interfaces and disks in one call: the five system tools at once. A part the agent has not reported is null.",
  sdk: [
    (c) => c.system.info,
    (c) => c.system.osVersion,
    (c) => c.system.time,
    (c) => c.system.interfaces,
    (c) => c.system.diskInfo,
  ],
  operation: "GET",
  input: { server: serverId },
  output: {
    server: z.string(),
    hardware,
    os: osVersion,
    time: clock,
    interfaces: z.array(networkInterface).nullable(),
    disks: z.array(disk).nullable(),
    partitions: z.array(partition).nullable(),
    unavailable: z
      .partialRecord(z.enum(OVERVIEW_PARTS), z.string())
      .describe("Parts that failed, and why; the others are still given."),
  },
  notFound: NOT_FOUND,
  async run(args, { call, target }) {
    const settled = await Promise.allSettled([
      call((c) => c.system.info)(args).then((page) => page.results[0] ?? null),
      call((c) => c.system.osVersion)(args).then((page) => page.results[0] ?? null),
      call((c) => c.system.time)(args).then((page) => page.results[0] ?? null),
      call((c) => c.system.interfaces)({ ...args, page_size: 100 }).then((page) => page.results),
      call((c) => c.system.diskInfo)(args),
    ]);
    const failed = settled.filter((part) => part.status === "rejected");
    // Nothing to show (an unknown server, a refused token): the first failure is the answer.
    if (failed.length === settled.length) throw failed[0]!.reason;
    const value = <T>(part: PromiseSettledResult<T>) =>
      part.status === "fulfilled" ? part.value : null;
    const [hardwarePart, osPart, timePart, interfacesPart, storagePart] = settled;
    const unavailable: Partial<Record<(typeof OVERVIEW_PARTS)[number], string>> = {};
    settled.forEach((part, index) => {
      if (part.status === "rejected") {
        unavailable[OVERVIEW_PARTS[index]!] = failureReason(part.reason, {
          tool: "get_server_overview",
          workspace: target?.workspace,
          server: args.server,
        });
      }
    });
    const storage = value(storagePart);
    return {
      server: args.server,
      hardware: value(hardwarePart),
      os: value(osPart),
      time: value(timePart),
      interfaces: value(interfacesPart),
      disks: storage?.disks ?? null,
      partitions: storage?.partitions ?? null,
      unavailable,
    };
  },
  summary: (result, args, context) =>
    [
      getSystemInfo.summary({ server: result.server, info: result.hardware }, args, context),
      getOsVersion.summary({ server: result.server, os: result.os }, args, context),
      getSystemTime.summary({ server: result.server, time: result.time }, args, context),
      result.interfaces &&
        getNetworkInterfaces.summary(
          { count: result.interfaces.length, interfaces: result.interfaces },
          args,
          context,
        ),
      result.disks &&
        getDiskInfo.summary({ disks: result.disks, partitions: result.partitions }, args, context),
      ...Object.entries(result.unavailable).map(([part, why]) => `No ${part}: ${why}.`),
    ]
      .filter(Boolean)
      .join("\n"),
});

export const systemTools = [
  getSystemInfo,
  getOsVersion,
  listSystemUsers,
  listSystemGroups,
  listSystemPackages,
  getNetworkInterfaces,
  getDiskInfo,
  getSystemTime,
  getServerOverview,
];
