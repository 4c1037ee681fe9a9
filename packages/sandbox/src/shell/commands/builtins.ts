/** Shell builtins and the tiny commands that only touch shell state. */
import { formatPrintf, interpretEscapes } from "../escapes.js";
import { findUser, groupsOf } from "../server-profile.js";
import type { CommandContext, CommandHandler } from "./types.js";
import { fail, reasonOf, usageError, writeLine } from "./util.js";

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const echo: CommandHandler = (ctx) => {
  let newline = true;
  let escapes = false;
  let index = 0;
  // Like bash, only leading words made purely of n/e/E letters are options.
  for (; index < ctx.args.length; index++) {
    const arg = ctx.args[index]!;
    if (!/^-[neE]+$/.test(arg)) break;
    for (const letter of arg.slice(1)) {
      if (letter === "n") newline = false;
      else escapes = letter === "e";
    }
  }
  let text = ctx.args.slice(index).join(" ");
  if (escapes) {
    const result = interpretEscapes(text, "echo");
    text = result.text;
    if (result.stop) newline = false;
  }
  ctx.stdout.write(newline ? `${text}\n` : text);
  return 0;
};

export const printf: CommandHandler = (ctx) => {
  const args = ctx.args[0] === "--" ? ctx.args.slice(1) : ctx.args;
  const [format, ...rest] = args;
  if (format === undefined) {
    return fail(ctx, "printf: usage: printf [-v var] format [arguments]", 2);
  }
  const { output, errors } = formatPrintf(format, rest);
  ctx.stdout.write(output);
  for (const error of errors) writeLine(ctx.stderr, `bash: ${error}`);
  return errors.length > 0 ? 1 : 0;
};

export const pwd: CommandHandler = (ctx) => {
  writeLine(ctx.stdout, ctx.state.cwd);
  return 0;
};

export const cd: CommandHandler = (ctx) => {
  const args = ctx.args.filter((arg) => arg !== "-L" && arg !== "-P");
  if (args.length > 1) return fail(ctx, "bash: cd: too many arguments");
  const vars = ctx.state.vars;
  let target = args[0];
  let announce = false;
  if (target === undefined || target === "") {
    target = vars.get("HOME");
    if (target === undefined) return fail(ctx, "bash: cd: HOME not set");
  } else if (target === "-") {
    target = vars.get("OLDPWD");
    if (target === undefined) return fail(ctx, "bash: cd: OLDPWD not set");
    announce = true;
  }
  const path = ctx.resolve(target);
  try {
    const stat = ctx.server.vfs.stat(path, ctx.cred);
    if (stat.type !== "dir") return fail(ctx, `bash: cd: ${target}: Not a directory`);
    // Entering a directory needs search permission on it, not just on its parents.
    if (!canSearch(ctx, stat)) return fail(ctx, `bash: cd: ${target}: Permission denied`);
  } catch (error) {
    return fail(ctx, `bash: cd: ${target}: ${reasonOf(error)}`);
  }
  vars.set("OLDPWD", ctx.state.cwd);
  ctx.state.exported.add("OLDPWD");
  ctx.state.cwd = path;
  vars.set("PWD", path);
  if (announce) writeLine(ctx.stdout, path);
  return 0;
};

function canSearch(
  ctx: CommandContext,
  stat: { mode: number; owner: string; group: string },
): boolean {
  if (ctx.cred.uid === 0) return true;
  const shift = stat.owner === ctx.cred.user ? 6 : ctx.cred.groups.includes(stat.group) ? 3 : 0;
  return ((stat.mode >> shift) & 1) === 1;
}

export const exportBuiltin: CommandHandler = (ctx) => {
  const args = ctx.args.filter((arg) => arg !== "-p");
  if (args.length === 0) {
    for (const name of [...ctx.state.exported].sort()) {
      const value = ctx.state.vars.get(name);
      writeLine(
        ctx.stdout,
        value === undefined ? `declare -x ${name}` : `declare -x ${name}="${value}"`,
      );
    }
    return 0;
  }
  let status = 0;
  for (const arg of args) {
    const eq = arg.indexOf("=");
    const name = eq < 0 ? arg : arg.slice(0, eq);
    if (!NAME.test(name)) {
      status = fail(ctx, `bash: export: \`${arg}': not a valid identifier`);
      continue;
    }
    if (eq >= 0) ctx.state.vars.set(name, arg.slice(eq + 1));
    ctx.state.exported.add(name);
  }
  return status;
};

export const unset: CommandHandler = (ctx) => {
  for (const name of ctx.args) {
    if (name.startsWith("-")) continue;
    ctx.state.vars.delete(name);
    ctx.state.exported.delete(name);
  }
  return 0;
};

export const exit: CommandHandler = (ctx) => {
  const arg = ctx.args[0];
  let code = ctx.state.lastStatus;
  if (arg !== undefined) {
    if (!/^[-+]?\d+$/.test(arg)) {
      ctx.stderr.write(`bash: exit: ${arg}: numeric argument required\n`);
      code = 2;
    } else if (ctx.args.length > 1) {
      // bash refuses to exit in this case and keeps the session open.
      return fail(ctx, "bash: exit: too many arguments");
    } else {
      code = ((Number(arg) % 256) + 256) % 256;
    }
  }
  if (ctx.stdout.isTerminal) writeLine(ctx.stderr, "exit");
  ctx.state.exitCode = code;
  return code;
};

export const trueCommand: CommandHandler = () => 0;
export const falseCommand: CommandHandler = () => 1;

const DURATION = /^(\d+(?:\.\d*)?|\.\d+)([smhd]?)$/;
const UNIT_MS: Readonly<Record<string, number>> = {
  "": 1000,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

export const sleep: CommandHandler = async (ctx) => {
  if (ctx.args.length === 0) return usageError(ctx, "missing operand");
  let total = 0;
  for (const arg of ctx.args) {
    const match = DURATION.exec(arg);
    if (match === null) return usageError(ctx, `invalid time interval '${arg}'`);
    total += Number(match[1]) * (UNIT_MS[match[2] ?? ""] ?? 1000);
  }
  await ctx.sleep(total);
  return 0;
};

export const env: CommandHandler = async (ctx) => {
  const vars = new Map(ctx.env);
  let index = 0;
  for (; index < ctx.args.length; index++) {
    const arg = ctx.args[index]!;
    if (arg === "-i" || arg === "--ignore-environment") {
      vars.clear();
      continue;
    }
    const eq = arg.indexOf("=");
    if (eq <= 0) break;
    vars.set(arg.slice(0, eq), arg.slice(eq + 1));
  }
  const command = ctx.args.slice(index);
  if (command.length > 0) return ctx.exec(command);
  for (const [name, value] of vars) writeLine(ctx.stdout, `${name}=${value}`);
  return 0;
};

/**
 * Cloud images let the default user sudo without a password, so sudo either runs the command
 * as the target user or refuses; it never prompts.
 */
export const sudo: CommandHandler = async (ctx) => {
  const args = [...ctx.args];
  let target = "root";
  while (args[0]?.startsWith("-")) {
    const option = args.shift()!;
    if (option === "-u") {
      target = args.shift() ?? "";
    } else if (option === "-i" || option === "-s") {
      if (args.length === 0) {
        return fail(ctx, "sudo: interactive shells are not supported by the simulated shell");
      }
    } else if (option === "--") {
      break;
    } else if (option !== "-E" && option !== "-H" && option !== "-n") {
      return fail(ctx, `sudo: invalid option -- '${option.slice(1)}'`);
    }
  }
  const profile = ctx.server.profile;
  const user = ctx.state.user;
  const admins = groupsOf(profile, user).some(
    (group) => group.name === "sudo" || group.name === "wheel",
  );
  if (user.uid !== 0 && !admins) {
    return fail(ctx, `${user.name} is not in the sudoers file.`);
  }
  const runAs = findUser(profile, target);
  if (runAs === undefined) return fail(ctx, `sudo: unknown user ${target}`);
  if (args.length === 0) {
    return fail(ctx, "usage: sudo [-u user] command [arg ...]");
  }
  return ctx.exec(args, { user: runAs });
};
