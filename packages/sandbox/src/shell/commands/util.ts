import { VfsError } from "../vfs.js";
import type { CommandContext } from "./types.js";

export function writeLine(stream: { write(text: string): void }, line: string): void {
  stream.write(`${line}\n`);
}

/** Writes `message` to stderr and returns `code`, so handlers can `return fail(...)`. */
export function fail(ctx: CommandContext, message: string, code = 1): number {
  ctx.stderr.write(`${message}\n`);
  return code;
}

export function reasonOf(error: unknown): string {
  if (error instanceof VfsError) return error.reason;
  throw error;
}

export interface OptionSpec {
  /** Single-letter boolean flags. */
  flags?: string;
  /** Single-letter options that take a value (`-n 5`, `-n5`). */
  withValue?: string;
  /** Long option name → its short letter (or a pseudo-letter for long-only options). */
  long?: Readonly<Record<string, string>>;
}

export interface ParsedOptions {
  flags: Set<string>;
  values: Map<string, string>;
  operands: string[];
}

/**
 * getopt-like parsing with GNU behaviour: combined flags (`-la`), options after operands,
 * `--` ends options, and a lone `-` is an operand (stdin).
 */
export function parseOptions(
  args: readonly string[],
  spec: OptionSpec,
): ParsedOptions | { error: string } {
  const result: ParsedOptions = { flags: new Set(), values: new Map(), operands: [] };
  const flags = spec.flags ?? "";
  const withValue = spec.withValue ?? "";
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") {
      result.operands.push(...args.slice(i + 1));
      break;
    }
    if (arg.startsWith("--")) {
      const [name = "", inline] = splitOnce(arg.slice(2), "=");
      const letter = spec.long?.[name];
      if (letter === undefined) return { error: `unrecognized option '${arg}'` };
      if (withValue.includes(letter)) {
        const value = inline ?? args[++i];
        if (value === undefined) return { error: `option '--${name}' requires an argument` };
        result.values.set(letter, value);
      } else {
        result.flags.add(letter);
      }
      continue;
    }
    if (!arg.startsWith("-") || arg === "-") {
      result.operands.push(arg);
      continue;
    }
    for (let j = 1; j < arg.length; j++) {
      const letter = arg[j]!;
      if (withValue.includes(letter)) {
        const value = j + 1 < arg.length ? arg.slice(j + 1) : args[++i];
        if (value === undefined) return { error: `option requires an argument -- '${letter}'` };
        result.values.set(letter, value);
        break;
      }
      if (!flags.includes(letter)) return { error: `invalid option -- '${letter}'` };
      result.flags.add(letter);
    }
  }
  return result;
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const index = text.indexOf(separator);
  return index < 0 ? [text, undefined] : [text.slice(0, index), text.slice(index + 1)];
}

/** Reports an option error the coreutils way and returns the status to exit with. */
export function usageError(ctx: CommandContext, error: string, code = 1): number {
  ctx.stderr.write(`${ctx.name}: ${error}\nTry '${ctx.name} --help' for more information.\n`);
  return code;
}

/** Input lines of a command: its files, or stdin when there are none (or for `-`). */
export function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/**
 * Reads each operand (or stdin) and hands its text to `each`; missing files are reported as
 * `<cmd>: <file>: No such file or directory`. Returns 1 if any input failed.
 */
export function forEachInput(
  ctx: CommandContext,
  operands: readonly string[],
  each: (text: string, name: string) => void,
  formatError: (name: string, reason: string) => string = (name, reason) =>
    `${ctx.name}: ${name}: ${reason}`,
): number {
  let status = 0;
  const inputs = operands.length === 0 ? ["-"] : operands;
  for (const name of inputs) {
    if (name === "-") {
      each(ctx.stdin ?? "", "(standard input)");
      continue;
    }
    try {
      each(ctx.server.vfs.readText(ctx.resolve(name), ctx.cred), name);
    } catch (error) {
      ctx.stderr.write(`${formatError(name, reasonOf(error))}\n`);
      status = 1;
    }
  }
  return status;
}
