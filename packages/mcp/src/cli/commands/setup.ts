import { existsSync } from "node:fs";
import { resolveConfigFile } from "@alpacon/sdk/node";
import { selectTools } from "../../tools/select-tools.js";
import { UsageError } from "../cli-options.js";
import {
  CLIENT_IDS,
  CLIENTS,
  type ClientSpec,
  isClientId,
  isLauncher,
  LAUNCHERS,
  serverCommand,
} from "./clients.js";
import {
  backUp,
  maskValues,
  type Plan,
  planEdit,
  unifiedDiff,
  writeAtomically,
} from "./config-edit.js";
import {
  absolutePath,
  type CommandContext,
  CommandError,
  loadPrompts,
  parseFlags,
  shellWord,
} from "./context.js";

export const SETUP_HELP = `Usage: alpacon-mcp setup --client <name> [options]

Adds alpacon-mcp to an MCP client's configuration, or updates the entry it added before.
Other servers and settings in the file are kept; the old file is backed up as
<file>.bak-<time>; the change is shown as a diff and confirmed before anything is written.
No token is ever written there: the server reads tokens from the token file
(alpacon-mcp auth set) or ALPACON_MCP_<REGION>_<WORKSPACE>_TOKEN variables.

Clients and the file written:
${CLIENT_IDS.map((id) => `  ${id.padEnd(15)} ${CLIENTS[id].where}`).join("\n")}

Options:
  --client <name>         the client to set up (required)
  --config-file <path>    token file the server reads (default: its usual search)
  --sandbox               run on the embedded simulated Alpacon (no account)
  --read-only             offer only read-only tools
  --toolsets <a,b>        toolsets to offer (default: all)
  --name <name>           the server's name in the client (default: alpacon)
  --command <how>         how the client starts the server (default: auto):
                            path    node <absolute path of this alpacon-mcp>/dist/cli.js
                                    (a clone, installed tarballs, a global install)
                            global  alpacon-mcp from the client's PATH (npm install -g)
                            npx     npx -y @alpacon/mcp (the npm registry, once published)
                            auto    npx when setup runs from npx's cache, path otherwise
  --client-config <file>  edit this file instead of the client's usual one
  --dry-run               show the change, write nothing
  -y, --yes               write without asking
  --json                  print the result as JSON
  -h, --help              show this help

Exit codes: 0 written or already up to date, 1 not written, 2 wrong flags.
`;

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export async function setup(argv: string[], context: CommandContext): Promise<number> {
  const { values } = parseFlags(argv, {
    client: { type: "string" },
    "config-file": { type: "string" },
    sandbox: { type: "boolean" },
    "read-only": { type: "boolean" },
    toolsets: { type: "string" },
    name: { type: "string" },
    command: { type: "string" },
    "client-config": { type: "string" },
    "dry-run": { type: "boolean" },
    yes: { type: "boolean", short: "y" },
    json: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    context.out(SETUP_HELP);
    return 0;
  }
  const clientId = values.client;
  if (clientId === undefined) {
    throw new UsageError(`--client is required: one of ${CLIENT_IDS.join(", ")}.`);
  }
  if (!isClientId(clientId)) {
    throw new UsageError(`--client must be one of ${CLIENT_IDS.join(", ")}, not "${clientId}".`);
  }
  const spec = CLIENTS[clientId];
  const name = values.name ?? "alpacon";
  if (!NAME.test(name)) {
    throw new UsageError("--name must be 1-64 letters, digits, '.', '_' or '-'.");
  }
  const launcher = values.command ?? "auto";
  if (!isLauncher(launcher)) {
    throw new UsageError(`--command must be one of ${LAUNCHERS.join(", ")}, not "${launcher}".`);
  }
  if (values.sandbox && values["config-file"] !== undefined) {
    throw new UsageError("--sandbox brings its own workspaces; leave out --config-file.");
  }

  const flags: string[] = [];
  if (values.sandbox) flags.push("--sandbox");
  let tokenFile: string | undefined;
  if (values["config-file"] !== undefined) {
    // Absolute: the client starts the server from a directory of its own choosing.
    tokenFile = absolutePath(context, values["config-file"]);
    flags.push("--config-file", tokenFile);
  }
  if (values["read-only"]) flags.push("--read-only");
  if (values.toolsets !== undefined) {
    const toolsets = values.toolsets
      .split(",")
      .map((item) => item.trim())
      .filter(Boolean);
    try {
      selectTools({ toolsets });
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    flags.push("--toolsets", toolsets.join(","));
  }

  const { command, args } = serverCommand(context, flags, launcher);
  const target =
    values["client-config"] !== undefined
      ? absolutePath(context, values["client-config"])
      : spec.path(context, name);
  const plan = await planEdit(spec, target, name, spec.entry(command, args));
  const diff = plan.action === "unchanged" ? "" : unifiedDiff(plan, spec.format);
  // The follow-up commands are printed in the same form, so they run from where the user is.
  const bare = serverCommand(context, [], launcher);
  const self = [bare.command, ...bare.args].map(shellWord).join(" ");
  const next = nextSteps(
    context,
    spec,
    name,
    values.sandbox === true,
    tokenFile,
    command,
    args,
    self,
  );

  const report = (written: boolean, backup: string | undefined) => {
    if (values.json) {
      context.out(
        `${JSON.stringify(
          {
            client: spec.id,
            file: plan.file,
            action: plan.action,
            written,
            dryRun: values["dry-run"] === true,
            backup: backup ?? null,
            // An entry kept from before may carry env values: masked like the diff.
            entry: JSON.parse(maskValues(JSON.stringify({ name, ...plan.entry }), "json")),
            diff,
            warnings: plan.warnings,
            next,
          },
          null,
          2,
        )}\n`,
      );
    }
  };

  const c = context.color;
  const say = (text: string) => {
    if (!values.json) context.out(`${text}\n`);
  };
  say(`${c.bold(spec.title)}: ${plan.file}`);
  for (const warning of plan.warnings) say(c.yellow(`warning: ${warning}`));
  if (plan.action === "unchanged") {
    say(`The "${name}" entry is already up to date; nothing to change.`);
    report(false, undefined);
    return 0;
  }
  if (!values.json) context.out(colorDiff(diff, context));
  if (values["dry-run"]) {
    say(c.dim("Dry run: nothing was written."));
    report(false, undefined);
    return 0;
  }
  if (!values.yes) {
    if (!context.interactive) {
      report(false, undefined);
      throw new CommandError(
        "not a terminal, so nothing was written: check the change and run again with --yes.",
      );
    }
    if (!(await confirm(context, `Write this change to ${plan.file}?`))) {
      report(false, undefined);
      throw new CommandError("nothing was written.");
    }
  }

  const backup = await write(plan);
  if (backup) say(`Backed up the previous file to ${backup}`);
  say(c.green(`${plan.action === "create" ? "Created" : "Updated"} ${plan.file}`));
  for (const step of next) say(`• ${step}`);
  report(true, backup);
  return 0;
}

async function write(plan: Plan): Promise<string | undefined> {
  try {
    const backup = plan.before === undefined ? undefined : await backUp(plan.file, new Date());
    await writeAtomically(plan.file, plan.after);
    return backup;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CommandError(
      `cannot write ${plan.file}: ${code === "EACCES" || code === "EPERM" ? "permission denied" : (code ?? (error as Error).message)}. Nothing was changed.`,
    );
  }
}

async function confirm(context: CommandContext, message: string): Promise<boolean> {
  const prompts = await loadPrompts();
  const answer = await prompts.confirm({
    message,
    initialValue: true,
    input: context.io.stdin,
    output: context.io.stderr,
    withGuide: false,
  });
  return answer === true;
}

function colorDiff(diff: string, context: CommandContext): string {
  const c = context.color;
  return diff
    .split("\n")
    .map((line) => {
      if (line.startsWith("+++") || line.startsWith("---")) return c.bold(line);
      if (line.startsWith("+")) return c.green(line);
      if (line.startsWith("-")) return c.red(line);
      if (line.startsWith("@@")) return c.cyan(line);
      return line;
    })
    .join("\n");
}

function nextSteps(
  context: CommandContext,
  spec: ClientSpec,
  name: string,
  sandbox: boolean,
  tokenFile: string | undefined,
  command: string,
  args: string[],
  self: string,
): string[] {
  const steps = [spec.after];
  if (spec.id === "claude-code") {
    steps.push(
      `For every project instead of this one: claude mcp add ${name} --scope user -- ${[command, ...args].map(shellWord).join(" ")}`,
    );
  }
  if (!sandbox) {
    const file =
      tokenFile ??
      resolveConfigFile({ env: context.env, cwd: context.cwd, homeDir: context.homeDir });
    if (!existsSync(file)) {
      const fileFlag = tokenFile ? ` --config-file ${shellWord(tokenFile)}` : "";
      steps.push(
        `No token is saved yet (${file}): run ${self} auth set --workspace <workspace> --region <region>${fileFlag}`,
      );
    }
    steps.push(
      `Check everything with: ${self} doctor${tokenFile ? ` --config-file ${shellWord(tokenFile)}` : ""}`,
    );
  }
  return steps;
}
