/**
 * One shell session on a simulated server: a websh PTY keeps one for its lifetime (cwd and
 * variables persist across lines); the command API creates one per command.
 */
import { InterruptedError, type ShellState } from "./commands/types.js";
import { type ExecutionEnv, runExitTrap, runScript } from "./executor.js";
import { LineAborts } from "./line-aborts.js";
import { type OutputListener, Transcript } from "./output.js";
import { parse, ShellSyntaxError } from "./parser.js";
import type { SimulatedServer } from "./server.js";
import { findUser } from "./server-profile.js";

export interface ShellOptions {
  server: SimulatedServer;
  /** Run-as user; default the server's first login user (uid ≥ 1000), else root. */
  user?: string;
  /** Initial directory; default the user's home (or `/` when it does not exist). */
  cwd?: string;
  /** Extra exported variables, e.g. `TERM` for websh or the command API's `env`. */
  env?: Readonly<Record<string, string>>;
  /**
   * True for a websh PTY: `ls` prints columns and `exit` echoes "exit". False (default) for the
   * command API, where stdout is a pipe.
   */
  tty?: boolean;
  /** PTY size for a tty shell (default 24×80); see `resize`. */
  rows?: number;
  cols?: number;
  /**
   * Replaces the timer behind `sleep` (tests); must reject or resolve when `signal` aborts,
   * and remove any listener it added to `signal` once it has settled.
   */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export interface RunOptions {
  /** Aborting it acts like Ctrl-C: the running command stops and the line ends with 130. */
  signal?: AbortSignal;
  /** Receives output chunks as they are produced, before `run` resolves. */
  onOutput?: OutputListener;
  /** Print `^C` and a newline when interrupted, as a terminal does. Default true. */
  echoInterrupt?: boolean;
  /** The line's standard input (the Command API's `data`); none when absent. */
  stdin?: string;
}

export interface RunResult {
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved in the order they were written. */
  output: string;
  exitCode: number;
  /** True once `exit` ran; the session should end. */
  exited: boolean;
  interrupted: boolean;
}

export class UnknownUserError extends Error {
  override readonly name = "UnknownUserError";

  constructor(
    readonly user: string,
    readonly hostname: string,
  ) {
    super(`user '${user}' does not exist on ${hostname}`);
  }
}

const PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

export class Shell {
  readonly server: SimulatedServer;
  readonly tty: boolean;
  private readonly state: ShellState;
  private readonly sleepImpl: ((ms: number, signal: AbortSignal) => Promise<void>) | undefined;
  private current: AbortController | undefined;
  private readonly aborts = new LineAborts();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: ShellOptions) {
    this.server = options.server;
    this.tty = options.tty ?? false;
    this.sleepImpl = options.sleep;
    const profile = this.server.profile;
    const defaultUser = profile.users.find((u) => u.uid >= 1000 && u.uid < 65534)?.name ?? "root";
    const userName = options.user ?? defaultUser;
    const user = findUser(profile, userName);
    if (user === undefined) throw new UnknownUserError(userName, profile.hostname);
    const cwd = options.cwd ?? (this.server.vfs.isDir(user.home) ? user.home : "/");
    const vars = new Map<string, string>([
      ["SHELL", user.shell],
      ["PWD", cwd],
      ["LOGNAME", user.name],
      ["HOME", user.home],
      ["LANG", "C.UTF-8"],
      ["USER", user.name],
      ["PATH", PATH],
    ]);
    if (this.tty) vars.set("TERM", "xterm-256color");
    for (const [name, value] of Object.entries(options.env ?? {})) vars.set(name, value);
    const exported = new Set(vars.keys());
    // bash sets HOSTNAME as a shell variable: `echo $HOSTNAME` works, `env` does not list it.
    vars.set("HOSTNAME", profile.hostname);
    const pid = this.server.nextPid;
    this.server.nextPid += 2;
    this.state = {
      cwd,
      vars,
      exported,
      lastStatus: 0,
      user,
      pid,
      exitCode: undefined,
      traps: new Map(),
      terminal: undefined,
    };
    if (this.tty) this.resize(options.rows ?? 24, options.cols ?? 80);
  }

  get cwd(): string {
    return this.state.cwd;
  }

  get user(): string {
    return this.state.user.name;
  }

  get lastExitCode(): number {
    return this.state.lastStatus;
  }

  get exited(): boolean {
    return this.state.exitCode !== undefined;
  }

  /** Current value of a shell variable (exported or not). */
  getVar(name: string): string | undefined {
    return this.state.vars.get(name);
  }

  /** The environment commands see. */
  environment(): Record<string, string> {
    const env: Record<string, string> = {};
    for (const name of this.state.exported) {
      const value = this.state.vars.get(name);
      if (value !== undefined) env[name] = value;
    }
    return env;
  }

  /** `user@host:~$ ` (`#` for root), the Ubuntu default PS1 without colours. */
  prompt(): string {
    const home = this.state.user.home;
    const cwd = this.state.cwd;
    const shown =
      home !== "/" && (cwd === home || cwd.startsWith(`${home}/`))
        ? `~${cwd.slice(home.length)}`
        : cwd;
    const sigil = this.state.user.uid === 0 ? "#" : "$";
    return `${this.state.user.name}@${this.server.profile.hostname}:${shown}${sigil} `;
  }

  /** Terminal rows and columns, or undefined for a shell without a PTY. */
  get terminalSize(): { rows: number; cols: number } | undefined {
    const size = this.state.terminal;
    return size === undefined ? undefined : { ...size };
  }

  /**
   * The PTY was resized (websh `PATCH rows/cols`). Like bash with `checkwinsize`, LINES and
   * COLUMNS follow the new size; the object is mutated so a running pipeline sees it too.
   */
  resize(rows: number, cols: number): void {
    if (!this.tty) return;
    if (this.state.terminal === undefined) this.state.terminal = { rows, cols };
    else Object.assign(this.state.terminal, { rows, cols });
    this.state.vars.set("LINES", String(rows));
    this.state.vars.set("COLUMNS", String(cols));
  }

  /** Ctrl-C: stops the running line, if any. */
  interrupt(): void {
    this.current?.abort();
  }

  /**
   * Runs one command line. Calls are queued, so lines typed while another runs execute in
   * order, as they would on a terminal.
   */
  run(line: string, options: RunOptions = {}): Promise<RunResult> {
    const result = this.queue.then(() => this.runNow(line, options));
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async runNow(line: string, options: RunOptions): Promise<RunResult> {
    const transcript = new Transcript(options.onOutput);
    const finish = (interrupted = false): RunResult => ({
      stdout: transcript.stdout,
      stderr: transcript.stderr,
      output: transcript.output,
      exitCode: this.state.lastStatus,
      exited: this.exited,
      interrupted,
    });
    if (this.exited) return finish();
    if (this.server.profile.os.family === "windows" && !/^\s*(exit\b.*)?$/.test(line)) {
      transcript.write(
        "stderr",
        `sandbox: ${this.server.profile.hostname} is a Windows server; the simulated shell only emulates Linux servers\n`,
      );
      this.state.lastStatus = 1;
      return finish();
    }

    let script: ReturnType<typeof parse>;
    try {
      // Terminals send CR for Enter; treat it like the newline a cooked PTY would deliver.
      script = parse(line.replace(/\r\n?/g, "\n"));
    } catch (error) {
      if (!(error instanceof ShellSyntaxError)) throw error;
      transcript.write("stderr", `${error.message}\n`);
      this.state.lastStatus = error.exitCode;
      return finish();
    }

    const controller = this.aborts.next();
    this.current = controller;
    const forward = () => controller.abort();
    options.signal?.addEventListener("abort", forward, { once: true });
    if (options.signal?.aborted === true) controller.abort();
    const env: ExecutionEnv = {
      server: this.server,
      signal: controller.signal,
      sleep: (ms) => this.sleep(ms, controller.signal),
    };
    const io = {
      stdin: options.stdin,
      stdout: transcript.stream("stdout", this.tty),
      stderr: transcript.stream("stderr", this.tty),
    };
    try {
      await runScript(script, this.state, io, env);
      // `exit` ends the shell: its EXIT trap runs now (the websh end marker relies on it).
      await runExitTrap(this.state, io, env);
    } finally {
      options.signal?.removeEventListener("abort", forward);
      this.current = undefined;
    }
    if (controller.signal.aborted) {
      if (options.echoInterrupt !== false) transcript.write("stdout", "^C\n");
      this.state.lastStatus = 130;
      return finish(true);
    }
    if (this.state.exitCode !== undefined) this.state.lastStatus = this.state.exitCode;
    return finish();
  }

  private sleep(ms: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.reject(new InterruptedError());
    if (this.sleepImpl !== undefined) {
      return this.sleepImpl(ms, signal).then(() => {
        if (signal.aborted) throw new InterruptedError();
      });
    }
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        if (timer !== undefined) clearTimeout(timer);
        reject(new InterruptedError());
      };
      // An infinite wait (tail -f) only ends through the signal.
      const timer = Number.isFinite(ms)
        ? setTimeout(() => {
            signal.removeEventListener("abort", onAbort);
            resolve();
          }, ms)
        : undefined;
      signal.addEventListener("abort", onAbort, { once: true });
    });
  }
}
