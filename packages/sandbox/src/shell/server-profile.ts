/**
 * Everything the simulated shell knows about a server. Profiles are plain data so the sandbox
 * can seed many servers that answer differently (hostname, OS, users, services).
 *
 * Windows servers: the simulated shell only emulates Linux. A profile whose `os.family` is
 * "windows" still gets a filesystem, but every command line answers with a one-line error
 * (exit 1) instead of pretending to be cmd.exe or PowerShell; `exit` still ends the session.
 */

export type OsFamily = "debian" | "rhel" | "windows";

export interface OsInfo {
  family: OsFamily;
  /** `ID` in /etc/os-release, e.g. "ubuntu". */
  id: string;
  idLike?: string;
  /** `NAME`, e.g. "Ubuntu". */
  name: string;
  /** `VERSION`, e.g. "22.04.4 LTS (Jammy Jellyfish)". */
  version: string;
  /** `VERSION_ID`, e.g. "22.04". */
  versionId: string;
  /** `PRETTY_NAME`, e.g. "Ubuntu 22.04.4 LTS". */
  prettyName: string;
  versionCodename?: string;
  homeUrl?: string;
}

export interface KernelInfo {
  /** `uname -r`. */
  release: string;
  /** `uname -v`. */
  version: string;
  /** `uname -m`. */
  machine: string;
}

export interface SystemUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
  gecos?: string;
}

export interface SystemGroup {
  name: string;
  gid: number;
  members: readonly string[];
}

export interface DiskInfo {
  filesystem: string;
  type: string;
  mountpoint: string;
  sizeBytes: number;
  usedBytes: number;
}

export interface ServiceInfo {
  /** Unit name without ".service". */
  name: string;
  description: string;
  active: boolean;
  enabled: boolean;
  /** Main PID while active. */
  pid: number;
  /** Command line shown by `ps` and `systemctl status`. */
  command: string;
  /** User the service runs as. */
  user: string;
}

export interface ServerProfile {
  hostname: string;
  os: OsInfo;
  kernel: KernelInfo;
  users: readonly SystemUser[];
  groups: readonly SystemGroup[];
  /** The injected clock; every time-dependent output derives from it. */
  now: () => Date;
  bootTime: Date;
  cpuCount: number;
  memoryTotalBytes: number;
  memoryUsedBytes: number;
  disks: readonly DiskInfo[];
  services: readonly ServiceInfo[];
  loadAverage: readonly [number, number, number];
  ipAddress: string;
}

export const OS_PRESETS = {
  "ubuntu-22.04": {
    family: "debian",
    id: "ubuntu",
    idLike: "debian",
    name: "Ubuntu",
    version: "22.04.4 LTS (Jammy Jellyfish)",
    versionId: "22.04",
    prettyName: "Ubuntu 22.04.4 LTS",
    versionCodename: "jammy",
    homeUrl: "https://www.ubuntu.com/",
  },
  "ubuntu-24.04": {
    family: "debian",
    id: "ubuntu",
    idLike: "debian",
    name: "Ubuntu",
    version: "24.04.1 LTS (Noble Numbat)",
    versionId: "24.04",
    prettyName: "Ubuntu 24.04.1 LTS",
    versionCodename: "noble",
    homeUrl: "https://www.ubuntu.com/",
  },
  "debian-12": {
    family: "debian",
    id: "debian",
    name: "Debian GNU/Linux",
    version: "12 (bookworm)",
    versionId: "12",
    prettyName: "Debian GNU/Linux 12 (bookworm)",
    versionCodename: "bookworm",
    homeUrl: "https://www.debian.org/",
  },
  "rhel-9": {
    family: "rhel",
    id: "rhel",
    idLike: "fedora",
    name: "Red Hat Enterprise Linux",
    version: "9.4 (Plow)",
    versionId: "9.4",
    prettyName: "Red Hat Enterprise Linux 9.4 (Plow)",
    homeUrl: "https://www.redhat.com/",
  },
  "amazon-linux-2023": {
    family: "rhel",
    id: "amzn",
    idLike: "fedora",
    name: "Amazon Linux",
    version: "2023",
    versionId: "2023",
    prettyName: "Amazon Linux 2023.5.20240805",
    homeUrl: "https://aws.amazon.com/linux/amazon-linux-2023/",
  },
  "windows-server-2022": {
    family: "windows",
    id: "windows",
    name: "Microsoft Windows Server 2022 Datacenter",
    version: "10.0.20348",
    versionId: "10.0.20348",
    prettyName: "Microsoft Windows Server 2022 Datacenter",
  },
} as const satisfies Record<string, OsInfo>;

export type OsPresetName = keyof typeof OS_PRESETS;

const KERNELS: Record<OsPresetName, KernelInfo> = {
  "ubuntu-22.04": {
    release: "5.15.0-113-generic",
    version: "#123-Ubuntu SMP Mon Jun 10 08:16:17 UTC 2024",
    machine: "x86_64",
  },
  "ubuntu-24.04": {
    release: "6.8.0-45-generic",
    version: "#45-Ubuntu SMP PREEMPT_DYNAMIC Fri Aug 30 12:02:04 UTC 2024",
    machine: "x86_64",
  },
  "debian-12": {
    release: "6.1.0-25-amd64",
    version: "#1 SMP PREEMPT_DYNAMIC Debian 6.1.106-3 (2024-08-26)",
    machine: "x86_64",
  },
  "rhel-9": {
    release: "5.14.0-427.13.1.el9_4.x86_64",
    version: "#1 SMP PREEMPT_DYNAMIC Wed Apr 10 10:29:16 EDT 2024",
    machine: "x86_64",
  },
  "amazon-linux-2023": {
    release: "6.1.102-111.182.amzn2023.x86_64",
    version: "#1 SMP PREEMPT_DYNAMIC Tue Aug 6 18:55:25 UTC 2024",
    machine: "x86_64",
  },
  "windows-server-2022": { release: "10.0.20348", version: "", machine: "x86_64" },
};

/** The login user cloud images create for each distribution. */
const DEFAULT_LOGIN_USER: Readonly<Record<string, string>> = {
  ubuntu: "ubuntu",
  debian: "admin",
  rhel: "ec2-user",
  amzn: "ec2-user",
  windows: "Administrator",
};

export interface ServerProfileOptions {
  hostname: string;
  /** A preset name or a full OS description. Default "ubuntu-22.04". */
  os?: OsPresetName | OsInfo;
  kernel?: KernelInfo;
  /** Regular login users to add (uid from 1000). Default: the distribution's cloud user. */
  loginUsers?: readonly string[];
  now?: () => Date;
  /** Seconds since boot at `now()`. Default 3 days 4 h 5 min. */
  uptimeSeconds?: number;
  cpuCount?: number;
  memoryTotalBytes?: number;
  memoryUsedBytes?: number;
  disks?: readonly DiskInfo[];
  services?: readonly ServiceInfo[];
  loadAverage?: readonly [number, number, number];
  ipAddress?: string;
}

/** A fixed instant, so sandboxes without an injected clock still print stable output. */
export const DEFAULT_EPOCH = new Date("2024-09-02T09:30:00.000Z");

const GIB = 1024 ** 3;

/** Builds a complete profile from a few options; every default is deterministic. */
export function createServerProfile(options: ServerProfileOptions): ServerProfile {
  const presetName: OsPresetName | undefined =
    typeof options.os === "string"
      ? options.os
      : options.os === undefined
        ? "ubuntu-22.04"
        : undefined;
  const os: OsInfo =
    typeof options.os === "object" ? options.os : OS_PRESETS[presetName ?? "ubuntu-22.04"];
  const kernel =
    options.kernel ?? KERNELS[presetName ?? (os.family === "rhel" ? "rhel-9" : "ubuntu-22.04")];
  const now = options.now ?? (() => new Date(DEFAULT_EPOCH));
  const uptimeSeconds = options.uptimeSeconds ?? 3 * 86_400 + 4 * 3600 + 5 * 60;
  const loginUsers = options.loginUsers ?? [
    DEFAULT_LOGIN_USER[os.id] ?? DEFAULT_LOGIN_USER[os.family] ?? "admin",
  ];
  const { users, groups } = systemAccounts(os.family, loginUsers);
  const memoryTotalBytes = options.memoryTotalBytes ?? 8 * GIB;
  return {
    hostname: options.hostname,
    os,
    kernel,
    users,
    groups,
    now,
    bootTime: new Date(now().getTime() - uptimeSeconds * 1000),
    cpuCount: options.cpuCount ?? 2,
    memoryTotalBytes,
    memoryUsedBytes: options.memoryUsedBytes ?? Math.round(memoryTotalBytes * 0.14),
    disks: options.disks ?? defaultDisks(memoryTotalBytes),
    services: options.services ?? defaultServices(os.family),
    loadAverage: options.loadAverage ?? [0.08, 0.03, 0.01],
    ipAddress: options.ipAddress ?? "10.0.1.15",
  };
}

function systemAccounts(
  family: OsFamily,
  loginUsers: readonly string[],
): { users: SystemUser[]; groups: SystemGroup[] } {
  const nologin = family === "rhel" ? "/sbin/nologin" : "/usr/sbin/nologin";
  const users: SystemUser[] = [
    { name: "root", uid: 0, gid: 0, home: "/root", shell: "/bin/bash", gecos: "root" },
    { name: "daemon", uid: 1, gid: 1, home: "/usr/sbin", shell: nologin, gecos: "daemon" },
    { name: "bin", uid: 2, gid: 2, home: "/bin", shell: nologin, gecos: "bin" },
    { name: "sys", uid: 3, gid: 3, home: "/dev", shell: nologin, gecos: "sys" },
    {
      name: "nobody",
      uid: 65534,
      gid: 65534,
      home: "/nonexistent",
      shell: nologin,
      gecos: "nobody",
    },
    { name: "sshd", uid: 105, gid: 65534, home: "/run/sshd", shell: nologin },
    { name: "www-data", uid: 33, gid: 33, home: "/var/www", shell: nologin, gecos: "www-data" },
  ];
  const adminGroup = family === "rhel" ? "wheel" : "sudo";
  // Only the image's first (cloud) user is an administrator; extra users are plain accounts.
  const cloudUser = loginUsers.slice(0, 1);
  const groups: SystemGroup[] = [
    { name: "root", gid: 0, members: [] },
    { name: "daemon", gid: 1, members: [] },
    { name: "bin", gid: 2, members: [] },
    { name: "sys", gid: 3, members: [] },
    { name: "adm", gid: 4, members: family === "rhel" ? [] : cloudUser },
    { name: adminGroup, gid: family === "rhel" ? 10 : 27, members: cloudUser },
    { name: "www-data", gid: 33, members: [] },
    ...(family === "rhel" ? [] : [{ name: "shadow", gid: 42, members: [] }]),
    { name: "nogroup", gid: 65534, members: [] },
  ];
  loginUsers.forEach((name, index) => {
    const id = 1000 + index;
    users.push({ name, uid: id, gid: id, home: `/home/${name}`, shell: "/bin/bash", gecos: name });
    groups.push({ name, gid: id, members: [] });
  });
  return { users, groups };
}

function defaultDisks(memoryTotalBytes: number): DiskInfo[] {
  return [
    {
      filesystem: "/dev/root",
      type: "ext4",
      mountpoint: "/",
      sizeBytes: 30_298_176 * 1024,
      usedBytes: 6_581_432 * 1024,
    },
    {
      filesystem: "tmpfs",
      type: "tmpfs",
      mountpoint: "/dev/shm",
      sizeBytes: Math.floor(memoryTotalBytes / 2 / 1024) * 1024,
      usedBytes: 0,
    },
    {
      filesystem: "tmpfs",
      type: "tmpfs",
      mountpoint: "/run",
      sizeBytes: Math.floor(memoryTotalBytes / 5 / 1024) * 1024,
      usedBytes: 1_012 * 1024,
    },
    {
      filesystem: "/dev/nvme0n1p15",
      type: "vfat",
      mountpoint: "/boot/efi",
      sizeBytes: 106_858 * 1024,
      usedBytes: 6_186 * 1024,
    },
  ];
}

/** What runs on every Linux server: sshd, cron and the agent (unit names differ on RHEL). */
export function baseServices(rhel: boolean): ServiceInfo[] {
  return [
    {
      name: rhel ? "sshd" : "ssh",
      description: "OpenBSD Secure Shell server",
      active: true,
      enabled: true,
      pid: 742,
      command: "sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups",
      user: "root",
    },
    {
      name: rhel ? "crond" : "cron",
      description: "Regular background program processing daemon",
      active: true,
      enabled: true,
      pid: 655,
      command: rhel ? "/usr/sbin/crond -n" : "/usr/sbin/cron -f -P",
      user: "root",
    },
    {
      name: "alpamon",
      description: "Alpacon Agent Service",
      active: true,
      enabled: true,
      pid: 801,
      command: "/usr/local/bin/alpamon",
      user: "root",
    },
  ];
}

function defaultServices(family: OsFamily): ServiceInfo[] {
  return [
    ...baseServices(family === "rhel"),
    {
      name: "nginx",
      description: "A high performance web server and a reverse proxy server",
      active: true,
      enabled: true,
      pid: 912,
      command: "nginx: master process /usr/sbin/nginx -g daemon on; master_process on;",
      user: "root",
    },
    {
      name: "docker",
      description: "Docker Application Container Engine",
      active: false,
      enabled: false,
      pid: 1034,
      command: "/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock",
      user: "root",
    },
  ];
}

export function findUser(profile: ServerProfile, name: string): SystemUser | undefined {
  return profile.users.find((user) => user.name === name);
}

/** Group names of a user, primary group first (the order `id` prints). */
export function groupsOf(profile: ServerProfile, user: SystemUser): SystemGroup[] {
  const primary = profile.groups.find((group) => group.gid === user.gid);
  const others = profile.groups.filter(
    (group) => group.gid !== user.gid && group.members.includes(user.name),
  );
  return primary === undefined ? others : [primary, ...others];
}
