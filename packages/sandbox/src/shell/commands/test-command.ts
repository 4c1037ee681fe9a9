/** `test` / `[`: file, string and integer predicates with `!`, `-a` and `-o`. */
import type { CommandContext, CommandHandler } from "./types.js";
import { fail } from "./util.js";

const INTEGER = /^\s*[-+]?\d+\s*$/;

class TestError extends Error {}

function evaluate(ctx: CommandContext, args: readonly string[]): boolean {
  const orIndex = args.lastIndexOf("-o");
  if (orIndex > 0)
    return evaluate(ctx, args.slice(0, orIndex)) || evaluate(ctx, args.slice(orIndex + 1));
  const andIndex = args.lastIndexOf("-a");
  if (andIndex > 0 && args.length > 3) {
    return evaluate(ctx, args.slice(0, andIndex)) && evaluate(ctx, args.slice(andIndex + 1));
  }
  if (args[0] === "!" && args.length > 1) return !evaluate(ctx, args.slice(1));
  if (args[0] === "(" && args[args.length - 1] === ")") return evaluate(ctx, args.slice(1, -1));
  switch (args.length) {
    case 0:
      return false;
    case 1:
      return args[0] !== "";
    case 2:
      return unary(ctx, args[0]!, args[1]!);
    case 3:
      return binary(args[0]!, args[1]!, args[2]!);
    default:
      throw new TestError("too many arguments");
  }
}

function unary(ctx: CommandContext, op: string, operand: string): boolean {
  if (op === "-z") return operand === "";
  if (op === "-n") return operand !== "";
  const stat = ctx.server.vfs.tryStat(ctx.resolve(operand));
  switch (op) {
    case "-e":
    case "-a":
      return stat !== undefined;
    case "-f":
      return stat?.type === "file";
    case "-d":
      return stat?.type === "dir";
    case "-s":
      return stat !== undefined && stat.size > 0;
    case "-r":
    case "-w":
    case "-x": {
      if (stat === undefined) return false;
      if (ctx.cred.uid === 0)
        return op !== "-x" || stat.type === "dir" || (stat.mode & 0o111) !== 0;
      const bit = op === "-r" ? 4 : op === "-w" ? 2 : 1;
      const shift = stat.owner === ctx.cred.user ? 6 : ctx.cred.groups.includes(stat.group) ? 3 : 0;
      return ((stat.mode >> shift) & bit) !== 0;
    }
    case "-L":
    case "-h":
      return false;
    default:
      throw new TestError(`${op}: unary operator expected`);
  }
}

function binary(left: string, op: string, right: string): boolean {
  switch (op) {
    case "=":
    case "==":
      return left === right;
    case "!=":
      return left !== right;
    case "<":
      return left < right;
    case ">":
      return left > right;
    default:
      break;
  }
  const ops: Readonly<Record<string, (a: number, b: number) => boolean>> = {
    "-eq": (a, b) => a === b,
    "-ne": (a, b) => a !== b,
    "-lt": (a, b) => a < b,
    "-le": (a, b) => a <= b,
    "-gt": (a, b) => a > b,
    "-ge": (a, b) => a >= b,
  };
  const compare = ops[op];
  if (compare === undefined) throw new TestError(`${op}: binary operator expected`);
  for (const value of [left, right]) {
    if (!INTEGER.test(value)) throw new TestError(`${value}: integer expression expected`);
  }
  return compare(Number(left), Number(right));
}

export const test: CommandHandler = (ctx) => {
  let args = ctx.args;
  if (ctx.name === "[") {
    if (args[args.length - 1] !== "]") return fail(ctx, "bash: [: missing `]'", 2);
    args = args.slice(0, -1);
  }
  try {
    return evaluate(ctx, args) ? 0 : 1;
  } catch (error) {
    if (error instanceof TestError) return fail(ctx, `bash: ${ctx.name}: ${error.message}`, 2);
    throw error;
  }
};
