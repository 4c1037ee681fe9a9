/**
 * Word expansion in bash's order: tilde, parameters, command substitution, then field
 * splitting and pathname expansion of the unquoted results.
 */
import { evaluateArithmetic } from "./arithmetic.js";
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

type ParamPart = Extract<WordPart, { type: "param" }>;

/** `$name`, `${name}` and `${#name}`: a plain lookup. */
function plainParamValue(part: ParamPart, state: ShellState): string {
  const value = specialParam(part.name, state);
  return part.length === true ? String([...(value ?? "")].length) : (value ?? "");
}

async function paramValue(part: ParamPart, ctx: ExpansionContext): Promise<string> {
  const operator = part.operator;
  if (operator === undefined) return plainParamValue(part, ctx.state);
  const value = specialParam(part.name, ctx.state);
  if (part.length === true) return String([...(value ?? "")].length);
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

/** Collects a word's expanded pieces into fields, splitting unquoted expansions on blanks. */
class FieldBuilder {
  private readonly fields: Segment[][] = [];
  private current: Segment[] = [];
  private started = false;

  constructor(private readonly split: boolean) {}

  append(text: string, quoted: boolean): void {
    if (text === "" && !quoted) return;
    this.current.push({ text, quoted });
    this.started = true;
  }

  /** An expansion's result: quoted it stays whole, unquoted it is split into fields. */
  appendExpansion(text: string, quoted: boolean): void {
    if (quoted || !this.split || !/[ \t\n]/.test(text)) {
      this.append(text, quoted);
      return;
    }
    text.split(/[ \t\n]+/).forEach((piece, index) => {
      if (index > 0) this.finish();
      this.append(piece, false);
    });
  }

  done(): Segment[][] {
    this.finish();
    return this.fields;
  }

  private finish(): void {
    if (this.started) this.fields.push(this.current);
    this.current = [];
    this.started = false;
  }
}

/** Parts that expand without running anything: text, `~`, and parameters without operators. */
function isImmediate(part: WordPart): boolean {
  return (
    part.type === "text" ||
    part.type === "tilde" ||
    part.type === "arith" ||
    (part.type === "param" && !part.operator)
  );
}

function appendImmediate(part: WordPart, fields: FieldBuilder, ctx: ExpansionContext): void {
  switch (part.type) {
    case "text":
      fields.append(part.value, part.quoted);
      return;
    case "tilde": {
      const home =
        part.user === "" ? ctx.state.vars.get("HOME") : findUser(ctx.profile, part.user)?.home;
      fields.append(home ?? `~${part.user}`, true);
      return;
    }
    case "param":
      fields.appendExpansion(plainParamValue(part, ctx.state), part.quoted);
      return;
    case "arith": {
      const value = evaluateArithmetic(part.expression, (name) => specialParam(name, ctx.state));
      fields.appendExpansion(String(value), part.quoted);
      return;
    }
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
  const fields = new FieldBuilder(split);
  for (const part of word.parts) {
    if (isImmediate(part)) {
      appendImmediate(part, fields, ctx);
    } else if (part.type === "param") {
      fields.appendExpansion(await paramValue(part, ctx), part.quoted);
    } else if (part.type === "command") {
      const output = (await ctx.substitute(part.script)).replace(/\n+$/, "");
      fields.appendExpansion(output, part.quoted);
    }
  }
  return toFields(fields.done(), ctx, split);
}

/**
 * `expandWord` without a promise, for a word that runs nothing (no `$( … )`, no `${x:-…}`):
 * most words. Undefined for any other word.
 */
export function expandWordNow(
  word: Word,
  ctx: ExpansionContext,
  split = true,
): string[] | undefined {
  if (!word.parts.every(isImmediate)) return undefined;
  const fields = new FieldBuilder(split);
  for (const part of word.parts) appendImmediate(part, fields, ctx);
  return toFields(fields.done(), ctx, split);
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
  for (const word of words)
    argv.push(...(expandWordNow(word, ctx) ?? (await expandWord(word, ctx))));
  return argv;
}

/** `expandWords` without a promise when no word runs anything; undefined otherwise. */
export function expandWordsNow(
  words: readonly Word[],
  ctx: ExpansionContext,
): string[] | undefined {
  if (!words.every((word) => word.parts.every(isImmediate))) return undefined;
  const argv: string[] = [];
  for (const word of words) argv.push(...expandWordNow(word, ctx)!);
  return argv;
}
