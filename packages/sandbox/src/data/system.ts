import type { IamGroup, IamUser, ServerRecord } from "../state/model.js";
import { type PackageRow, packagesFor } from "./packages.js";
import { hashSeed, Rng } from "./rng.js";

export interface SystemUser {
  id: string;
  uid: number;
  gid: number;
  username: string;
  description: string;
  directory: string;
  shell: string;
  group: string;
  iam_user: string | null;
  iam_group: string | null;
  login_enabled: boolean;
}

export interface SystemGroup {
  id: string;
  gid: number;
  groupname: string;
  iam_group: string | null;
  members: string[];
}

export interface NetworkInterface {
  id: string;
  name: string;
  mac: string;
  type: number;
  flags: number;
  mtu: number;
  link_speed: number;
  addresses: { address: string; mask: string; broadcast: string }[];
  is_up: boolean;
  is_running: boolean;
  is_loopback: boolean;
  is_p2p: boolean;
}

export interface Disk {
  id: string;
  name: string;
  serial_number: string;
  label: string;
  size: number;
}

export interface Partition {
  id: string;
  name: string;
  mount_points: string[];
  disk_name: string;
  fs_type: string;
  is_virtual: boolean;
  size: number;
}

/** Everything `/api/proc/*` shows for one server; built lazily, once, per server. */
export interface ServerDetails {
  hostname: string;
  hardware: {
    vendor: string;
    model: string;
    version: string;
    serial: string;
    cpuBrand: string;
    cpuSubtype: string;
    uuid: string;
  };
  users: SystemUser[];
  groups: SystemGroup[];
  packages: (PackageRow & { id: string })[];
  interfaces: NetworkInterface[];
  disks: Disk[];
  partitions: Partition[];
  timezone: string;
}

const GiB = 1024 ** 3;

// [username, uid, gid, home, shell, description] for the users every image ships.
const DEB_SYSTEM_USERS: [string, number, number, string, string, string][] = [
  ["root", 0, 0, "/root", "/bin/bash", "root"],
  ["daemon", 1, 1, "/usr/sbin", "/usr/sbin/nologin", "daemon"],
  ["bin", 2, 2, "/bin", "/usr/sbin/nologin", "bin"],
  ["sys", 3, 3, "/dev", "/usr/sbin/nologin", "sys"],
  ["sync", 4, 65534, "/bin", "/bin/sync", "sync"],
  ["games", 5, 60, "/usr/games", "/usr/sbin/nologin", "games"],
  ["man", 6, 12, "/var/cache/man", "/usr/sbin/nologin", "man"],
  ["lp", 7, 7, "/var/spool/lpd", "/usr/sbin/nologin", "lp"],
  ["mail", 8, 8, "/var/mail", "/usr/sbin/nologin", "mail"],
  ["news", 9, 9, "/var/spool/news", "/usr/sbin/nologin", "news"],
  ["proxy", 13, 13, "/bin", "/usr/sbin/nologin", "proxy"],
  ["www-data", 33, 33, "/var/www", "/usr/sbin/nologin", "www-data"],
  ["backup", 34, 34, "/var/backups", "/usr/sbin/nologin", "backup"],
  ["nobody", 65534, 65534, "/nonexistent", "/usr/sbin/nologin", "nobody"],
  ["systemd-network", 998, 998, "/", "/usr/sbin/nologin", "systemd Network Management"],
  ["systemd-resolve", 996, 996, "/", "/usr/sbin/nologin", "systemd Resolver"],
  ["messagebus", 100, 102, "/nonexistent", "/usr/sbin/nologin", ""],
  ["sshd", 105, 65534, "/run/sshd", "/usr/sbin/nologin", ""],
  ["_apt", 42, 65534, "/nonexistent", "/usr/sbin/nologin", ""],
];

const RPM_SYSTEM_USERS: [string, number, number, string, string, string][] = [
  ["root", 0, 0, "/root", "/bin/bash", "root"],
  ["bin", 1, 1, "/bin", "/sbin/nologin", "bin"],
  ["daemon", 2, 2, "/sbin", "/sbin/nologin", "daemon"],
  ["adm", 3, 4, "/var/adm", "/sbin/nologin", "adm"],
  ["lp", 4, 7, "/var/spool/lpd", "/sbin/nologin", "lp"],
  ["sync", 5, 0, "/sbin", "/bin/sync", "sync"],
  ["shutdown", 6, 0, "/sbin", "/sbin/shutdown", "shutdown"],
  ["halt", 7, 0, "/sbin", "/sbin/halt", "halt"],
  ["mail", 8, 12, "/var/spool/mail", "/sbin/nologin", "mail"],
  ["operator", 11, 0, "/root", "/sbin/nologin", "operator"],
  ["games", 12, 100, "/usr/games", "/sbin/nologin", "games"],
  ["ftp", 14, 50, "/var/ftp", "/sbin/nologin", "FTP User"],
  ["nobody", 65534, 65534, "/", "/sbin/nologin", "Kernel Overflow User"],
  ["dbus", 81, 81, "/", "/sbin/nologin", "System message bus"],
  ["systemd-coredump", 999, 997, "/", "/sbin/nologin", "systemd Core Dumper"],
  ["polkitd", 998, 996, "/", "/sbin/nologin", "User for polkitd"],
  ["sshd", 74, 74, "/usr/share/empty.sshd", "/sbin/nologin", "Privilege-separated SSH"],
  ["chrony", 997, 995, "/var/lib/chrony", "/sbin/nologin", ""],
];

const WINDOWS_USERS: [string, number, number, string, string, string][] = [
  [
    "Administrator",
    500,
    513,
    "C:\\Users\\Administrator",
    "",
    "Built-in account for administering the computer/domain",
  ],
  ["Guest", 501, 514, "", "", "Built-in account for guest access to the computer/domain"],
  ["DefaultAccount", 503, 513, "", "", "A user account managed by the system."],
  [
    "WDAGUtilityAccount",
    504,
    513,
    "",
    "",
    "A user account managed and used by the system for Windows Defender Application Guard scenarios.",
  ],
];

/** Service accounts a role adds: [username, uid, home]. */
const SERVICE_USERS: Record<string, [string, number, string][]> = {
  postgresql: [["postgres", 113, "/var/lib/postgresql"]],
  mysql: [["mysql", 114, "/nonexistent"]],
  redis: [["redis", 115, "/var/lib/redis"]],
  rabbitmq: [["rabbitmq", 116, "/var/lib/rabbitmq"]],
  docker: [],
  nginx: [],
  haproxy: [["haproxy", 117, "/var/lib/haproxy"]],
  prometheus: [["prometheus", 118, "/var/lib/prometheus"]],
  grafana: [["grafana", 119, "/usr/share/grafana"]],
  jenkins: [["jenkins", 120, "/var/lib/jenkins"]],
  elasticsearch: [["elasticsearch", 121, "/usr/share/elasticsearch"]],
};

const TIMEZONES: Record<string, string[]> = {
  ap1: ["Asia/Seoul", "Asia/Seoul", "UTC", "Asia/Tokyo"],
  us1: ["UTC", "America/Los_Angeles", "America/New_York"],
  eu1: ["UTC", "Europe/Berlin", "Europe/London"],
};

function mac(rng: Rng): string {
  const parts = ["02"];
  for (let i = 0; i < 5; i++) parts.push(rng.hex(2));
  return parts.join(":");
}

export function buildServerDetails(
  seed: number,
  region: string,
  server: ServerRecord,
  iamUsers: readonly IamUser[],
  iamGroups: readonly IamGroup[],
  membersOf: (groupId: string) => readonly string[],
): ServerDetails {
  const rng = new Rng(hashSeed(seed, "server-details", server.index));
  const family = server.os.family;
  const hostname = server.name;
  const nologin = family === "rpm" ? "/sbin/nologin" : "/usr/sbin/nologin";

  const users: SystemUser[] = [];
  const groups: SystemGroup[] = [];
  const base =
    family === "deb" ? DEB_SYSTEM_USERS : family === "rpm" ? RPM_SYSTEM_USERS : WINDOWS_USERS;
  for (const [username, uid, gid, home, shell, description] of base) {
    users.push({
      id: rng.uuid(),
      uid,
      gid,
      username,
      description,
      directory: home,
      shell,
      group: username,
      iam_user: null,
      iam_group: null,
      login_enabled: shell !== "" && !shell.endsWith("nologin") && !shell.endsWith("false"),
    });
  }
  if (family !== "windows") {
    for (const service of server.role.services) {
      for (const [username, uid, home] of SERVICE_USERS[service] ?? []) {
        users.push({
          id: rng.uuid(),
          uid,
          gid: uid,
          username,
          description: `${service} service`,
          directory: home,
          shell: service === "postgresql" ? "/bin/bash" : nologin,
          group: username,
          iam_user: null,
          iam_group: null,
          login_enabled: service === "postgresql",
        });
      }
    }
    const cloudUser = server.os.defaultUser;
    users.push({
      id: rng.uuid(),
      uid: 1000,
      gid: 1000,
      username: cloudUser,
      description:
        family === "deb" ? `${cloudUser[0]?.toUpperCase()}${cloudUser.slice(1)}` : "Cloud User",
      directory: `/home/${cloudUser}`,
      shell: "/bin/bash",
      group: cloudUser,
      iam_user: null,
      iam_group: null,
      login_enabled: true,
    });
  }

  // Alpacon provisions a system account for every IAM member of the server's groups.
  const serverGroups = iamGroups.filter((g) => server.groupIds.includes(g.id));
  const iamMemberIds = new Set<string>();
  for (const g of serverGroups) for (const uid of membersOf(g.id)) iamMemberIds.add(uid);
  const primaryGroup = iamGroups[0];
  for (const user of iamUsers) {
    if (!iamMemberIds.has(user.id) || !user.is_active) continue;
    users.push({
      id: rng.uuid(),
      uid: user.uid,
      gid: primaryGroup?.gid ?? 2001,
      username: family === "windows" ? user.username : user.username,
      description: `${user.first_name} ${user.last_name}`.trim(),
      directory: family === "windows" ? `C:\\Users\\${user.username}` : user.home_directory,
      shell: family === "windows" ? "" : user.shell,
      group: primaryGroup?.name ?? "alpacon",
      iam_user: user.id,
      iam_group: null,
      login_enabled: true,
    });
  }

  for (const u of users) {
    if (u.iam_user !== null || family === "windows") continue;
    if (groups.some((g) => g.gid === u.gid)) continue;
    groups.push({ id: rng.uuid(), gid: u.gid, groupname: u.group, iam_group: null, members: [] });
  }
  if (family !== "windows") {
    // Alpacon's accounts read the system logs (journalctl, /var/log) as operators expect: in
    // the log readers' group, not in sudo's, which stays the image's own login user's.
    const iamAccounts = users.filter((u) => u.iam_user !== null).map((u) => u.username);
    const extra: [string, number, string[]][] =
      family === "deb"
        ? [
            ["sudo", 27, [server.os.defaultUser]],
            ["adm", 4, [server.os.defaultUser, ...iamAccounts]],
            ["docker", 999, [server.os.defaultUser]],
          ]
        : [
            ["wheel", 10, [server.os.defaultUser]],
            ["systemd-journal", 190, [server.os.defaultUser, ...iamAccounts]],
            ["docker", 989, [server.os.defaultUser]],
          ];
    for (const [name, gid, members] of extra) {
      if (name === "docker" && !server.role.services.includes("docker")) continue;
      // Its own generator: the group came later, and every id drawn after it must not change.
      const id =
        name === "systemd-journal"
          ? new Rng(hashSeed(seed, "journal-group", server.index)).uuid()
          : rng.uuid();
      groups.push({ id, gid, groupname: name, iam_group: null, members });
    }
  } else {
    for (const [name, gid] of [
      ["Administrators", 544],
      ["Users", 545],
      ["Remote Desktop Users", 555],
    ] as const) {
      groups.push({
        id: rng.uuid(),
        gid,
        groupname: name,
        iam_group: null,
        members: ["Administrator"],
      });
    }
  }
  for (const g of serverGroups) {
    groups.push({
      id: rng.uuid(),
      gid: g.gid,
      groupname: g.name,
      iam_group: g.id,
      members: users
        .filter((u) => u.iam_user !== null && membersOf(g.id).includes(u.iam_user))
        .map((u) => u.username),
    });
  }
  groups.sort((a, b) => a.gid - b.gid);

  const packages = packagesFor(
    server.os,
    server.osVersion.version,
    server.role.services,
    server.cpuType,
  ).map((p) => ({ ...p, id: rng.uuid() }));

  const nic =
    family === "windows"
      ? "Ethernet"
      : family === "deb" && server.os.id === "ubuntu"
        ? "ens5"
        : "eth0";
  const [a, b, c] = server.privateIp.split(".");
  const interfaces: NetworkInterface[] = [
    {
      id: rng.uuid(),
      name: family === "windows" ? "Loopback Pseudo-Interface 1" : "lo",
      mac: "00:00:00:00:00:00",
      type: 772,
      flags: 1 | 8 | 64,
      mtu: 65536,
      link_speed: 0,
      addresses: [{ address: "127.0.0.1", mask: "255.0.0.0", broadcast: "" }],
      is_up: true,
      is_running: true,
      is_loopback: true,
      is_p2p: false,
    },
    {
      id: rng.uuid(),
      name: nic,
      mac: mac(rng),
      type: 1,
      flags: server.isConnected ? 1 | 2 | 64 | 4096 : 1 | 2 | 4096,
      mtu: 9001,
      link_speed: rng.pick([10000, 25000]),
      addresses: [
        { address: server.privateIp, mask: "255.255.255.0", broadcast: `${a}.${b}.${c}.255` },
      ],
      is_up: true,
      is_running: server.isConnected,
      is_loopback: false,
      is_p2p: false,
    },
  ];
  if (server.role.services.includes("docker")) {
    interfaces.push({
      id: rng.uuid(),
      name: "docker0",
      mac: mac(rng),
      type: 1,
      flags: 1 | 2 | 4096,
      mtu: 1500,
      link_speed: 0,
      addresses: [{ address: "172.17.0.1", mask: "255.255.0.0", broadcast: "172.17.255.255" }],
      is_up: true,
      is_running: false,
      is_loopback: false,
      is_p2p: false,
    });
  }

  const disks: Disk[] = [];
  const partitions: Partition[] = [];
  const rootSize = rng.pick([8, 20, 30, 50, 100]) * GiB;
  if (family === "windows") {
    disks.push({
      id: rng.uuid(),
      name: "\\\\.\\PHYSICALDRIVE0",
      serial_number: `vol${rng.hex(17)}`,
      label: "",
      size: rootSize,
    });
    partitions.push({
      id: rng.uuid(),
      name: "C:",
      mount_points: ["C:\\"],
      disk_name: "\\\\.\\PHYSICALDRIVE0",
      fs_type: "NTFS",
      is_virtual: false,
      size: rootSize,
    });
  } else {
    const nvme = rng.chance(0.7);
    const root = nvme ? "/dev/nvme0n1" : "/dev/xvda";
    const part = (n: number) => (nvme ? `${root}p${n}` : `${root}${n}`);
    disks.push({
      id: rng.uuid(),
      name: root,
      serial_number: nvme ? `vol${rng.hex(17)}` : "",
      label: "",
      size: rootSize,
    });
    partitions.push({
      id: rng.uuid(),
      name: part(1),
      mount_points: ["/"],
      disk_name: root,
      fs_type: family === "rpm" ? "xfs" : "ext4",
      is_virtual: false,
      size: rootSize - 106 * 1024 * 1024,
    });
    partitions.push({
      id: rng.uuid(),
      name: part(15),
      mount_points: ["/boot/efi"],
      disk_name: root,
      fs_type: "vfat",
      is_virtual: false,
      size: 106 * 1024 * 1024,
    });
    const dataHeavy = server.role.services.some((s) =>
      ["postgresql", "mysql", "elasticsearch", "nfs", "docker"].includes(s),
    );
    if (dataHeavy) {
      const dataDisk = nvme ? "/dev/nvme1n1" : "/dev/xvdb";
      const size = rng.pick([100, 200, 500, 1000]) * GiB;
      disks.push({
        id: rng.uuid(),
        name: dataDisk,
        serial_number: nvme ? `vol${rng.hex(17)}` : "",
        label: "data",
        size,
      });
      partitions.push({
        id: rng.uuid(),
        name: dataDisk,
        mount_points: ["/data"],
        disk_name: dataDisk,
        fs_type: "xfs",
        is_virtual: false,
        size,
      });
    }
  }

  return {
    hostname,
    hardware: {
      vendor: "Amazon EC2",
      model:
        server.cpuType === "aarch64"
          ? rng.pick(["m7g.large", "c7g.xlarge", "r7g.2xlarge"])
          : rng.pick(["m6i.large", "c6i.xlarge", "t3.medium", "r6i.2xlarge"]),
      version: "",
      serial: `ec2${rng.hex(29)}`,
      cpuBrand:
        server.cpuType === "aarch64"
          ? "Neoverse-V1"
          : rng.pick(["Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz", "AMD EPYC 7R13 Processor"]),
      cpuSubtype: server.cpuType === "aarch64" ? "ARMv8" : "106",
      uuid: `ec2${rng.hex(5)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(12)}`,
    },
    users,
    groups,
    packages,
    interfaces,
    disks,
    partitions,
    timezone: rng.pick(TIMEZONES[region] ?? ["UTC"]),
  };
}
