/** systemctl and journalctl over the server's seeded services and its deterministic log. */
import { isoDateTime, weekday } from "../format.js";
import type { ServiceState } from "../server.js";
import { groupsOf } from "../server-profile.js";
import { formatJournalLine, type LogEntry, systemLog } from "../system-logs.js";
import type { CommandContext, CommandHandler } from "./types.js";
import { fail, parseOptions, usageError, writeLine } from "./util.js";

const unitName = (name: string) => name.replace(/\.service$/, "");

function relative(from: Date, to: Date): string {
  const seconds = Math.max(0, Math.floor((to.getTime() - from.getTime()) / 1000));
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  if (days > 0) return `${days} day${days === 1 ? "" : "s"} ago`;
  if (hours > 0) return `${hours}h ${minutes}min ago`;
  if (minutes > 0) return `${minutes}min ${seconds % 60}s ago`;
  return `${seconds}s ago`;
}

function unitDir(ctx: CommandContext): string {
  return ctx.server.profile.os.family === "rhel"
    ? "/usr/lib/systemd/system"
    : "/lib/systemd/system";
}

/** Every log entry of the server: the seeded boot log plus what happened since. */
export function fullLog(ctx: CommandContext): LogEntry[] {
  return [...systemLog(ctx.server.profile), ...ctx.server.log].sort(
    (a, b) => a.time.getTime() - b.time.getTime(),
  );
}

/** Root and the `adm` and `systemd-journal` groups read the system journal (systemd's ACLs). */
function readsJournal(ctx: CommandContext): boolean {
  if (ctx.cred.uid === 0) return true;
  return groupsOf(ctx.server.profile, ctx.state.user).some(
    (group) => group.name === "adm" || group.name === "systemd-journal",
  );
}

function statusText(ctx: CommandContext, state: ServiceState): string {
  const { info } = state;
  const now = ctx.server.profile.now();
  const enabled = state.enabled ? "enabled" : "disabled";
  const lines = [
    `${state.active ? "●" : "○"} ${info.name}.service - ${info.description}`,
    `     Loaded: loaded (${unitDir(ctx)}/${info.name}.service; ${enabled}; vendor preset: enabled)`,
  ];
  if (state.active) {
    const since = `${weekday(state.since)} ${isoDateTime(state.since)} UTC`;
    const program = info.command.split(/[\s:]/)[0]?.split("/").pop() ?? info.name;
    lines.push(
      `     Active: active (running) since ${since}; ${relative(state.since, now)}`,
      `   Main PID: ${info.pid} (${program})`,
      "      Tasks: 3 (limit: 9387)",
      `     Memory: ${((info.pid % 97) / 10 + 2).toFixed(1)}M`,
      `        CPU: ${(info.pid % 13) + 1}.${String(info.pid % 1000).padStart(3, "0")}s`,
      `     CGroup: /system.slice/${info.name}.service`,
      `             └─${info.pid} "${info.command}"`,
    );
  } else {
    lines.push("     Active: inactive (dead)");
  }
  // Like systemctl, show the unit's last log lines only to whoever may read the journal.
  const entries = (readsJournal(ctx) ? fullLog(ctx) : [])
    .filter((entry) => entry.unit === info.name)
    .slice(-10)
    .map((entry) => formatJournalLine(entry, ctx.server.profile.hostname));
  if (entries.length > 0) lines.push("", ...entries);
  return `${lines.join("\n")}\n`;
}

function listUnits(ctx: CommandContext, all: boolean): void {
  const states = [...ctx.server.services.values()]
    .filter((state) => all || state.active)
    .sort((a, b) => (a.info.name < b.info.name ? -1 : 1));
  const names = states.map((state) => `${state.info.name}.service`);
  const width = Math.max(4, ...names.map((name) => name.length));
  const lines = [`  ${"UNIT".padEnd(width)} LOAD   ACTIVE   SUB     DESCRIPTION`];
  states.forEach((state, index) => {
    const active = state.active ? "active  " : "inactive";
    const sub = state.active ? "running" : "dead   ";
    lines.push(
      `  ${names[index]!.padEnd(width)} loaded ${active} ${sub} ${state.info.description}`,
    );
  });
  lines.push(
    "",
    "LOAD   = Reflects whether the unit definition was properly loaded.",
    "ACTIVE = The high-level unit activation state, i.e. generalization of SUB.",
    "SUB    = The low-level unit activation state, values depend on unit type.",
    `${states.length} loaded units listed.${all ? "" : " Pass --all to see loaded but inactive units, too."}`,
  );
  ctx.stdout.write(`${lines.join("\n")}\n`);
}

const VERBS: Readonly<Record<string, string>> = {
  start: "start",
  stop: "stop",
  restart: "restart",
  reload: "reload",
  enable: "enable",
  disable: "disable",
};

export const systemctl: CommandHandler = (ctx) => {
  const flags = ctx.args.filter((arg) => arg.startsWith("-"));
  const [verb = "list-units", ...units] = ctx.args.filter((arg) => !arg.startsWith("-"));
  const all = flags.includes("--all") || flags.includes("-a");
  const services = ctx.server.services;
  switch (verb) {
    case "list-units":
      listUnits(ctx, all);
      return 0;
    case "list-unit-files": {
      const lines = ["UNIT FILE                      STATE    VENDOR PRESET"];
      for (const state of [...services.values()].sort((a, b) =>
        a.info.name < b.info.name ? -1 : 1,
      )) {
        lines.push(
          `${`${state.info.name}.service`.padEnd(30)} ${(state.enabled ? "enabled" : "disabled").padEnd(8)} enabled`,
        );
      }
      lines.push("", `${services.size} unit files listed.`);
      ctx.stdout.write(`${lines.join("\n")}\n`);
      return 0;
    }
    case "status": {
      if (units.length === 0) {
        const failed = 0;
        ctx.stdout.write(
          `● ${ctx.server.profile.hostname}\n    State: running\n     Jobs: 0 queued\n   Failed: ${failed} units\n    Since: ${weekday(ctx.server.profile.bootTime)} ${isoDateTime(ctx.server.profile.bootTime)} UTC; ${relative(ctx.server.profile.bootTime, ctx.server.profile.now())}\n`,
        );
        return 0;
      }
      let status = 0;
      units.forEach((unit, index) => {
        const state = services.get(unitName(unit));
        if (state === undefined) {
          writeLine(ctx.stderr, `Unit ${unitName(unit)}.service could not be found.`);
          status = 4;
          return;
        }
        ctx.stdout.write((index > 0 ? "\n" : "") + statusText(ctx, state));
        if (!state.active && status === 0) status = 3;
      });
      return status;
    }
    case "is-active":
    case "is-enabled": {
      if (units.length === 0) return fail(ctx, "Too few arguments.");
      let status = 0;
      for (const unit of units) {
        const state = services.get(unitName(unit));
        if (verb === "is-active") {
          writeLine(ctx.stdout, state?.active === true ? "active" : "inactive");
          if (state?.active !== true) status = 3;
        } else if (state === undefined) {
          writeLine(
            ctx.stderr,
            `Failed to get unit file state for ${unitName(unit)}.service: No such file or directory`,
          );
          status = 1;
        } else {
          writeLine(ctx.stdout, state.enabled ? "enabled" : "disabled");
          if (!state.enabled) status = 1;
        }
      }
      return status;
    }
    default:
      break;
  }
  const action = VERBS[verb];
  if (action === undefined) return fail(ctx, `Unknown command verb ${verb}.`);
  if (units.length === 0) return fail(ctx, "Too few arguments.");
  let status = 0;
  for (const unit of units) {
    const name = unitName(unit);
    if (ctx.cred.uid !== 0) {
      writeLine(
        ctx.stderr,
        `Failed to ${action} ${name}.service: Interactive authentication required.`,
      );
      if (action !== "enable" && action !== "disable") {
        writeLine(
          ctx.stderr,
          `See system logs and 'systemctl status ${name}.service' for details.`,
        );
      }
      status = 1;
      continue;
    }
    const state = services.get(name);
    if (state === undefined) {
      writeLine(ctx.stderr, `Failed to ${action} ${name}.service: Unit ${name}.service not found.`);
      status = 5;
      continue;
    }
    applyAction(ctx, state, action);
  }
  return status;
};

function applyAction(ctx: CommandContext, state: ServiceState, action: string): void {
  const now = ctx.server.profile.now();
  const log = (message: string) =>
    ctx.server.log.push({ time: now, ident: "systemd", pid: 1, unit: state.info.name, message });
  const description = `${state.info.name}.service - ${state.info.description}`;
  switch (action) {
    case "enable":
      state.enabled = true;
      return;
    case "disable":
      state.enabled = false;
      return;
    case "stop":
      if (!state.active) return;
      log(`Stopping ${description}...`);
      state.active = false;
      log(`${state.info.name}.service: Deactivated successfully.`);
      log(`Stopped ${description}.`);
      state.since = now;
      return;
    case "reload":
      log(`Reloading ${description}...`);
      log(`Reloaded ${description}.`);
      return;
    default:
      if (action === "restart" && state.active) {
        log(`Stopping ${description}...`);
        log(`Stopped ${description}.`);
      } else if (state.active) {
        return;
      }
      log(`Starting ${description}...`);
      log(`Started ${description}.`);
      state.active = true;
      state.since = now;
  }
}

export const journalctl: CommandHandler = async (ctx) => {
  const parsed = parseOptions(ctx.args, {
    flags: "rfqxeab",
    withValue: "nuSp",
    long: {
      lines: "n",
      unit: "u",
      "no-pager": "P",
      reverse: "r",
      follow: "f",
      quiet: "q",
      since: "S",
      priority: "p",
      boot: "b",
      "no-hostname": "H",
    },
  });
  if ("error" in parsed) return usageError(ctx, parsed.error);
  const profile = ctx.server.profile;
  if (!readsJournal(ctx)) {
    // What systemd 249+ prints to a user outside those groups who has no journal of their own
    // (a command run by the agent never logged in, so it has none); the status is 1.
    if (!parsed.flags.has("q")) {
      ctx.stderr.write(
        "Hint: You are currently not seeing messages from other users and the system.\n      Users in groups 'adm', 'systemd-journal' can see all messages.\n      Pass -q to turn off this notice.\n",
      );
    }
    return fail(ctx, "No journal files were opened due to insufficient permissions.");
  }
  let entries = fullLog(ctx);
  const unit = parsed.values.get("u");
  if (unit !== undefined) entries = entries.filter((entry) => entry.unit === unitName(unit));
  const lines = parsed.values.get("n");
  const follow = parsed.flags.has("f");
  const count =
    lines === undefined ? (follow ? 10 : undefined) : lines === "all" ? undefined : Number(lines);
  if (count !== undefined && (!Number.isInteger(count) || count < 0)) {
    return fail(ctx, `Failed to parse lines '${lines}'.`);
  }
  if (count !== undefined) entries = count === 0 ? [] : entries.slice(-count);
  if (parsed.flags.has("r")) entries.reverse();
  const text =
    entries.length === 0
      ? "-- No entries --"
      : entries.map((entry) => formatJournalLine(entry, profile.hostname)).join("\n");
  writeLine(ctx.stdout, text);
  if (follow) await ctx.sleep(Number.POSITIVE_INFINITY);
  return 0;
};
