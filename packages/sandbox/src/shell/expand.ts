/**
 * Word expansion in bash's order: tilde, parameters, command substitution, then field
 * splitting and pathname expansion of the unquoted results.
 */
import type { Script, Word, WordPart } from "./ast.js";
import type { ShellState } from "./commands/types.js";
import { expandGlob, hasGlobChars } from "./glob.js";
import { findUser, type ServerProfile } from "./server-profile.js";
import type { Credentials, Vfs } from "./vfs.js";

export interface ExpansionContext {
  state: ShellState;
  profile: ServerProfile;
  vfs: Vfs;
  cred: Credentials;
  /** Runs `$( … )` and returns its stdout. */
  substitute(script: Script): Promise<string>;
}

interface Segment {
  text: string;
  quoted: boolean;
}

function specialParam(name: string, state: ShellState): string | undefined {
  switch (name) {
    case "?":
      return String(state.lastStatus);
    case "$":
      return String(state.pid);
    case "#":
      return "0";
    case "0":
      return "bash";
    case "-":
      return "hB";
    case "!":
    case "@":
    case "*":
      return "";
    default:
      return /^\d$/.test(name) ? "" : state.vars.get(name);
  }
}

async function paramValue(
  part: Extract<WordPart, { type: "param" }>,
  ctx: ExpansionContext,
): Promise<string> {
  const value = specialParam(part.name, ctx.state);
  if (part.length === true) return String([...(value ?? "")].length);
  const operator = part.operator;
  if (operator === undefined) return value ?? "";
  const unset = value === undefined || (operator.op.startsWith(":") && value === "");
  const alternative = async () => (await expandWord(operator.word, ctx, false)).join(" ");
  switch (operator.op) {
    case ":-":
    case "-":
      return unset ? alternative() : (value ?? "");
    case ":=":
    case "=": {
      if (!unset) return value ?? "";
      const assigned = await alternative();
      ctx.state.vars.set(part.name, assigned);
      return assigned;
    }
    default:
      return unset ? "" : alternative();
  }
}

/**
 * Expands one word into fields. With `split` false (assignments, `${x:-word}` operands,
 * redirection targets before the ambiguity check) the result is a single field.
 */
export async function expandWord(
  word: Word,
  ctx: ExpansionContext,
  split = true,
): Promise<string[]> {
  if (isLiteral(word)) return literalFields(word, ctx, split);
  const fields: Segment[][] = [];
  let current: Segment[] = [];
  let started = false;
  const finish = () => {
    if (started) fields.push(current);
    current = [];
    started = false;
  };
  const append = (text: string, quoted: boolean) => {
    if (text === "" && !quoted) return;
    current.push({ text, quoted });
    started = true;
  };
  const appendSplittable = (text: string) => {
    if (!split) {
      append(text, false);
      return;
    }
    if (!/[ \t\n]/.test(text)) {
      append(text, false);
      return;
    }
    const pieces = text.split(/[ \t\n]+/);
    pieces.forEach((piece, index) => {
      if (index > 0) finish();
      append(piece, false);
    });
  };

  for (const part of word.parts) {
    switch (part.type) {
      case "text":
        append(part.value, part.quoted);
        break;
      case "tilde": {
        const home =
          part.user === "" ? ctx.state.vars.get("HOME") : findUser(ctx.profile, part.user)?.home;
        append(home ?? `~${part.user}`, true);
        break;
      }
      case "param": {
        const value = await paramValue(part, ctx);
        if (part.quoted) append(value, true);
        else appendSplittable(value);
        break;
      }
      case "command": {
        const output = (await ctx.substitute(part.script)).replace(/\n+$/, "");
        if (part.quoted) append(output, true);
        else appendSplittable(output);
        break;
      }
    }
  }
  finish();
  return toFields(fields, ctx, split);
}

/** Only text (quoted or not): nothing to look up or run, so nothing to wait for. */
function isLiteral(word: Word): boolean {
  for (const part of word.parts) if (part.type !== "text") return false;
  return true;
}

/**
 * `expandWord` of a literal word, without a promise: text is never field-split, so the
 * segments form at most one field (none when every piece is empty and unquoted).
 */
function literalFields(word: Word, ctx: ExpansionContext, split: boolean): string[] {
  const segments: Segment[] = [];
  for (const part of word.parts) {
    if (part.type === "text" && (part.value !== "" || part.quoted)) {
      segments.push({ text: part.value, quoted: part.quoted });
    }
  }
  return toFields(segments.length > 0 ? [segments] : [], ctx, split);
}

/**
 * Whether the field's pattern can hold a glob character: only an unquoted segment can bring
 * one, or a backslash that escapes the next segment's (quoted text is escaped throughout).
 */
function mayGlob(segments: readonly Segment[]): boolean {
  return segments.some((segment) => !segment.quoted && /[*?[\\]/.test(segment.text));
}

/** Joins each field's segments and expands pathname patterns in the unquoted parts. */
function toFields(fields: Segment[][], ctx: ExpansionContext, split: boolean): string[] {
  const result: string[] = [];
  for (const segments of fields) {
    const literal =
      segments.length === 1 ? segments[0]!.text : segments.map((segment) => segment.text).join("");
    if (!split || !mayGlob(segments)) {
      result.push(literal);
      continue;
    }
    const pattern = segments
      .map((segment) =>
        segment.quoted ? segment.text.replace(/[*?[\]\\]/g, "\\$&") : segment.text,
      )
      .join("");
    if (!hasGlobChars(pattern)) {
      result.push(literal);
      continue;
    }
    const matches = expandGlob(ctx.vfs, ctx.state.cwd, pattern, ctx.cred);
    if (matches.length === 0) result.push(literal);
    else result.push(...matches);
  }
  if (!split && result.length === 0) result.push("");
  return result;
}

export async function expandWords(
  words: readonly Word[],
  ctx: ExpansionContext,
): Promise<string[]> {
  const argv: string[] = [];
  for (const word of words) {
    const fields = isLiteral(word) ? literalFields(word, ctx, true) : await expandWord(word, ctx);
    argv.push(...fields);
  }
  return argv;
}
