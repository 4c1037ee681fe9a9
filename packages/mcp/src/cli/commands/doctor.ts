import { existsSync } from "node:fs";
import {
  AlpaconApiError,
  type AlpaconClient,
  AuthenticationError,
  ConnectionError,
  createAlpaconClient,
  TimeoutError,
} from "@alpacon/sdk";
import {
  CONFIG_FILE_ENV,
  type ConfigInspection,
  type ConfigProblem,
  type ConfiguredWorkspace,
  inspectConfig,
  parseTokenVariable,
} from "@alpacon/sdk/node";
import { tokenFileExposure } from "../../server/token-file-mode.js";
import { MCP_VERSION } from "../../version.js";
import { UsageError } from "../cli-options.js";
import { type CommandContext, columns, loadPrompts, parseFlags, plainLength } from "./context.js";

export const DOCTOR_HELP = `Usage: alpacon-mcp doctor [--config-file <path>] [--json]

Checks what alpacon-mcp needs, and says how to fix what is wrong:
  Node.js                 version 20 or later
  Configuration           which token file and ALPACON_MCP_* variables are used (names only)
  Token file permissions  readable only by you (mode 0600, owned by you)
  each workspace          valid name, base URL, reachable, token accepted (GET /api/status/)

Options:
  --config-file <path>  token file to check (default: what the server would use)
  --timeout <seconds>   per workspace (default: 5)
  --json                print the checks as JSON
  -h, --help            show this help

Exit codes: 0 every check passed, 1 something failed or needs attention, 2 wrong flags.
`;

export type CheckStatus = "ok" | "warn" | "fail" | "skip";

export interface Check {
  id: "node" | "config" | "permissions" | "workspace";
  title: string;
  status: CheckStatus;
  detail: string;
  fix: string | null;
  workspace?: string;
  region?: string;
  url?: string;
  tokenSource?: string;
  ms?: number;
}

const CONCURRENCY = 4;

export async function doctor(argv: string[], context: CommandContext): Promise<number> {
  const { values } = parseFlags(argv, {
    "config-file": { type: "string" },
    timeout: { type: "string" },
    json: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    context.out(DOCTOR_HELP);
    return 0;
  }
  const timeoutSeconds = Number(values.timeout ?? "5");
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0 || timeoutSeconds > 120) {
    throw new UsageError(
      `--timeout must be a number of seconds from 1 to 120, not "${values.timeout}".`,
    );
  }

  const checks: Check[] = [nodeCheck()];
  // The SDK's own reading, without stopping at the first bad entry: each gets its own row.
  const config = inspectConfig({
    configFile: values["config-file"],
    env: context.env,
    cwd: context.cwd,
    homeDir: context.homeDir,
  });
  // A problem with the whole file heads the configuration row; every other one gets its own row.
  const headline = config.problems.find(
    (problem) => problem.region === undefined && problem.workspace === undefined,
  );
  checks.push(configCheck(context, values["config-file"], config, headline));
  checks.push(permissionsCheck(context, config.configFile));

  const rows = await checkWorkspaces(
    context,
    config.workspaces,
    timeoutSeconds * 1000,
    values.json === true,
  );
  const problemRows = config.problems.filter((problem) => problem !== headline).map(problemCheck);
  checks.push(...[...rows, ...problemRows].sort((a, b) => rowKey(a).localeCompare(rowKey(b))));

  const ok = checks.every((check) => check.status === "ok" || check.status === "skip");
  // A configuration row that only points at the rows below is not a problem of its own.
  const summaryOnly = config.problems.length > 0 && headline === undefined;
  if (values.json) {
    context.out(`${JSON.stringify({ ok, version: MCP_VERSION, checks }, null, 2)}\n`);
  } else {
    context.out(renderTable(checks, context));
    const problems = checks.filter(
      (check) =>
        (check.status === "fail" || check.status === "warn") &&
        !(summaryOnly && check.id === "config"),
    );
    const c = context.color;
    context.out(
      problems.length
        ? `\n${c.red(`${plural(problems.length, "problem")} found.`)} Fix ${problems.length > 1 ? "them" : "it"} and run alpacon-mcp doctor again.\n`
        : `\n${c.green("All checks passed.")}\n`,
    );
  }
  return ok ? 0 : 1;
}

function nodeCheck(): Check {
  const version = process.versions.node;
  const major = Number(version.split(".")[0]);
  return {
    id: "node",
    title: "Node.js",
    status: major >= 20 ? "ok" : "fail",
    detail: `v${version}${major >= 20 ? "" : " is too old: alpacon-mcp needs 20 or later"}`,
    fix: major >= 20 ? null : "install Node.js 20 or later (an LTS release from nodejs.org)",
  };
}

function configCheck(
  context: CommandContext,
  flag: string | undefined,
  { configFile, workspaces, problems }: ConfigInspection,
  headline: ConfigProblem | undefined,
): Check {
  const source = configSource(context, flag);
  // Names only: the values are tokens.
  const variables = Object.keys(context.env)
    .filter((name) => parseTokenVariable(name) && context.env[name])
    .sort();
  const variableNote = `variables: ${variables.length ? variables.join(", ") : "none"}`;
  if (problems.length > 0) {
    // The server refuses to start on any of them.
    const listed = problems.length - (headline ? 1 : 0);
    const below = `${listed > 1 ? `${listed} entries` : "the entry"} listed below`;
    const steps = [headline?.fix, listed ? `correct or remove ${below}` : undefined].filter(
      Boolean,
    );
    const detail = headline
      ? `${headline.message}${listed ? ` Also ${below}.` : ""}`
      : `${listed === 1 ? "1 entry" : `${listed} entries`} cannot be used, listed below: ${problems.map((problem) => problemCheck(problem).title).join(", ")}.`;
    return {
      id: "config",
      title: "Configuration",
      status: "fail",
      detail: `${detail} (${source}; ${variableNote})`,
      fix: `${steps.join(", then ")}; alpacon-mcp will not start until then`,
    };
  }
  const found = existsSync(configFile) ? "" : ", not created yet";
  return {
    id: "config",
    title: "Configuration",
    status: workspaces.length ? "ok" : "fail",
    detail: `token file ${configFile} (${source}${found}); ${variableNote}; ${plural(workspaces.length, "workspace")}`,
    fix: workspaces.length
      ? null
      : "save a token: alpacon-mcp auth set --workspace <workspace> --region <region> (or try alpacon-mcp --sandbox)",
  };
}

/** A configuration entry that cannot be used: its own failing row, with the SDK's fix. */
function problemCheck(problem: ConfigProblem): Check {
  const title =
    problem.workspace === undefined
      ? problem.region === undefined
        ? "Token file"
        : `${problem.region} (region)`
      : `${problem.workspace} (${problem.region ?? "no region"})`;
  return {
    id: "workspace",
    title,
    status: "fail",
    detail: problem.message,
    fix: problem.fix,
    ...(problem.workspace === undefined ? {} : { workspace: problem.workspace }),
    ...(problem.region === undefined ? {} : { region: problem.region }),
    tokenSource: problem.source,
  };
}

function rowKey(check: Check): string {
  return `${check.region ?? ""}/${check.workspace ?? ""}`;
}

function configSource(context: CommandContext, flag: string | undefined): string {
  if (flag !== undefined) return "from --config-file";
  if (context.env[CONFIG_FILE_ENV]) return `from ${CONFIG_FILE_ENV}`;
  return "default location";
}

function permissionsCheck(context: CommandContext, file: string): Check {
  const title = "Token file permissions";
  if (context.platform === "win32") {
    return {
      id: "permissions",
      title,
      status: "skip",
      detail: "not checked on Windows",
      fix: null,
    };
  }
  const exposure = tokenFileExposure(file, context.platform);
  if (exposure === undefined) {
    return { id: "permissions", title, status: "skip", detail: "no token file", fix: null };
  }
  return exposure.problems.length
    ? {
        id: "permissions",
        title,
        status: "warn",
        detail: exposure.problems.join("; "),
        fix: exposure.fixes.join(" && "),
      }
    : {
        id: "permissions",
        title,
        status: "ok",
        detail: `${exposure.mode}, owned by you`,
        fix: null,
      };
}

async function checkWorkspaces(
  context: CommandContext,
  workspaces: ConfiguredWorkspace[],
  timeoutMs: number,
  json: boolean,
): Promise<Check[]> {
  if (workspaces.length === 0) return [];
  // A progress bar on a terminal only (stderr, so stdout stays the table or JSON).
  const progress =
    context.interactive && !json
      ? (await loadPrompts()).progress({
          max: workspaces.length,
          output: context.io.stderr,
          withGuide: false,
        })
      : undefined;
  progress?.start(`Checking ${plural(workspaces.length, "workspace")}`);
  const results: Check[] = new Array(workspaces.length);
  let next = 0;
  const worker = async () => {
    while (next < workspaces.length) {
      const index = next++;
      const item = workspaces[index]!;
      results[index] = await checkWorkspace(item, timeoutMs);
      progress?.advance(1, `Checked ${item.workspace} (${item.region})`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, workspaces.length) }, worker));
  progress?.stop(`Checked ${plural(workspaces.length, "workspace")}`);
  return results;
}

async function checkWorkspace(item: ConfiguredWorkspace, timeoutMs: number): Promise<Check> {
  const base = {
    id: "workspace" as const,
    title: `${item.workspace} (${item.region})`,
    workspace: item.workspace,
    region: item.region,
    tokenSource: item.tokenSource,
  };
  // Names and URL were checked by inspectConfig; the URL already has its scheme.
  let client: AlpaconClient;
  try {
    client = createAlpaconClient({
      workspace: item.workspace,
      region: item.region,
      token: item.token,
      baseUrl: item.url,
      timeoutMs,
      maxRetries: 0,
      userAgent: `alpacon-mcp-doctor/${MCP_VERSION}`,
    });
  } catch (error) {
    return {
      ...base,
      status: "fail",
      detail: (error as Error).message,
      fix: item.tokenSource.startsWith("ALPACON_MCP_")
        ? `correct or unset ${item.tokenSource}`
        : `correct this entry in ${item.tokenSource}, or remove it`,
    };
  }
  const url = client.baseUrl;
  const where = item.url ? `${url} (custom URL)` : url;
  const started = performance.now();
  try {
    await client.auth.status();
    const ms = Math.round(performance.now() - started);
    return {
      ...base,
      url,
      ms,
      status: "ok",
      detail: `${where}: token accepted (${ms} ms)`,
      fix: null,
    };
  } catch (error) {
    const ms = Math.round(performance.now() - started);
    return { ...base, url, ms, status: "fail", ...explain(error, item, where, url, timeoutMs) };
  }
}

function explain(
  error: unknown,
  item: ConfiguredWorkspace,
  where: string,
  url: string,
  timeoutMs: number,
): { detail: string; fix: string } {
  const fromEnv = item.tokenSource.startsWith("ALPACON_MCP_");
  if (error instanceof AuthenticationError) {
    return {
      detail: `${where}: token rejected (${error.status}${error.detail ? `: ${error.detail}` : ""})`,
      fix: fromEnv
        ? `put a valid token in ${item.tokenSource} (it wins over the token file)`
        : `token rejected: set a new one with \`alpacon-mcp auth set --workspace ${item.workspace} --region ${item.region}\``,
    };
  }
  if (error instanceof TimeoutError) {
    return {
      detail: `${where}: no answer within ${timeoutMs / 1000} s`,
      fix: `check that ${url} is the right address${item.urlSource ? ` (set in ${item.urlSource})` : ""} and reachable from here (VPN, proxy, firewall)`,
    };
  }
  if (error instanceof ConnectionError) {
    const inner = (error.cause as { cause?: { code?: string; message?: string } } | undefined)
      ?.cause;
    const cause = inner?.code ?? inner?.message;
    return {
      detail: `cannot reach ${url}${cause ? ` (${cause})` : ""}`,
      fix: item.url
        ? `check the URL configured for ${item.workspace} (${item.urlSource ?? item.tokenSource}) and your network`
        : `check the workspace and region names (https://<workspace>.<region>.alpacon.io) and your network`,
    };
  }
  if (error instanceof AlpaconApiError) {
    return {
      detail: `${where}: ${error.message}`,
      fix:
        error.status === 404
          ? `no Alpacon API at ${url}: check the workspace, region or URL`
          : "try again later; if it persists, contact your Alpacon administrator",
    };
  }
  return { detail: `${where}: ${(error as Error).message}`, fix: "try again; check your network" };
}

function renderTable(checks: Check[], context: CommandContext): string {
  const c = context.color;
  const paint: Record<CheckStatus, (text: string) => string> = {
    ok: c.green,
    warn: c.yellow,
    fail: c.red,
    skip: c.dim,
  };
  const rows: string[][] = [[c.bold("Check"), c.bold("Status"), c.bold("Details")]];
  for (const check of checks) {
    rows.push([check.title, paint[check.status](check.status), check.detail]);
    if (check.fix && check.status !== "ok") rows.push(["", "", c.cyan(`fix: ${check.fix}`)]);
  }
  return `${columns(rows, plainLength)}\n`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
