/** `seq [-s SEP] [-w] [FIRST [INCREMENT]] LAST`, as in GNU coreutils. */
import type { CommandHandler } from "./types.js";
import { fail } from "./util.js";

/** More numbers than any one-liner needs; beyond it the sandbox stops instead of filling memory. */
const MAX_NUMBERS = 1_000_000;
const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)$/;

function decimals(text: string): number {
  const dot = text.indexOf(".");
  return dot < 0 ? 0 : text.length - dot - 1;
}

export const seq: CommandHandler = (ctx) => {
  let separator = "\n";
  let equalWidth = false;
  const operands: string[] = [];
  const args = [...ctx.args];
  while (args.length > 0) {
    const arg = args.shift()!;
    // A negative number is an operand, not an option.
    if (NUMBER.test(arg) || arg === "-" || !arg.startsWith("-")) operands.push(arg);
    else if (arg === "-w" || arg === "--equal-width") equalWidth = true;
    else if (arg === "-s" || arg === "--separator") separator = args.shift() ?? "";
    else if (arg.startsWith("-s")) separator = arg.slice(2);
    else if (arg.startsWith("--separator=")) separator = arg.slice("--separator=".length);
    else if (arg === "--") operands.push(...args.splice(0));
    else
      return fail(
        ctx,
        `seq: invalid option -- '${arg.replace(/^-+/, "")}'\nTry 'seq --help' for more information.`,
      );
  }
  if (operands.length === 0 || operands.length > 3) {
    const message =
      operands.length === 0 ? "seq: missing operand" : `seq: extra operand '${operands[3]}'`;
    return fail(ctx, `${message}\nTry 'seq --help' for more information.`);
  }
  for (const operand of operands) {
    if (!NUMBER.test(operand)) {
      return fail(
        ctx,
        `seq: invalid floating point argument: '${operand}'\nTry 'seq --help' for more information.`,
      );
    }
  }
  const [first, step, last] =
    operands.length === 1
      ? ["1", "1", operands[0]!]
      : operands.length === 2
        ? [operands[0]!, "1", operands[1]!]
        : [operands[0]!, operands[1]!, operands[2]!];
  const increment = Number(step);
  if (increment === 0) {
    return fail(
      ctx,
      `seq: invalid Zero increment value: '${step}'\nTry 'seq --help' for more information.`,
    );
  }
  const places = Math.max(decimals(first), decimals(step));
  const start = Number(first);
  const end = Number(last);
  const count = Math.floor((end - start) / increment + 1e-9) + 1;
  if (count <= 0) return 0;
  if (count > MAX_NUMBERS) {
    return fail(ctx, `seq: sandbox: refusing to print more than ${MAX_NUMBERS} numbers`);
  }
  const values: string[] = [];
  for (let i = 0; i < count; i++) values.push((start + i * increment).toFixed(places));
  const width = equalWidth ? Math.max(...values.map((value) => value.replace("-", "").length)) : 0;
  const padded = equalWidth
    ? values.map((value) =>
        value.startsWith("-")
          ? `-${value.slice(1).padStart(width, "0")}`
          : value.padStart(width, "0"),
      )
    : values;
  ctx.stdout.write(`${padded.join(separator)}\n`);
  return 0;
};
