import {
  createSimulatedServer,
  type RunResult,
  type ServerProfileOptions,
  Shell,
  type ShellOptions,
  type SimulatedServer,
} from "../../src/shell/index.js";

/** Fixed clock: Monday 2024-09-02 09:30:00 UTC. */
export const NOW = new Date("2024-09-02T09:30:00.000Z");
export const clock = () => new Date(NOW);

export function makeServer(options: Partial<ServerProfileOptions> = {}): SimulatedServer {
  return createSimulatedServer({ hostname: "web-1", now: clock, ...options });
}

export function makeShell(
  options: Partial<ShellOptions> & { profile?: Partial<ServerProfileOptions> } = {},
): Shell {
  const { profile, ...rest } = options;
  return new Shell({ server: options.server ?? makeServer(profile), ...rest });
}

/** Runs lines in order on one shell and returns the last result. */
export async function runAll(shell: Shell, ...lines: string[]): Promise<RunResult> {
  let result: RunResult | undefined;
  for (const line of lines) result = await shell.run(line);
  return result!;
}

export async function run(line: string, options: Partial<ShellOptions> = {}): Promise<RunResult> {
  return makeShell(options).run(line);
}
