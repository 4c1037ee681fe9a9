// The subcommands of `alpacon-mcp`. Each lives in its own module, loaded only when run, so
// serving (the default) never loads the prompt, diff or YAML libraries.
import { UsageError } from "../cli-options.js";
import type { CliIo } from "../main.js";
import { type CommandContext, CommandError, commandContext } from "./context.js";
import type { CommandName } from "./names.js";

export { type CommandName, isCommand } from "./names.js";

type Run = (argv: string[], context: CommandContext) => Promise<number>;

const LOADERS: Record<CommandName, () => Promise<Run>> = {
  setup: async () => (await import("./setup.js")).setup,
  doctor: async () => (await import("./doctor.js")).doctor,
  auth: async () => (await import("./auth.js")).auth,
};

/** Runs a subcommand: 0 ok, 1 failure (one clear line on stderr), 2 usage error. */
export async function runCommand(
  name: CommandName,
  argv: string[],
  env: NodeJS.ProcessEnv,
  io: CliIo,
): Promise<number> {
  const context = commandContext(env, io);
  const prefix = `alpacon-mcp ${name}`;
  try {
    const run = await LOADERS[name]();
    return await run(argv, context);
  } catch (error) {
    const c = context.errColor;
    if (error instanceof UsageError) {
      const help =
        name === "auth" && argv[0] && !argv[0].startsWith("-") ? `${name} ${argv[0]}` : name;
      context.err(`${prefix}: ${error.message}\nTry alpacon-mcp ${help} --help.\n`);
      return 2;
    }
    if (error instanceof CommandError) {
      context.err(`${prefix}: ${c.red(error.message)}\n`);
      return error.exitCode;
    }
    context.err(`${prefix}: ${c.red((error as Error)?.message ?? String(error))}\n`);
    return 1;
  }
}
