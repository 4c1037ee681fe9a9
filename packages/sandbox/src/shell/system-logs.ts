/**
 * Deterministic system log of a simulated server. /var/log/syslog and `journalctl` render the
 * same entries so the two views agree.
 */
import { journalTime, syslogTime } from "./format.js";
import type { ServerProfile } from "./server-profile.js";

export interface LogEntry {
  time: Date;
  /** syslog identifier, e.g. "systemd", "CRON", "kernel". */
  ident: string;
  pid?: number;
  /** The systemd unit (without ".service") this entry belongs to, for `journalctl -u`. */
  unit?: string;
  message: string;
}

const MAX_HOURLY_ENTRIES = 12;

export function systemLog(profile: ServerProfile): LogEntry[] {
  const boot = profile.bootTime.getTime();
  const at = (seconds: number) => new Date(boot + seconds * 1000);
  const entries: LogEntry[] = [
    {
      time: at(0),
      ident: "kernel",
      message: `Linux version ${profile.kernel.release} ${profile.kernel.version}`,
    },
    {
      time: at(0),
      ident: "kernel",
      message:
        "Command line: BOOT_IMAGE=/boot/vmlinuz root=LABEL=cloudimg-rootfs ro console=tty1 console=ttyS0",
    },
    {
      time: at(0),
      ident: "kernel",
      message: `smpboot: Allowing ${profile.cpuCount} CPUs, 0 hotplug CPUs`,
    },
    {
      time: at(1),
      ident: "kernel",
      message: `Memory: ${Math.floor(profile.memoryTotalBytes / 1024)}K available`,
    },
    {
      time: at(2),
      ident: "kernel",
      message: "EXT4-fs (nvme0n1p1): mounted filesystem with ordered data mode. Quota mode: none.",
    },
    { time: at(3), ident: "systemd", pid: 1, message: `systemd 249.11 running in system mode` },
    { time: at(3), ident: "systemd", pid: 1, message: `Hostname set to <${profile.hostname}>.` },
    { time: at(4), ident: "systemd", pid: 1, message: "Reached target Local File Systems." },
    { time: at(5), ident: "systemd", pid: 1, message: "Started Journal Service." },
    {
      time: at(6),
      ident: "systemd-networkd",
      pid: 412,
      message: `ens5: DHCPv4 address ${profile.ipAddress}/24 acquired`,
    },
    { time: at(7), ident: "systemd", pid: 1, message: "Reached target Network is Online." },
  ];
  profile.services.forEach((service, index) => {
    const seconds = 8 + index;
    entries.push({
      time: at(seconds),
      ident: "systemd",
      pid: 1,
      unit: service.name,
      message: `Starting ${service.name}.service - ${service.description}...`,
    });
    if (!service.active) return;
    entries.push({
      time: at(seconds),
      ident: "systemd",
      pid: 1,
      unit: service.name,
      message: `Started ${service.name}.service - ${service.description}.`,
    });
    for (const message of serviceStartupLines(service.name)) {
      entries.push({
        time: at(seconds),
        ident: service.name,
        pid: service.pid,
        unit: service.name,
        message,
      });
    }
  });
  entries.push({
    time: at(20),
    ident: "systemd",
    pid: 1,
    message: "Reached target Multi-User System.",
  });
  entries.push({
    time: at(20),
    ident: "systemd",
    pid: 1,
    message: "Startup finished in 3.102s (kernel) + 16.884s (userspace) = 19.987s.",
  });

  const nowSeconds = Math.floor((profile.now().getTime() - boot) / 1000);
  const firstHour = Math.max(1, Math.floor(nowSeconds / 3600) - MAX_HOURLY_ENTRIES + 1);
  const cron = profile.services.find(
    (service) => service.name === "cron" || service.name === "crond",
  );
  for (let hour = firstHour; hour * 3600 + 1020 <= nowSeconds; hour++) {
    const seconds = hour * 3600 + 1020;
    entries.push({
      time: at(seconds),
      ident: "CRON",
      pid: 20_000 + hour,
      ...(cron === undefined ? {} : { unit: cron.name }),
      message: "(root) CMD (   cd / && run-parts --report /etc/cron.hourly)",
    });
    entries.push({
      time: at(seconds + 600),
      ident: "alpamon",
      pid: 801,
      unit: "alpamon",
      message: "Successfully sent system information to the Alpacon server.",
    });
  }
  return entries.sort((a, b) => a.time.getTime() - b.time.getTime());
}

function serviceStartupLines(name: string): string[] {
  switch (name) {
    case "ssh":
    case "sshd":
      return ["Server listening on 0.0.0.0 port 22.", "Server listening on :: port 22."];
    case "alpamon":
      return [
        "Starting alpamon...",
        "Backhaul connection established.",
        "Websocket connection to the Alpacon server opened.",
      ];
    case "cron":
    case "crond":
      return ["(CRON) INFO (Running @reboot jobs)"];
    default:
      return [];
  }
}

function tag(entry: LogEntry): string {
  return entry.pid === undefined ? `${entry.ident}` : `${entry.ident}[${entry.pid}]`;
}

export function formatSyslogLine(entry: LogEntry, hostname: string): string {
  return `${syslogTime(entry.time)} ${hostname} ${tag(entry)}: ${entry.message}`;
}

export function formatJournalLine(entry: LogEntry, hostname: string): string {
  return `${journalTime(entry.time)} ${hostname} ${tag(entry)}: ${entry.message}`;
}
