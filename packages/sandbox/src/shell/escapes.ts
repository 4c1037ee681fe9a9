/**
 * Backslash escapes shared by `echo -e`, `printf` and `$'…'` quoting, plus printf's format
 * engine.
 */

const SIMPLE: Readonly<Record<string, string>> = {
  a: "\x07",
  b: "\b",
  e: "\x1b",
  E: "\x1b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  "\\": "\\",
};

export interface EscapeResult {
  text: string;
  /** `\c` seen: echo and printf stop producing output there. */
  stop: boolean;
}

/**
 * Interprets escapes. `mode` picks the octal syntax: echo wants `\0nnn`, printf and `$'…'`
 * want `\nnn`; `$'…'` also unescapes quotes.
 */
export function interpretEscapes(input: string, mode: "echo" | "printf" | "ansi-c"): EscapeResult {
  let text = "";
  for (let i = 0; i < input.length; i++) {
    const ch = input[i]!;
    if (ch !== "\\" || i === input.length - 1) {
      text += ch;
      continue;
    }
    const next = input[i + 1]!;
    const simple = SIMPLE[next];
    if (simple !== undefined) {
      text += simple;
      i++;
      continue;
    }
    if (next === "c" && mode !== "ansi-c") return { text, stop: true };
    if (mode === "ansi-c" && (next === "'" || next === '"' || next === "?")) {
      text += next;
      i++;
      continue;
    }
    if (next === "x") {
      const hex = /^[0-9a-fA-F]{1,2}/.exec(input.slice(i + 2))?.[0];
      if (hex !== undefined) {
        text += String.fromCharCode(Number.parseInt(hex, 16));
        i += 1 + hex.length;
        continue;
      }
    }
    const octalPattern = mode === "echo" ? /^0[0-7]{0,3}/ : /^[0-7]{1,3}/;
    const octal = octalPattern.exec(input.slice(i + 1))?.[0];
    if (octal !== undefined) {
      const digits = mode === "echo" ? octal.slice(1) : octal;
      text += String.fromCharCode(digits === "" ? 0 : Number.parseInt(digits, 8) & 0xff);
      i += octal.length;
      continue;
    }
    text += ch;
  }
  return { text, stop: false };
}

export interface PrintfResult {
  output: string;
  /** Messages such as `printf: abc: invalid number`; the exit status becomes 1. */
  errors: string[];
}

const SPEC = /%([-+ #0]*)(\*|\d+)?(?:\.(\*|\d*))?([diouxXfeEgGcsb%])/y;

/** Where the format's run of plain characters (up to the next `\\` or `%`) ends. */
function literalEnd(format: string, from: number): number {
  let at = from;
  while (at < format.length && format[at] !== "\\" && format[at] !== "%") at++;
  return at;
}

/**
 * bash's printf: the format is reused while arguments remain, missing arguments are empty or
 * zero, and numeric conversions accept leading quotes for character codes.
 */
export function formatPrintf(format: string, args: readonly string[]): PrintfResult {
  const errors: string[] = [];
  let output = "";
  let argIndex = 0;
  const nextArg = (): string | undefined => {
    const value = args[argIndex];
    argIndex++;
    return value;
  };
  const toNumber = (value: string | undefined): number => {
    if (value === undefined || value === "") return 0;
    if (value.startsWith("'") || value.startsWith('"')) return value.codePointAt(1) ?? 0;
    const trimmed = value.trim();
    const parsed = /^[-+]?0x[0-9a-f]+$/i.test(trimmed)
      ? Number.parseInt(trimmed, 16)
      : /^[-+]?0[0-7]+$/.test(trimmed)
        ? Number.parseInt(trimmed, 8)
        : Number(trimmed);
    if (Number.isNaN(parsed)) {
      errors.push(`printf: ${value}: invalid number`);
      return Number.parseFloat(trimmed) || 0;
    }
    return parsed;
  };

  do {
    const consumedBefore = argIndex;
    let i = 0;
    while (i < format.length) {
      const ch = format[i]!;
      if (ch === "\\") {
        // \n, \t and the like stand for one character: no need to cut the escape out and parse it.
        const simple = SIMPLE[format[i + 1]!];
        if (simple !== undefined) {
          output += simple;
          i += 2;
          continue;
        }
        const end = escapeEnd(format, i);
        const { text, stop } = interpretEscapes(format.slice(i, end), "printf");
        output += text;
        if (stop) return { output, errors };
        i = end;
        continue;
      }
      if (ch !== "%") {
        const end = literalEnd(format, i + 1);
        output += format.slice(i, end);
        i = end;
        continue;
      }
      // Plain %s and %d (no flags, width or precision) are most of what scripts print.
      const conversion0 = format[i + 1];
      if (conversion0 === "s") {
        output += nextArg() ?? "";
        i += 2;
        continue;
      }
      if (conversion0 === "d") {
        const arg = nextArg();
        output += isPlainDecimal(arg) ? arg : integer(Math.trunc(toNumber(arg)), "");
        i += 2;
        continue;
      }
      SPEC.lastIndex = i;
      const match = SPEC.exec(format);
      if (match === null) {
        errors.push(`printf: ${format.slice(i, i + 2)}: invalid directive`);
        output += ch;
        i++;
        continue;
      }
      i = SPEC.lastIndex;
      const [, flags = "", widthSpec, precisionSpec, conversion] = match;
      if (conversion === "%") {
        output += "%";
        continue;
      }
      const width =
        widthSpec === "*" ? toNumber(nextArg()) : widthSpec === undefined ? 0 : Number(widthSpec);
      const precision =
        precisionSpec === undefined
          ? undefined
          : precisionSpec === "*"
            ? toNumber(nextArg())
            : Number(precisionSpec || "0");
      const arg = nextArg();
      let body: string;
      switch (conversion) {
        case "s":
          body = arg ?? "";
          if (precision !== undefined) body = body.slice(0, precision);
          break;
        case "b": {
          const { text, stop } = interpretEscapes(arg ?? "", "echo");
          body = text;
          if (stop) return { output: output + pad(body, width, flags), errors };
          break;
        }
        case "c":
          body = (arg ?? "").slice(0, 1);
          break;
        case "d":
        case "i":
          body = integer(Math.trunc(toNumber(arg)), flags);
          break;
        case "u":
          body = String(Math.trunc(toNumber(arg)));
          break;
        case "o":
          body = Math.trunc(toNumber(arg)).toString(8);
          break;
        case "x":
          body = Math.trunc(toNumber(arg)).toString(16);
          break;
        case "X":
          body = Math.trunc(toNumber(arg)).toString(16).toUpperCase();
          break;
        case "e":
        case "E":
          body = toNumber(arg).toExponential(precision ?? 6);
          body = body.replace(/e([+-])(\d)$/, "e$10$2");
          if (conversion === "E") body = body.toUpperCase();
          break;
        case "g":
        case "G":
          body = String(Number(toNumber(arg).toPrecision(precision || 6)));
          break;
        default:
          body = integer(toNumber(arg), flags, precision ?? 6);
      }
      output += pad(
        body,
        width,
        flags,
        conversion !== "s" && conversion !== "c" && conversion !== "b",
      );
    }
    // bash reuses the format only if it consumed arguments, to avoid looping forever.
    if (argIndex === consumedBefore) break;
  } while (argIndex < args.length);
  return { output, errors };
}

/** Digits without a leading zero (which would make them octal): printed by %d as they are. */
function isPlainDecimal(value: string | undefined): value is string {
  if (value === undefined || value === "" || value.length > 15) return false;
  if (value.length > 1 && value.charCodeAt(0) === 48) return false;
  for (let at = 0; at < value.length; at++) {
    const code = value.charCodeAt(at);
    if (code < 48 || code > 57) return false;
  }
  return true;
}

function integer(value: number, flags: string, decimals?: number): string {
  const text = decimals === undefined ? String(value) : value.toFixed(decimals);
  if (value >= 0 && flags.includes("+")) return `+${text}`;
  if (value >= 0 && flags.includes(" ")) return ` ${text}`;
  return text;
}

function pad(body: string, width: number, flags: string, numeric = false): string {
  if (body.length >= width) return body;
  if (flags.includes("-")) return body.padEnd(width);
  if (numeric && flags.includes("0")) {
    const sign = /^[-+ ]/.test(body) ? body[0]! : "";
    return sign + body.slice(sign.length).padStart(width - sign.length, "0");
  }
  return body.padStart(width);
}

/** End index of the escape sequence starting at `start` (which is a backslash). */
function escapeEnd(text: string, start: number): number {
  const next = text[start + 1];
  if (next === undefined) return start + 1;
  if (next === "x") {
    const hex = /^[0-9a-fA-F]{1,2}/.exec(text.slice(start + 2))?.[0] ?? "";
    return start + 2 + hex.length;
  }
  if (/[0-7]/.test(next)) {
    const octal = /^[0-7]{1,3}/.exec(text.slice(start + 1))?.[0] ?? "";
    return start + 1 + octal.length;
  }
  return start + 2;
}
