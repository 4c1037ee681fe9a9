/**
 * Lexer and recursive-descent parser for a bash subset: simple commands, quotes, escapes,
 * parameter and command substitution, pipelines, `&&`/`||`/`;`, subshells, redirections, and
 * the compound commands operators type on one line: `if`, `for`, `while`, `until` and `{ …; }`.
 *
 * The lexer is pull-based and shares its cursor with the parser, so `$( … )` is parsed by a
 * nested parser that stops at the matching `)` — no separate bracket matching is needed.
 */
import type {
  AndOr,
  Assignment,
  Command,
  CompoundCommand,
  ForClause,
  IfClause,
  LoopClause,
  Pipeline,
  Redirect,
  RedirectOp,
  Script,
  SimpleCommand,
  Word,
  WordPart,
} from "./ast.js";
import { interpretEscapes } from "./escapes.js";

export class ShellSyntaxError extends Error {
  override readonly name = "ShellSyntaxError";

  constructor(
    /** The full line bash would print, e.g. "bash: syntax error near unexpected token `|'". */
    message: string,
    /** 2 for grammar errors, 1 for `bad substitution`, like bash. */
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

type Token =
  | { type: "word"; word: Word }
  | { type: "op"; op: string }
  | { type: "redirect"; fd: number | undefined; op: string }
  | { type: "eof" };

const OPERATORS = ["&&", "||", ";;", "|", "&", ";", "(", ")", "\n"];
const REDIRECTS = ["<<<", "&>>", ">>", ">&", "<<", "<&", "&>", ">|", "<>", ">", "<"];
const WORD_END = new Set([" ", "\t", "\n", "|", "&", ";", "<", ">", "(", ")"]);
/** First characters of every redirection and operator. */
const OPERATOR_START = new Set([...REDIRECTS, ...OPERATORS].map((token) => token[0]!));
/** Characters that quote, escape or expand inside a word. */
const QUOTING = "\\'\"$`";
/**
 * Per ASCII code, 1 for a character that ends a run of plain text: WORD_END and QUOTING in a
 * word, the quote, backslash, `$` and backquote inside double quotes.
 */
const WORD_STOPS = stopTable([...WORD_END, ...QUOTING]);
const QUOTED_STOPS = stopTable(['"', "\\", "$", "`"]);
/** For `readWord(stop)`: QUOTING plus the stop characters (only `}` is ever used). */
const stopTables = new Map<string, Uint8Array>();
const REDIRECTS_BY_START = byFirstCharacter(REDIRECTS);
const OPERATORS_BY_START = byFirstCharacter(OPERATORS);
const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
/** NAME at a given position (lastIndex), without slicing the source. */
const NAME_AT = /[A-Za-z_][A-Za-z0-9_]*/y;
const SPECIAL_PARAMS = new Set([
  "?",
  "$",
  "#",
  "!",
  "@",
  "*",
  "-",
  "0",
  "1",
  "2",
  "3",
  "4",
  "5",
  "6",
  "7",
  "8",
  "9",
]);
const UNSUPPORTED_KEYWORDS = new Set(["case", "select", "function", "[["]);
/** Reserved words that end a compound list, by what they end. */
const THEN = new Set(["then"]);
const ELSE_OR_FI = new Set(["elif", "else", "fi"]);
const FI = new Set(["fi"]);
const DO = new Set(["do"]);
const DONE = new Set(["done"]);
const CLOSE_BRACE = new Set(["}"]);
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MISPLACED_KEYWORDS = new Set([
  "then",
  "else",
  "elif",
  "fi",
  "do",
  "done",
  "esac",
  "}",
  "]]",
  "in",
]);

function stopTable(characters: Iterable<string>): Uint8Array {
  const table = new Uint8Array(128);
  for (const ch of characters) table[ch.charCodeAt(0)] = 1;
  return table;
}

/** Tokens by their first character, in the original (longest first) order. */
function byFirstCharacter(tokens: readonly string[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const token of tokens) {
    const group = groups.get(token[0]!) ?? [];
    group.push(token);
    groups.set(token[0]!, group);
  }
  return groups;
}

function stopsWith(stop: string): Uint8Array {
  let table = stopTables.get(stop);
  if (table === undefined) {
    table = stopTable([...QUOTING, ...stop]);
    stopTables.set(stop, table);
  }
  return table;
}

/** Adds text to a word, merged into the previous part when that is text quoted the same way. */
function appendText(parts: WordPart[], value: string, quoted: boolean): void {
  // Not parts[-1] on an empty array: V8 looks that index up on the prototype chain.
  const last = parts.length > 0 ? parts[parts.length - 1] : undefined;
  if (last?.type === "text" && last.quoted === quoted) last.value += value;
  else parts.push({ type: "text", value, quoted });
}

function unexpected(token: string): ShellSyntaxError {
  return new ShellSyntaxError(`bash: syntax error near unexpected token \`${token}'`);
}

const unexpectedEof = () => new ShellSyntaxError("bash: syntax error: unexpected end of file");

class Lexer {
  pos = 0;
  private peeked: Token | undefined;

  constructor(readonly src: string) {}

  peek(): Token {
    this.peeked ??= this.read();
    return this.peeked;
  }

  next(): Token {
    const token = this.peek();
    this.peeked = undefined;
    return token;
  }

  private read(): Token {
    this.skipBlanksAndComments();
    if (this.pos >= this.src.length) return { type: "eof" };
    const ch = this.src[this.pos]!;
    // Only what starts with a digit, `<`, `>` or an operator character can be anything but a
    // word: the rest skips the operator tables.
    if (ch >= "0" && ch <= "9") {
      const digitsEnd = this.digitsEnd(this.pos);
      const op = this.startingAt(REDIRECTS_BY_START, digitsEnd);
      if (op !== undefined && !op.startsWith("&")) {
        const fd = Number(this.src.slice(this.pos, digitsEnd));
        this.pos = digitsEnd + op.length;
        return { type: "redirect", fd, op };
      }
      return { type: "word", word: this.readWord() };
    }
    if (!OPERATOR_START.has(ch)) return { type: "word", word: this.readWord() };
    const redirect = this.startingAt(REDIRECTS_BY_START, this.pos);
    if (redirect !== undefined) {
      this.pos += redirect.length;
      return { type: "redirect", fd: undefined, op: redirect };
    }
    const op = this.startingAt(OPERATORS_BY_START, this.pos);
    if (op !== undefined) {
      this.pos += op.length;
      return { type: "op", op };
    }
    return { type: "word", word: this.readWord() };
  }

  /** The first of the tokens that the source has at `at`. */
  private startingAt(tokens: Map<string, string[]>, at: number): string | undefined {
    const candidates = tokens.get(this.src[at] ?? "");
    return candidates?.find((candidate) => this.src.startsWith(candidate, at));
  }

  private digitsEnd(from: number): number {
    let at = from;
    while (at < this.src.length && this.src[at]! >= "0" && this.src[at]! <= "9") at++;
    return at;
  }

  private skipBlanksAndComments(): void {
    while (this.pos < this.src.length) {
      const ch = this.src[this.pos]!;
      if (ch === " " || ch === "\t") {
        this.pos++;
      } else if (ch === "\\" && this.src[this.pos + 1] === "\n") {
        this.pos += 2;
      } else if (ch === "#") {
        while (this.pos < this.src.length && this.src[this.pos] !== "\n") this.pos++;
      } else {
        return;
      }
    }
  }

  /** Reads one word; `stop` adds terminators (used for the word inside `${x:-word}`). */
  readWord(stop?: string): Word {
    const start = this.pos;
    const parts: WordPart[] = [];
    const text = (value: string, quoted: boolean) => appendText(parts, value, quoted);
    if (stop === undefined && this.src[this.pos] === "~") {
      const user = /^~([A-Za-z0-9_.-]*)(?=$|[/\s|&;<>()])/.exec(this.src.slice(this.pos));
      if (user !== null) {
        parts.push({ type: "tilde", user: user[1]! });
        this.pos += user[0].length;
      }
    }
    while (this.pos < this.src.length) {
      const ch = this.src[this.pos]!;
      if (stop === undefined ? WORD_END.has(ch) : stop.includes(ch)) break;
      if (ch === "\\") {
        const next = this.src[this.pos + 1];
        this.pos += 2;
        if (next === undefined) text("\\", false);
        else if (next !== "\n") text(next, true);
      } else if (ch === "'") {
        const end = this.src.indexOf("'", this.pos + 1);
        if (end < 0)
          throw new ShellSyntaxError("bash: unexpected EOF while looking for matching `''");
        text(this.src.slice(this.pos + 1, end), true);
        this.pos = end + 1;
      } else if (ch === '"') {
        this.pos++;
        this.readDoubleQuoted(parts, text);
      } else if (ch === "$") {
        this.readDollar(parts, text, false);
      } else if (ch === "`") {
        parts.push({ type: "command", script: this.readBackquoted(), quoted: false });
      } else {
        const end = this.plainEnd(this.pos + 1, stop === undefined ? WORD_STOPS : stopsWith(stop));
        text(this.src.slice(this.pos, end), false);
        this.pos = end;
      }
    }
    return { parts, raw: this.src.slice(start, this.pos) };
  }

  /**
   * The end of a run of characters with no special meaning, taken as one piece of text
   * (a stop string adds its characters to the special ones).
   */
  private plainEnd(from: number, stops: Uint8Array): number {
    const src = this.src;
    let at = from;
    for (; at < src.length; at++) {
      const code = src.charCodeAt(at);
      if (code < 128 && stops[code] === 1) break;
    }
    return at;
  }

  private readDoubleQuoted(
    parts: WordPart[],
    text: (value: string, quoted: boolean) => void,
  ): void {
    // An empty "" must still produce an (empty) field.
    text("", true);
    while (this.pos < this.src.length) {
      const ch = this.src[this.pos]!;
      if (ch === '"') {
        this.pos++;
        return;
      }
      if (ch === "\\") {
        const next = this.src[this.pos + 1];
        if (next !== undefined && '$`"\\\n'.includes(next)) {
          if (next !== "\n") text(next, true);
          this.pos += 2;
        } else {
          text("\\", true);
          this.pos++;
        }
      } else if (ch === "$") {
        this.readDollar(parts, text, true);
      } else if (ch === "`") {
        parts.push({ type: "command", script: this.readBackquoted(), quoted: true });
      } else {
        const end = this.plainEnd(this.pos + 1, QUOTED_STOPS);
        text(this.src.slice(this.pos, end), true);
        this.pos = end;
      }
    }
    throw new ShellSyntaxError("bash: unexpected EOF while looking for matching `\"'");
  }

  private readDollar(
    parts: WordPart[],
    text: (value: string, quoted: boolean) => void,
    quoted: boolean,
  ): void {
    const next = this.src[this.pos + 1];
    if (next === "(") {
      if (this.src[this.pos + 2] === "(") {
        parts.push({ type: "arith", expression: this.readArithmetic(), quoted });
        return;
      }
      this.pos += 2;
      const script = new Parser(this, ")").parseScript();
      parts.push({ type: "command", script, quoted });
      return;
    }
    if (next === "{") {
      parts.push(this.readBraced(quoted));
      return;
    }
    if (next === "'" && !quoted) {
      const end = this.findAnsiCEnd(this.pos + 2);
      text(interpretEscapes(this.src.slice(this.pos + 2, end), "ansi-c").text, true);
      this.pos = end + 1;
      return;
    }
    if (next !== undefined && SPECIAL_PARAMS.has(next)) {
      parts.push({ type: "param", name: next, quoted });
      this.pos += 2;
      return;
    }
    NAME_AT.lastIndex = this.pos + 1;
    const name = NAME_AT.exec(this.src)?.[0];
    if (name !== undefined) {
      parts.push({ type: "param", name, quoted });
      this.pos += 1 + name.length;
      return;
    }
    text("$", quoted);
    this.pos++;
  }

  /** The text of `$(( … ))` up to its matching `))`; the cursor moves past them. */
  private readArithmetic(): string {
    let depth = 0;
    for (let i = this.pos + 3; i < this.src.length; i++) {
      const ch = this.src[i];
      if (ch === "(") depth++;
      else if (ch === ")" && depth > 0) depth--;
      else if (ch === ")" && this.src[i + 1] === ")") {
        const expression = this.src.slice(this.pos + 3, i);
        if (expression.includes("$(") || expression.includes("`")) {
          throw new ShellSyntaxError(
            "sandbox: command substitution inside $(( … )) is not supported by the simulated shell",
          );
        }
        this.pos = i + 2;
        return expression;
      }
    }
    throw new ShellSyntaxError("bash: unexpected EOF while looking for matching `)'");
  }

  private findAnsiCEnd(from: number): number {
    for (let i = from; i < this.src.length; i++) {
      if (this.src[i] === "\\") i++;
      else if (this.src[i] === "'") return i;
    }
    throw new ShellSyntaxError("bash: unexpected EOF while looking for matching `''");
  }

  private readBraced(quoted: boolean): WordPart {
    const start = this.pos;
    this.pos += 2;
    const badSubstitution = () => {
      const end = this.src.indexOf("}", start);
      const raw = this.src.slice(start, end < 0 ? undefined : end + 1);
      return new ShellSyntaxError(`bash: ${raw}: bad substitution`, 1);
    };
    const length = this.src[this.pos] === "#" && this.src[this.pos + 1] !== "}";
    if (length) this.pos++;
    const rest = this.src.slice(this.pos);
    const name = NAME.exec(rest)?.[0] ?? (SPECIAL_PARAMS.has(rest[0] ?? "") ? rest[0] : undefined);
    if (name === undefined) throw badSubstitution();
    this.pos += name.length;
    if (this.src[this.pos] === "}") {
      this.pos++;
      return length
        ? { type: "param", name, quoted, length: true }
        : { type: "param", name, quoted };
    }
    const op = [":-", ":=", ":+", "-", "=", "+"].find((candidate) =>
      this.src.startsWith(candidate, this.pos),
    ) as ":-" | ":=" | ":+" | "-" | "=" | "+" | undefined;
    if (op === undefined || length) throw badSubstitution();
    this.pos += op.length;
    const word = this.readWord("}");
    if (this.src[this.pos] !== "}")
      throw new ShellSyntaxError("bash: unexpected EOF while looking for matching `}'");
    this.pos++;
    if (quoted) for (const part of word.parts) if (part.type === "text") part.quoted = true;
    return { type: "param", name, quoted, operator: { op, word } };
  }

  private readBackquoted(): Script {
    let inner = "";
    let i = this.pos + 1;
    for (; i < this.src.length; i++) {
      const ch = this.src[i]!;
      if (ch === "`") break;
      if (ch === "\\" && "$`\\".includes(this.src[i + 1] ?? "")) {
        inner += this.src[i + 1];
        i++;
      } else {
        inner += ch;
      }
    }
    if (i >= this.src.length)
      throw new ShellSyntaxError("bash: unexpected EOF while looking for matching ``'");
    this.pos = i + 1;
    return parse(inner);
  }
}

class Parser {
  constructor(
    private readonly lexer: Lexer,
    /** ")" when parsing the inside of `$(…)` or `( … )`. */
    private readonly terminator?: ")",
  ) {}

  parseScript(): Script {
    const items: AndOr[] = [];
    for (;;) {
      const token = this.lexer.peek();
      if (token.type === "eof") {
        if (this.terminator !== undefined) throw unexpectedEof();
        return { items };
      }
      if (token.type === "op") {
        if (token.op === "\n" || (token.op === ";" && items.length > 0)) {
          this.lexer.next();
          continue;
        }
        if (token.op === ")" && this.terminator === ")") {
          this.lexer.next();
          return { items };
        }
        if (token.op !== "(") throw unexpected(token.op);
      }
      items.push(this.parseAndOr());
      this.endItem();
    }
  }

  /**
   * A compound list that ends at one of `stops` in command position (`then` after an `if`
   * condition, `done` after a loop body). Returns the list and the word that ended it.
   */
  private parseList(stops: ReadonlySet<string>): { script: Script; stop: string } {
    const items: AndOr[] = [];
    for (;;) {
      const token = this.lexer.peek();
      if (token.type === "eof") throw unexpectedEof();
      if (token.type === "word" && stops.has(token.word.raw)) {
        this.lexer.next();
        if (items.length === 0) throw unexpected(token.word.raw);
        return { script: { items }, stop: token.word.raw };
      }
      if (token.type === "op") {
        if (token.op === "\n" || (token.op === ";" && items.length > 0)) {
          this.lexer.next();
          continue;
        }
        if (token.op !== "(") throw unexpected(token.op);
      }
      items.push(this.parseAndOr());
      this.endItem();
    }
  }

  /** What may follow a list item: `;`, a newline, `)` or the end. */
  private endItem(): void {
    const after = this.lexer.peek();
    if (after.type === "op" && after.op === "&") {
      throw new ShellSyntaxError(
        "sandbox: background jobs (&) are not supported by the simulated shell",
      );
    }
    if (after.type === "op" && after.op === ";") {
      this.lexer.next();
      const following = this.lexer.peek();
      if (following.type === "op" && following.op === ";") throw unexpected(";");
    } else if (after.type === "op" && (after.op === "\n" || after.op === ")")) {
      // handled by the caller's loop
    } else if (after.type !== "eof") {
      throw unexpected(after.type === "word" ? after.word.raw : after.op);
    }
  }

  private parseAndOr(): AndOr {
    const first = this.parsePipeline();
    const rest: AndOr["rest"] = [];
    for (;;) {
      const token = this.lexer.peek();
      if (token.type !== "op" || (token.op !== "&&" && token.op !== "||")) break;
      this.lexer.next();
      this.skipNewlines();
      rest.push({ op: token.op, pipeline: this.parsePipeline() });
    }
    return { first, rest };
  }

  private parsePipeline(): Pipeline {
    let negated = false;
    const bang = this.lexer.peek();
    if (bang.type === "word" && bang.word.raw === "!") {
      this.lexer.next();
      negated = true;
    }
    const commands: Command[] = [this.parseCommand()];
    for (;;) {
      const token = this.lexer.peek();
      if (token.type !== "op" || token.op !== "|") break;
      this.lexer.next();
      this.skipNewlines();
      commands.push(this.parseCommand());
    }
    return { commands, negated };
  }

  private skipNewlines(): void {
    for (;;) {
      const token = this.lexer.peek();
      if (token.type !== "op" || token.op !== "\n") return;
      this.lexer.next();
    }
  }

  private parseCommand(): Command {
    const token = this.lexer.peek();
    if (token.type === "eof") throw unexpectedEof();
    if (token.type === "op") {
      if (token.op === "(") {
        this.lexer.next();
        const script = new Parser(this.lexer, ")").parseScript();
        if (script.items.length === 0) throw unexpected(")");
        return { type: "subshell", script, redirects: this.parseRedirects([]) };
      }
      throw unexpected(token.op === "\n" ? "newline" : token.op);
    }
    if (token.type === "word") {
      const compound = this.parseCompound(token.word.raw);
      if (compound !== undefined) {
        compound.redirects = this.parseRedirects([]);
        return compound;
      }
    }
    return this.parseSimple();
  }

  /** The compound command a reserved word starts, or undefined for a simple command. */
  private parseCompound(keyword: string): CompoundCommand | undefined {
    switch (keyword) {
      case "if":
        this.lexer.next();
        return this.parseIf();
      case "while":
      case "until": {
        this.lexer.next();
        const condition = this.parseList(DO).script;
        const body = this.parseList(DONE).script;
        return { type: keyword, condition, body, redirects: [] } satisfies LoopClause;
      }
      case "for":
        this.lexer.next();
        return this.parseFor();
      case "{":
        this.lexer.next();
        return { type: "group", script: this.parseList(CLOSE_BRACE).script, redirects: [] };
      default:
        return undefined;
    }
  }

  private parseIf(): IfClause {
    const branches: IfClause["branches"] = [];
    for (;;) {
      const condition = this.parseList(THEN).script;
      const { script: body, stop } = this.parseList(ELSE_OR_FI);
      branches.push({ condition, body });
      if (stop === "elif") continue;
      const otherwise = stop === "else" ? this.parseList(FI).script : undefined;
      return { type: "if", branches, otherwise, redirects: [] };
    }
  }

  private parseFor(): ForClause {
    const nameToken = this.lexer.next();
    if (nameToken.type !== "word") throw this.unexpectedToken(nameToken);
    if (!IDENTIFIER.test(nameToken.word.raw)) {
      throw new ShellSyntaxError(`bash: \`${nameToken.word.raw}': not a valid identifier`);
    }
    this.skipNewlines();
    let words: Word[] | undefined;
    const maybeIn = this.lexer.peek();
    if (maybeIn.type === "word" && maybeIn.word.raw === "in") {
      this.lexer.next();
      words = [];
      for (let token = this.lexer.peek(); token.type === "word"; token = this.lexer.peek()) {
        this.lexer.next();
        words.push(token.word);
      }
    }
    const separator = this.lexer.peek();
    if (separator.type === "op" && separator.op === ";") this.lexer.next();
    this.skipNewlines();
    const doToken = this.lexer.next();
    if (doToken.type !== "word" || doToken.word.raw !== "do") throw this.unexpectedToken(doToken);
    const body = this.parseList(DONE).script;
    return { type: "for", name: nameToken.word.raw, words, body, redirects: [] };
  }

  private unexpectedToken(token: Token): ShellSyntaxError {
    if (token.type === "eof") return unexpectedEof();
    if (token.type === "word") return unexpected(token.word.raw);
    if (token.type === "redirect") return unexpected(token.op);
    return unexpected(token.op === "\n" ? "newline" : token.op);
  }

  private parseRedirects(redirects: Redirect[]): Redirect[] {
    for (;;) {
      const token = this.lexer.peek();
      if (token.type !== "redirect") return redirects;
      redirects.push(this.parseRedirect());
    }
  }

  private parseRedirect(): Redirect {
    const token = this.lexer.next();
    if (token.type !== "redirect") throw unexpected("newline");
    if (token.op === "<<") {
      throw new ShellSyntaxError(
        "sandbox: here-documents (<<) are not supported by the simulated shell",
      );
    }
    const target = this.lexer.next();
    if (target.type !== "word") {
      throw unexpected(
        target.type === "eof" || (target.type === "op" && target.op === "\n")
          ? "newline"
          : target.op,
      );
    }
    const op = normalizeRedirectOp(token.op);
    const defaultFd = op === "<" || op === "<<<" ? 0 : 1;
    return { fd: token.fd ?? defaultFd, op, target: target.word };
  }

  private parseSimple(): SimpleCommand {
    const command: SimpleCommand = { type: "simple", assignments: [], words: [], redirects: [] };
    for (;;) {
      const token = this.lexer.peek();
      if (token.type === "redirect") {
        command.redirects.push(this.parseRedirect());
        continue;
      }
      if (token.type !== "word") break;
      this.lexer.next();
      if (command.words.length === 0) {
        const assignment = asAssignment(token.word);
        if (assignment !== undefined) {
          command.assignments.push(assignment);
          continue;
        }
        const keyword = token.word.raw;
        if (UNSUPPORTED_KEYWORDS.has(keyword)) {
          throw new ShellSyntaxError(
            `sandbox: \`${keyword}' compound commands are not supported by the simulated shell`,
          );
        }
        if (MISPLACED_KEYWORDS.has(keyword)) throw unexpected(keyword);
      }
      command.words.push(token.word);
    }
    if (
      command.words.length === 0 &&
      command.assignments.length === 0 &&
      command.redirects.length === 0
    ) {
      const token = this.lexer.peek();
      throw unexpected(
        token.type === "op" ? (token.op === "\n" ? "newline" : token.op) : "newline",
      );
    }
    const after = this.lexer.peek();
    if (after.type === "op" && after.op === "(") throw unexpected("(");
    return command;
  }
}

function normalizeRedirectOp(op: string): RedirectOp {
  switch (op) {
    case ">|":
      return ">";
    case "<&":
      return ">&";
    case "<>":
      return "<";
    default:
      return op as RedirectOp;
  }
}

function asAssignment(word: Word): Assignment | undefined {
  const first = word.parts[0];
  if (first?.type !== "text" || first.quoted) return undefined;
  const match = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(first.value);
  if (match === null) return undefined;
  const restParts: WordPart[] = [];
  const remainder = first.value.slice(match[0].length);
  if (remainder !== "") restParts.push({ type: "text", value: remainder, quoted: false });
  restParts.push(...word.parts.slice(1));
  return { name: match[1]!, value: { parts: restParts, raw: word.raw.slice(match[0].length) } };
}

/** Parses a command line (or script). Throws `ShellSyntaxError` with bash's message. */
export function parse(source: string): Script {
  return new Parser(new Lexer(source)).parseScript();
}
