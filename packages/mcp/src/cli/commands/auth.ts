import {
  AlpaconApiError,
  AuthenticationError,
  ConnectionError,
  createAlpaconClient,
  defaultBaseUrl,
  TimeoutError,
  validateRegionName,
  validateWorkspaceName,
} from "@alpacon/sdk";
import { loadConfig, removeToken, resolveConfigFile, saveToken } from "@alpacon/sdk/node";
import { MCP_VERSION } from "../../version.js";
import { UsageError } from "../cli-options.js";
import {
  type CommandContext,
  CommandError,
  columns,
  loadPrompts,
  parseFlags,
  plainLength,
  readAll,
  shellWord,
} from "./context.js";

export const AUTH_HELP = `Usage: alpacon-mcp auth <set|remove|list> [options]

Manages workspace API tokens in the token file (mode 0600), outside the model's reach.

  alpacon-mcp auth set --workspace <name> [--region <region>] [--url <url>]
      asks for the token with hidden input, or reads it from a pipe:
      printf %s "$TOKEN" | alpacon-mcp auth set --workspace acme
  alpacon-mcp auth remove --workspace <name> [--region <region>]
  alpacon-mcp auth list [--json]

Run alpacon-mcp auth <command> --help for its options.
`;

const SET_HELP = `Usage: alpacon-mcp auth set --workspace <name> [options]

Saves a workspace's API token (from the API Token page of its web console) in the token file,
written atomically with mode 0600. On a terminal the token is asked for with hidden input;
otherwise it is read from standard input:
  printf %s "$TOKEN" | alpacon-mcp auth set --workspace acme --region ap1
The token is checked against the workspace first (GET /api/status/) and never printed.

Options:
  --workspace <name>    workspace, as in https://<workspace>.<region>.alpacon.io (required)
  --region <region>     region (default: ap1)
  --url <url>           base URL for a workspace not at the default host (kept if already set)
  --config-file <path>  token file (default: ~/.alpacon-mcp/token.json, see alpacon-mcp --help)
  --no-verify           save without checking the token
  -h, --help            show this help
`;

const REMOVE_HELP = `Usage: alpacon-mcp auth remove --workspace <name> [options]

Removes a workspace's token from the token file. The token stays valid in Alpacon: revoke it in
the web console if it leaked.

Options:
  --workspace <name>    workspace (required)
  --region <region>     region (default: ap1)
  --config-file <path>  token file (default: see alpacon-mcp --help)
  -h, --help            show this help
`;

const LIST_HELP = `Usage: alpacon-mcp auth list [options]

Lists the configured workspaces: region, workspace, masked token, base URL and where the
token comes from (the token file or an ALPACON_MCP_<REGION>_<WORKSPACE>_TOKEN variable).

Options:
  --config-file <path>  token file (default: see alpacon-mcp --help)
  --json                print the list as JSON
  -h, --help            show this help
`;

export async function auth(argv: string[], context: CommandContext): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case "set":
      return authSet(rest, context);
    case "remove":
      return authRemove(rest, context);
    case "list":
      return authList(rest, context);
    case "-h":
    case "--help":
      context.out(AUTH_HELP);
      return 0;
    case undefined:
      context.err(AUTH_HELP);
      return 2;
    default:
      throw new UsageError(`unknown auth command "${sub}": use set, remove or list.`);
  }
}

const TARGET = {
  workspace: { type: "string" },
  region: { type: "string" },
  "config-file": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

function target(
  values: { workspace?: string | undefined; region?: string | undefined },
  context: CommandContext,
  configFile: string | undefined,
) {
  if (values.workspace === undefined) throw new UsageError("--workspace is required.");
  const region = values.region ?? "ap1";
  try {
    validateWorkspaceName(values.workspace);
    validateRegionName(region);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  return {
    workspace: values.workspace,
    region,
    configFile: resolveConfigFile({
      configFile,
      env: context.env,
      cwd: context.cwd,
      homeDir: context.homeDir,
    }),
  };
}

async function authSet(argv: string[], context: CommandContext): Promise<number> {
  const { values } = parseFlags(argv, {
    ...TARGET,
    url: { type: "string" },
    "no-verify": { type: "boolean" },
  });
  if (values.help) {
    context.out(SET_HELP);
    return 0;
  }
  const { workspace, region, configFile } = target(values, context, values["config-file"]);
  // A URL already saved for this workspace is kept unless --url replaces it.
  const saved = readFile(context, configFile).find(
    (item) => item.workspace === workspace && item.region === region,
  );
  // Scheme-less URLs mean https, as in the token file.
  const url =
    values.url !== undefined
      ? /^[a-z]+:\/\//i.test(values.url)
        ? values.url
        : `https://${values.url}`
      : saved?.url;
  let baseUrl: string;
  try {
    // The SDK checks and normalises the URL (https, or http on loopback only) before the token
    // is asked for; this client is never used, so its token is a placeholder.
    baseUrl = createAlpaconClient({ workspace, region, token: "unused", baseUrl: url }).baseUrl;
  } catch (error) {
    throw new UsageError(`--url: ${(error as Error).message}`);
  }

  const token = await readToken(context, `API token for ${workspace} (${region})`);
  if (token.length < 8 || token.length > 4096 || !/^[\x21-\x7e]+$/.test(token)) {
    throw new CommandError(
      "that does not look like an API token (8 to 4096 visible characters, no spaces); nothing was saved.",
    );
  }
  if (!values["no-verify"]) await verify({ workspace, region, token, baseUrl });

  try {
    await saveToken({ workspace, region, token, url, configFile });
  } catch (error) {
    throw new CommandError(`cannot save the token: ${(error as Error).message}`);
  }
  const c = context.color;
  context.out(
    `${c.green("Saved")} the token for ${workspace} (${region}) in ${configFile} (readable only by you)${values["no-verify"] ? ", without checking it" : `; ${baseUrl} accepted it`}.\n`,
  );
  const variable = `ALPACON_MCP_${region.toUpperCase()}_${workspace.toUpperCase()}_TOKEN`;
  if (context.env[variable]) {
    context.out(
      c.yellow(
        `warning: ${variable} is set and wins over the token file; unset it to use this token.\n`,
      ),
    );
  }
  return 0;
}

/** Hidden input on a terminal; otherwise the whole of stdin (a trailing newline is dropped). */
async function readToken(context: CommandContext, message: string): Promise<string> {
  if (context.interactive) {
    const prompts = await loadPrompts();
    const answer = await prompts.password({
      message,
      input: context.io.stdin,
      output: context.io.stderr,
      withGuide: false,
      validate: (value) =>
        value?.trim() ? undefined : "Paste the token, or press Ctrl+C to stop.",
    });
    if (prompts.isCancel(answer)) throw new CommandError("cancelled; nothing was saved.");
    return answer.trim();
  }
  const text = (await readAll(context.io.stdin)).trim();
  if (!text) {
    throw new UsageError(
      'no token on standard input: pipe it in (printf %s "$TOKEN" | alpacon-mcp auth set …) or run in a terminal to be asked.',
    );
  }
  return text;
}

async function verify(item: {
  workspace: string;
  region: string;
  token: string;
  baseUrl: string;
}): Promise<void> {
  const client = createAlpaconClient({
    workspace: item.workspace,
    region: item.region,
    token: item.token,
    baseUrl: item.baseUrl,
    timeoutMs: 10_000,
    maxRetries: 1,
    userAgent: `alpacon-mcp/${MCP_VERSION}`,
  });
  try {
    await client.auth.status();
  } catch (error) {
    const nothing = "Nothing was saved";
    if (error instanceof AuthenticationError) {
      throw new CommandError(
        `${item.baseUrl} rejected this token (${error.status}${error.detail ? `: ${error.detail}` : ""}). ${nothing}: copy the whole token from the API Token page of ${item.workspace}'s web console and try again.`,
      );
    }
    if (error instanceof ConnectionError || error instanceof TimeoutError) {
      throw new CommandError(
        `cannot reach ${item.baseUrl} to check the token (${error instanceof TimeoutError ? "no answer in 10 s" : "connection failed"}). ${nothing}: check the workspace, region or --url, or pass --no-verify to save it unchecked.`,
      );
    }
    if (error instanceof AlpaconApiError) {
      throw new CommandError(`checking the token failed: ${error.message}. ${nothing}.`);
    }
    throw error;
  }
}

async function authRemove(argv: string[], context: CommandContext): Promise<number> {
  const { values } = parseFlags(argv, TARGET);
  if (values.help) {
    context.out(REMOVE_HELP);
    return 0;
  }
  const { workspace, region, configFile } = target(values, context, values["config-file"]);
  let removed: boolean;
  try {
    removed = await removeToken({ workspace, region, configFile });
  } catch (error) {
    throw new CommandError(`cannot remove the token: ${(error as Error).message}`);
  }
  const variable = `ALPACON_MCP_${region.toUpperCase()}_${workspace.toUpperCase()}_TOKEN`;
  const still = context.env[variable]
    ? ` ${variable} still provides a token; unset it to stop that.`
    : "";
  if (!removed) {
    throw new CommandError(
      `no token for ${workspace} (${region}) is saved in ${configFile}.${still}`,
    );
  }
  context.out(
    `Removed the token for ${workspace} (${region}) from ${configFile}. It stays valid in Alpacon: revoke it in the web console if it leaked.${still}\n`,
  );
  return 0;
}

async function authList(argv: string[], context: CommandContext): Promise<number> {
  const { values } = parseFlags(argv, {
    "config-file": { type: "string" },
    json: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    context.out(LIST_HELP);
    return 0;
  }
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig({
      configFile: values["config-file"],
      env: context.env,
      cwd: context.cwd,
      homeDir: context.homeDir,
    });
  } catch (error) {
    throw new CommandError(`${(error as Error).message} Run alpacon-mcp doctor for details.`);
  }
  const workspaces = config.workspaces.map((item) => ({
    region: item.region,
    workspace: item.workspace,
    token: maskToken(item.token),
    url: item.url ?? null,
    baseUrl: item.url ?? defaultBaseUrl(item.workspace, item.region),
    source: item.tokenSource,
  }));
  if (values.json) {
    context.out(`${JSON.stringify({ configFile: config.configFile, workspaces }, null, 2)}\n`);
    return 0;
  }
  if (workspaces.length === 0) {
    context.out(
      `No workspace is configured (token file: ${config.configFile}).\nSave a token with: alpacon-mcp auth set --workspace <workspace> --region <region>\n`,
    );
    return 0;
  }
  const c = context.color;
  const rows = [
    ["Region", "Workspace", "Token", "URL", "Source"].map((title) => c.bold(title)),
    ...workspaces.map((item) => [
      item.region,
      item.workspace,
      item.token,
      item.url ?? c.dim(item.baseUrl),
      item.source === config.configFile ? "token file" : item.source,
    ]),
  ];
  context.out(`${columns(rows, plainLength)}\n\nToken file: ${shellWord(config.configFile)}\n`);
  return 0;
}

/** `alpat-…a1b2`: the kind and the last four characters of long tokens; `••••` otherwise. */
export function maskToken(token: string): string {
  const prefix = /^alp[as]t-/.exec(token)?.[0] ?? "";
  const rest = token.slice(prefix.length);
  return rest.length >= 16 ? `${prefix}…${rest.slice(-4)}` : `${prefix}••••`;
}

function readFile(context: CommandContext, configFile: string) {
  try {
    return loadConfig({ configFile, env: {}, cwd: context.cwd, homeDir: context.homeDir })
      .workspaces;
  } catch (error) {
    throw new CommandError(
      `${(error as Error).message} Fix the file first (alpacon-mcp doctor shows what is wrong).`,
    );
  }
}
