import type { OutputStream } from "../output.js";
import type { SimulatedServer } from "../server.js";
import type { SystemUser } from "../server-profile.js";
import type { Credentials } from "../vfs.js";

/** Mutable state of one shell; pipelines and subshells work on a copy, as in bash. */
export interface ShellState {
  cwd: string;
  /** Shell variables; the ones in `exported` form the environment of commands. */
  vars: Map<string, string>;
  exported: Set<string>;
  lastStatus: number;
  user: SystemUser;
  pid: number;
  /** Set by `exit`; stops the rest of the line. */
  exitCode: number | undefined;
  /**
   * `trap` actions by signal name (`EXIT`, `INT`, …). Only `EXIT` ever fires (when the shell
   * exits through `exit`); the others are kept so `trap -p` shows them. Subshells start empty.
   */
  traps: Map<string, string>;
  /** Size of the PTY for a websh shell (`stty size`, `ls` columns); undefined without a tty. */
  terminal: { rows: number; cols: number } | undefined;
  /** How many `for`/`while`/`until` loops enclose the running command (for `break`). */
  loopDepth?: number;
  /** Set by `break n`/`continue n`; the enclosing loops consume it. */
  loopControl?: { kind: "break" | "continue"; levels: number } | undefined;
}

/** Input shared by the commands of a compound command, so each `read` takes the next line. */
export interface InputReader {
  rest: string;
}

export interface CommandContext {
  /** argv[0] as typed. */
  name: string;
  args: string[];
  /** Piped or redirected input; undefined when stdin is the (empty) terminal. */
  stdin: string | undefined;
  stdout: OutputStream;
  stderr: OutputStream;
  state: ShellState;
  server: SimulatedServer;
  /** Environment of this command: exported variables plus `VAR=x cmd` prefixes. */
  env: ReadonlyMap<string, string>;
  cred: Credentials;
  signal: AbortSignal;
  /** Waits without blocking the event loop; rejects with `InterruptedError` on Ctrl-C. */
  sleep(ms: number): Promise<void>;
  /** Absolute VFS path for an operand (relative to cwd, `~` expanded). */
  resolve(path: string): string;
  /**
   * Takes the next line of stdin (without its newline) for `read`; undefined at the end. Inside
   * a loop fed by a pipe or a redirection the lines are consumed one by one.
   */
  readLine(): { line: string; newline: boolean } | undefined;
  /** Runs another command line (argv already expanded), e.g. for `sudo`. */
  exec(argv: string[], options?: { user?: SystemUser }): Promise<number> | number;
  /**
   * Parses and runs shell source in this very shell with this command's I/O (`eval`), so `cd`
   * and variables persist. Throws `ShellSyntaxError` when the source does not parse. A status
   * without a promise when every command in it finished at once.
   */
  evaluate(source: string): Promise<number> | number;
}

/** Returns the exit status. */
export type CommandHandler = (ctx: CommandContext) => Promise<number> | number;

export class InterruptedError extends Error {
  override readonly name = "InterruptedError";

  constructor() {
    super("interrupted");
  }
}
