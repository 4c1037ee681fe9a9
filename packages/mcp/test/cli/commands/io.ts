import { EventEmitter } from "node:events";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type CliIo, main } from "../../../src/cli/main.js";
import { tempDir } from "../../helpers/harness.js";
import { memoryStreams } from "../../helpers/memory-streams.js";

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  /** Piped to stdin, then closed. */
  stdin?: string;
  /** Act as a terminal: stdin and stderr report isTTY; `keys` are typed after a short wait. */
  tty?: { keys: string[] };
  cwd?: string;
  platform?: NodeJS.Platform;
}

export interface RunResult {
  code: number;
  out: string;
  err: string;
}

/** A fresh HOME and project directory: nothing a test does reaches the real home. */
export function sandboxDirs(): { home: string; project: string; env: NodeJS.ProcessEnv } {
  const root = tempDir("alpacon-mcp-commands-");
  const home = join(root, "home");
  const project = join(root, "project");
  mkdirSync(home);
  mkdirSync(project);
  return { home, project, env: { HOME: home, USERPROFILE: home } };
}

/** `main(argv, env, io)` with in-memory streams. */
export async function run(argv: string[], options: RunOptions = {}): Promise<RunResult> {
  const { stdin, stdout, stderr, out, err } = memoryStreams();
  if (options.tty) {
    Object.assign(stdin, { isTTY: true, setRawMode: () => stdin });
    Object.assign(stderr, { isTTY: true, columns: 100, rows: 40 });
  }
  // Without a given HOME and directory, fresh temp ones: never the real home or the repository.
  const fallback = options.env && options.cwd ? undefined : sandboxDirs();
  const io: CliIo = {
    stdin,
    stdout,
    stderr,
    signals: new EventEmitter(),
    cwd: options.cwd ?? fallback!.project,
    ...(options.platform ? { platform: options.platform } : {}),
  };
  if (options.stdin !== undefined) stdin.end(options.stdin);
  else if (!options.tty) stdin.end();
  const running = main(argv, options.env ?? fallback!.env, io);
  if (options.tty) {
    for (const key of options.tty.keys) {
      await new Promise((resolve) => setTimeout(resolve, 30));
      stdin.write(key);
    }
  }
  const code = await running;
  return { code, out: out(), err: err() };
}
