import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable, Writable } from "node:stream";
import { type AlpaconConfig, loadConfig } from "@alpacon/sdk/node";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { isLoopback } from "../http/loopback.js";
import type { AuditLog } from "../server/audit.js";
import { type Logger, stderrLogger } from "../server/log.js";
import {
  closeServer,
  createAlpaconMcpServer,
  loadToolModules,
  toolsLoaded,
} from "../server/server.js";
import { tokenFileExposure } from "../server/token-file-mode.js";
import { selectTools } from "../tools/select-tools.js";
import { MCP_VERSION } from "../version.js";
import { type CliOptions, HELP, parseCliOptions, UsageError } from "./cli-options.js";
import { isCommand } from "./commands/names.js";

/** What the CLI talks to; `process` by default, streams and an emitter in tests. */
export interface CliIo {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  /** Emits `SIGINT` and `SIGTERM`. */
  signals: {
    once(event: "SIGINT" | "SIGTERM", listener: () => void): unknown;
    off(event: "SIGINT" | "SIGTERM", listener: () => void): unknown;
  };
  /** Subcommands: where project files and relative paths are (default `process.cwd()`). */
  cwd?: string;
  /** Subcommands: whose file locations to use (default `process.platform`). */
  platform?: NodeJS.Platform;
}

export function processIo(): CliIo {
  return { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, signals: process };
}

/** Things to undo at shutdown, last first. */
type Cleanup = () => void | Promise<void>;

/**
 * The `alpacon-mcp` command. Resolves with the exit code once the server has stopped (a signal,
 * or the stdio client going away): 0 ok, 1 configuration or start-up error, 2 usage error.
 * Everything meant for people goes to stderr; stdout is the protocol in stdio mode.
 * `setup`, `doctor` and `auth` as the first argument run that subcommand instead (commands/).
 */
export async function main(
  argv: string[],
  env: NodeJS.ProcessEnv,
  io: CliIo = processIo(),
): Promise<number> {
  // Subcommands, the HTTP transports, the audit log and the sandbox are imported only when
  // chosen: stdio, the common case, starts without loading them (hono, raw-body, …).
  if (isCommand(argv[0])) {
    const { runCommand } = await import("./commands/index.js");
    return runCommand(argv[0], argv.slice(1), env, io);
  }
  const say = (text: string) => io.stderr.write(`alpacon-mcp: ${text}\n`);
  let options: CliOptions;
  try {
    options = parseCliOptions(argv, env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    say(`${error.message}\nTry alpacon-mcp --help.`);
    return 2;
  }
  if (options.help) {
    io.stdout.write(HELP);
    return 0;
  }
  if (options.version) {
    io.stdout.write(`${MCP_VERSION}\n`);
    return 0;
  }

  let secrets: string[] = [
    options.authToken,
    options.oauth?.clientSecret,
    ...(options.oauth?.keys ?? []),
  ].filter((item): item is string => item !== undefined);
  const logger = stderrLogger({
    level: options.logLevel,
    write: (line) => io.stderr.write(line),
    secrets: () => secrets,
  });
  const cleanups: Cleanup[] = [];
  const cleanUp = async () => {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        logger.log("warning", `while stopping: ${(error as Error).message}`);
      }
    }
  };

  if (
    options.transport !== "stdio" &&
    !isLoopback(options.host) &&
    !options.authToken &&
    !options.oauth
  ) {
    // startHttpServer refuses too; saying it here spares starting anything first.
    say(
      `refusing to listen on ${options.host} without a bearer token: anyone who can reach it could use your Alpacon workspaces. Set ALPACON_MCP_AUTH_TOKEN (or --auth-token), or listen on 127.0.0.1.`,
    );
    return 1;
  }
  try {
    for (const note of options.notes) logger.log("notice", note);
    if (options.sandbox) await startEmbeddedSandbox(options, logger, cleanups);
    // Loaded here to fail early on a broken token file and to know which tokens to scrub;
    // each server loads it again, so tokens saved by auth_set_token are used by later sessions.
    // OAuth: every caller brings their own token; no token file is read.
    const config = options.oauth ? undefined : loadConfig(options.server.load);
    if (config) {
      secrets = [...secrets, ...config.workspaces.map((item) => item.token)].filter(
        (token) => token.length >= 8,
      );
      describeWorkspaces(config, logger);
      warnIfExposed(config.configFile, io.platform, logger);
    }
    let audit: AuditLog | undefined;
    if (options.auditLog) {
      const { openAuditLog } = await import("../server/audit.js");
      audit = openAuditLog(options.auditLog, (message) => logger.log("error", message));
      cleanups.push(() => audit?.close());
      if (audit.warning) logger.log("warning", audit.warning);
    }
    const serverOptions = { ...options.server, logger, audit };
    if (options.oauth && !serverOptions.allowDirs) {
      // Not the server's working directory: webftp tools of every caller would reach it.
      const scratch = mkdtempSync(join(tmpdir(), "alpacon-mcp-oauth-"));
      serverOptions.allowDirs = [scratch];
      cleanups.push(() => rmSync(scratch, { recursive: true, force: true }));
      logger.log(
        "notice",
        `webftp local files: ${scratch} (shared by every caller; set --allow-dir)`,
      );
    }
    const tools = selectTools(serverOptions).length;

    const signal = signalled(io);
    cleanups.push(() => signal.dispose());
    let stopped: Promise<string>;
    if (options.transport === "stdio") {
      const server = createAlpaconMcpServer({ ...serverOptions, config });
      const transport = new StdioServerTransport(io.stdin, io.stdout);
      const clientGone = new Promise<string>((resolve) => {
        io.stdin.once("end", () => resolve("the client closed stdin"));
        transport.onclose = () => resolve("the transport closed");
      });
      await server.connect(transport);
      cleanups.push(() => closeServer(server));
      logger.log("info", `${MCP_VERSION} ready on stdio with ${tools} tools`);
      // The tools load after the handshake (server.ts); if they cannot, the run ends here.
      const broken = toolsLoaded(server).then(
        () => new Promise<never>(() => {}),
        (error: unknown) => {
          throw new Error(`its tools failed to load (${String(error)}); reinstall @alpacon/mcp.`);
        },
      );
      stopped = Promise.race([clientGone, signal.received, broken]);
    } else {
      // Each HTTP session builds its own server: a tool module that cannot load fails here.
      await loadToolModules();
      const { startHttpServer } = await import("../http/server.js");
      const running = await startHttpServer({
        server: serverOptions,
        transport: options.transport,
        stateless: options.stateless,
        host: options.host,
        port: options.port,
        authToken: options.authToken,
        oauth: options.oauth,
        allowedHosts: options.allowedHosts,
        allowedOrigins: options.allowedOrigins,
        sessionIdleMs: options.sessionIdleMs,
        logger,
      });
      cleanups.push(() => running.close());
      const mode = options.stateless
        ? "stateless Streamable HTTP"
        : options.transport === "sse"
          ? "legacy SSE"
          : "Streamable HTTP";
      logger.log(
        "notice",
        `${MCP_VERSION} listening on ${running.url} (${mode}, ${tools} tools${options.authToken ? ", bearer token required" : ""}${options.oauth ? `, OAuth sign-in for workspace ${options.oauth.workspace}` : ""})`,
      );
      stopped = signal.received;
    }

    const why = await stopped;
    logger.log("info", `stopping: ${why}`);
    await withTimeout(cleanUp(), 5_000);
    return 0;
  } catch (error) {
    logger.flush();
    say(startFailure(error, options));
    await withTimeout(cleanUp(), 5_000);
    return 1;
  } finally {
    logger.flush();
  }
}

/** Resolves on SIGINT or SIGTERM; `dispose` removes the listeners (a second ^C then kills). */
function signalled(io: CliIo): { received: Promise<string>; dispose(): void } {
  let dispose = () => {};
  const received = new Promise<string>((resolve) => {
    const onInt = () => done("SIGINT");
    const onTerm = () => done("SIGTERM");
    const done = (signal: string) => {
      dispose();
      resolve(`received ${signal}`);
    };
    dispose = () => {
      io.signals.off("SIGINT", onInt);
      io.signals.off("SIGTERM", onTerm);
    };
    io.signals.once("SIGINT", onInt);
    io.signals.once("SIGTERM", onTerm);
  });
  return { received, dispose: () => dispose() };
}

/**
 * `--sandbox`: a local simulated Alpacon (loaded only now, so normal runs never pay for it)
 * and a private token file pointing both of its workspaces at it with admin tokens.
 */
async function startEmbeddedSandbox(
  options: CliOptions,
  logger: Logger,
  cleanups: Cleanup[],
): Promise<void> {
  const { startSandbox, tokenFileContent } = await loadSandbox();
  const sandbox = await startSandbox({ port: 0 });
  cleanups.push(() => sandbox.close());
  const dir = mkdtempSync(join(tmpdir(), "alpacon-mcp-sandbox-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const configFile = join(dir, "token.json");
  writeFileSync(configFile, JSON.stringify(tokenFileContent(sandbox), null, 2), { mode: 0o600 });
  // Only the sandbox's workspaces: tokens for real ones in the environment are left out.
  options.server.load = { configFile, env: {} };
  const names = sandbox.workspaces.map((item) => `${item.workspace} (region ${item.region})`);
  logger.log(
    "notice",
    `sandbox: a simulated Alpacon at ${sandbox.url} with workspaces ${names.join(", ")}; its servers and shells are simulated, nothing touches real hosts`,
  );
}

/**
 * @alpacon/sandbox is an optional dependency: the MCP package installs and runs without it
 * (it is only for --sandbox), so a missing one is a clear instruction, not a module error.
 */
async function loadSandbox(): Promise<typeof import("@alpacon/sandbox")> {
  try {
    return await import("@alpacon/sandbox");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ERR_MODULE_NOT_FOUND" || sandboxResolves()) throw error;
    throw new UsageError(
      "--sandbox needs the package @alpacon/sandbox, which is not installed next to @alpacon/mcp: install it (npm install @alpacon/sandbox, or its tarball) and run again.",
    );
  }
}

/** Whether the package itself is found: a module missing under it is another problem. */
function sandboxResolves(): boolean {
  try {
    // Node < 20.6 has no import.meta.resolve: the TypeError then reads as "not found".
    import.meta.resolve("@alpacon/sandbox");
    return true;
  } catch {
    return false;
  }
}

function describeWorkspaces(config: AlpaconConfig, logger: Logger): void {
  if (config.workspaces.length === 0) {
    logger.log(
      "warning",
      `no Alpacon workspace is configured: add a token to ${config.configFile} as {"<region>": {"<workspace>": "<token>"}}, set ALPACON_MCP_<REGION>_<WORKSPACE>_TOKEN, or try --sandbox`,
    );
    return;
  }
  const list = config.workspaces.map((item) => `${item.region}/${item.workspace}`).join(", ");
  logger.log("info", `workspaces: ${list}`);
}

/** The same finding as `doctor`'s permissions check, on stderr: stdout may be the protocol. */
function warnIfExposed(file: string, platform: NodeJS.Platform | undefined, logger: Logger): void {
  const exposure = tokenFileExposure(file, platform);
  if (!exposure?.problems.length) return;
  logger.log(
    "warning",
    `token file ${file}: ${exposure.problems.join("; ")}. Fix: ${exposure.fixes.join(" && ")}`,
  );
}

function startFailure(error: unknown, options: CliOptions): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "EADDRINUSE") {
    return `port ${options.port} on ${options.host} is already in use; choose another with --port (ALPACON_MCP_PORT).`;
  }
  if (code === "EADDRNOTAVAIL") {
    return `cannot listen on ${options.host}: no such address on this machine; check --host (ALPACON_MCP_HOST).`;
  }
  if (code === "EACCES" && options.transport !== "stdio") {
    return `not allowed to listen on port ${options.port}; use a port above 1023.`;
  }
  return (error as Error).message ?? String(error);
}

async function withTimeout(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    work,
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
      timer.unref();
    }),
  ]);
  clearTimeout(timer);
}
