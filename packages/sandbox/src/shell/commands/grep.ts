import { escapeRegExp } from "../glob.js";
import type { CommandHandler } from "./types.js";
import { parseOptions, reasonOf, splitLines, usageError, writeLine } from "./util.js";

const POSIX_CLASSES: Readonly<Record<string, string>> = {
  "[:alpha:]": "A-Za-z",
  "[:digit:]": "0-9",
  "[:alnum:]": "A-Za-z0-9",
  "[:upper:]": "A-Z",
  "[:lower:]": "a-z",
  "[:space:]": "\\s",
  "[:blank:]": " \\t",
  "[:punct:]": "!-\\/:-@\\[-`{-~",
  "[:xdigit:]": "0-9A-Fa-f",
};

/**
 * POSIX basic regular expressions → JavaScript: in BRE, `+ ? | ( ) { }` are literal and their
 * backslashed forms are the operators; ERE is already close to JavaScript syntax.
 */
export function toJsRegExpSource(pattern: string, extended: boolean): string {
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === "[") {
      const end = pattern.indexOf("]", pattern[i + 1] === "]" ? i + 2 : i + 1);
      if (end > i) {
        let body = pattern.slice(i + 1, end);
        // Classes like [[:digit:]] contain "]" early; find the real end after them.
        let close = end;
        while (/\[:[a-z]+$/.test(body) || /\[:[a-z]+:$/.test(body)) {
          close = pattern.indexOf("]", close + 1);
          if (close < 0) break;
          body = pattern.slice(i + 1, close);
        }
        if (close > i) {
          for (const [name, chars] of Object.entries(POSIX_CLASSES))
            body = body.split(name).join(chars);
          out += `[${body.startsWith("^") ? `^${body.slice(1).replace(/\\/g, "\\\\")}` : body}]`;
          i = close;
          continue;
        }
      }
    }
    if (extended) {
      out += ch === "/" ? "\\/" : ch;
      if (ch === "\\" && i + 1 < pattern.length) out += pattern[++i];
      continue;
    }
    if (ch === "\\" && i + 1 < pattern.length) {
      const next = pattern[++i]!;
      out += "(){}|+?".includes(next) ? next : `\\${next}`;
    } else if ("(){}|+?".includes(ch)) {
      out += `\\${ch}`;
    } else {
      out += ch;
    }
  }
  return out;
}

export const grep: CommandHandler = (ctx) => {
  const parsed = parseOptions(ctx.args, {
    flags: "ivcnlLqsEFGwxrRHho",
    withValue: "em",
    long: {
      "ignore-case": "i",
      "invert-match": "v",
      count: "c",
      "line-number": "n",
      quiet: "q",
      silent: "q",
      "extended-regexp": "E",
      "fixed-strings": "F",
      recursive: "r",
      regexp: "e",
      color: "C",
      colour: "C",
    },
  });
  if ("error" in parsed) return usageError(ctx, parsed.error, 2);
  const f = parsed.flags;
  const operands = [...parsed.operands];
  const pattern = parsed.values.get("e") ?? operands.shift();
  if (pattern === undefined) {
    ctx.stderr.write(
      "Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n",
    );
    return 2;
  }
  let source: string;
  if (f.has("F")) source = pattern.split("\n").map(escapeRegExp).join("|");
  else source = toJsRegExpSource(pattern, f.has("E"));
  if (f.has("w")) source = `(?<![\\w])(?:${source})(?![\\w])`;
  if (f.has("x")) source = `^(?:${source})$`;
  let regexp: RegExp;
  try {
    regexp = new RegExp(source, f.has("i") ? "i" : "");
  } catch {
    ctx.stderr.write("grep: Invalid regular expression\n");
    return 2;
  }
  const recursive = f.has("r") || f.has("R");
  const inputs: { name: string; text: string | undefined }[] = [];
  let errors = false;
  const targets = operands.length === 0 ? [recursive ? "." : "-"] : operands;
  for (const operand of targets) {
    if (operand === "-") {
      inputs.push({ name: "(standard input)", text: ctx.stdin ?? "" });
      continue;
    }
    const path = ctx.resolve(operand);
    const stat = ctx.server.vfs.tryStat(path);
    if (stat?.type === "dir") {
      if (!recursive) {
        if (!f.has("s")) writeLine(ctx.stderr, `grep: ${operand}: Is a directory`);
        errors = true;
        continue;
      }
      for (const entry of ctx.server.vfs.walk(path)) {
        if (entry.type !== "file") continue;
        const shown =
          operand === "." && operands.length === 0
            ? entry.path.slice(path.length + 1)
            : `${operand.replace(/\/+$/, "")}${entry.path.slice(path.length)}`;
        try {
          inputs.push({ name: shown, text: ctx.server.vfs.readText(entry.path, ctx.cred) });
        } catch (error) {
          if (!f.has("s")) writeLine(ctx.stderr, `grep: ${shown}: ${reasonOf(error)}`);
          errors = true;
        }
      }
      continue;
    }
    try {
      inputs.push({ name: operand, text: ctx.server.vfs.readText(path, ctx.cred) });
    } catch (error) {
      if (!f.has("s")) writeLine(ctx.stderr, `grep: ${operand}: ${reasonOf(error)}`);
      errors = true;
    }
  }
  const withNames = f.has("H") || (!f.has("h") && (inputs.length > 1 || recursive));
  const maxCount = parsed.values.has("m")
    ? Number(parsed.values.get("m"))
    : Number.POSITIVE_INFINITY;
  let matchedAny = false;
  for (const { name, text } of inputs) {
    let count = 0;
    const prefix = withNames ? `${name}:` : "";
    const lines = splitLines(text ?? "");
    for (let index = 0; index < lines.length && count < maxCount; index++) {
      const line = lines[index]!;
      if (regexp.test(line) === f.has("v")) continue;
      count++;
      matchedAny = true;
      if (f.has("q")) return 0;
      if (f.has("c") || f.has("l") || f.has("L")) continue;
      const number = f.has("n") ? `${index + 1}:` : "";
      if (f.has("o") && !f.has("v")) {
        const global = new RegExp(regexp.source, `${regexp.flags}g`);
        for (const match of line.matchAll(global)) {
          if (match[0] !== "") writeLine(ctx.stdout, `${prefix}${number}${match[0]}`);
        }
      } else {
        writeLine(ctx.stdout, `${prefix}${number}${line}`);
      }
    }
    if (f.has("c")) writeLine(ctx.stdout, `${prefix}${count}`);
    if (f.has("l") && count > 0) writeLine(ctx.stdout, name);
    if (f.has("L") && count === 0) writeLine(ctx.stdout, name);
  }
  if (errors) return 2;
  return matchedAny ? 0 : 1;
};
