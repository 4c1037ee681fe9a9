/**
 * Walks the syntax tree. Pipelines run their stages one after another with buffered pipes
 * (no stage here reads incrementally, so the result is the same as concurrent execution), and
 * each stage works on a copy of the shell state, as bash runs them in subshells.
 */

import { ExpansionError } from "./arithmetic.js";
import type {
  AndOr,
  Command,
  CompoundCommand,
  ForClause,
  IfClause,
  LoopClause,
  Pipeline,
  Redirect,
  Script,
  SimpleCommand,
  Subshell,
} from "./ast.js";
import { COMMANDS } from "./commands/registry.js";
import {
  type CommandContext,
  type InputReader,
  InterruptedError,
  type ShellState,
} from "./commands/types.js";
import {
  type ExpansionContext,
  expandWord,
  expandWordNow,
  expandWords,
  expandWordsNow,
} from "./expand.js";
import { BufferStream, fileStream, nullStream, type OutputStream } from "./output.js";
import { parse, ShellSyntaxError } from "./parser.js";
import type { SimulatedServer } from "./server.js";
import { groupsOf, type ServerProfile, type SystemUser } from "./server-profile.js";
import { type Credentials, VfsError } from "./vfs.js";
import { resolvePath } from "./vfs-path.js";

export interface Io {
  stdin: string | undefined;
  stdout: OutputStream;
  stderr: OutputStream;
  /** The stdin of an enclosing compound command, consumed line by line by `read`. */
  reader?: InputReader | undefined;
}

/** Loop iterations between two yields to the event loop, so `while true` stays interruptible. */
const ITERATIONS_PER_YIELD = 256;

export interface ExecutionEnv {
  server: SimulatedServer;
  signal: AbortSignal;
  sleep(ms: number): Promise<void>;
}

const BIN_DIRS = new Set([
  "/bin",
  "/sbin",
  "/usr/bin",
  "/usr/sbin",
  "/usr/local/bin",
  "/usr/local/sbin",
]);

export function credentialsFor(profile: ServerProfile, user: SystemUser): Credentials {
  const groups = groupsOf(profile, user).map((group) => group.name);
  return { user: user.name, uid: user.uid, group: groups[0] ?? user.name, groups };
}

export function cloneState(state: ShellState): ShellState {
  return {
    ...state,
    vars: new Map(state.vars),
    exported: new Set(state.exported),
    // A subshell does not inherit traps, as in bash: the parent's EXIT trap must not fire
    // when `( exit 3 )` or a pipeline stage ends.
    traps: new Map(),
    // `break` in a subshell or pipeline stage cannot leave the parent's loop.
    loopDepth: 0,
    loopControl: undefined,
  };
}

/**
 * Runs the EXIT trap of a shell that just ran `exit`, with `$?` = the exit status. The trap
 * runs once; its own `exit N` replaces the status, as in bash.
 */
export async function runExitTrap(state: ShellState, io: Io, env: ExecutionEnv): Promise<void> {
  const code = state.exitCode;
  const action = state.traps.get("EXIT");
  if (code === undefined || action === undefined) return;
  state.traps.delete("EXIT");
  if (action === "") return;
  state.exitCode = undefined;
  state.lastStatus = code;
  try {
    await runScript(parse(action), state, io, env);
  } catch (error) {
    if (!(error instanceof ShellSyntaxError)) throw error;
    io.stderr.write(`${error.message}\n`);
  }
  state.exitCode ??= code;
  state.lastStatus = state.exitCode;
}

/**
 * An exit status now, or later for a command that waits (sleep, `$( … )`, redirections, a
 * pipeline). Most commands finish at once: running them without a promise each is most of
 * what a line of builtins costs.
 */
export type Status = number | Promise<number>;

export async function runScript(
  script: Script,
  state: ShellState,
  io: Io,
  env: ExecutionEnv,
): Promise<number> {
  return runScriptNow(script, state, io, env);
}

/** `runScript` without a promise while every command finishes at once. */
export function runScriptNow(script: Script, state: ShellState, io: Io, env: ExecutionEnv): Status {
  return runItems(script.items, 0, state, io, env);
}

function runItems(
  items: readonly AndOr[],
  from: number,
  state: ShellState,
  io: Io,
  env: ExecutionEnv,
): Status {
  for (let index = from; index < items.length; index++) {
    if (stopped(state, env)) break;
    const status = runAndOr(items[index]!, 0, 0, state, io, env);
    if (typeof status !== "number") {
      return status.then(() => runItems(items, index + 1, state, io, env));
    }
  }
  return state.lastStatus;
}

/** `exit`, Ctrl-C, `break` or `continue` ends the rest of a list. */
function stopped(state: ShellState, env: ExecutionEnv): boolean {
  return state.exitCode !== undefined || env.signal.aborted || state.loopControl !== undefined;
}

/** Runs `a && b || c` from its `step`-th pipeline on, `status` being the one before it. */
function runAndOr(
  item: AndOr,
  step: number,
  status: number,
  state: ShellState,
  io: Io,
  env: ExecutionEnv,
): Status {
  for (let index = step; index <= item.rest.length; index++) {
    let pipeline = item.first;
    if (index > 0) {
      if (stopped(state, env)) break;
      const { op, pipeline: next } = item.rest[index - 1]!;
      if ((op === "&&") !== (status === 0)) continue;
      pipeline = next;
    }
    const result = runPipeline(pipeline, state, io, env);
    if (typeof result !== "number") {
      return result.then((done) => {
        state.lastStatus = done;
        return runAndOr(item, index + 1, done, state, io, env);
      });
    }
    status = result;
    state.lastStatus = status;
  }
  return status;
}

function runPipeline(pipeline: Pipeline, state: ShellState, io: Io, env: ExecutionEnv): Status {
  if (pipeline.commands.length !== 1) return runStages(pipeline, state, io, env);
  const status = runCommand(pipeline.commands[0]!, state, io, env);
  return typeof status === "number"
    ? pipelineStatus(pipeline, status, env)
    : status.then((done) => pipelineStatus(pipeline, done, env));
}

async function runStages(
  pipeline: Pipeline,
  state: ShellState,
  io: Io,
  env: ExecutionEnv,
): Promise<number> {
  let input = io.reader?.rest ?? io.stdin;
  let status = 0;
  for (const [index, command] of pipeline.commands.entries()) {
    if (env.signal.aborted) break;
    const last = index === pipeline.commands.length - 1;
    const out = last ? io.stdout : new BufferStream();
    status = await runCommand(
      command,
      cloneState(state),
      { stdin: input, stdout: out, stderr: io.stderr },
      env,
    );
    input = out instanceof BufferStream ? out.text : undefined;
  }
  return pipelineStatus(pipeline, status, env);
}

function pipelineStatus(pipeline: Pipeline, status: number, env: ExecutionEnv): number {
  if (env.signal.aborted) return 130;
  return pipeline.negated ? (status === 0 ? 1 : 0) : status;
}

/**
 * The expansion side of one command. A class, not an object literal: a literal with a getter
 * costs a microsecond or more to create, and every command makes one.
 */
class CommandExpansion implements ExpansionContext {
  readonly profile: ServerProfile;
  readonly vfs: SimulatedServer["vfs"];
  /** Status of the last `$( … )`, the status of a command that is only assignments. */
  substitutionStatus: number | undefined;
  private credentials: Credentials | undefined;

  constructor(
    readonly state: ShellState,
    private readonly io: Io,
    private readonly env: ExecutionEnv,
  ) {
    this.profile = env.server.profile;
    this.vfs = env.server.vfs;
  }

  /** Only globs and redirections need them; most commands have neither. */
  get cred(): Credentials {
    this.credentials ??= credentialsFor(this.profile, this.state.user);
    return this.credentials;
  }

  async substitute(script: Script): Promise<string> {
    const out = new BufferStream();
    const status = await runScript(
      script,
      cloneState(this.state),
      { stdin: undefined, stdout: out, stderr: this.io.stderr },
      this.env,
    );
    // Like bash, $? already reflects the substitution while the rest of the line expands.
    this.state.lastStatus = status;
    this.substitutionStatus = status;
    return out.text;
  }
}

function runCommand(command: Command, state: ShellState, io: Io, env: ExecutionEnv): Status {
  const expansion = new CommandExpansion(state, io, env);
  let status: Status;
  try {
    switch (command.type) {
      case "simple":
        status = runSimple(command, state, io, env, expansion);
        break;
      case "subshell":
        status = runSubshell(command, state, io, env, expansion);
        break;
      default:
        status = runCompound(command, state, io, env, expansion);
    }
  } catch (error) {
    return expansionFailed(error, io);
  }
  return typeof status === "number" ? status : status.catch((error) => expansionFailed(error, io));
}

/** A word that cannot expand (`$((1/0))`) fails its command with status 1, as in bash. */
function expansionFailed(error: unknown, io: Io): number {
  if (!(error instanceof ExpansionError)) throw error;
  io.stderr.write(`${error.message}\n`);
  return 1;
}

/** `if`, loops and `{ …; }` run in the current shell with their redirections applied. */
async function runCompound(
  command: CompoundCommand,
  state: ShellState,
  io: Io,
  env: ExecutionEnv,
  expansion: CommandExpansion,
): Promise<number> {
  const redirected =
    command.redirects.length === 0 ? io : await openRedirects(command.redirects, io, expansion);
  if (typeof redirected === "number") return redirected;
  // Commands inside share one input: `while read line` takes a line per iteration.
  const inner =
    redirected.reader === undefined && redirected.stdin !== undefined
      ? { ...redirected, reader: { rest: redirected.stdin } }
      : redirected;
  switch (command.type) {
    case "if":
      return runIf(command, state, inner, env);
    case "group":
      return runScript(command.script, state, inner, env);
    default:
      state.loopDepth = (state.loopDepth ?? 0) + 1;
      try {
        return command.type === "for"
          ? await runFor(command, state, inner, env, expansion)
          : await runLoop(command, state, inner, env);
      } finally {
        state.loopDepth -= 1;
      }
  }
}

async function runIf(command: IfClause, state: ShellState, io: Io, env: ExecutionEnv) {
  for (const { condition, body } of command.branches) {
    const status = await runScript(condition, state, io, env);
    if (stopped(state, env)) return status;
    if (status === 0) return runScript(body, state, io, env);
  }
  return command.otherwise === undefined ? 0 : runScript(command.otherwise, state, io, env);
}

async function runLoop(
  command: LoopClause,
  state: ShellState,
  io: Io,
  env: ExecutionEnv,
): Promise<number> {
  let status = 0;
  for (let iteration = 1; ; iteration++) {
    const test = await runScript(command.condition, state, io, env);
    if (stopped(state, env) || (test === 0) !== (command.type === "while")) break;
    status = await runScript(command.body, state, io, env);
    if (leaveLoop(state)) break;
    if (iteration % ITERATIONS_PER_YIELD === 0) await yieldToEventLoop();
  }
  return env.signal.aborted ? 130 : status;
}

async function runFor(
  command: ForClause,
  state: ShellState,
  io: Io,
  env: ExecutionEnv,
  expansion: CommandExpansion,
): Promise<number> {
  // Without `in`, bash loops over "$@"; a command line has no positional parameters.
  const values = command.words === undefined ? [] : await expandWords(command.words, expansion);
  let status = 0;
  for (const [index, value] of values.entries()) {
    if (stopped(state, env)) break;
    state.vars.set(command.name, value);
    status = await runScript(command.body, state, io, env);
    if (leaveLoop(state)) break;
    if ((index + 1) % ITERATIONS_PER_YIELD === 0) await yieldToEventLoop();
  }
  return env.signal.aborted ? 130 : status;
}

/**
 * Consumes a pending `break`/`continue` aimed at this loop; true when the loop must end (a
 * `break`, an outer loop's `continue n`, `exit` or Ctrl-C).
 */
function leaveLoop(state: ShellState): boolean {
  const control = state.loopControl;
  if (control === undefined) return state.exitCode !== undefined;
  if (control.levels > 1) {
    control.levels -= 1;
    return true;
  }
  state.loopControl = undefined;
  return control.kind === "break";
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

async function runSubshell(
  command: Subshell,
  state: ShellState,
  io: Io,
  env: ExecutionEnv,
  expansion: CommandExpansion,
): Promise<number> {
  const redirected = await openRedirects(command.redirects, io, expansion);
  if (typeof redirected === "number") return redirected;
  const sub = cloneState(state);
  await runScript(command.script, sub, redirected, env);
  await runExitTrap(sub, redirected, env);
  return sub.exitCode ?? sub.lastStatus;
}

/**
 * Words that run nothing expand without waiting, and a command without redirections opens
 * none: a simple command such as `printf … $?` then waits only for itself.
 */
function runSimple(
  command: SimpleCommand,
  state: ShellState,
  io: Io,
  env: ExecutionEnv,
  expansion: CommandExpansion,
): Status {
  const argv =
    command.redirects.length === 0 ? expandWordsNow(command.words, expansion) : undefined;
  const assignments = argv && assignmentsNow(command, expansion);
  if (argv === undefined || assignments === undefined) {
    return runSimpleWaiting(command, state, io, env, expansion, argv);
  }
  if (env.signal.aborted) return 130;
  return runExpanded(argv, assignments, state, io, env, expansion);
}

function assignmentsNow(
  command: SimpleCommand,
  expansion: CommandExpansion,
): [string, string][] | undefined {
  const assignments: [string, string][] = [];
  for (const { name, value } of command.assignments) {
    const fields = expandWordNow(value, expansion, false);
    if (fields === undefined) return undefined;
    assignments.push([name, fields[0] ?? ""]);
  }
  return assignments;
}

/** A simple command with `$( … )`, `${x:-…}` or redirections: expanded and opened in order. */
async function runSimpleWaiting(
  command: SimpleCommand,
  state: ShellState,
  io: Io,
  env: ExecutionEnv,
  expansion: CommandExpansion,
  expanded: string[] | undefined,
): Promise<number> {
  const argv = expanded ?? (await expandWords(command.words, expansion));
  const assignments: [string, string][] = [];
  for (const { name, value } of command.assignments) {
    const fields =
      expandWordNow(value, expansion, false) ?? (await expandWord(value, expansion, false));
    assignments.push([name, fields[0] ?? ""]);
  }
  if (env.signal.aborted) return 130;
  const redirected =
    command.redirects.length === 0 ? io : await openRedirects(command.redirects, io, expansion);
  if (typeof redirected === "number") return redirected;
  return runExpanded(argv, assignments, state, redirected, env, expansion);
}

function runExpanded(
  argv: string[],
  assignments: [string, string][],
  state: ShellState,
  io: Io,
  env: ExecutionEnv,
  expansion: CommandExpansion,
): Status {
  if (argv.length === 0) {
    for (const [name, value] of assignments) state.vars.set(name, value);
    return expansion.substitutionStatus ?? 0;
  }
  return runArgv(argv, state, io, env, assignments);
}

/** Runs an already-expanded command line; also the entry point for `sudo` and `env cmd`. */
export function runArgv(
  argv: readonly string[],
  state: ShellState,
  io: Io,
  env: ExecutionEnv,
  assignments: readonly [string, string][] = [],
): Status {
  const [name = "", ...args] = argv;
  const handler = lookup(name, state, io, env);
  if (typeof handler === "number") return handler;
  const ctx = new Invocation(name, args, state, io, env, assignments);
  let status: Status;
  try {
    status = handler(ctx);
  } catch (error) {
    return commandFailed(error, ctx);
  }
  // Most builtins answer at once; only a pending status needs waiting for.
  return typeof status === "number" ? status : status.catch((error) => commandFailed(error, ctx));
}

/** A command's interruption or filesystem error is its status; anything else is a bug. */
function commandFailed(error: unknown, ctx: Invocation): number {
  if (error instanceof InterruptedError) return 130;
  if (error instanceof VfsError) {
    ctx.stderr.write(`${ctx.name}: ${error.message}\n`);
    return 1;
  }
  throw error;
}

/**
 * What a command gets to run with. The environment and credentials are built when the command
 * first asks for them (most builtins never do); nothing changes them before it starts. A class
 * for the same reason as CommandExpansion.
 */
class Invocation implements CommandContext {
  readonly name: string;
  readonly stdin: string | undefined;
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly server: SimulatedServer;
  readonly signal: AbortSignal;
  readonly sleep: (ms: number) => Promise<void>;
  /** HOME when the command started, for `~` in its operands. */
  private readonly home: string;
  private environment: Map<string, string> | undefined;
  private credentials: Credentials | undefined;

  constructor(
    argv0: string,
    readonly args: string[],
    readonly state: ShellState,
    private readonly io: Io,
    private readonly execution: ExecutionEnv,
    private readonly assignments: readonly [string, string][],
  ) {
    this.name = argv0.includes("/") ? argv0.slice(argv0.lastIndexOf("/") + 1) : argv0;
    this.stdin = io.reader === undefined ? io.stdin : io.reader.rest;
    this.stdout = io.stdout;
    this.stderr = io.stderr;
    this.server = execution.server;
    this.signal = execution.signal;
    this.sleep = execution.sleep;
    this.home = state.vars.get("HOME") ?? state.user.home;
  }

  get env(): ReadonlyMap<string, string> {
    this.environment ??= commandEnvironment(this.state, this.assignments);
    return this.environment;
  }

  get cred(): Credentials {
    this.credentials ??= credentialsFor(this.server.profile, this.state.user);
    return this.credentials;
  }

  resolve(path: string): string {
    return resolvePath(this.state.cwd, path, this.home);
  }

  readLine(): { line: string; newline: boolean } | undefined {
    const reader = this.io.reader ?? { rest: this.stdin ?? "" };
    if (reader.rest === "") return undefined;
    const end = reader.rest.indexOf("\n");
    const line = end < 0 ? reader.rest : reader.rest.slice(0, end);
    reader.rest = end < 0 ? "" : reader.rest.slice(end + 1);
    return { line, newline: end >= 0 };
  }

  exec(next: string[], options: { user?: SystemUser } = {}): Status {
    const user = options.user;
    if (user === undefined) return runArgv(next, this.state, this.io, this.execution);
    const sub = cloneState(this.state);
    sub.user = user;
    for (const [key, value] of [
      ["HOME", user.home],
      ["USER", user.name],
      ["LOGNAME", user.name],
      ["SHELL", user.shell],
    ] as const) {
      sub.vars.set(key, value);
    }
    return runArgv(next, sub, this.io, this.execution);
  }

  evaluate(source: string): Status {
    return runScriptNow(parse(source), this.state, this.io, this.execution);
  }
}

function commandEnvironment(
  state: ShellState,
  assignments: readonly [string, string][],
): Map<string, string> {
  const environment = new Map<string, string>();
  for (const key of state.exported) {
    const value = state.vars.get(key);
    if (value !== undefined) environment.set(key, value);
  }
  for (const [key, value] of assignments) environment.set(key, value);
  return environment;
}

type Handler = (ctx: CommandContext) => Promise<number> | number;

function lookup(name: string, state: ShellState, io: Io, env: ExecutionEnv): Handler | number {
  if (!name.includes("/")) {
    const handler = COMMANDS.get(name);
    if (handler !== undefined) return handler;
    io.stderr.write(
      `${name === "" ? "bash: : command not found" : `bash: ${name}: command not found`}\n`,
    );
    return 127;
  }
  const path = resolvePath(state.cwd, name, state.vars.get("HOME"));
  const dir = path.slice(0, path.lastIndexOf("/")) || "/";
  const base = path.slice(path.lastIndexOf("/") + 1);
  const builtin = COMMANDS.get(base);
  if (BIN_DIRS.has(dir) && builtin !== undefined) return builtin;
  const stat = env.server.vfs.tryStat(path);
  if (stat === undefined) {
    io.stderr.write(`bash: ${name}: No such file or directory\n`);
    return 127;
  }
  if (stat.type === "dir") {
    io.stderr.write(`bash: ${name}: Is a directory\n`);
    return 126;
  }
  const cred = credentialsFor(env.server.profile, state.user);
  const shift =
    cred.uid === 0 ? -1 : stat.owner === cred.user ? 6 : cred.groups.includes(stat.group) ? 3 : 0;
  const executable = shift < 0 ? (stat.mode & 0o111) !== 0 : ((stat.mode >> shift) & 1) === 1;
  if (!executable) {
    io.stderr.write(`bash: ${name}: Permission denied\n`);
    return 126;
  }
  // An executable text file runs as a shell script in a child shell.
  return async (ctx) => {
    let source: string;
    try {
      source = env.server.vfs.readText(path, cred).replace(/^#![^\n]*\n/, "");
    } catch (error) {
      if (error instanceof VfsError) {
        ctx.stderr.write(`bash: ${name}: ${error.reason}\n`);
        return 126;
      }
      throw error;
    }
    try {
      const script = parse(source);
      const child = cloneState(state);
      const childIo = { stdin: ctx.stdin, stdout: ctx.stdout, stderr: ctx.stderr };
      await runScript(script, child, childIo, env);
      await runExitTrap(child, childIo, env);
      return child.exitCode ?? child.lastStatus;
    } catch (error) {
      if (error instanceof ShellSyntaxError) {
        ctx.stderr.write(`${name}: ${error.message.replace(/^bash: /, "")}\n`);
        return error.exitCode;
      }
      throw error;
    }
  };
}

async function openRedirects(
  redirects: readonly Redirect[],
  io: Io,
  expansion: ExpansionContext,
): Promise<Io | number> {
  const result: Io = { ...io };
  const { vfs, state } = expansion;
  for (const redirect of redirects) {
    const fields = await expandWord(redirect.target, expansion);
    if (fields.length !== 1) {
      result.stderr.write(`bash: ${redirect.target.raw}: ambiguous redirect\n`);
      return 1;
    }
    const target = fields[0]!;
    if (redirect.op === "<<<") {
      result.stdin = `${(await expandWord(redirect.target, expansion, false))[0] ?? ""}\n`;
      result.reader = undefined;
      continue;
    }
    if (redirect.op === ">&" && /^\d+$/.test(target)) {
      const source = target === "1" ? result.stdout : target === "2" ? result.stderr : undefined;
      if (source === undefined) {
        result.stderr.write(`bash: ${target}: Bad file descriptor\n`);
        return 1;
      }
      if (redirect.fd === 1) result.stdout = source;
      else if (redirect.fd === 2) result.stderr = source;
      continue;
    }
    if (redirect.op === ">&" && target === "-") {
      if (redirect.fd === 1) result.stdout = nullStream;
      else if (redirect.fd === 2) result.stderr = nullStream;
      continue;
    }
    const path = resolvePath(state.cwd, target, state.vars.get("HOME"));
    if (redirect.op === "<") {
      try {
        result.stdin = vfs.readText(path, expansion.cred);
        result.reader = undefined;
      } catch (error) {
        if (!(error instanceof VfsError)) throw error;
        result.stderr.write(`bash: ${target}: ${error.reason}\n`);
        return 1;
      }
      continue;
    }
    let stream: OutputStream = nullStream;
    if (path !== "/dev/null") {
      try {
        if (vfs.isDir(path)) throw new VfsError("EISDIR", path);
        const truncate = redirect.op === ">" || redirect.op === "&>";
        if (truncate || !vfs.exists(path)) vfs.writeFile(path, "", { as: expansion.cred });
        stream = fileStream(vfs, path, expansion.cred);
      } catch (error) {
        if (!(error instanceof VfsError)) throw error;
        result.stderr.write(`bash: ${target}: ${error.reason}\n`);
        return 1;
      }
    }
    // `>&file` without a descriptor means both streams, like `&>file`.
    if (
      redirect.op === "&>" ||
      redirect.op === "&>>" ||
      (redirect.op === ">&" && redirect.fd === 1)
    ) {
      result.stdout = stream;
      result.stderr = stream;
    } else if (redirect.fd === 1) {
      result.stdout = stream;
    } else if (redirect.fd === 2) {
      result.stderr = stream;
    }
  }
  return result;
}

export { InterruptedError };
