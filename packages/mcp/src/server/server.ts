import type { AlpaconClient } from "@alpacon/sdk";
import { type AlpaconConfig, type LoadConfigOptions, loadConfig } from "@alpacon/sdk/node";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { SetLevelRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import type { jsonSchemaValidator } from "@modelcontextprotocol/sdk/validation";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";
import { registerApps } from "../apps/index.js";
import { TOOL_CATALOG } from "../generated/tool-catalog.js";
import { type ToolSelection, toolSelector } from "../tools/select-tools.js";
import { useLeanToolList } from "../tools/tool-list.js";
import { MCP_VERSION } from "../version.js";
import { type AuditEntry, type AuditSink, auditArguments } from "./audit.js";
import { CONFIRM_MODES, type ConfirmMode } from "./confirm.js";
import type { CallReport, Runtime } from "./context.js";
import { redact } from "./errors.js";
import { atLeast, type Logger, type LogLevel } from "./log.js";
import { AllowedRoots } from "./paths.js";
import { registerPrompts } from "./prompts.js";
import { registerReadViews } from "./read-views.js";
import { routeTool, routeToolCalls, type ToolRoute } from "./register.js";
import { registerResources } from "./resources.js";
import { type PoolOptions, WebshChannels } from "./websh-channels.js";
import { type ClientOptions, Workspaces } from "./workspaces.js";

export interface AlpaconMcpServerOptions extends ToolSelection {
  /** A configuration from `loadConfig`; loaded from the environment and token file otherwise. */
  config?: AlpaconConfig | undefined;
  /** How to load the configuration when `config` and `clients` are not given. */
  load?: LoadConfigOptions | undefined;
  /** Ready-made SDK clients (each with workspace and region), instead of a configuration. */
  clients?: readonly AlpaconClient[] | undefined;
  /** Options for the clients the server creates (timeouts, fetch, logger). */
  clientOptions?: ClientOptions | undefined;
  /** How destructive calls are confirmed; default `elicit` (see confirm.ts). */
  confirm?: ConfirmMode | undefined;
  /** Local directories webftp tools may read and write; default the working directory. */
  allowDirs?: readonly string[] | undefined;
  /** Limits of the websh channel pool. */
  websh?: PoolOptions | undefined;
  /** Server name announced to clients, to tell several instances apart. Default `alpacon`. */
  name?: string | undefined;
  /**
   * Where the server's own messages go besides the client (tool calls at `info`, failures at
   * `warning`); nothing by default. The CLI passes a stderr logger.
   */
  logger?: Logger | undefined;
  /** Receives one entry per tool call; the CLI's `--audit-log` makes a file-backed one. */
  audit?: AuditSink | undefined;
  /**
   * List output schemas in `tools/list` (off by default: see `ListingOptions` in tool-list.ts);
   * the CLI's `--output-schemas`.
   */
  outputSchemas?: boolean | undefined;
  /**
   * Code mode: list only `search` and `execute`, whose snippets reach what the other options
   * select (the default set when they select nothing); the CLI's `--code-mode`.
   */
  codeMode?: boolean | undefined;
}

const INSTRUCTIONS = `Alpacon manages servers: inventory, metrics, events, shells (websh), file transfers (webftp), commands and access (IAM).
Start with servers_list to get server ids; every server tool takes an id, not a name.
With several workspaces configured, workspace tools take a workspace argument (and a region when one name is in two regions); workspaces_list shows them.
Lists are paged: the result says which page to ask for next.
Tools that change or run things may ask the user to confirm first; a declined confirmation means: do not retry.
A command whose outcome is unknown (may_have_run) must not be resent blindly: check it with command_get.`;

/**
 * The SDK builds an Ajv instance (with formats) for every server, to check elicitation answers.
 * Stateless HTTP builds a server per request, and that construction cost more CPU than the rest
 * of a `servers_list` call (bench README, B10): build it on the first answer to check instead.
 */
function lazyValidator(): jsonSchemaValidator {
  let ajv: AjvJsonSchemaValidator | undefined;
  return {
    getValidator(schema) {
      ajv ??= new AjvJsonSchemaValidator();
      return ajv.getValidator(schema);
    },
  };
}

/**
 * Builds an MCP server exposing Alpacon as tools, resources and prompts. Nothing happens until
 * it is connected to a transport; closing it closes the websh channels it holds.
 */
export function createAlpaconMcpServer(options: AlpaconMcpServerOptions = {}): McpServer {
  const confirm = options.confirm ?? "elicit";
  if (!CONFIRM_MODES.includes(confirm)) {
    throw new Error(`Unknown confirm mode "${confirm}". Valid modes: ${CONFIRM_MODES.join(", ")}.`);
  }
  const codeScope = codeScopeOf(options);
  // Checked now (an unknown name throws here); applied to the tools once they have loaded.
  const selected = toolSelector(
    options.codeMode ? { ...options, toolsets: ["code"], tools: undefined } : options,
  );
  const offered = new Set(TOOL_CATALOG.filter(selected).map((tool) => tool.name));
  const workspaces = options.clients
    ? new Workspaces({ clients: options.clients }, options.clientOptions)
    : new Workspaces({ config: options.config ?? loadConfig(options.load) }, options.clientOptions);

  const server = new McpServer(
    { name: options.name ?? "alpacon", title: "Alpacon", version: MCP_VERSION },
    {
      instructions: INSTRUCTIONS,
      capabilities: {
        // The advertised workspace arguments follow the tokens saved and removed (tool-list.ts).
        tools: { listChanged: true },
        resources: {},
        prompts: {},
        logging: {},
      },
      jsonSchemaValidator: lazyValidator(),
    },
  );
  const log = clientLog(server, options.logger, () => workspaces.secrets());
  const runtime: Runtime = {
    workspaces,
    channels: new WebshChannels(options.websh),
    roots: new AllowedRoots(options.allowDirs ?? [process.cwd()], {
      tokenFile: workspaces.configFile,
    }),
    report: (call) => {
      // Without an audit log, nothing walks the arguments: one short line per call is all.
      if (options.audit) {
        try {
          options.audit.write(auditEntry(call, workspaces.secrets()));
        } catch (error) {
          log("error", `the audit log failed: ${(error as Error).message}`);
        }
      }
      log(LEVEL_OF[call.outcome], describeCall(call), call.requestId);
    },
    codeScope,
  };
  const attachApps = registerApps(server, offered);
  // Evaluating the tool modules (the zod schemas of every tool) is most of this package's
  // start-up: they load while `initialize` is answered, and tools/list, tools/call and the
  // read views wait for them (bench/README, B1).
  const loaded = loadToolModules().then(({ ALL_TOOLS }) => {
    const routes = new Map<string, ToolRoute>();
    const listed = ALL_TOOLS.filter(selected).map((tool) =>
      routeTool(server, tool, runtime, confirm, routes),
    );
    attachApps(routes);
    return { routes, listed };
  });
  loaded.catch((error: unknown) => log("error", `the tools failed to load: ${String(error)}`));
  loads.set(server, loaded);
  routeToolCalls(server, loaded);
  registerResources(server, runtime);
  registerReadViews(server, runtime, offered, loaded);
  useLeanToolList(server, loaded, workspaces, { outputSchemas: options.outputSchemas });
  registerPrompts(server);

  // Closing the server (or its transport) closes what it holds; `closeServer` waits for that.
  let released: Promise<void> | undefined;
  const release = () => {
    released ??= Promise.all([runtime.channels.closeAll(), runtime.workspaces.closeAll()]).then(
      () => undefined,
    );
    return released;
  };
  releases.set(server, release);
  const previous = server.server.onclose;
  server.server.onclose = () => {
    previous?.();
    void release();
  };
  return server;
}

/** What code mode's snippets may reach: the selection without the code toolset itself. */
function codeScopeOf(options: AlpaconMcpServerOptions): ToolSelection {
  return {
    toolsets: options.toolsets?.filter((name) => name !== "code"),
    tools: options.tools,
    excludeTools: options.excludeTools,
    readOnly: options.readOnly,
    stateless: options.stateless,
  };
}

const releases = new WeakMap<McpServer, () => Promise<void>>();
const loads = new WeakMap<McpServer, Promise<unknown>>();

/** The tool modules; the first call loads them, later ones get the same modules. */
export function loadToolModules(): Promise<typeof import("../tools/index.js")> {
  return import("../tools/index.js");
}

/**
 * Resolves once the server's tools are routed, and rejects if they failed to load: the CLI
 * then stops rather than serve a session in which every tool call fails.
 */
export async function toolsLoaded(server: McpServer): Promise<void> {
  await loads.get(server);
}

/** Closes a server and waits until its websh channels and sessions are closed too. */
export async function closeServer(server: McpServer): Promise<void> {
  await server.close();
  await releases.get(server)?.();
}

const LEVEL_OF: Record<CallReport["outcome"], LogLevel> = {
  ok: "info",
  denied: "notice",
  cancelled: "notice",
  error: "warning",
};

function describeCall(call: CallReport): string {
  const where = call.workspace
    ? ` (workspace ${call.workspace}${call.region ? `, region ${call.region}` : ""})`
    : "";
  const took = `${call.durationMs} ms`;
  switch (call.outcome) {
    case "ok":
      return `${call.tool} ok in ${took}${where}`;
    case "cancelled":
      return `${call.tool} cancelled after ${took}${where}`;
    case "denied":
      return `${call.tool} not run${where}: ${call.why ?? "refused"}`;
    default:
      return `${call.tool} failed in ${took}${where}: ${call.why ?? "unknown error"}`;
  }
}

function auditEntry(call: CallReport, secrets: readonly string[]): AuditEntry {
  const entry: AuditEntry = {
    time: call.startedAt.toISOString(),
    tool: call.tool,
    workspace: call.workspace ?? null,
    region: call.region ?? null,
    arguments: auditArguments(call.args, secrets),
    outcome: call.outcome,
    durationMs: call.durationMs,
  };
  if (call.why && call.outcome !== "ok") entry.error = redact(call.why, secrets).slice(0, 300);
  if (call.session) entry.session = call.session;
  return entry;
}

/**
 * Messages for the client (`notifications/message`) and the process log. The client chooses its
 * level with `logging/setLevel`; until it does, it gets warnings and worse.
 */
function clientLog(
  server: McpServer,
  logger: Logger | undefined,
  secrets: () => readonly string[],
): (level: LogLevel, message: string, relatedRequestId?: string | number) => void {
  let clientLevel: LogLevel = "warning";
  server.server.setRequestHandler(SetLevelRequestSchema, async (request) => {
    clientLevel = request.params.level;
    return {};
  });
  return (level, message, relatedRequestId) => {
    const text = redact(message, secrets());
    logger?.log(level, text);
    if (!atLeast(level, clientLevel) || !server.isConnected()) return;
    server.server
      .notification(
        { method: "notifications/message", params: { level, logger: "alpacon-mcp", data: text } },
        relatedRequestId === undefined ? undefined : { relatedRequestId },
      )
      .catch(() => {
        // The client may be gone; the log line above is what remains.
      });
  };
}
