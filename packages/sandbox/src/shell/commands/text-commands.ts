/** Line-oriented filters: head, tail, wc, sort, uniq, tee, cut, tr. */
import type { CommandHandler } from "./types.js";
import {
  fail,
  forEachInput,
  parseOptions,
  reasonOf,
  splitLines,
  usageError,
  writeLine,
} from "./util.js";

/** Lines with their terminators, so output keeps a missing final newline missing. */
function rawLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** `head -5` / `tail -5` are old spellings of `-n 5`. */
function legacyCount(args: readonly string[]): string[] {
  return args.map((arg) => (/^-\d+$/.test(arg) ? `-n${arg.slice(1)}` : arg));
}

function headTail(kind: "head" | "tail"): CommandHandler {
  return async (ctx) => {
    const parsed = parseOptions(legacyCount(ctx.args), {
      flags: kind === "tail" ? "qvfF" : "qv",
      withValue: "nc",
      long: { lines: "n", bytes: "c", quiet: "q", follow: "f" },
    });
    if ("error" in parsed) return usageError(ctx, parsed.error);
    const lineSpec = parsed.values.get("n") ?? "10";
    const byteSpec = parsed.values.get("c");
    const spec = byteSpec ?? lineSpec;
    const fromStart = kind === "tail" && spec.startsWith("+");
    const count = Number(spec.replace(/^[+-]/, ""));
    if (!Number.isInteger(count)) {
      return fail(
        ctx,
        `${kind}: invalid number of ${byteSpec === undefined ? "lines" : "bytes"}: '${spec}'`,
      );
    }
    const operands = parsed.operands;
    const headers = (operands.length > 1 || parsed.flags.has("v")) && !parsed.flags.has("q");
    let first = true;
    const status = forEachInput(
      ctx,
      operands,
      (text, name) => {
        if (headers) {
          ctx.stdout.write(`${first ? "" : "\n"}==> ${name} <==\n`);
        }
        first = false;
        if (byteSpec !== undefined) {
          const bytes = new TextEncoder().encode(text);
          const slice =
            kind === "head"
              ? bytes.slice(0, count)
              : fromStart
                ? bytes.slice(Math.max(0, count - 1))
                : bytes.slice(Math.max(0, bytes.length - count));
          ctx.stdout.write(new TextDecoder().decode(slice));
          return;
        }
        const lines = rawLines(text);
        const picked =
          kind === "head"
            ? lines.slice(0, count)
            : fromStart
              ? lines.slice(Math.max(0, count - 1))
              : count === 0
                ? []
                : lines.slice(-count);
        ctx.stdout.write(picked.join(""));
      },
      (name, reason) => `${kind}: cannot open '${name}' for reading: ${reason}`,
    );
    if (kind === "tail" && (parsed.flags.has("f") || parsed.flags.has("F"))) {
      // Nothing ever appends while we wait, so following just blocks until Ctrl-C.
      await ctx.sleep(Number.POSITIVE_INFINITY);
    }
    return status;
  };
}

export const head = headTail("head");
export const tail = headTail("tail");

export const wc: CommandHandler = (ctx) => {
  const parsed = parseOptions(ctx.args, {
    flags: "lwcmL",
    long: { lines: "l", words: "w", bytes: "c", chars: "m" },
  });
  if ("error" in parsed) return usageError(ctx, parsed.error);
  let wanted = ["l", "w", "m", "c"].filter((flag) => parsed.flags.has(flag));
  if (wanted.length === 0) wanted = ["l", "w", "c"];
  const rows: { counts: number[]; name: string | undefined }[] = [];
  let readsStdin = false;
  const status = forEachInput(ctx, parsed.operands, (text, name) => {
    const isStdin = name === "(standard input)";
    if (isStdin) readsStdin = true;
    const counts = wanted.map((flag) => {
      switch (flag) {
        case "l":
          return (text.match(/\n/g) ?? []).length;
        case "w":
          return text.split(/\s+/).filter((word) => word !== "").length;
        case "m":
          return [...text].length;
        default:
          return new TextEncoder().encode(text).length;
      }
    });
    rows.push({ counts, name: parsed.operands.length === 0 ? undefined : isStdin ? "-" : name });
  });
  if (rows.length > 1) {
    rows.push({
      counts: wanted.map((_, index) =>
        rows.reduce((sum, row) => sum + (row.counts[index] ?? 0), 0),
      ),
      name: "total",
    });
  }
  // GNU wc sizes columns from the total byte count, 7 wide for pipes, and not at all when a
  // single number is printed for a single input.
  let width = 1;
  if (!(wanted.length === 1 && rows.length === 1)) {
    const totalBytes = rows[rows.length - 1]?.counts.reduce((max, n) => Math.max(max, n), 0) ?? 0;
    width = readsStdin ? 7 : String(totalBytes).length;
  }
  for (const row of rows) {
    const numbers = row.counts.map((n) => String(n).padStart(width)).join(" ");
    writeLine(ctx.stdout, row.name === undefined ? numbers : `${numbers} ${row.name}`);
  }
  return status;
};

export const sort: CommandHandler = (ctx) => {
  const parsed = parseOptions(ctx.args, {
    flags: "rnufh",
    withValue: "kt",
    long: { reverse: "r", "numeric-sort": "n", unique: "u", "ignore-case": "f" },
  });
  if ("error" in parsed) return usageError(ctx, parsed.error, 2);
  const lines: string[] = [];
  const status = forEachInput(
    ctx,
    parsed.operands,
    (text) => {
      lines.push(...splitLines(text));
    },
    (name, reason) => `sort: cannot read: ${name}: ${reason}`,
  );
  if (status !== 0) return 2;
  const separator = parsed.values.get("t");
  const keyField = Number(parsed.values.get("k")?.split(",")[0] ?? "0");
  const key = (line: string) => {
    if (keyField <= 0) return line;
    const fields = separator === undefined ? line.trim().split(/\s+/) : line.split(separator);
    return fields.slice(keyField - 1).join(separator ?? " ");
  };
  const fold = parsed.flags.has("f");
  const compare = (a: string, b: string) => {
    let ka = key(a);
    let kb = key(b);
    if (parsed.flags.has("n") || parsed.flags.has("h")) {
      const diff = (Number.parseFloat(ka) || 0) - (Number.parseFloat(kb) || 0);
      if (diff !== 0) return diff;
    } else if (fold) {
      ka = ka.toLowerCase();
      kb = kb.toLowerCase();
    }
    if (ka !== kb) return ka < kb ? -1 : 1;
    return a < b ? -1 : a > b ? 1 : 0;
  };
  let sorted = lines.sort(compare);
  if (parsed.flags.has("r")) sorted.reverse();
  if (parsed.flags.has("u"))
    sorted = sorted.filter((line, i) => i === 0 || compare(sorted[i - 1]!, line) !== 0);
  ctx.stdout.write(sorted.map((line) => `${line}\n`).join(""));
  return 0;
};

export const uniq: CommandHandler = (ctx) => {
  const parsed = parseOptions(ctx.args, { flags: "cdui", long: { count: "c" } });
  if ("error" in parsed) return usageError(ctx, parsed.error);
  const [input] = parsed.operands;
  return forEachInput(ctx, input === undefined ? [] : [input], (text) => {
    const groups: { line: string; count: number }[] = [];
    const same = (a: string, b: string) =>
      parsed.flags.has("i") ? a.toLowerCase() === b.toLowerCase() : a === b;
    for (const line of splitLines(text)) {
      const last = groups[groups.length - 1];
      if (last !== undefined && same(last.line, line)) last.count++;
      else groups.push({ line, count: 1 });
    }
    for (const group of groups) {
      if (parsed.flags.has("d") && group.count < 2) continue;
      if (parsed.flags.has("u") && group.count > 1) continue;
      writeLine(
        ctx.stdout,
        parsed.flags.has("c") ? `${String(group.count).padStart(7)} ${group.line}` : group.line,
      );
    }
  });
};

export const tee: CommandHandler = (ctx) => {
  const parsed = parseOptions(ctx.args, { flags: "ai", long: { append: "a" } });
  if ("error" in parsed) return usageError(ctx, parsed.error);
  const input = ctx.stdin ?? "";
  let status = 0;
  for (const operand of parsed.operands) {
    try {
      ctx.server.vfs.writeFile(ctx.resolve(operand), input, {
        append: parsed.flags.has("a"),
        as: ctx.cred,
      });
    } catch (error) {
      status = fail(ctx, `tee: ${operand}: ${reasonOf(error)}`);
    }
  }
  ctx.stdout.write(input);
  return status;
};

/** "1,3-4,6-" → predicate over 1-based positions. */
function parseList(list: string): ((n: number) => boolean) | undefined {
  const ranges: [number, number][] = [];
  for (const part of list.split(",")) {
    const match = /^(\d*)(-?)(\d*)$/.exec(part);
    if (match === null || (match[1] === "" && match[3] === "")) return undefined;
    const from = match[1] === "" ? 1 : Number(match[1]);
    const to =
      match[2] === "" ? from : match[3] === "" ? Number.POSITIVE_INFINITY : Number(match[3]);
    ranges.push([from, to]);
  }
  return (n) => ranges.some(([from, to]) => n >= from && n <= to);
}

export const cut: CommandHandler = (ctx) => {
  const parsed = parseOptions(ctx.args, {
    flags: "s",
    withValue: "dfcb",
    long: { delimiter: "d", fields: "f", characters: "c" },
  });
  if ("error" in parsed) return usageError(ctx, parsed.error);
  const fieldList = parsed.values.get("f");
  const charList = parsed.values.get("c") ?? parsed.values.get("b");
  const list = fieldList ?? charList;
  if (list === undefined)
    return usageError(ctx, "you must specify a list of bytes, characters, or fields");
  const selected = parseList(list);
  if (selected === undefined) return usageError(ctx, "invalid field value");
  const delimiter = parsed.values.get("d") ?? "\t";
  if (delimiter.length !== 1) return usageError(ctx, "the delimiter must be a single character");
  return forEachInput(ctx, parsed.operands, (text) => {
    for (const line of splitLines(text)) {
      if (fieldList === undefined) {
        writeLine(ctx.stdout, [...line].filter((_, i) => selected(i + 1)).join(""));
      } else if (!line.includes(delimiter)) {
        if (!parsed.flags.has("s")) writeLine(ctx.stdout, line);
      } else {
        writeLine(
          ctx.stdout,
          line
            .split(delimiter)
            .filter((_, i) => selected(i + 1))
            .join(delimiter),
        );
      }
    }
  });
};

function expandSet(set: string): string[] {
  const classes: Readonly<Record<string, string>> = {
    "[:lower:]": "abcdefghijklmnopqrstuvwxyz",
    "[:upper:]": "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "[:digit:]": "0123456789",
    "[:space:]": " \t\n\r\f\v",
  };
  let source = set;
  for (const [name, chars] of Object.entries(classes)) source = source.split(name).join(chars);
  source = source.replace(/\\n/g, "\n").replace(/\\t/g, "\t");
  const out: string[] = [];
  const chars = [...source];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    const end = chars[i + 2];
    if (chars[i + 1] === "-" && end !== undefined) {
      for (let code = ch.codePointAt(0)!; code <= end.codePointAt(0)!; code++) {
        out.push(String.fromCodePoint(code));
      }
      i += 2;
    } else {
      out.push(ch);
    }
  }
  return out;
}

export const tr: CommandHandler = (ctx) => {
  const parsed = parseOptions(ctx.args, { flags: "ds" });
  if ("error" in parsed) return usageError(ctx, parsed.error);
  const [from, to] = parsed.operands;
  if (from === undefined) return usageError(ctx, "missing operand");
  const input = ctx.stdin ?? "";
  const source = expandSet(from);
  if (parsed.flags.has("d")) {
    const remove = new Set(source);
    ctx.stdout.write([...input].filter((ch) => !remove.has(ch)).join(""));
    return 0;
  }
  if (to === undefined) {
    return usageError(ctx, `missing operand after '${from}'`);
  }
  const target = expandSet(to);
  const map = new Map<string, string>();
  source.forEach((ch, i) => {
    map.set(ch, target[Math.min(i, target.length - 1)] ?? ch);
  });
  let out = [...input].map((ch) => map.get(ch) ?? ch).join("");
  if (parsed.flags.has("s")) {
    const squeeze = new Set(target);
    out = [...out]
      .filter((ch, i, all) => !(i > 0 && ch === all[i - 1] && squeeze.has(ch)))
      .join("");
  }
  ctx.stdout.write(out);
  return 0;
};
