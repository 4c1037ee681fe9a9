// What every subcommand gets: the injected environment (so tests point HOME and the working
// directory at temp dirs), its streams, colors that appear only on a terminal, and small helpers
// for flags and errors. Nothing here touches the real home or process unless `main` passes it.
import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import type { Readable, Writable } from "node:stream";
import { type ParseArgsConfig, parseArgs } from "node:util";
import picocolors from "picocolors";
import { UsageError } from "../cli-options.js";
import type { CliIo } from "../main.js";

export type Colors = ReturnType<typeof picocolors.createColors>;

export interface CommandContext {
  env: NodeJS.ProcessEnv;
  io: CliIo;
  /** Where project files (`.vscode/mcp.json` …) and relative paths are. */
  cwd: string;
  /** The user's home, from HOME (USERPROFILE on Windows). */
  homeDir: string;
  platform: NodeJS.Platform;
  /** Colors for stdout and stderr; plain text unless that stream is a terminal. */
  color: Colors;
  errColor: Colors;
  /** stdin and stderr are terminals: prompts and progress can be shown. */
  interactive: boolean;
  out(text: string): void;
  err(text: string): void;
}

export function commandContext(env: NodeJS.ProcessEnv, io: CliIo): CommandContext {
  const platform = io.platform ?? process.platform;
  const homeDir = (platform === "win32" ? env.USERPROFILE : env.HOME) || env.HOME || homedir();
  return {
    env,
    io,
    cwd: io.cwd ?? process.cwd(),
    homeDir,
    platform,
    color: picocolors.createColors(colorsWanted(io.stdout, env)),
    errColor: picocolors.createColors(colorsWanted(io.stderr, env)),
    interactive: isTty(io.stdin) && isTty(io.stderr),
    out: (text) => io.stdout.write(text),
    err: (text) => io.stderr.write(text),
  };
}

export function isTty(stream: Readable | Writable): boolean {
  return (stream as { isTTY?: boolean }).isTTY === true;
}

/** Colors on a terminal only; NO_COLOR (any value) turns them off, FORCE_COLOR on. */
function colorsWanted(stream: Writable, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0") return true;
  return isTty(stream) && env.TERM !== "dumb";
}

/** A failure the user can act on: printed as one line (or a few), exit code 1. */
export class CommandError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** node:util parseArgs, strict, with its errors turned into UsageError (exit 2). */
type FlagSpecs = NonNullable<ParseArgsConfig["options"]>;
type Parsed<T extends FlagSpecs> = ReturnType<
  typeof parseArgs<{ args: string[]; options: T; strict: true; allowPositionals: false }>
>;

export function parseFlags<T extends FlagSpecs>(argv: string[], options: T): Parsed<T> {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false });
  } catch (error) {
    throw new UsageError((error as Error).message.split("\n")[0]);
  }
}

/** `~/x` and relative paths, made absolute the way a shell user expects. */
export function absolutePath(context: CommandContext, path: string): string {
  const expanded =
    path === "~" || path.startsWith("~/") ? join(context.homeDir, path.slice(1)) : path;
  return isAbsolute(expanded) ? expanded : resolve(context.cwd, expanded);
}

/** Rows as aligned columns; the last column is not padded. */
export function columns(rows: string[][], visibleLength = (text: string) => text.length): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, index) => {
      widths[index] = Math.max(widths[index] ?? 0, visibleLength(cell));
    });
  }
  return rows
    .map((row) =>
      row
        .map((cell, index) =>
          index === row.length - 1
            ? cell
            : cell + " ".repeat((widths[index] ?? 0) - visibleLength(cell)),
        )
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/** Length without ANSI color codes. */
export function plainLength(text: string): number {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escape sequences
  return text.replace(/\u001b\[[0-9;]*m/g, "").length;
}

/** Reads all of a piped stdin (at most `limit` bytes). */
export async function readAll(stream: Readable, limit = 64 * 1024): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    const buffer = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
    size += buffer.length;
    if (size > limit) throw new CommandError(`standard input is larger than ${limit} bytes.`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * The terminal UI library, loaded only when a prompt or progress bar is shown: runs that are
 * piped or use --json never load it.
 */
export async function loadPrompts() {
  return import("@clack/prompts");
}

/** A word as a POSIX shell would need it quoted, for commands we suggest. */
export { shellQuote as shellWord } from "../../server/token-file-mode.js";
