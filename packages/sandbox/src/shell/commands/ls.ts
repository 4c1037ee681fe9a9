import { humanSize, month, pad2 } from "../format.js";
import type { VfsStat } from "../vfs.js";
import { joinPath } from "../vfs-path.js";
import type { CommandContext, CommandHandler } from "./types.js";
import { parseOptions, reasonOf, usageError, writeLine } from "./util.js";

/** Width for `ls` columns when the shell has no PTY size (websh opens at 80 columns by default). */
const TERMINAL_WIDTH = 80;
const SIX_MONTHS_MS = 183 * 86_400_000;

interface LsOptions {
  long: boolean;
  all: boolean;
  almostAll: boolean;
  onePerLine: boolean;
  human: boolean;
  directory: boolean;
  reverse: boolean;
  byTime: boolean;
}

export const ls: CommandHandler = (ctx) => {
  const parsed = parseOptions(ctx.args, {
    flags: "laA1hdrtF",
    long: { all: "a", "almost-all": "A", "human-readable": "h", directory: "d", reverse: "r" },
  });
  if ("error" in parsed) return usageError(ctx, parsed.error, 2);
  const f = parsed.flags;
  const options: LsOptions = {
    long: f.has("l"),
    all: f.has("a"),
    almostAll: f.has("A"),
    onePerLine: f.has("1") || !ctx.stdout.isTerminal,
    human: f.has("h"),
    directory: f.has("d"),
    reverse: f.has("r"),
    byTime: f.has("t"),
  };
  const operands = parsed.operands.length === 0 ? ["."] : parsed.operands;
  let status = 0;
  const files: { label: string; stat: VfsStat }[] = [];
  const dirs: { label: string; stat: VfsStat }[] = [];
  for (const operand of operands) {
    try {
      const stat = ctx.server.vfs.stat(ctx.resolve(operand), ctx.cred);
      if (stat.type === "dir" && !options.directory) dirs.push({ label: operand, stat });
      else files.push({ label: operand, stat });
    } catch (error) {
      writeLine(ctx.stderr, `ls: cannot access '${operand}': ${reasonOf(error)}`);
      status = 2;
    }
  }
  const blocks: string[] = [];
  if (files.length > 0) {
    const sorted = sortEntries(
      files.map(({ label, stat }) => ({ ...stat, name: label })),
      options,
    );
    blocks.push(render(ctx, sorted, options, false));
  }
  const headers = operands.length > 1;
  for (const { label, stat } of sortEntries(
    dirs.map(({ label, stat }) => ({ ...stat, name: label })),
    options,
  ).map((stat) => ({ label: stat.name, stat }))) {
    let entries: VfsStat[];
    try {
      entries = ctx.server.vfs.listDir(stat.path, ctx.cred);
    } catch (error) {
      writeLine(ctx.stderr, `ls: cannot open directory '${label}': ${reasonOf(error)}`);
      status = 2;
      continue;
    }
    if (!options.all && !options.almostAll) {
      entries = entries.filter((entry) => !entry.name.startsWith("."));
    }
    if (options.all) {
      const parent = ctx.server.vfs.stat(joinPath(stat.path, ".."));
      entries = [{ ...stat, name: "." }, { ...parent, name: ".." }, ...entries];
    }
    const body = render(ctx, sortEntries(entries, options), options, true);
    blocks.push(headers ? `${label}:\n${body}` : body);
  }
  const text = blocks.filter((block) => block !== "").join("\n");
  ctx.stdout.write(text === "" ? "" : text.endsWith("\n") ? text : `${text}\n`);
  return status;
};

function sortEntries(entries: VfsStat[], options: LsOptions): VfsStat[] {
  const sorted = [...entries].sort((a, b) => {
    if (options.byTime && a.mtime.getTime() !== b.mtime.getTime()) {
      return b.mtime.getTime() - a.mtime.getTime();
    }
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  });
  return options.reverse ? sorted.reverse() : sorted;
}

function render(
  ctx: CommandContext,
  entries: VfsStat[],
  options: LsOptions,
  withTotal: boolean,
): string {
  if (options.long) return renderLong(ctx, entries, options, withTotal);
  if (entries.length === 0) return "";
  const names = entries.map((entry) => entry.name);
  if (options.onePerLine) return `${names.join("\n")}\n`;
  return columns(names, ctx.state.terminal?.cols ?? TERMINAL_WIDTH);
}

export function modeString(type: "file" | "dir", mode: number): string {
  const bits = ["r", "w", "x", "r", "w", "x", "r", "w", "x"]
    .map((letter, index) => ((mode >> (8 - index)) & 1 ? letter : "-"))
    .join("");
  const sticky = (mode & 0o1000) !== 0;
  const withSticky = sticky ? bits.slice(0, 8) + (bits[8] === "x" ? "t" : "T") : bits;
  return (type === "dir" ? "d" : "-") + withSticky;
}

function renderLong(
  ctx: CommandContext,
  entries: VfsStat[],
  options: LsOptions,
  withTotal: boolean,
): string {
  const now = ctx.server.profile.now().getTime();
  const rows = entries.map((entry) => {
    const links = entry.type === "dir" ? 2 + countSubdirs(ctx, entry) : 1;
    const size = options.human ? humanSize(entry.size) : String(entry.size);
    const recent = Math.abs(now - entry.mtime.getTime()) < SIX_MONTHS_MS;
    const day = String(entry.mtime.getUTCDate()).padStart(2, " ");
    const when = recent
      ? `${pad2(entry.mtime.getUTCHours())}:${pad2(entry.mtime.getUTCMinutes())}`
      : ` ${entry.mtime.getUTCFullYear()}`;
    return [
      modeString(entry.type, entry.mode),
      String(links),
      entry.owner,
      entry.group,
      size,
      `${month(entry.mtime)} ${day} ${when}`,
      entry.name,
    ];
  });
  const width = (index: number) => Math.max(0, ...rows.map((row) => row[index]!.length));
  const lines = rows.map((row) =>
    [
      row[0],
      row[1]!.padStart(width(1)),
      row[2]!.padEnd(width(2)),
      row[3]!.padEnd(width(3)),
      row[4]!.padStart(width(4)),
      row[5],
      row[6],
    ].join(" "),
  );
  if (withTotal) {
    const kib = entries.reduce((sum, entry) => sum + Math.ceil(entry.size / 4096) * 4, 0);
    lines.unshift(`total ${options.human ? humanSize(kib * 1024) : kib}`);
  }
  return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
}

function countSubdirs(ctx: CommandContext, entry: VfsStat): number {
  try {
    return ctx.server.vfs.listDir(entry.path).filter((child) => child.type === "dir").length;
  } catch {
    return 0;
  }
}

/** GNU `ls -C`: as many column-major columns as fit, two spaces apart. */
export function columns(names: readonly string[], width: number): string {
  for (let cols = names.length; cols >= 1; cols--) {
    const rows = Math.ceil(names.length / cols);
    if (Math.ceil(names.length / rows) < cols) continue;
    const widths: number[] = [];
    for (let c = 0; c < cols; c++) {
      const column = names.slice(c * rows, (c + 1) * rows);
      widths.push(Math.max(0, ...column.map((name) => name.length)));
    }
    const total = widths.reduce((sum, w) => sum + w, 0) + 2 * (cols - 1);
    if (total > width && cols > 1) continue;
    const lines: string[] = [];
    for (let r = 0; r < rows; r++) {
      let line = "";
      for (let c = 0; c < cols; c++) {
        const name = names[c * rows + r];
        if (name === undefined) continue;
        const isLast = c === cols - 1 || names[(c + 1) * rows + r] === undefined;
        line += isLast ? name : name.padEnd((widths[c] ?? 0) + 2);
      }
      lines.push(line);
    }
    return `${lines.join("\n")}\n`;
  }
  return "";
}
