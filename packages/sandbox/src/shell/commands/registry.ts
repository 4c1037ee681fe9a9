/** Name → handler table, plus the commands that need to see the table (which, type). */
import { basename as baseOf, dirname as dirOf } from "../vfs-path.js";
import {
  cd,
  echo,
  env,
  exit,
  exportBuiltin,
  falseCommand,
  printf,
  pwd,
  sleep,
  sudo,
  trueCommand,
  unset,
} from "./builtins.js";
import { breakBuiltin, continueBuiltin, read } from "./control-builtins.js";
import { evalBuiltin, trap } from "./eval-trap.js";
import { cat, cp, mkdir, mv, rm, rmdir, touch } from "./file-commands.js";
import { getent } from "./getent.js";
import { grep } from "./grep.js";
import { ls } from "./ls.js";
import { seq } from "./seq.js";
import { date, df, free, hostname, id, ps, uname, uptime, whoami } from "./system-commands.js";
import { journalctl, systemctl } from "./systemd-commands.js";
import { stty, tty } from "./terminal-commands.js";
import { test } from "./test-command.js";
import { cut, head, sort, tail, tee, tr, uniq, wc } from "./text-commands.js";
import type { CommandHandler } from "./types.js";
import { fail, writeLine } from "./util.js";

/** Builtins with no executable in PATH (`which cd` finds nothing). */
export const SHELL_ONLY_BUILTINS = new Set([
  "cd",
  "export",
  "unset",
  "exit",
  "eval",
  "trap",
  "type",
  "command",
  ":",
  "break",
  "continue",
  "read",
]);
/** Builtins that also exist as /usr/bin programs; `type` reports them as builtins. */
const ALSO_BUILTINS = new Set(["echo", "printf", "pwd", "true", "false", "test", "["]);

const basenameCommand: CommandHandler = (ctx) => {
  const [path, suffix] = ctx.args;
  if (path === undefined) return fail(ctx, "basename: missing operand");
  let name = baseOf(path);
  if (suffix !== undefined && name.endsWith(suffix) && name !== suffix)
    name = name.slice(0, -suffix.length);
  writeLine(ctx.stdout, name);
  return 0;
};

const dirnameCommand: CommandHandler = (ctx) => {
  if (ctx.args.length === 0) return fail(ctx, "dirname: missing operand");
  for (const path of ctx.args) {
    const trimmed = path.replace(/\/+$/, "");
    writeLine(
      ctx.stdout,
      !trimmed.includes("/") ? (path.startsWith("/") ? "/" : ".") : dirOf(trimmed),
    );
  }
  return 0;
};

const clear: CommandHandler = (ctx) => {
  ctx.stdout.write("\x1b[H\x1b[2J\x1b[3J");
  return 0;
};

const which: CommandHandler = (ctx) => {
  let status = 0;
  for (const name of ctx.args.filter((arg) => !arg.startsWith("-"))) {
    if (COMMANDS.has(name) && !SHELL_ONLY_BUILTINS.has(name))
      writeLine(ctx.stdout, `/usr/bin/${name}`);
    else status = 1;
  }
  return status;
};

const type: CommandHandler = (ctx) => {
  let status = 0;
  for (const name of ctx.args) {
    if (SHELL_ONLY_BUILTINS.has(name) || ALSO_BUILTINS.has(name)) {
      writeLine(ctx.stdout, `${name} is a shell builtin`);
    } else if (COMMANDS.has(name)) {
      writeLine(ctx.stdout, `${name} is /usr/bin/${name}`);
    } else {
      status = fail(ctx, `bash: type: ${name}: not found`);
    }
  }
  return status;
};

/** `command -v name` is the portable "is it installed?" check scripts use. */
const command: CommandHandler = async (ctx) => {
  if (ctx.args[0] === "-v" || ctx.args[0] === "-V") {
    let status = 0;
    for (const name of ctx.args.slice(1)) {
      if (SHELL_ONLY_BUILTINS.has(name) || ALSO_BUILTINS.has(name)) writeLine(ctx.stdout, name);
      else if (COMMANDS.has(name)) writeLine(ctx.stdout, `/usr/bin/${name}`);
      else status = 1;
    }
    return status;
  }
  return ctx.args.length === 0 ? 0 : ctx.exec(ctx.args);
};

export const COMMANDS: ReadonlyMap<string, CommandHandler> = new Map<string, CommandHandler>([
  [":", trueCommand],
  ["[", test],
  ["basename", basenameCommand],
  ["break", breakBuiltin],
  ["cat", cat],
  ["cd", cd],
  ["clear", clear],
  ["command", command],
  ["continue", continueBuiltin],
  ["cp", cp],
  ["cut", cut],
  ["date", date],
  ["df", df],
  ["dirname", dirnameCommand],
  ["echo", echo],
  ["env", env],
  ["eval", evalBuiltin],
  ["exit", exit],
  ["export", exportBuiltin],
  ["false", falseCommand],
  ["free", free],
  ["getent", getent],
  ["grep", grep],
  ["head", head],
  ["hostname", hostname],
  ["id", id],
  ["journalctl", journalctl],
  ["ls", ls],
  ["mkdir", mkdir],
  ["mv", mv],
  ["printf", printf],
  ["ps", ps],
  ["pwd", pwd],
  ["read", read],
  ["rm", rm],
  ["rmdir", rmdir],
  ["seq", seq],
  ["sleep", sleep],
  ["sort", sort],
  ["stty", stty],
  ["sudo", sudo],
  ["systemctl", systemctl],
  ["tail", tail],
  ["tee", tee],
  ["test", test],
  ["touch", touch],
  ["tr", tr],
  ["trap", trap],
  ["true", trueCommand],
  ["tty", tty],
  ["type", type],
  ["uname", uname],
  ["uniq", uniq],
  ["unset", unset],
  ["uptime", uptime],
  ["wc", wc],
  ["which", which],
  ["whoami", whoami],
]);

/** Names that have an executable under /usr/bin, for seeding the filesystem. */
export function programNames(): string[] {
  return [...COMMANDS.keys()].filter((name) => !SHELL_ONLY_BUILTINS.has(name)).sort();
}
