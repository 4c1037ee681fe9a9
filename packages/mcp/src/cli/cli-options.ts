import { delimiter } from "node:path";
import { type ParseArgsConfig, parseArgs } from "node:util";
import type { OAuthHttpOptions } from "../http/oauth-mode.js";
import { CONFIRM_MODES, type ConfirmMode } from "../server/confirm.js";
import { isLogLevel, LOG_LEVELS, type LogLevel } from "../server/log.js";
import type { AlpaconMcpServerOptions } from "../server/server.js";
import { TOOLSETS } from "../tools/define.js";
import { CHANNEL_TOOLS, selectTools } from "../tools/select-tools.js";
import { TOOLSET_DESCRIPTIONS, TOOLSET_RECORD } from "../tools/toolsets.js";
import { MCP_VERSION } from "../version.js";
import { COMMAND_SUMMARIES } from "./commands/names.js";

/** How a toolset is marked in the help: on, opt-in, or on but for its writes. */
function defaultMark(name: keyof typeof TOOLSET_RECORD): string {
  const { enabled } = TOOLSET_RECORD[name];
  return enabled === true ? "" : enabled === false ? " (opt-in)" : " (writes opt-in)";
}

// Flags are parsed with node:util parseArgs: it is maintained with Node itself, strict about
// unknown flags and missing values, and needs no dependency; everything it does not do (env
// fallbacks, value checks, help) is the few lines below.
//
// None of these variable names may match the SDK's workspace-token pattern
// ALPACON_MCP_<REGION>_<WORKSPACE>_(TOKEN|URL): ALPACON_MCP_AUTH_TOKEN has too few segments
// to be one, and a test checks every name here against loadConfig.

export const TRANSPORTS = ["stdio", "http", "sse"] as const;
export type TransportKind = (typeof TRANSPORTS)[number];

interface OptionDoc {
  flag: string;
  env: string | undefined;
  default: string;
  text: string;
  /** Only meaningful with --transport http or sse. */
  http?: boolean;
}

/** Every option, in the order `--help` and the README list them. */
export const OPTION_DOCS: readonly OptionDoc[] = [
  {
    flag: "--transport <kind>",
    env: "ALPACON_MCP_TRANSPORT",
    default: "stdio",
    text: "stdio, http (Streamable HTTP at /mcp) or sse (legacy /sse)",
  },
  {
    flag: "--host <address>",
    env: "ALPACON_MCP_HOST",
    default: "127.0.0.1",
    text: "address to listen on; non-loopback needs --auth-token",
    http: true,
  },
  {
    flag: "--port <number>",
    env: "ALPACON_MCP_PORT",
    default: "8237",
    text: "port to listen on; 0 picks a free one",
    http: true,
  },
  {
    flag: "--auth-token <token>",
    env: "ALPACON_MCP_AUTH_TOKEN",
    default: "none",
    text: "bearer token HTTP clients must send; prefer the variable",
    http: true,
  },
  {
    flag: "--auth <mode>",
    env: "ALPACON_MCP_AUTH",
    default: "token",
    text: "token (shared --auth-token, or none on loopback) or oauth (each person signs in; see README, Deploy for a team)",
    http: true,
  },
  {
    flag: "--workspace <name>",
    env: "ALPACON_MCP_WORKSPACE",
    default: "none",
    text: "--auth oauth: the workspace every caller works in",
    http: true,
  },
  {
    flag: "--region <name>",
    env: "ALPACON_MCP_REGION",
    default: "ap1",
    text: "--auth oauth: the workspace's region",
    http: true,
  },
  {
    flag: "--public-url <url>",
    env: "ALPACON_MCP_PUBLIC_URL",
    default: "http://<host>:<port>",
    text: "--auth oauth: the URL clients reach this server at (behind TLS termination)",
    http: true,
  },
  {
    flag: "--stateless",
    env: "ALPACON_MCP_STATELESS=1",
    default: "off",
    text: "HTTP without sessions, for load-balanced instances",
    http: true,
  },
  {
    flag: "--allowed-hosts <a,b>",
    env: "ALPACON_MCP_ALLOWED_HOSTS",
    default: "loopback names",
    text: "more Host names to accept (port ignored); * for any",
    http: true,
  },
  {
    flag: "--allow-origin <origin>",
    env: "ALPACON_MCP_ALLOW_ORIGINS",
    default: "none",
    text: "web page origin allowed to call (https://app.example); repeatable; * any (needs --auth-token)",
    http: true,
  },
  {
    flag: "--session-idle-minutes <n>",
    env: "ALPACON_MCP_SESSION_IDLE_MINUTES",
    default: "30",
    text: "close HTTP/SSE sessions idle this long; 0 never",
    http: true,
  },
  {
    flag: "--config-file <path>",
    env: "ALPACON_MCP_CONFIG_FILE",
    default: "~/.alpacon-mcp/token.json",
    text: "token file (else ./config/token.json)",
  },
  {
    flag: "--toolsets <a,b>",
    env: "ALPACON_MCP_TOOLSETS",
    // What `default` selects is marked in the toolset list below the options.
    default: "default",
    text: "toolsets to offer: all, default, or names below",
  },
  {
    flag: "--tools <a,b>",
    env: "ALPACON_MCP_TOOLS",
    default: "none",
    text: "single tools (alone: only these; with --toolsets: added)",
  },
  {
    flag: "--exclude-tools <a,b>",
    env: "ALPACON_MCP_EXCLUDE_TOOLS",
    default: "none",
    text: "tools to leave out",
  },
  {
    flag: "--read-only",
    env: "ALPACON_MCP_READ_ONLY=1",
    default: "off",
    text: "only read-only tools; wins over everything else",
  },
  {
    flag: "--code-mode",
    env: "ALPACON_MCP_CODE_MODE=1",
    default: "off",
    text: "offer only search and execute (a JS/TS snippet with the SDK); the toolsets say what it reaches",
  },
  {
    flag: "--output-schemas",
    env: "ALPACON_MCP_OUTPUT_SCHEMAS=1",
    default: "off",
    text: "list each tool's output schema (for clients that type results)",
  },
  {
    flag: "--confirm <mode>",
    env: "ALPACON_MCP_CONFIRM",
    default: "elicit",
    text: "destructive calls: elicit (ask the user), allow, deny",
  },
  {
    flag: "--allow-dir <dir>",
    env: "ALPACON_MCP_ALLOW_DIRS",
    default: "working directory",
    text: `directory webftp may use; repeatable (env: "${delimiter}"-separated)`,
  },
  {
    flag: "--audit-log <file>",
    env: "ALPACON_MCP_AUDIT_LOG",
    default: "none",
    text: "append a JSON line per tool call (file mode 0600)",
  },
  {
    flag: "--log-level <level>",
    env: "ALPACON_MCP_LOG_LEVEL",
    default: "info",
    text: "least severe stderr message: debug, info … error",
  },
  {
    flag: "--sandbox",
    env: "ALPACON_MCP_SANDBOX=1",
    default: "off",
    text: "run against a local simulated Alpacon (no account)",
  },
  { flag: "-h, --help", env: undefined, default: "", text: "show this help" },
  { flag: "-v, --version", env: undefined, default: "", text: "show the version" },
];

function renderOptions(): string {
  return OPTION_DOCS.map((option) => {
    const head = `  ${option.flag.padEnd(28)} ${option.text}`;
    const details = [
      option.default && `default: ${option.default}`,
      option.env && `env: ${option.env}`,
    ].filter(Boolean);
    return details.length ? `${head}\n${" ".repeat(31)}(${details.join("; ")})` : head;
  }).join("\n");
}

export const HELP = `alpacon-mcp ${MCP_VERSION}: an MCP server for Alpacon.

Usage: alpacon-mcp [options]                     serve MCP on stdio (what clients run)
       alpacon-mcp --sandbox                     try it without an account
       alpacon-mcp --transport http --port 8237  serve http://127.0.0.1:8237/mcp
       alpacon-mcp <command> [options]           see alpacon-mcp <command> --help

Commands:
${Object.entries(COMMAND_SUMMARIES)
  .map(([name, summary]) => `  ${name.padEnd(8)} ${summary}`)
  .join("\n")}

Options (flags win over environment variables):
${renderOptions()}

Tokens: ALPACON_MCP_<REGION>_<WORKSPACE>_TOKEN variables, or the token file:
  {"ap1": {"my-workspace": "alpat-…"}}

Toolsets:
${TOOLSETS.map((name) => `  ${name.padEnd(13)} ${TOOLSET_DESCRIPTIONS[name]}${defaultMark(name)}`).join("\n")}

Logs go to stderr; in stdio mode stdout carries the protocol.
Exit codes: 0 ok, 1 configuration or start-up error, 2 wrong flags or values.
`;

/** Wrong flags or values: the CLI exits with code 2. */
export class UsageError extends Error {}

export interface CliOptions {
  help: boolean;
  version: boolean;
  transport: TransportKind;
  host: string;
  port: number;
  authToken: string | undefined;
  /** `--auth oauth`: the identity provider and workspace (secrets from variables only). */
  oauth: OAuthHttpOptions | undefined;
  stateless: boolean;
  allowedHosts: string[] | undefined;
  allowedOrigins: string[] | undefined;
  /** 0: never. */
  sessionIdleMs: number;
  auditLog: string | undefined;
  logLevel: LogLevel;
  sandbox: boolean;
  /** Options for every MCP server the CLI makes. */
  server: AlpaconMcpServerOptions;
  /** Things to tell the user at start-up (a default changed by another option …). */
  notes: string[];
}

/** Flags first, then `ALPACON_MCP_*` variables, then defaults. Throws UsageError. */
export function parseCliOptions(argv: string[], env: NodeJS.ProcessEnv): CliOptions {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") {
      throw new UsageError(
        `Unexpected argument '${firstPositional(argv)}'; commands are ${Object.keys(COMMAND_SUMMARIES).join(", ")}`,
      );
    }
    throw new UsageError((error as Error).message.split("\n")[0]!);
  }
  const { values } = parsed;
  const help = values.help ?? false;
  const version = values.version ?? false;
  // --help and --version work whatever else is set (a bad variable must not hide the help).
  if (help || version) return { ...parseCliOptions([], {}), help, version };
  const notes: string[] = [];

  const transport = values.transport ?? env.ALPACON_MCP_TRANSPORT ?? "stdio";
  if (!(TRANSPORTS as readonly string[]).includes(transport)) {
    throw new UsageError(
      `--transport must be one of ${TRANSPORTS.join(", ")}, not "${transport}".`,
    );
  }
  if (transport === "stdio") {
    // A flag (not a variable, which may be set for other runs) that only HTTP uses is a mistake.
    const httpOnly = OPTION_DOCS.filter((option) => option.http)
      .map((option) => option.flag.split(" ")[0]!.slice(2))
      .filter((name) => values[name as keyof typeof values] !== undefined);
    if (httpOnly.length) {
      throw new UsageError(
        `--${httpOnly[0]} only applies with --transport http or sse (the transport is stdio).`,
      );
    }
  }

  const port = integer("--port", values.port ?? env.ALPACON_MCP_PORT, 8237, 0, 65_535);
  const idleMinutes = integer(
    "--session-idle-minutes",
    values["session-idle-minutes"] ?? env.ALPACON_MCP_SESSION_IDLE_MINUTES,
    30,
    0,
    7 * 24 * 60,
  );
  const stateless = values.stateless ?? flag("ALPACON_MCP_STATELESS", env);
  if (stateless && transport !== "http") {
    throw new UsageError("--stateless only applies with --transport http.");
  }
  const authToken = values["auth-token"] ?? (env.ALPACON_MCP_AUTH_TOKEN || undefined);
  if (authToken !== undefined && (authToken.length < 16 || /\s/.test(authToken))) {
    throw new UsageError(
      "--auth-token must be at least 16 characters without spaces; make one with: openssl rand -hex 32",
    );
  }

  const oauth = oauthOptions(values, env, transport, authToken);

  const explicitConfirm = values.confirm ?? env.ALPACON_MCP_CONFIRM;
  if (explicitConfirm !== undefined && !CONFIRM_MODES.includes(explicitConfirm as ConfirmMode)) {
    throw new UsageError(
      `--confirm must be one of ${CONFIRM_MODES.join(", ")}, not "${explicitConfirm}".`,
    );
  }
  let confirm = (explicitConfirm ?? "elicit") as ConfirmMode;
  if (stateless && confirm === "elicit") {
    if (explicitConfirm !== undefined) {
      throw new UsageError(
        "--confirm elicit cannot work with --stateless: the user's answer would reach another request's server. Use --confirm allow or --confirm deny.",
      );
    }
    confirm = "deny";
    notes.push(
      "stateless mode cannot ask the user to confirm (elicitation needs a session), so destructive tools are refused; pass --confirm allow to rely on the client's own approval",
    );
  }

  if (stateless) {
    notes.push(
      `stateless mode leaves out the websh channel tools (${CHANNEL_TOOLS.join(", ")}): a channel would outlive its request and be shared by every caller; websh_command_execute runs each command in a shell of its own`,
    );
  }

  const logLevel = values["log-level"] ?? env.ALPACON_MCP_LOG_LEVEL ?? "info";
  if (!isLogLevel(logLevel)) {
    throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(", ")}, not "${logLevel}".`);
  }

  const sandbox = values.sandbox ?? flag("ALPACON_MCP_SANDBOX", env);
  const configFile = values["config-file"];
  if (sandbox && configFile !== undefined) {
    throw new UsageError(
      "--sandbox brings its own workspaces; leave out --config-file (or drop --sandbox).",
    );
  }

  const allowDirs = values["allow-dir"]?.length
    ? values["allow-dir"]
    : env.ALPACON_MCP_ALLOW_DIRS?.split(delimiter).filter(Boolean);
  const server: AlpaconMcpServerOptions = {
    load: { configFile, env },
    toolsets: list(values.toolsets ?? env.ALPACON_MCP_TOOLSETS),
    tools: list(values.tools ?? env.ALPACON_MCP_TOOLS),
    excludeTools: list(values["exclude-tools"] ?? env.ALPACON_MCP_EXCLUDE_TOOLS),
    readOnly: values["read-only"] ?? flag("ALPACON_MCP_READ_ONLY", env),
    outputSchemas: values["output-schemas"] ?? flag("ALPACON_MCP_OUTPUT_SCHEMAS", env),
    codeMode: values["code-mode"] ?? flag("ALPACON_MCP_CODE_MODE", env),
    stateless: stateless || undefined,
    confirm,
    allowDirs: allowDirs?.length ? allowDirs : undefined,
  };
  try {
    // Unknown toolset or tool names: fail now, with the valid ones, rather than at first use.
    selectTools(server);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }

  return {
    help,
    version,
    transport: transport as TransportKind,
    host: values.host ?? env.ALPACON_MCP_HOST ?? "127.0.0.1",
    port,
    authToken,
    oauth,
    stateless,
    allowedHosts: list(values["allowed-hosts"] ?? env.ALPACON_MCP_ALLOWED_HOSTS),
    allowedOrigins: allowOrigins(values["allow-origin"], env.ALPACON_MCP_ALLOW_ORIGINS, authToken),
    sessionIdleMs: idleMinutes * 60_000,
    auditLog: values["audit-log"] ?? (env.ALPACON_MCP_AUDIT_LOG || undefined),
    logLevel,
    sandbox,
    server,
    notes,
  };
}

/**
 * `--auth oauth`: the flags name the workspace and the public URL; the identity provider's
 * client and the sealing keys come from variables only (they are secrets, or long).
 */
function oauthOptions(
  values: ReturnType<typeof parse>["values"],
  env: NodeJS.ProcessEnv,
  transport: string,
  authToken: string | undefined,
): OAuthHttpOptions | undefined {
  const mode = values.auth ?? env.ALPACON_MCP_AUTH ?? "token";
  if (mode !== "token" && mode !== "oauth") {
    throw new UsageError(`--auth must be token or oauth, not "${mode}".`);
  }
  if (mode !== "oauth") {
    for (const name of ["workspace", "region", "public-url"] as const) {
      if (values[name] !== undefined)
        throw new UsageError(`--${name} only applies with --auth oauth.`);
    }
    return undefined;
  }
  if (transport !== "http") throw new UsageError("--auth oauth needs --transport http.");
  if (authToken) {
    throw new UsageError(
      "--auth oauth and --auth-token exclude each other: each person signs in instead of sharing a token.",
    );
  }
  const missing = [
    [
      "ALPACON_MCP_OAUTH_ISSUER",
      "the identity provider's issuer URL (https://<tenant>.auth0.com/)",
    ],
    ["ALPACON_MCP_OAUTH_CLIENT_ID", "this server's client id at the identity provider"],
    ["ALPACON_MCP_OAUTH_KEY", "the sealing key every instance shares (openssl rand -hex 32)"],
  ].filter(([name]) => !env[name!]?.trim());
  const workspace = values.workspace ?? env.ALPACON_MCP_WORKSPACE;
  if (!workspace) missing.push(["--workspace", "the workspace every caller works in"]);
  if (missing.length) {
    throw new UsageError(
      `--auth oauth needs ${missing.map(([name, what]) => `${name} (${what})`).join(", ")}.`,
    );
  }
  const region = values.region ?? env.ALPACON_MCP_REGION ?? "ap1";
  const publicUrl = values["public-url"] ?? (env.ALPACON_MCP_PUBLIC_URL || undefined);
  if (publicUrl !== undefined) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(publicUrl);
    } catch {
      parsed = undefined;
    }
    if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.search || parsed.hash) {
      throw new UsageError(
        `--public-url must be an http(s) URL without query, not "${publicUrl}".`,
      );
    }
  }
  // The SDK's per-workspace URL variable points the workspace elsewhere (the sandbox, a proxy).
  const urlVariable = `ALPACON_MCP_${region.toUpperCase()}_${workspace!.toUpperCase().replaceAll("-", "_")}_URL`;
  return {
    workspace: workspace!,
    region,
    alpaconUrl: env[urlVariable] || undefined,
    publicUrl,
    issuer: env.ALPACON_MCP_OAUTH_ISSUER!.trim(),
    clientId: env.ALPACON_MCP_OAUTH_CLIENT_ID!.trim(),
    clientSecret: env.ALPACON_MCP_OAUTH_CLIENT_SECRET || undefined,
    audience: env.ALPACON_MCP_OAUTH_AUDIENCE || "https://alpacon.io/access/",
    keys: list(env.ALPACON_MCP_OAUTH_KEY) ?? [],
    redirectUris: list(env.ALPACON_MCP_OAUTH_REDIRECT_URIS),
    clientMetadataDocuments: !["0", "false", "no", "off"].includes(
      (env.ALPACON_MCP_OAUTH_CLIENT_METADATA ?? "").trim().toLowerCase(),
    ),
  };
}

function list(value: string | undefined): string[] | undefined {
  const items = value
    ?.split(",")
    .map((item) => item.trim())
    .filter(Boolean);
  return items?.length ? items : undefined;
}

/**
 * Browser origins allowed to call (none by default: a web page on any port of this machine is
 * not the user). Each is `scheme://host[:port]`, as browsers send it; `*` needs a bearer token.
 */
function allowOrigins(
  flags: string[] | undefined,
  variable: string | undefined,
  authToken: string | undefined,
): string[] | undefined {
  const origins = list((flags?.length ? flags : [variable ?? ""]).join(","));
  for (const origin of origins ?? []) {
    if (origin === "*") {
      if (!authToken) {
        throw new UsageError(
          "--allow-origin * lets any web page the user opens call the tools; it needs --auth-token.",
        );
      }
      continue;
    }
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (
      !parsed ||
      !/^https?:$/.test(parsed.protocol) ||
      parsed.origin !== origin.replace(/\/$/, "")
    ) {
      throw new UsageError(
        `--allow-origin takes origins as browsers send them (https://app.example, http://localhost:6274), not "${origin}".`,
      );
    }
  }
  return origins;
}

const TRUE = ["1", "true", "yes", "on"];
const FALSE = ["", "0", "false", "no", "off"];

function flag(name: string, env: NodeJS.ProcessEnv): boolean {
  const value = env[name]?.trim().toLowerCase();
  if (value === undefined || FALSE.includes(value)) return false;
  if (TRUE.includes(value)) return true;
  throw new UsageError(`${name} must be 1 or 0 (true/false, yes/no, on/off), not "${env[name]}".`);
}

function integer(
  name: string,
  value: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined || value.trim() === "") return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) {
    throw new UsageError(`${name} must be a whole number from ${min} to ${max}, not "${value}".`);
  }
  return number;
}

function parse(argv: string[]) {
  return parseArgs({ args: argv, strict: true, allowPositionals: false, options: OPTIONS });
}

/**
 * The argument a strict parse refused as positional. Every option before it was valid, so a
 * lenient parse reads them alike and finds the same one first.
 */
function firstPositional(argv: string[]): string | undefined {
  const { tokens } = parseArgs({
    args: argv,
    strict: false,
    allowPositionals: true,
    tokens: true,
    options: OPTIONS,
  });
  return tokens.find((token) => token.kind === "positional")?.value;
}

const OPTIONS = {
  transport: { type: "string" },
  host: { type: "string" },
  port: { type: "string" },
  "auth-token": { type: "string" },
  auth: { type: "string" },
  workspace: { type: "string" },
  region: { type: "string" },
  "public-url": { type: "string" },
  stateless: { type: "boolean" },
  "allowed-hosts": { type: "string" },
  "allow-origin": { type: "string", multiple: true },
  "session-idle-minutes": { type: "string" },
  "config-file": { type: "string" },
  toolsets: { type: "string" },
  tools: { type: "string" },
  "exclude-tools": { type: "string" },
  "read-only": { type: "boolean" },
  "output-schemas": { type: "boolean" },
  "code-mode": { type: "boolean" },
  confirm: { type: "string" },
  "allow-dir": { type: "string", multiple: true },
  "audit-log": { type: "string" },
  "log-level": { type: "string" },
  sandbox: { type: "boolean" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "v" },
} as const satisfies NonNullable<ParseArgsConfig["options"]>;
