import type { IamGroup, IamUser, ServerRecord, StatusCode } from "../state/model.js";
import { OS_PROFILES, SERVER_ROLES } from "./os-profiles.js";
import type { Rng } from "./rng.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const GiB = 1024 ** 3;

const WARN_MESSAGES = [
  "Load average is higher than the number of cores.",
  "Disk usage of / exceeds 85%.",
  "A newer version of alpamon is available.",
  "Memory usage exceeds 90%.",
];
const ERROR_MESSAGES = ["Disk usage of / exceeds 95%.", "Too many failed login attempts."];
const AGENT_VERSIONS = ["1.4.2", "1.4.1", "1.3.9"];
const OSQUERY_VERSIONS = ["5.12.1", "5.11.0"];
const PUBLIC_NETS = ["203.0.113", "198.51.100", "192.0.2"];

/**
 * Generates `count` servers. Everything comes from `rng` in one pass so the same seed always
 * gives the same fleet; per-server details (users, packages…) are built later, on demand.
 */
export function generateServers(
  rng: Rng,
  count: number,
  users: readonly IamUser[],
  groups: readonly IamGroup[],
  now: number,
): ServerRecord[] {
  const counters = new Map<string, number>();
  const windowsRoles = SERVER_ROLES.filter((r) => r.windows);
  const linuxRoles = SERVER_ROLES.filter((r) => !r.windows);
  const linuxWeights = linuxRoles.map((r) => (r.prefix === "worker" || r.prefix === "web" ? 3 : 1));
  const osWeights = OS_PROFILES.map((p) => p.weight);
  const staffOwners = users.filter((u) => u.is_staff || u.is_active).slice(0, 12);
  const servers: ServerRecord[] = [];
  // Keep a few hot servers even in small fleets, so "top" endpoints have something to show.
  const hotEvery = count < 25 ? 6 : 25;

  for (let i = 0; i < count; i++) {
    const os = rng.weighted(OS_PROFILES, osWeights);
    const osVersion = rng.pick(os.versions);
    const role =
      os.family === "windows" ? rng.pick(windowsRoles) : rng.weighted(linuxRoles, linuxWeights);
    const n = (counters.get(role.prefix) ?? 0) + 1;
    counters.set(role.prefix, n);
    const name = `${role.prefix}-${n}`;

    const commissioned = !rng.chance(0.02);
    const isConnected = commissioned && !rng.chance(0.07);
    const hot = isConnected && i % hotEvery === 3;
    let statusCode: StatusCode = "ok";
    let statusMessages = ["Server is okay."];
    if (!isConnected) {
      statusCode = "error";
      statusMessages = [
        commissioned ? "Server is not connected." : "Server is not commissioned yet.",
      ];
    } else if (hot) {
      statusCode = "warn";
      statusMessages = ["CPU usage is higher than 80%."];
    } else if (rng.chance(0.1)) {
      statusCode = "warn";
      statusMessages = [rng.pick(WARN_MESSAGES)];
    } else if (rng.chance(0.03)) {
      statusCode = "error";
      statusMessages = [rng.pick(ERROR_MESSAGES)];
    }

    const arm = os.family !== "windows" && rng.chance(0.15);
    const physicalCores = rng.pick([1, 2, 2, 4, 4, 8, 16, 32]);
    const logicalCores = arm ? physicalCores : physicalCores * 2;
    const memoryGiB = rng.pick([2, 4, 8, 8, 16, 16, 32, 64, 128]);
    const addedAt = now - rng.int(30, 900) * DAY - rng.int(0, DAY);
    const startedAt = Math.max(addedAt, now - rng.int(1, 90 * 24) * HOUR);
    const lastConnectivity = isConnected ? now : now - rng.int(1, 20 * 24) * HOUR;
    const owner = rng.pick(staffOwners.length > 0 ? staffOwners : users);
    const groupCount = rng.weighted([1, 2, 3], [6, 3, 1]);
    const groupIds = [
      (groups[0] as IamGroup).id,
      ...rng.sample(groups.slice(1), groupCount - 1).map((g) => g.id),
    ];
    const baseLoad = hot ? 0.85 + rng.float() * 0.1 : 0.05 + rng.float() * 0.45;
    const load = isConnected ? Math.round(baseLoad * logicalCores * 100) / 100 : 0;
    const remoteIp = `${rng.pick(PUBLIC_NETS)}.${rng.int(1, 254)}`;
    const privateIp = `10.${Math.floor(i / 62_500) % 256}.${Math.floor(i / 250) % 250}.${(i % 250) + 4}`;
    const agentVersion = rng.pick(AGENT_VERSIONS);
    const id = rng.uuid();
    const groupNames = groups
      .filter((g) => groupIds.includes(g.id))
      .map((g) => g.name)
      .join(" ");

    servers.push({
      id,
      index: i,
      name,
      description: "",
      os,
      osVersion,
      role,
      remoteIp,
      privateIp,
      isConnected,
      commissioned,
      cpuPhysicalCores: physicalCores,
      cpuLogicalCores: logicalCores,
      cpuType: arm ? "aarch64" : "x86_64",
      physicalMemory: memoryGiB * GiB,
      load,
      statusCode,
      statusMessages,
      agentVersion,
      osqueryVersion: rng.pick(OSQUERY_VERSIONS),
      ownerId: owner.id,
      groupIds,
      bootTime: startedAt - rng.int(20, 300) * 1000,
      startedAt,
      addedAt,
      updatedAt: Math.max(startedAt, lastConnectivity - rng.int(0, HOUR)),
      lastConnectivity,
      hot,
      searchText: [
        id,
        name,
        remoteIp,
        agentVersion,
        owner.username,
        owner.first_name,
        owner.last_name,
        groupNames,
      ]
        .join(" ")
        .toLowerCase(),
    });
  }
  return servers;
}
