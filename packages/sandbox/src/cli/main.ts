import { chmod, mkdir, rename, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import { tokenFileContent } from "../auth/token-file.js";
import type { FaultKind, FaultRule } from "../control/faults.js";
import {
  type Sandbox,
  type SandboxOptions,
  startSandbox,
  type WorkspaceOptions,
} from "../server/sandbox.js";
import { checkVariants } from "../state/workspace.js";

export const USAGE = `Usage: alpacon-sandbox [options]

A local Alpacon server for demos, tests and benchmarks (loopback only).

Options:
  --port <n>             TCP port (default 8080; 0 picks a free one)
  --servers <n>          servers per workspace (default 12)
  --seed <n>             seed of all generated data (default 1)
  --workspace <r/w>      serve this workspace, e.g. ap1/acme (repeatable;
                         default ap1/acme and us1/globex)
  --latency <ms>         latency added to every request
  --jitter <ms>          extra random latency in [0, ms]
  --fault <spec>         fault rule, repeatable: kind[:key=value,...], e.g.
                         error:status=503,rate=0.1,path=/api/servers/*
                         kinds: latency, error, reset, stall, truncate, ws-drop
  --command-delay <ms>   total delay of the command lifecycle, or "manual"
  --variant <name=value> serve one of the real API's known response shapes, repeatable,
                         e.g. metricsList=results, foreignKeys=uuid, uploadUrl=null
  --token-file <path>    write a token file for alpacon-mcp (mode 0600)
  --control-token <t>    token of the /_sandbox/ control API (default random)
  --json                 print the connection details as JSON
  -h, --help             show this help
`;

const FAULT_KINDS: readonly FaultKind[] = [
  "latency",
  "error",
  "reset",
  "stall",
  "truncate",
  "ws-drop",
];

/** `error:status=503,rate=0.1,path=/api/*` → a fault rule. */
export function parseFaultSpec(spec: string): FaultRule {
  const colon = spec.indexOf(":");
  const kind = (colon === -1 ? spec : spec.slice(0, colon)).trim() as FaultKind;
  if (!FAULT_KINDS.includes(kind))
    throw new Error(`Unknown fault kind "${kind}" in --fault ${spec}`);
  const rule: FaultRule = { kind };
  const rest = colon === -1 ? "" : spec.slice(colon + 1);
  for (const pair of rest.split(",").filter((p) => p.trim() !== "")) {
    const eq = pair.indexOf("=");
    if (eq === -1) throw new Error(`Expected key=value in --fault ${spec}`);
    const key = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    const num = Number(value);
    switch (key) {
      case "path":
      case "workspace":
        rule[key] = value;
        break;
      case "method":
        rule.method = value.split("|").map((m) => m.toUpperCase());
        break;
      case "rate":
      case "times":
      case "ms":
      case "jitter":
      case "status":
      case "retryAfter":
      case "bytes":
      case "afterFrames":
        if (!Number.isFinite(num)) throw new Error(`"${key}" must be a number in --fault ${spec}`);
        rule[key] = num;
        break;
      default:
        throw new Error(`Unknown key "${key}" in --fault ${spec}`);
    }
  }
  return rule;
}

export interface CliConfig {
  options: SandboxOptions;
  tokenFile: string | null;
  json: boolean;
  help: boolean;
}

export function parseCliArgs(argv: readonly string[]): CliConfig {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      port: { type: "string" },
      host: { type: "string" },
      servers: { type: "string" },
      seed: { type: "string" },
      workspace: { type: "string", multiple: true },
      latency: { type: "string" },
      jitter: { type: "string" },
      fault: { type: "string", multiple: true },
      "command-delay": { type: "string" },
      variant: { type: "string", multiple: true },
      "token-file": { type: "string" },
      "control-token": { type: "string" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  const int = (name: string, raw: string | undefined, fallback: number): number => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer`);
    return n;
  };
  const options: SandboxOptions = {
    port: int("port", values.port, 8080),
    servers: int("servers", values.servers, 12),
    seed: int("seed", values.seed, 1),
  };
  if (values.host !== undefined) options.host = values.host;
  if (values.workspace) {
    options.workspaces = values.workspace.map((w): WorkspaceOptions => {
      const [region, workspace, extra] = w.split("/");
      if (!region || !workspace || extra !== undefined)
        throw new Error(`--workspace must be region/name, got "${w}"`);
      return { region, workspace };
    });
  }
  if (values.latency !== undefined || values.jitter !== undefined) {
    options.latency = {
      ms: int("latency", values.latency, 0),
      jitter: int("jitter", values.jitter, 0),
    };
  }
  if (values.fault) options.faults = values.fault.map(parseFaultSpec);
  const delay = values["command-delay"];
  if (delay !== undefined)
    options.commandDelays = delay === "manual" ? "manual" : int("command-delay", delay, 30);
  if (values["control-token"] !== undefined) options.controlToken = values["control-token"];
  if (values.variant) {
    const pairs = values.variant.map((spec) => {
      const [name, value, extra] = spec.split("=");
      if (!name || !value || extra !== undefined)
        throw new Error(`--variant must be name=value, got "${spec}"`);
      return [name, value];
    });
    options.variants = checkVariants(Object.fromEntries(pairs));
  }
  return {
    options,
    tokenFile: values["token-file"] ?? null,
    json: values.json ?? false,
    help: values.help ?? false,
  };
}

/** Writes atomically (temp file + rename) with mode 0600: the file holds credentials. */
export async function writeTokenFile(path: string, sandbox: Sandbox): Promise<string> {
  const target = resolve(path);
  await mkdir(dirname(target), { recursive: true });
  const temp = `${target}.tmp-${process.pid}`;
  await writeFile(temp, `${JSON.stringify(tokenFileContent(sandbox), null, 2)}\n`, { mode: 0o600 });
  await chmod(temp, 0o600);
  await rename(temp, target);
  return target;
}

export function describeSandbox(
  sandbox: Sandbox,
  seed: number,
  servers: number,
  tokenFile: string | null,
): string {
  const lines = [
    `Alpacon sandbox listening on ${sandbox.url} (seed ${seed}, ${servers} servers per workspace)`,
    "",
  ];
  for (const ws of sandbox.workspaces) {
    lines.push(`  ${ws.region}/${ws.workspace}  ${ws.baseUrl}`);
    lines.push(`    admin        token="${ws.tokens.admin}"`);
    lines.push(`    read-only    token="${ws.tokens.readOnly}"`);
    lines.push(`    command-acl  token="${ws.tokens.commandAcl}"`);
    lines.push(`    jwt          Bearer ${ws.tokens.jwt.slice(0, 24)}…`);
    lines.push(
      `    idp          ${ws.issuer}  (OIDC; client ${sandbox.idp(`${ws.region}/${ws.workspace}`).cliClientId})`,
    );
    lines.push("");
  }
  lines.push(
    `Control API: ${sandbox.url}/_sandbox/info  (Authorization: Bearer ${sandbox.controlToken})`,
  );
  if (tokenFile)
    lines.push(`Token file:  ${tokenFile}  (use: alpacon-mcp --config-file ${tokenFile})`);
  lines.push("Press Ctrl-C to stop.");
  return lines.join("\n");
}

/** The CLI: starts a sandbox and keeps it running until SIGINT/SIGTERM. Returns the exit code. */
export async function main(
  argv: readonly string[],
  out: (text: string) => void = console.log,
): Promise<number> {
  let config: CliConfig;
  try {
    config = parseCliArgs(argv);
  } catch (err) {
    out(`alpacon-sandbox: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (config.help) {
    out(USAGE);
    return 0;
  }
  let sandbox: Sandbox;
  try {
    sandbox = await startSandbox(config.options);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    out(
      `alpacon-sandbox: ${e.code === "EADDRINUSE" ? `port ${config.options.port} is in use (try --port 0)` : e.message}`,
    );
    return 1;
  }
  const tokenFile = config.tokenFile ? await writeTokenFile(config.tokenFile, sandbox) : null;
  if (config.json) {
    out(
      JSON.stringify(
        {
          url: sandbox.url,
          controlToken: sandbox.controlToken,
          tokenFile,
          workspaces: sandbox.workspaces,
        },
        null,
        2,
      ),
    );
  } else {
    out(
      describeSandbox(sandbox, config.options.seed ?? 1, config.options.servers ?? 12, tokenFile),
    );
  }
  await new Promise<void>((resolveStop) => {
    const stop = () => resolveStop();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await sandbox.close();
  return 0;
}
