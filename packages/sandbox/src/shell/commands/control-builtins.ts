/** Builtins that steer compound commands: `break`, `continue`, and `read` for `while read`. */
import type { CommandContext, CommandHandler } from "./types.js";
import { fail } from "./util.js";

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const IFS_WHITESPACE = " \t\n";

function loopControl(kind: "break" | "continue"): CommandHandler {
  return (ctx) => {
    const arg = ctx.args[0];
    const levels = arg === undefined ? 1 : Number(arg);
    if (!/^\d+$/.test(arg ?? "1")) {
      return fail(ctx, `bash: ${kind}: ${arg}: numeric argument required`, 128);
    }
    if (levels < 1) return fail(ctx, `bash: ${kind}: ${arg}: loop count out of range`);
    const depth = ctx.state.loopDepth ?? 0;
    if (depth === 0) {
      // bash warns and carries on with status 0.
      ctx.stderr.write(`bash: ${kind}: only meaningful in a \`for', \`while', or \`until' loop\n`);
      return 0;
    }
    ctx.state.loopControl = { kind, levels: Math.min(levels, depth) };
    return 0;
  };
}

export const breakBuiltin = loopControl("break");
export const continueBuiltin = loopControl("continue");

/**
 * Splits a line into at most `count` fields the way `read` does: IFS whitespace is trimmed and
 * collapses, any other IFS character ends exactly one field, the last field keeps the rest.
 */
export function splitFields(line: string, ifs: string, count: number): string[] {
  const isSpace = (ch: string | undefined) =>
    ch !== undefined && ifs.includes(ch) && IFS_WHITESPACE.includes(ch);
  const isDelimiter = (ch: string | undefined) => ch !== undefined && ifs.includes(ch);
  const fields: string[] = [];
  let at = 0;
  while (isSpace(line[at])) at++;
  while (fields.length < count - 1 && at < line.length) {
    let end = at;
    while (end < line.length && !isDelimiter(line[end])) end++;
    fields.push(line.slice(at, end));
    while (isSpace(line[end])) end++;
    if (isDelimiter(line[end])) {
      end++;
      while (isSpace(line[end])) end++;
    }
    at = end;
  }
  let last = line.slice(at);
  let trimmed = last.length;
  while (trimmed > 0 && isSpace(last[trimmed - 1])) trimmed--;
  last = last.slice(0, trimmed);
  if (at < line.length) fields.push(last);
  while (fields.length < count) fields.push("");
  return fields;
}

/** Joins `\`-newline continuations and drops other backslashes, as `read` without `-r`. */
function readLogicalLine(
  ctx: CommandContext,
  raw: boolean,
): { line: string; complete: boolean } | undefined {
  let first = ctx.readLine();
  if (first === undefined) return undefined;
  if (raw) return { line: first.line, complete: first.newline };
  let text = "";
  for (;;) {
    const continued = first.line.endsWith("\\") && !first.line.endsWith("\\\\") && first.newline;
    text += continued ? first.line.slice(0, -1) : first.line;
    if (!continued) break;
    const next = ctx.readLine();
    if (next === undefined) return { line: text.replace(/\\(.)/g, "$1"), complete: false };
    first = next;
  }
  return { line: text.replace(/\\(.)/g, "$1"), complete: first.newline };
}

export const read: CommandHandler = (ctx) => {
  const names: string[] = [];
  let raw = false;
  const args = [...ctx.args];
  while (args[0]?.startsWith("-") && args[0] !== "-") {
    const option = args.shift()!;
    if (option === "--") break;
    for (let i = 1; i < option.length; i++) {
      const letter = option[i];
      if (letter === "r") raw = true;
      else if (letter === "p" || letter === "t" || letter === "u" || letter === "d") {
        // The prompt only shows on a terminal; a timeout or other fd does not apply here.
        if (i === option.length - 1) args.shift();
        break;
      } else if (letter !== "s") {
        return fail(ctx, `bash: read: -${letter}: invalid option`, 2);
      }
    }
  }
  names.push(...args);
  for (const name of names) {
    if (!NAME.test(name)) return fail(ctx, `bash: read: \`${name}': not a valid identifier`);
  }
  const input = readLogicalLine(ctx, raw);
  const line = input?.line ?? "";
  if (names.length === 0) {
    ctx.state.vars.set("REPLY", line);
  } else {
    const ifs = ctx.env.get("IFS") ?? ctx.state.vars.get("IFS") ?? IFS_WHITESPACE;
    const fields = splitFields(line, ifs, names.length);
    for (const [index, name] of names.entries()) ctx.state.vars.set(name, fields[index] ?? "");
  }
  // Like bash: the status is 1 at end of input, even when a last unterminated line was read.
  return input?.complete === true ? 0 : 1;
};
