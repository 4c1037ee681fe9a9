import { delimiter } from "node:path";
import { parseArgs } from "node:util";
import { CONFIRM_MODES, type ConfirmMode } from "./confirm.js";
import type { AlpaconMcpServerOptions } from "./server.js";
import { TOOLSETS } from "./tools/define.js";
import { TOOLSET_DESCRIPTIONS } from "./toolsets.js";
import { MCP_VERSION } from "./version.js";

export const HELP = `alpacon-mcp ${MCP_VERSION}: an MCP server for Alpacon (stdio).

Usage: alpacon-mcp [options]

Options (each also as an environment variable):
  --config-file <path>      Token file (ALPACON_MCP_CONFIG_FILE); default ~/.alpacon-mcp/token.json
  --toolsets <a,b>          Toolsets to enable, or "all" (ALPACON_MCP_TOOLSETS)
  --tools <a,b>             Single tools to enable (ALPACON_MCP_TOOLS)
  --exclude-tools <a,b>     Tools to leave out (ALPACON_MCP_EXCLUDE_TOOLS)
  --read-only               Only read-only tools; wins over the rest (ALPACON_MCP_READ_ONLY=1)
  --confirm <mode>          elicit (default), allow or deny: how destructive calls are confirmed
                            (ALPACON_MCP_CONFIRM)
  --allow-dir <dir>         A directory webftp may read and write; repeatable; default the working
                            directory (ALPACON_MCP_ALLOW_DIRS, separated by "${delimiter}")
  -h, --help                Show this help
  -v, --version             Show the version

Tokens: ALPACON_MCP_<REGION>_<WORKSPACE>_TOKEN variables, or the token file:
  {"ap1": {"my-workspace": "alpat-…"}}

Toolsets:
${TOOLSETS.map((name) => `  ${name.padEnd(10)} ${TOOLSET_DESCRIPTIONS[name]}`).join("\n")}
`;

function list(value: string | undefined): string[] | undefined {
  const items = value
    ?.split(",")
    .map((item) => item.trim())
    .filter(Boolean);
  return items?.length ? items : undefined;
}

function flag(value: string | undefined): boolean {
  return value !== undefined && ["1", "true", "yes", "on"].includes(value.toLowerCase());
}

/** Wrong flags or values: the CLI exits with code 2. */
export class UsageError extends Error {}

export interface CliOptions {
  help: boolean;
  version: boolean;
  server: AlpaconMcpServerOptions;
}

/** Flags first, then `ALPACON_MCP_*` variables, then defaults. */
export function parseCliOptions(argv: string[], env: NodeJS.ProcessEnv): CliOptions {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values } = parsed;
  const confirm = values.confirm ?? env.ALPACON_MCP_CONFIRM ?? "elicit";
  if (!CONFIRM_MODES.includes(confirm as ConfirmMode)) {
    throw new UsageError(`--confirm must be one of ${CONFIRM_MODES.join(", ")}.`);
  }
  const allowDirs = values["allow-dir"]?.length
    ? values["allow-dir"]
    : env.ALPACON_MCP_ALLOW_DIRS?.split(delimiter).filter(Boolean);
  return {
    help: values.help ?? false,
    version: values.version ?? false,
    server: {
      load: { configFile: values["config-file"] },
      toolsets: list(values.toolsets ?? env.ALPACON_MCP_TOOLSETS),
      tools: list(values.tools ?? env.ALPACON_MCP_TOOLS),
      excludeTools: list(values["exclude-tools"] ?? env.ALPACON_MCP_EXCLUDE_TOOLS),
      readOnly: values["read-only"] ?? flag(env.ALPACON_MCP_READ_ONLY),
      confirm: confirm as ConfirmMode,
      allowDirs: allowDirs?.length ? allowDirs : undefined,
    },
  };
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      "config-file": { type: "string" },
      toolsets: { type: "string" },
      tools: { type: "string" },
      "exclude-tools": { type: "string" },
      "read-only": { type: "boolean" },
      confirm: { type: "string" },
      "allow-dir": { type: "string", multiple: true },
      help: { type: "boolean", short: "h" },
      version: { type: "boolean", short: "v" },
    },
  });
}
