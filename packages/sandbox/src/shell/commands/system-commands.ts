/** Commands that report on the (simulated) machine: identity, uptime, memory, disks, processes. */
import {
  clockTime,
  dateCommandTime,
  humanSize,
  isoDateTime,
  MONTHS,
  month,
  pad2,
  table,
  WEEKDAYS,
  weekday,
} from "../format.js";
import { findUser, groupsOf, type SystemUser } from "../server-profile.js";
import type { CommandContext, CommandHandler } from "./types.js";
import { fail, parseOptions, usageError, writeLine } from "./util.js";

export const whoami: CommandHandler = (ctx) => {
  if (ctx.args.length > 0) return usageError(ctx, `extra operand '${ctx.args[0]}'`);
  writeLine(ctx.stdout, ctx.state.user.name);
  return 0;
};

export const id: CommandHandler = (ctx) => {
  const parsed = parseOptions(ctx.args, {
    flags: "ugGnr",
    long: { user: "u", group: "g", groups: "G", name: "n" },
  });
  if ("error" in parsed) return usageError(ctx, parsed.error);
  const profile = ctx.server.profile;
  const [name] = parsed.operands;
  let user: SystemUser | undefined = ctx.state.user;
  if (name !== undefined) {
    user = findUser(profile, name) ?? profile.users.find((u) => String(u.uid) === name);
    if (user === undefined) return fail(ctx, `id: '${name}': no such user`);
  }
  const groups = groupsOf(profile, user);
  const f = parsed.flags;
  const names = f.has("n");
  if (f.has("u")) {
    writeLine(ctx.stdout, names ? user.name : String(user.uid));
  } else if (f.has("g")) {
    const primary = groups[0];
    writeLine(ctx.stdout, names ? (primary?.name ?? String(user.gid)) : String(user.gid));
  } else if (f.has("G")) {
    writeLine(ctx.stdout, groups.map((g) => (names ? g.name : String(g.gid))).join(" "));
  } else {
    const primary = groups[0]?.name ?? String(user.gid);
    const list = groups.map((g) => `${g.gid}(${g.name})`).join(",");
    writeLine(
      ctx.stdout,
      `uid=${user.uid}(${user.name}) gid=${user.gid}(${primary}) groups=${list}`,
    );
  }
  return 0;
};

export const hostname: CommandHandler = (ctx) => {
  const profile = ctx.server.profile;
  const parsed = parseOptions(ctx.args, { flags: "fsiIA", long: { fqdn: "f", short: "s" } });
  if ("error" in parsed) return usageError(ctx, parsed.error);
  if (parsed.operands.length > 0) {
    if (ctx.cred.uid !== 0) return fail(ctx, "hostname: you must be root to change the host name");
    return fail(ctx, "hostname: changing the host name is not supported by the simulated shell");
  }
  if (parsed.flags.has("I")) writeLine(ctx.stdout, `${profile.ipAddress} `);
  else if (parsed.flags.has("i")) writeLine(ctx.stdout, "127.0.1.1");
  else if (parsed.flags.has("s"))
    writeLine(ctx.stdout, profile.hostname.split(".")[0] ?? profile.hostname);
  else writeLine(ctx.stdout, profile.hostname);
  return 0;
};

export const uname: CommandHandler = (ctx) => {
  const parsed = parseOptions(ctx.args, {
    flags: "asnrvmpio",
    long: {
      all: "a",
      "kernel-name": "s",
      nodename: "n",
      "kernel-release": "r",
      "kernel-version": "v",
      machine: "m",
      processor: "p",
      "hardware-platform": "i",
      "operating-system": "o",
    },
  });
  if ("error" in parsed) return usageError(ctx, parsed.error);
  if (parsed.operands.length > 0) return usageError(ctx, `extra operand '${parsed.operands[0]}'`);
  const { kernel, hostname: host } = ctx.server.profile;
  const values: [string, string][] = [
    ["s", "Linux"],
    ["n", host],
    ["r", kernel.release],
    ["v", kernel.version],
    ["m", kernel.machine],
    ["p", kernel.machine],
    ["i", kernel.machine],
    ["o", "GNU/Linux"],
  ];
  const f = parsed.flags;
  const wanted = f.size === 0 ? new Set(["s"]) : f.has("a") ? new Set("snrvmpio") : f;
  writeLine(
    ctx.stdout,
    values
      .filter(([flag]) => wanted.has(flag))
      .map(([, value]) => value)
      .join(" "),
  );
  return 0;
};

function uptimeParts(ctx: CommandContext): { days: number; hours: number; minutes: number } {
  const { profile } = ctx.server;
  const seconds = Math.max(
    0,
    Math.floor((profile.now().getTime() - profile.bootTime.getTime()) / 1000),
  );
  return {
    days: Math.floor(seconds / 86_400),
    hours: Math.floor((seconds % 86_400) / 3600),
    minutes: Math.floor((seconds % 3600) / 60),
  };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

export const uptime: CommandHandler = (ctx) => {
  const parsed = parseOptions(ctx.args, { flags: "psV", long: { pretty: "p", since: "s" } });
  if ("error" in parsed) return usageError(ctx, parsed.error);
  const { profile } = ctx.server;
  const { days, hours, minutes } = uptimeParts(ctx);
  if (parsed.flags.has("s")) {
    writeLine(ctx.stdout, isoDateTime(profile.bootTime));
    return 0;
  }
  if (parsed.flags.has("p")) {
    const parts: string[] = [];
    if (days > 0) parts.push(plural(days, "day"));
    if (hours > 0) parts.push(plural(hours, "hour"));
    if (minutes > 0 || parts.length === 0) parts.push(plural(minutes, "minute"));
    writeLine(ctx.stdout, `up ${parts.join(", ")}`);
    return 0;
  }
  const since = `${days > 0 ? `${plural(days, "day")}, ` : ""}${
    hours > 0 ? `${String(hours).padStart(2)}:${pad2(minutes)}` : `${minutes} min`
  }`;
  const load = profile.loadAverage.map((n) => n.toFixed(2)).join(", ");
  writeLine(
    ctx.stdout,
    ` ${clockTime(profile.now())} up ${since},  1 user,  load average: ${load}`,
  );
  return 0;
};

export const df: CommandHandler = (ctx) => {
  const parsed = parseOptions(ctx.args, {
    flags: "hHkTaP",
    long: { "human-readable": "h", "print-type": "T", all: "a", portability: "P" },
  });
  if ("error" in parsed) return usageError(ctx, parsed.error);
  const disks = [...ctx.server.profile.disks];
  let selected = disks;
  let status = 0;
  if (parsed.operands.length > 0) {
    selected = [];
    for (const operand of parsed.operands) {
      const path = ctx.resolve(operand);
      if (!ctx.server.vfs.exists(path)) {
        status = fail(ctx, `df: ${operand}: No such file or directory`);
        continue;
      }
      const mount = disks
        .filter(
          (d) =>
            path === d.mountpoint ||
            path.startsWith(d.mountpoint === "/" ? "/" : `${d.mountpoint}/`),
        )
        .sort((a, b) => b.mountpoint.length - a.mountpoint.length)[0];
      if (mount !== undefined) selected.push(mount);
    }
    if (selected.length === 0) return status;
  }
  const human = parsed.flags.has("h");
  const typed = parsed.flags.has("T");
  const header = [
    "Filesystem",
    ...(typed ? ["Type"] : []),
    human ? "Size" : "1K-blocks",
    "Used",
    human ? "Avail" : "Available",
    "Use%",
    "Mounted on",
  ];
  const size = (bytes: number) => (human ? humanSize(bytes) : String(Math.ceil(bytes / 1024)));
  const rows = selected.map((disk) => {
    const available = disk.sizeBytes - disk.usedBytes;
    const percent =
      disk.sizeBytes === 0 ? "-" : `${Math.ceil((disk.usedBytes / disk.sizeBytes) * 100)}%`;
    return [
      disk.filesystem,
      ...(typed ? [disk.type] : []),
      size(disk.sizeBytes),
      size(disk.usedBytes),
      size(available),
      percent,
      disk.mountpoint,
    ];
  });
  const left = typed ? [0, 1, 6] : [0, 5];
  ctx.stdout.write(`${table([header, ...rows], left)}\n`);
  return status;
};

export const free: CommandHandler = (ctx) => {
  const parsed = parseOptions(ctx.args, {
    flags: "hbkmgtw",
    long: { human: "h", bytes: "b", kibi: "k", mebi: "m", gibi: "g", wide: "w" },
  });
  if ("error" in parsed) return usageError(ctx, parsed.error);
  const { memoryTotalBytes: total, memoryUsedBytes: used } = ctx.server.profile;
  const cache = Math.round(total * 0.2);
  const shared = Math.round(total * 0.0002);
  const freeBytes = Math.max(0, total - used - cache);
  const available = Math.min(total, freeBytes + Math.round(cache * 0.85));
  const f = parsed.flags;
  const unit = f.has("b")
    ? 1
    : f.has("m")
      ? 1024 ** 2
      : f.has("g")
        ? 1024 ** 3
        : f.has("t")
          ? 1024 ** 4
          : 1024;
  const show = (bytes: number) =>
    f.has("h") ? humanSize(bytes, "i") : String(Math.floor(bytes / unit));
  const line = (label: string, values: number[]) =>
    label.padEnd(8) + values.map((v) => show(v).padStart(12)).join("");
  const header = `${" ".repeat(8)}${["total", "used", "free", "shared", "buff/cache", "available"].map((h) => h.padStart(12)).join("")}`;
  ctx.stdout.write(
    `${[header, line("Mem:", [total, used, freeBytes, shared, cache, available]), line("Swap:", [0, 0, 0])].join("\n")}\n`,
  );
  return 0;
};

interface Process {
  user: string;
  pid: number;
  ppid: number;
  vsz: number;
  rss: number;
  tty: string;
  stat: string;
  start: Date;
  cpuSeconds: number;
  command: string;
}

function processTable(ctx: CommandContext): Process[] {
  const { profile, services } = ctx.server;
  const boot = profile.bootTime;
  const init =
    profile.os.family === "rhel"
      ? "/usr/lib/systemd/systemd --switched-root --system --deserialize 31"
      : "/sbin/init";
  const processes: Process[] = [
    {
      user: "root",
      pid: 1,
      ppid: 0,
      vsz: 167_744,
      rss: 13_112,
      tty: "?",
      stat: "Ss",
      start: boot,
      cpuSeconds: 5,
      command: init,
    },
    {
      user: "root",
      pid: 2,
      ppid: 0,
      vsz: 0,
      rss: 0,
      tty: "?",
      stat: "S",
      start: boot,
      cpuSeconds: 0,
      command: "[kthreadd]",
    },
    {
      user: "root",
      pid: 3,
      ppid: 2,
      vsz: 0,
      rss: 0,
      tty: "?",
      stat: "I<",
      start: boot,
      cpuSeconds: 0,
      command: "[rcu_gp]",
    },
    {
      user: "root",
      pid: 312,
      ppid: 1,
      vsz: 55_412,
      rss: 20_480,
      tty: "?",
      stat: "S<s",
      start: boot,
      cpuSeconds: 2,
      command: "/lib/systemd/systemd-journald",
    },
    {
      user: "systemd+",
      pid: 412,
      ppid: 1,
      vsz: 16_120,
      rss: 8_064,
      tty: "?",
      stat: "Ss",
      start: boot,
      cpuSeconds: 0,
      command: "/lib/systemd/systemd-networkd",
    },
  ];
  for (const state of services.values()) {
    if (!state.active) continue;
    processes.push({
      user: state.info.user,
      pid: state.info.pid,
      ppid: 1,
      vsz: 20_000 + state.info.pid * 37,
      rss: 4_000 + state.info.pid * 11,
      tty: "?",
      stat: "Ss",
      start: state.since,
      cpuSeconds: state.info.name === "alpamon" ? 94 : 1,
      command: state.info.command,
    });
  }
  const tty = ctx.stdout.isTerminal ? "pts/0" : "?";
  const now = profile.now();
  processes.push(
    {
      user: ctx.state.user.name,
      pid: ctx.state.pid,
      ppid: 801,
      vsz: 8_952,
      rss: 5_376,
      tty,
      stat: "Ss",
      start: now,
      cpuSeconds: 0,
      command: "-bash",
    },
    {
      user: ctx.state.user.name,
      pid: ctx.state.pid + 1,
      ppid: ctx.state.pid,
      vsz: 10_068,
      rss: 3_328,
      tty,
      stat: "R+",
      start: now,
      cpuSeconds: 0,
      command: "ps",
    },
  );
  return processes.sort((a, b) => a.pid - b.pid);
}

function startColumn(start: Date, now: Date): string {
  const sameDay =
    now.getTime() - start.getTime() < 86_400_000 && start.getUTCDate() === now.getUTCDate();
  return sameDay
    ? `${pad2(start.getUTCHours())}:${pad2(start.getUTCMinutes())}`
    : `${month(start)}${pad2(start.getUTCDate())}`;
}

function cpuTime(seconds: number, long: boolean): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return long ? `${pad2(h)}:${pad2(m)}:${pad2(s)}` : `${h * 60 + m}:${pad2(s)}`;
}

export const ps: CommandHandler = (ctx) => {
  const args = ctx.args.join(" ").replace(/^-(?=[aux]+$)/, "");
  const processes = processTable(ctx);
  const now = ctx.server.profile.now();
  const total = ctx.server.profile.memoryTotalBytes / 1024;
  if (/^(aux|axu|uax|xau|aux[wf]*)$/.test(args)) {
    const lines = ["USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND"];
    for (const p of processes) {
      const mem = ((p.rss / total) * 100).toFixed(1);
      lines.push(
        `${p.user.padEnd(8)} ${String(p.pid).padStart(7)} ${"0.0".padStart(4)} ${mem.padStart(4)} ${String(p.vsz).padStart(6)} ${String(p.rss).padStart(5)} ${p.tty.padEnd(8)} ${p.stat.padEnd(4)} ${startColumn(p.start, now).padStart(5)} ${cpuTime(p.cpuSeconds, false).padStart(6)} ${p.command}`,
      );
    }
    ctx.stdout.write(`${lines.join("\n")}\n`);
    return 0;
  }
  if (/^-(ef|e|A|eF|ely)$/.test(args) || args === "-e -f") {
    const lines = ["UID          PID    PPID  C STIME TTY          TIME CMD"];
    for (const p of processes) {
      lines.push(
        `${p.user.padEnd(8)} ${String(p.pid).padStart(7)} ${String(p.ppid).padStart(7)}  0 ${startColumn(p.start, now).padStart(5)} ${p.tty.padEnd(8)} ${cpuTime(p.cpuSeconds, true)} ${p.command}`,
      );
    }
    ctx.stdout.write(`${lines.join("\n")}\n`);
    return 0;
  }
  if (args === "") {
    const mine = processes.filter((p) => p.pid === ctx.state.pid || p.pid === ctx.state.pid + 1);
    const lines = ["    PID TTY          TIME CMD"];
    for (const p of mine) {
      const command = p.command === "-bash" ? "bash" : p.command;
      lines.push(
        `${String(p.pid).padStart(7)} ${p.tty.padEnd(8)} ${cpuTime(p.cpuSeconds, true)} ${command}`,
      );
    }
    ctx.stdout.write(`${lines.join("\n")}\n`);
    return 0;
  }
  return fail(
    ctx,
    `error: unsupported option set '${ctx.args.join(" ")}' (the simulated ps knows: ps, ps aux, ps -ef)`,
  );
};

const DATE_FIELDS: Readonly<Record<string, (d: Date) => string>> = {
  Y: (d) => String(d.getUTCFullYear()),
  y: (d) => pad2(d.getUTCFullYear() % 100),
  m: (d) => pad2(d.getUTCMonth() + 1),
  d: (d) => pad2(d.getUTCDate()),
  e: (d) => String(d.getUTCDate()).padStart(2, " "),
  H: (d) => pad2(d.getUTCHours()),
  I: (d) => pad2(((d.getUTCHours() + 11) % 12) + 1),
  M: (d) => pad2(d.getUTCMinutes()),
  S: (d) => pad2(d.getUTCSeconds()),
  p: (d) => (d.getUTCHours() < 12 ? "AM" : "PM"),
  s: (d) => String(Math.floor(d.getTime() / 1000)),
  N: (d) => String(d.getUTCMilliseconds() * 1_000_000).padStart(9, "0"),
  a: weekday,
  A: (d) =>
    ({
      Sun: "Sunday",
      Mon: "Monday",
      Tue: "Tuesday",
      Wed: "Wednesday",
      Thu: "Thursday",
      Fri: "Friday",
      Sat: "Saturday",
    })[WEEKDAYS[d.getUTCDay()] ?? "Sun"],
  b: month,
  h: month,
  B: (d) =>
    [
      "January",
      "February",
      "March",
      "April",
      "May",
      "June",
      "July",
      "August",
      "September",
      "October",
      "November",
      "December",
    ][d.getUTCMonth()] ?? MONTHS[0],
  F: (d) => `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`,
  T: clockTime,
  R: (d) => `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}`,
  D: (d) =>
    `${pad2(d.getUTCMonth() + 1)}/${pad2(d.getUTCDate())}/${pad2(d.getUTCFullYear() % 100)}`,
  j: (d) =>
    String(
      Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1,
    ).padStart(3, "0"),
  u: (d) => String(d.getUTCDay() === 0 ? 7 : d.getUTCDay()),
  w: (d) => String(d.getUTCDay()),
  Z: () => "UTC",
  z: () => "+0000",
  n: () => "\n",
  t: () => "\t",
  "%": () => "%",
};

export function formatDate(format: string, date: Date): string {
  return format.replace(/%(.)/g, (whole, letter: string) => DATE_FIELDS[letter]?.(date) ?? whole);
}

export const date: CommandHandler = (ctx) => {
  const now = ctx.server.profile.now();
  let format: string | undefined;
  for (const arg of ctx.args) {
    if (arg.startsWith("+")) format = arg.slice(1);
    else if (arg === "-u" || arg === "--utc" || arg === "-Iseconds") {
      if (arg === "-Iseconds") format = "%Y-%m-%dT%H:%M:%S+00:00";
    } else if (arg === "-R" || arg === "--rfc-email") format = "%a, %d %b %Y %H:%M:%S +0000";
    else if (arg === "-I" || arg === "--iso-8601") format = "%F";
    else return fail(ctx, `date: invalid date '${arg}'`);
  }
  writeLine(ctx.stdout, format === undefined ? dateCommandTime(now) : formatDate(format, now));
  return 0;
};
