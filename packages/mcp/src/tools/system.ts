import * as z from "zod";
import { bytes, duration, listLines } from "../server/format.js";
import { defineTool, listTool, serverId } from "./define.js";

// The /api/proc/ endpoints are lists filtered by server; facts that exist once per server
// (system info, OS version) are the first row, absent until the agent has reported them.

const NOT_FOUND = "Check the server id with servers_list";
const NOT_REPORTED = "the agent has not reported it yet";

export const getSystemInfo = defineTool({
  name: "get_system_info",
  toolset: "system",
  title: "Get hardware and host information",
  description: "A server's hardware from its agent (CPU, memory, model, serial) and hostname.",
  sdk: (c) => c.system.info,
  operation: "GET",
  input: { server: serverId },
  output: {
    server: z.string(),
    info: z
      .looseObject({
        cpu_brand: z.string(),
        cpu_type: z.string(),
        cpu_physical_cores: z.int(),
        cpu_logical_cores: z.int(),
        physical_memory: z.int().describe("Bytes."),
        hostname: z.string(),
      })
      .nullable()
      .describe(`Null when ${NOT_REPORTED}.`),
  },
  notFound: NOT_FOUND,
  run: async (args, { sdk }) => ({ ...args, info: (await sdk(args)).results[0] ?? null }),
  summary: ({ server, info }) =>
    info
      ? `${info.hostname}: ${info.cpu_brand}, ${info.cpu_physical_cores} cores / ${info.cpu_logical_cores} threads, ${bytes(info.physical_memory)} memory.`
      : `No hardware information for ${server}: ${NOT_REPORTED}.`,
});

export const getOsVersion = defineTool({
  name: "get_os_version",
  toolset: "system",
  title: "Get the OS version",
  description:
    "A server's OS name, version and platform. Check it before OS-specific commands or advice.",
  sdk: (c) => c.system.osVersion,
  operation: "GET",
  input: { server: serverId },
  output: {
    server: z.string(),
    os: z
      .looseObject({ name: z.string(), version: z.string(), platform: z.string() })
      .nullable()
      .describe(`Null when ${NOT_REPORTED}.`),
  },
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
  toolset: "system",
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
  toolset: "system",
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
  toolset: "system",
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
  toolset: "system",
  title: "Get network interfaces",
  description: "A server's network interfaces and their IP addresses.",
  sdk: (c) => c.system.interfaces,
  operation: "GET",
  input: { server: serverId },
  output: {
    server: z.string(),
    count: z.int(),
    interfaces: z.array(
      z.looseObject({
        name: z.string(),
        is_up: z.boolean(),
        is_running: z.boolean(),
        is_loopback: z.boolean(),
        addresses: z.array(z.looseObject({ address: z.string() })).optional(),
      }),
    ),
  },
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
  toolset: "system",
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
  toolset: "system",
  title: "Get the system time",
  description: "A server's clock, time zone, boot time and uptime: clock skew, recent reboots.",
  sdk: (c) => c.system.time,
  operation: "GET",
  input: { server: serverId },
  output: {
    server: z.string(),
    time: z
      .looseObject({ timezone: z.string(), boot_time: z.string() })
      .nullable()
      .describe(`Null when ${NOT_REPORTED}.`),
  },
  notFound: NOT_FOUND,
  run: async (args, { sdk }) => ({ ...args, time: (await sdk(args)).results[0] ?? null }),
  summary: ({ server, time }) =>
    time
      ? `Time zone ${time.timezone}, booted ${time.boot_time}${typeof time.datetime === "string" ? `, clock ${time.datetime}` : ""}${typeof time.uptime === "number" ? `, up ${duration(time.uptime)}` : ""}.`
      : `No time information for ${server}: ${NOT_REPORTED}.`,
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
];
