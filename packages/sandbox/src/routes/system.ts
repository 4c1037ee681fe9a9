import type { ServerDetails } from "../data/system.js";
import type { App, RequestContext } from "../http/app.js";
import { notFound } from "../http/errors.js";
import { type ListSpec, queryList } from "../http/list.js";
import { paginate } from "../http/pagination.js";
import { iso, type ServerRecord } from "../state/model.js";
import { applyChanges } from "../state/packages.js";
import { requiredServerParam } from "./common.js";

/**
 * `/api/proc/*`: what the agent committed about one server, as page envelopes. A server that
 * was never commissioned has committed nothing, so its lists are empty.
 */
function proc<T>(
  app: App,
  path: string,
  rows: (server: ServerRecord, details: ServerDetails, ctx: RequestContext) => T[],
  spec: ListSpec<T> = {},
  oneRow = false,
): void {
  app.route(path, {
    GET: (ctx) => {
      const server = requiredServerParam(ctx);
      const all = server.commissioned ? rows(server, ctx.ws.serverDetails(server), ctx) : [];
      // The `object` variant answers a one-row endpoint with the row itself (the reference
      // MCP's fixtures); a server with nothing committed then has no such object.
      if (oneRow && ctx.ws.variants.systemRows === "object") {
        if (all[0] === undefined) throw notFound();
        return { status: 200, body: all[0] };
      }
      return { status: 200, body: paginate(queryList(all, ctx.query, spec), ctx.query) };
    },
  });
}

const lower = (...parts: unknown[]): string => parts.join(" ").toLowerCase();

export function registerSystem(app: App): void {
  proc(
    app,
    "/api/proc/info/",
    (s, d) => [
      {
        id: s.id,
        uuid: d.hardware.uuid,
        cpu_type: s.cpuType,
        cpu_subtype: d.hardware.cpuSubtype,
        cpu_brand: d.hardware.cpuBrand,
        cpu_physical_cores: s.cpuPhysicalCores,
        cpu_logical_cores: s.cpuLogicalCores,
        physical_memory: s.physicalMemory,
        hardware_vendor: d.hardware.vendor,
        hardware_model: d.hardware.model,
        hardware_version: d.hardware.version,
        hardware_serial: d.hardware.serial,
        computer_name: d.hostname,
        hostname: d.hostname,
        local_hostname: d.hostname,
        added_at: iso(s.startedAt),
      },
    ],
    {},
    true,
  );

  proc(
    app,
    "/api/proc/os/",
    (s) => {
      const [major, minor, patch] = s.osVersion.version
        .split(".")
        .map((p) => Number.parseInt(p, 10));
      return [
        {
          id: s.id,
          name: s.os.name,
          version: s.osVersion.build,
          major: Number.isFinite(major) ? (major as number) : null,
          minor: Number.isFinite(minor) ? (minor as number) : null,
          patch: Number.isFinite(patch) ? (patch as number) : null,
          build: s.os.family === "windows" ? s.osVersion.build : "",
          platform: s.os.platform,
          platform_like: s.os.platformLike,
          added_at: iso(s.startedAt),
        },
      ];
    },
    {},
    true,
  );

  type UserRow = ServerDetails["users"][number];
  proc(
    app,
    "/api/proc/users/",
    (_s, d) =>
      d.users.map((u) => ({
        id: u.id,
        uid: u.uid,
        gid: u.gid,
        username: u.username,
        description: u.description,
        directory: u.directory,
        shell: u.shell,
        group: u.group,
        iam_user: u.iam_user,
        iam_group: u.iam_group,
        shadow_expire_date: null,
        login_enabled: u.login_enabled,
      })),
    {
      filters: {
        login_enabled: {
          kind: "bool",
          get: (u: Pick<UserRow, "login_enabled">) => u.login_enabled,
        },
      },
      search: (u) => lower(u.uid, u.gid, u.username, u.description, u.directory, u.shell, u.group),
      ordering: { uid: (u) => u.uid, username: (u) => u.username },
      defaultOrdering: ["uid"],
    },
  );

  proc(
    app,
    "/api/proc/groups/",
    (s, d) =>
      d.groups.map((g) => ({
        id: g.id,
        gid: g.gid,
        groupname: g.groupname,
        iam_group: g.iam_group,
        added_at: iso(s.startedAt),
      })),
    {
      search: (g) => lower(g.gid, g.groupname),
      ordering: { gid: (g) => g.gid, groupname: (g) => g.groupname },
      defaultOrdering: ["gid"],
    },
  );

  proc(
    app,
    "/api/proc/packages/",
    (s, d, ctx) =>
      applyChanges(d.packages, ctx.ws.packages.changesOf(s.id)).map((p) => ({
        id: p.id,
        name: p.name,
        version: p.version,
        source: p.source,
        arch: p.arch,
        added_at: iso(s.startedAt),
      })),
    {
      filters: {
        name: { kind: "exact", get: (p) => p.name },
        arch: { kind: "exact", get: (p) => p.arch },
      },
      search: (p) => lower(p.name, p.version, p.source, p.arch),
      ordering: { name: (p) => p.name, version: (p) => p.version },
      defaultOrdering: ["name"],
    },
  );

  proc(app, "/api/proc/interfaces/", (_s, d) =>
    d.interfaces.map((n) => ({ ...n, addresses: n.addresses.map((a) => ({ ...a })) })),
  );

  proc(app, "/api/proc/disks/", (_s, d) =>
    d.disks.map((k) => ({
      id: k.id,
      name: k.name,
      serial_number: k.serial_number,
      label: k.label,
    })),
  );

  proc(app, "/api/proc/partitions/", (_s, d) =>
    d.partitions.map((p) => ({
      id: p.id,
      name: p.name,
      mount_points: p.mount_points,
      disk_name: p.disk_name,
      fs_type: p.fs_type,
      is_virtual: p.is_virtual,
    })),
  );

  proc(
    app,
    "/api/proc/time/",
    (s, d, ctx) => {
      const now = s.isConnected ? ctx.ws.now() : s.lastConnectivity;
      return [
        {
          datetime: iso(now),
          timezone: d.timezone,
          boot_time: iso(s.bootTime),
          uptime: Math.floor((now - s.bootTime) / 1000),
          added_at: iso(now),
        },
      ];
    },
    {},
    true,
  );
}
