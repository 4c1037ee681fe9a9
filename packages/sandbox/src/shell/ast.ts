/** Syntax tree of the subset of bash the simulated shell understands. */

export type WordPart =
  /** `quoted` text is neither field-split nor globbed (single/double quotes, backslash). */
  | { type: "text"; value: string; quoted: boolean }
  /** `~` or `~user` at the start of an unquoted word. */
  | { type: "tilde"; user: string }
  | {
      type: "param";
      name: string;
      quoted: boolean;
      /** `${#name}`. */
      length?: boolean;
      /** `${name:-word}` and friends. */
      operator?: { op: ":-" | "-" | ":=" | "=" | ":+" | "+"; word: Word };
    }
  | { type: "command"; script: Script; quoted: boolean }
  /** `$(( expression ))`, kept as text and evaluated when the word expands. */
  | { type: "arith"; expression: string; quoted: boolean };

export interface Word {
  parts: WordPart[];
  /** Source text, for messages such as `bash: ${x: bad substitution`. */
  raw: string;
}

export type RedirectOp = ">" | ">>" | "<" | ">&" | "<<<" | "&>" | "&>>";

export interface Redirect {
  fd: number;
  op: RedirectOp;
  target: Word;
}

export interface Assignment {
  name: string;
  value: Word;
}

export interface SimpleCommand {
  type: "simple";
  assignments: Assignment[];
  words: Word[];
  redirects: Redirect[];
}

export interface Subshell {
  type: "subshell";
  script: Script;
  redirects: Redirect[];
}

/** `if a; then b; elif c; then d; else e; fi`. */
export interface IfClause {
  type: "if";
  branches: { condition: Script; body: Script }[];
  otherwise: Script | undefined;
  redirects: Redirect[];
}

/** `while a; do b; done` and `until a; do b; done`. */
export interface LoopClause {
  type: "while" | "until";
  condition: Script;
  body: Script;
  redirects: Redirect[];
}

/** `for name in words; do body; done`; without `in`, the words are the positional parameters. */
export interface ForClause {
  type: "for";
  name: string;
  words: Word[] | undefined;
  body: Script;
  redirects: Redirect[];
}

/** `{ a; b; }`: runs in the current shell, unlike a subshell. */
export interface BraceGroup {
  type: "group";
  script: Script;
  redirects: Redirect[];
}

export type CompoundCommand = IfClause | LoopClause | ForClause | BraceGroup;

export type Command = SimpleCommand | Subshell | CompoundCommand;

export interface Pipeline {
  commands: Command[];
  /** `! cmd` inverts the status. */
  negated: boolean;
}

export interface AndOr {
  first: Pipeline;
  rest: { op: "&&" | "||"; pipeline: Pipeline }[];
}

/** Commands separated by `;` or newlines. */
export interface Script {
  items: AndOr[];
}
