import type { OsProfile } from "./os-profiles.js";

/** [name, upstream version, source package] — the base image of each package family. */
type Entry = readonly [string, string, string?];

const DEB_BASE: readonly Entry[] = [
  ["adduser", "3.137"],
  ["apt", "2.7.14"],
  ["apt-utils", "2.7.14", "apt"],
  ["base-files", "13ubuntu10"],
  ["base-passwd", "3.6.3"],
  ["bash", "5.2.21"],
  ["bash-completion", "2.11"],
  ["bind9-dnsutils", "9.18.30", "bind9"],
  ["bsdutils", "2.39.3", "util-linux"],
  ["bzip2", "1.0.8"],
  ["ca-certificates", "20240203"],
  ["cloud-init", "24.4"],
  ["coreutils", "9.4"],
  ["cron", "3.0pl1"],
  ["curl", "8.5.0"],
  ["dash", "0.5.12"],
  ["dbus", "1.14.10"],
  ["debconf", "1.5.86"],
  ["debianutils", "5.17"],
  ["diffutils", "3.10"],
  ["dmidecode", "3.5"],
  ["dpkg", "1.22.6"],
  ["e2fsprogs", "1.47.0"],
  ["file", "5.45"],
  ["findutils", "4.9.0"],
  ["gawk", "5.2.1"],
  ["gcc-14-base", "14.2.0", "gcc-14"],
  ["git", "2.43.0"],
  ["gnupg", "2.4.4"],
  ["grep", "3.11"],
  ["gzip", "1.12"],
  ["hostname", "3.23"],
  ["htop", "3.3.0"],
  ["init-system-helpers", "1.66"],
  ["iproute2", "6.1.0"],
  ["iptables", "1.8.10"],
  ["iputils-ping", "20240117", "iputils"],
  ["jq", "1.7.1"],
  ["kmod", "31"],
  ["less", "590"],
  ["libc-bin", "2.39", "glibc"],
  ["libc6", "2.39", "glibc"],
  ["libcurl4", "8.5.0", "curl"],
  ["libgcc-s1", "14.2.0", "gcc-14"],
  ["libpam-modules", "1.5.3", "pam"],
  ["libpam0g", "1.5.3", "pam"],
  ["libssl3", "3.0.13", "openssl"],
  ["libstdc++6", "14.2.0", "gcc-14"],
  ["libsystemd0", "255.4", "systemd"],
  ["libzstd1", "1.5.5", "libzstd"],
  ["linux-image-generic", "6.8.0.51", "linux-meta"],
  ["locales", "2.39", "glibc"],
  ["login", "4.13", "shadow"],
  ["logrotate", "3.21.0"],
  ["lsb-release", "12.0"],
  ["lsof", "4.95.0"],
  ["man-db", "2.12.0"],
  ["mawk", "1.3.4"],
  ["mount", "2.39.3", "util-linux"],
  ["nano", "7.2"],
  ["ncurses-base", "6.4"],
  ["net-tools", "2.10"],
  ["netcat-openbsd", "1.226"],
  ["openssh-client", "9.6p1", "openssh"],
  ["openssh-server", "9.6p1", "openssh"],
  ["openssl", "3.0.13"],
  ["passwd", "4.13", "shadow"],
  ["perl-base", "5.38.2", "perl"],
  ["procps", "4.0.4"],
  ["python3", "3.12.3", "python3-defaults"],
  ["python3-apt", "2.7.7"],
  ["rsync", "3.2.7"],
  ["rsyslog", "8.2312.0"],
  ["sed", "4.9"],
  ["sudo", "1.9.15p5"],
  ["systemd", "255.4"],
  ["systemd-sysv", "255.4", "systemd"],
  ["tar", "1.35"],
  ["tmux", "3.4"],
  ["tzdata", "2024a"],
  ["ubuntu-keyring", "2023.11.28.1"],
  ["unzip", "6.0"],
  ["util-linux", "2.39.3"],
  ["vim", "9.1.0016"],
  ["wget", "1.21.4"],
  ["xz-utils", "5.4.5"],
  ["zlib1g", "1.3", "zlib"],
  ["zstd", "1.5.5", "libzstd"],
];

const RPM_BASE: readonly Entry[] = [
  ["audit", "3.1.2"],
  ["basesystem", "11"],
  ["bash", "5.1.8"],
  ["bind-utils", "9.16.23", "bind"],
  ["bzip2", "1.0.8"],
  ["ca-certificates", "2024.2.69"],
  ["chrony", "4.5"],
  ["cloud-init", "23.4"],
  ["coreutils", "8.32"],
  ["cronie", "1.5.7"],
  ["crypto-policies", "20240828"],
  ["curl", "7.76.1"],
  ["dbus", "1.12.20"],
  ["diffutils", "3.7"],
  ["dnf", "4.14.0"],
  ["dnf-data", "4.14.0", "dnf"],
  ["e2fsprogs", "1.46.5"],
  ["file", "5.39"],
  ["findutils", "4.8.0"],
  ["firewalld", "1.3.4"],
  ["gawk", "5.1.0"],
  ["git", "2.43.5"],
  ["glibc", "2.34"],
  ["glibc-common", "2.34", "glibc"],
  ["gnupg2", "2.3.3"],
  ["grep", "3.6"],
  ["grub2-common", "2.06", "grub2"],
  ["gzip", "1.12"],
  ["hostname", "3.23"],
  ["iproute", "6.2.0"],
  ["iptables-libs", "1.8.10", "iptables"],
  ["iputils", "20210202"],
  ["jq", "1.6"],
  ["kernel", "5.14.0"],
  ["kmod", "28"],
  ["less", "590"],
  ["libcurl", "7.76.1", "curl"],
  ["libgcc", "11.5.0", "gcc"],
  ["libstdc++", "11.5.0", "gcc"],
  ["logrotate", "3.18.0"],
  ["lsof", "4.94.0"],
  ["man-db", "2.9.3"],
  ["nano", "5.6.1"],
  ["ncurses", "6.2"],
  ["net-tools", "2.0"],
  ["openssh", "8.7p1"],
  ["openssh-clients", "8.7p1", "openssh"],
  ["openssh-server", "8.7p1", "openssh"],
  ["openssl", "3.2.2"],
  ["openssl-libs", "3.2.2", "openssl"],
  ["pam", "1.5.1"],
  ["passwd", "0.80"],
  ["perl-interpreter", "5.32.1", "perl"],
  ["policycoreutils", "3.6"],
  ["procps-ng", "3.3.17"],
  ["python3", "3.9.19", "python3.9"],
  ["python3-dnf", "4.14.0", "dnf"],
  ["rpm", "4.16.1.3"],
  ["rsync", "3.2.3"],
  ["rsyslog", "8.2310.0"],
  ["sed", "4.8"],
  ["selinux-policy", "38.1.45"],
  ["setup", "2.13.7"],
  ["shadow-utils", "4.9"],
  ["sudo", "1.9.5p2"],
  ["systemd", "252"],
  ["systemd-libs", "252", "systemd"],
  ["tar", "1.34"],
  ["tmux", "3.2a"],
  ["tzdata", "2024b"],
  ["unzip", "6.0"],
  ["util-linux", "2.37.4"],
  ["vim-minimal", "8.2.2637", "vim"],
  ["wget", "1.21.1"],
  ["which", "2.21"],
  ["xz", "5.2.5"],
  ["yum", "4.14.0", "dnf"],
  ["zlib", "1.2.11"],
  ["zstd", "1.5.1"],
];

const WINDOWS_BASE: readonly Entry[] = [
  ["7-Zip 23.01 (x64)", "23.01"],
  ["Amazon SSM Agent", "3.3.1142.0"],
  ["AWS Tools for Windows", "4.1.525"],
  ["Git", "2.45.2"],
  ["Google Chrome", "126.0.6478.127"],
  ["Microsoft Edge", "126.0.2592.87"],
  ["Microsoft Visual C++ 2019 X64 Minimum Runtime", "14.29.30139"],
  ["Microsoft Visual C++ 2022 X64 Additional Runtime", "14.40.33810"],
  ["Notepad++ (64-bit x64)", "8.6.8"],
  ["OpenSSH", "9.5.0.0"],
  ["PowerShell 7-x64", "7.4.3.0"],
  ["Python 3.12.4 (64-bit)", "3.12.4150.0"],
  ["Windows Admin Center", "2.2.2405.10001"],
  ["alpamon", "1.4.2"],
  ["osquery", "5.12.1"],
];

/** Extra packages per service, so a db server lists postgresql and a web server nginx. */
const SERVICE_PACKAGES: Record<string, { deb: Entry[]; rpm: Entry[]; windows?: Entry[] }> = {
  nginx: {
    deb: [
      ["nginx", "1.24.0"],
      ["nginx-common", "1.24.0", "nginx"],
    ],
    rpm: [["nginx", "1.20.1"]],
  },
  docker: {
    deb: [
      ["docker-ce", "27.3.1"],
      ["docker-ce-cli", "27.3.1", "docker-ce"],
      ["containerd.io", "1.7.23"],
    ],
    rpm: [
      ["docker-ce", "27.3.1"],
      ["docker-ce-cli", "27.3.1", "docker-ce"],
      ["containerd.io", "1.7.23"],
    ],
  },
  postgresql: {
    deb: [
      ["postgresql-16", "16.6"],
      ["postgresql-client-16", "16.6", "postgresql-16"],
      ["postgresql-common", "257"],
    ],
    rpm: [
      ["postgresql-server", "15.8", "postgresql"],
      ["postgresql", "15.8"],
    ],
  },
  mysql: {
    deb: [
      ["mysql-server-8.0", "8.0.40", "mysql-8.0"],
      ["mysql-client-8.0", "8.0.40", "mysql-8.0"],
    ],
    rpm: [
      ["mysql-server", "8.0.36", "mysql"],
      ["mysql", "8.0.36"],
    ],
  },
  redis: {
    deb: [
      ["redis-server", "7.0.15", "redis"],
      ["redis-tools", "7.0.15", "redis"],
    ],
    rpm: [["redis", "7.2.6"]],
  },
  rabbitmq: {
    deb: [
      ["rabbitmq-server", "3.12.1"],
      ["erlang-base", "25.3.2.8", "erlang"],
    ],
    rpm: [["rabbitmq-server", "3.12.14"]],
  },
  haproxy: { deb: [["haproxy", "2.8.5"]], rpm: [["haproxy", "2.8.3"]] },
  prometheus: {
    deb: [
      ["prometheus", "2.45.3"],
      ["prometheus-node-exporter", "1.7.0"],
    ],
    rpm: [["golang-github-prometheus", "2.45.0"]],
  },
  grafana: { deb: [["grafana", "11.3.0"]], rpm: [["grafana", "10.2.6"]] },
  jenkins: {
    deb: [
      ["jenkins", "2.479.2"],
      ["openjdk-17-jre-headless", "17.0.13"],
    ],
    rpm: [
      ["jenkins", "2.479.2"],
      ["java-17-openjdk-headless", "17.0.13.0.11"],
    ],
  },
  elasticsearch: { deb: [["elasticsearch", "8.16.1"]], rpm: [["elasticsearch", "8.16.1"]] },
  nfs: { deb: [["nfs-kernel-server", "2.6.4", "nfs-utils"]], rpm: [["nfs-utils", "2.5.4"]] },
  cron: { deb: [["anacron", "2.3"]], rpm: [["cronie-anacron", "1.5.7", "cronie"]] },
  ad: { deb: [], rpm: [], windows: [["Active Directory Domain Services", "10.0.20348.1"]] },
  smb: { deb: [], rpm: [], windows: [["File Server Resource Manager", "10.0.20348.1"]] },
  iis: {
    deb: [],
    rpm: [],
    windows: [
      ["IIS 10.0 Express", "10.0.08608"],
      ["URL Rewrite Module 2", "7.2.1993"],
    ],
  },
};

export interface PackageRow {
  name: string;
  version: string;
  source: string;
  arch: string;
}

/** Distribution-style version strings: `1.24.0-2ubuntu7.1`, `2.34-100.el9_4.2`, … */
function distVersion(os: OsProfile, osVersion: string, upstream: string, salt: number): string {
  const rev = (salt % 5) + 1;
  switch (os.id) {
    case "ubuntu":
      return `${upstream}-${rev}ubuntu${osVersion.startsWith("24") ? "0.24.04." : "0.22.04."}${(salt % 3) + 1}`;
    case "debian":
      return `${upstream}-${rev}+deb${osVersion}u${(salt % 3) + 1}`;
    case "rhel":
      return `${upstream}-${rev}.el${osVersion.split(".")[0]}`;
    case "amzn":
      return `${upstream}-${rev}.amzn${osVersion === "2" ? "2" : "2023"}`;
    default:
      return upstream;
  }
}

export function packagesFor(
  os: OsProfile,
  osVersion: string,
  services: readonly string[],
  cpuType: string,
): PackageRow[] {
  const base = os.family === "deb" ? DEB_BASE : os.family === "rpm" ? RPM_BASE : WINDOWS_BASE;
  const entries: Entry[] = [...base];
  for (const service of services) {
    const extra = SERVICE_PACKAGES[service];
    if (!extra) continue;
    entries.push(...(os.family === "windows" ? (extra.windows ?? []) : extra[os.family]));
  }
  const arch =
    os.family === "deb"
      ? cpuType === "aarch64"
        ? "arm64"
        : "amd64"
      : os.family === "rpm"
        ? cpuType
        : "x64";
  return entries
    .map(([name, upstream, source], i) => ({
      name,
      version: distVersion(os, osVersion, upstream, i + name.length),
      source: source ?? name,
      arch:
        os.family === "deb" &&
        /^(tzdata|ca-certificates|base-passwd|debconf|adduser|python3-|ubuntu-keyring|lsb-release|locales)/.test(
          name,
        )
          ? "all"
          : os.family === "rpm" &&
              /^(tzdata|ca-certificates|setup|basesystem|crypto-policies|selinux-policy|python3-dnf|dnf-data|yum)/.test(
                name,
              )
            ? "noarch"
            : arch,
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
