import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { WorkspaceTokens } from "../auth/tokens.js";
import { SandboxControl } from "../control/control.js";
import { createControlHttp } from "../control/control-http.js";
import { FaultInjector, type FaultRule } from "../control/faults.js";
import { Journal } from "../control/journal.js";
import { hashSeed } from "../data/rng.js";
import { App } from "../http/app.js";
import { IdentityProvider } from "../idp/identity-provider.js";
import type { SandboxIdp } from "../idp/idp-control.js";
import { idpPlugin } from "../idp/index.js";
import { SigningKey } from "../idp/signing-key.js";
import { registerRoutes } from "../routes/index.js";
import { type CommandDelays, DEFAULT_COMMAND_DELAYS } from "../state/commands.js";
import { DEFAULT_SERVER_ACTION_DELAYS, type ServerActionDelays } from "../state/server-admin.js";
import { type ApiVariants, checkVariants, WorkspaceState } from "../state/workspace.js";
import { webftpPlugin } from "../webftp/index.js";
import { webshPlugin } from "../websh/index.js";
import type { SandboxCore } from "./core.js";
import { Timers } from "./timers.js";

export interface WorkspaceOptions {
  region: string;
  workspace: string;
  /** Servers in this workspace; default the sandbox's `servers`. */
  servers?: number;
  /** Seed for this workspace; default derived from the sandbox seed, region and name. */
  seed?: number;
  /** This workspace's MFA gate; default the sandbox's `mfaRequired`. */
  mfaRequired?: boolean;
  /** This workspace's work-session gate; default the sandbox's `workSessionRequired`. */
  workSessionRequired?: boolean;
  /**
   * `nested` (default): memberships as the CLI's types have them (a page, `user` a summary).
   * `oss`: as the 2024 open-source server sent them (a bare array, `user` a uuid + `user_name`).
   */
  membershipShape?: "nested" | "oss";
  /** Response shapes this workspace serves where the real API's evidence is split. */
  variants?: Partial<ApiVariants>;
}

export interface SandboxOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Loopback only: `127.0.0.1` (default) or `localhost`. Anything else is refused. */
  host?: string;
  /** Servers per workspace (default 12). Scales to 10,000. */
  servers?: number;
  /** Seed of all generated data, tokens and fault randomness (default 1). */
  seed?: number;
  /** Workspaces to serve; default `ap1/acme` and `us1/globex`. */
  workspaces?: WorkspaceOptions[];
  /** Latency added to every request: ms, or `{ ms, jitter }`. */
  latency?: number | { ms: number; jitter?: number };
  /** Fault rules active from the start. */
  faults?: FaultRule[];
  /**
   * Command lifecycle: per-step delays in ms (queued→delivered, →acked, →running), one number for
   * the total, or `manual` (only `control.advanceCommands()` moves commands). Default 10+10+10 ms.
   */
  commandDelays?: Partial<CommandDelays> | number | "manual";
  /**
   * How long an agent stays disconnected after `restart_agent`/`upgrade_agent` and a host after
   * `reboot_system` (ms). Default 1 s and 5 s.
   */
  serverActionDelays?: Partial<ServerActionDelays>;
  /** Ring-buffer size of the request journal (default 100,000). */
  journalSize?: number;
  /** Token for `/_sandbox/…`; default random. */
  controlToken?: string;
  /** Clock in epoch ms (default `Date.now`). Fix it to make timestamps reproducible too. */
  now?: () => number;
  /** Start with the MFA gate (401 `auth_mfa_required`) on. */
  mfaRequired?: boolean;
  /** Start with the work-session gate (403 `work_session_required` for JWT callers) on. */
  workSessionRequired?: boolean;
  /** Response-shape variants of every workspace (a workspace's own `variants` win). */
  variants?: Partial<ApiVariants>;
}

export interface SandboxWorkspace {
  region: string;
  workspace: string;
  /** `http://127.0.0.1:PORT/{region}/{workspace}`: every API path goes under it. */
  baseUrl: string;
  tokens: WorkspaceTokens;
  /** Issuer of the workspace's identity provider: `http://127.0.0.1:PORT/idp/{region}/{workspace}/`. */
  issuer: string;
}

export interface Sandbox {
  /** `http://127.0.0.1:PORT` */
  url: string;
  port: number;
  workspaces: SandboxWorkspace[];
  control: SandboxControl;
  /** Bearer token of the HTTP control API under `/_sandbox/`. */
  controlToken: string;
  /**
   * A workspace's identity provider (`region/workspace`; default the first workspace): issuer,
   * audience, clients, test logins, device approval, revocation.
   */
  idp(workspace?: string): SandboxIdp;
  /** Stops the server, every timer and every open connection. */
  close(): Promise<void>;
}

/**
 * What a module that extends the sandbox gets: raw routes (presigned storage URLs), WebSocket
 * upgrades, and the shared core (workspaces, faults, journal, timers).
 */
export interface PluginContext {
  app: App;
  core: SandboxCore;
}

export type SandboxPlugin = (ctx: PluginContext) => void | { close(): void | Promise<void> };

/**
 * Modules that plug into every sandbox. The websh WebSocket (`src/websh/`), the webftp byte
 * transfers and the identity providers (`src/idp/`) register here: they add raw routes, upgrade
 * handlers and the `/idp/` handler through `PluginContext`.
 */
const PLUGINS: SandboxPlugin[] = [webshPlugin, webftpPlugin, idpPlugin];

export const DEFAULT_WORKSPACES: readonly WorkspaceOptions[] = [
  { region: "ap1", workspace: "acme" },
  { region: "us1", workspace: "globex" },
];

const WORKSPACE_RE = /^[a-zA-Z0-9][a-zA-Z0-9_-]*[a-zA-Z0-9]$|^[a-zA-Z0-9]$/;
const REGION_RE = /^[a-z][a-z0-9-]{0,15}$/;

function commandDelaysFrom(option: SandboxOptions["commandDelays"]): CommandDelays | "manual" {
  if (option === "manual") return "manual";
  if (typeof option === "number") {
    const step = Math.max(0, option) / 3;
    return { delivered: step, acked: step, running: step };
  }
  return { ...DEFAULT_COMMAND_DELAYS, ...(option ?? {}) };
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const host = options.host ?? "127.0.0.1";
  if (host !== "127.0.0.1" && host !== "localhost") {
    throw new Error(`The sandbox binds to 127.0.0.1 only; refusing host "${host}".`);
  }
  const seed = options.seed ?? 1;
  const servers = options.servers ?? 12;
  const now = options.now ?? Date.now;
  const timers = new Timers();
  const specs = options.workspaces ?? DEFAULT_WORKSPACES;
  if (specs.length === 0) throw new Error("At least one workspace is required.");

  const workspaces = new Map<string, WorkspaceState>();
  for (const spec of specs) {
    // `/idp/…` is the identity providers' prefix, so no workspace may live under it.
    if (!REGION_RE.test(spec.region) || spec.region === "idp")
      throw new Error(`Invalid region "${spec.region}".`);
    if (!WORKSPACE_RE.test(spec.workspace) || spec.workspace.length > 63) {
      throw new Error(`Invalid workspace name "${spec.workspace}".`);
    }
    const state = new WorkspaceState({
      region: spec.region,
      workspace: spec.workspace,
      servers: Math.max(0, Math.floor(spec.servers ?? servers)),
      seed: spec.seed ?? hashSeed(seed, spec.region, spec.workspace),
      now,
      timers,
      commandDelays: commandDelaysFrom(options.commandDelays),
      serverActionDelays: { ...DEFAULT_SERVER_ACTION_DELAYS, ...options.serverActionDelays },
    });
    if (workspaces.has(state.key)) throw new Error(`Workspace ${state.key} is listed twice.`);
    state.gates.mfaRequired = spec.mfaRequired ?? options.mfaRequired ?? false;
    state.gates.workSessionRequired =
      spec.workSessionRequired ?? options.workSessionRequired ?? false;
    state.membershipShape = spec.membershipShape ?? "nested";
    Object.assign(
      state.variants,
      checkVariants(options.variants ?? {}),
      checkVariants(spec.variants ?? {}),
    );
    workspaces.set(state.key, state);
  }

  const faults = new FaultInjector(hashSeed(seed, "faults"));
  if (options.latency !== undefined) {
    const l = typeof options.latency === "number" ? { ms: options.latency } : options.latency;
    faults.add({
      kind: "latency",
      ms: l.ms,
      ...(l.jitter === undefined ? {} : { jitter: l.jitter }),
    });
  }
  for (const rule of options.faults ?? []) faults.add(rule);

  const core: SandboxCore = {
    workspaces,
    faults,
    journal: new Journal(options.journalSize ?? 100_000),
    timers,
    now,
    origin: "",
    wsOrigin: "",
  };
  const app = new App(core);
  registerRoutes(app);
  const control = new SandboxControl(core);
  const controlToken = options.controlToken ?? randomBytes(24).toString("base64url");

  const closers: (() => void | Promise<void>)[] = [];
  for (const plugin of PLUGINS) {
    const handle = plugin({ app, core });
    if (handle) closers.push(() => handle.close());
  }

  const server: Server = createServer({ keepAliveTimeout: 5_000 }, app.handle);
  server.on("upgrade", app.handleUpgrade);
  // Sockets that reset mid-request are expected under fault injection: never crash on them.
  server.on("clientError", (_err, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  core.origin = `http://127.0.0.1:${port}`;
  core.wsOrigin = `ws://127.0.0.1:${port}`;
  // One signing key per sandbox, as one Auth0 tenant has; made on the first token.
  const signingKey = new SigningKey();
  for (const ws of workspaces.values()) {
    ws.baseUrl = `${core.origin}/${ws.region}/${ws.name}`;
    ws.idp = new IdentityProvider(ws, signingKey, core.origin);
  }

  const list: SandboxWorkspace[] = [...workspaces.values()].map((ws) => ({
    region: ws.region,
    workspace: ws.name,
    baseUrl: ws.baseUrl,
    tokens: { ...ws.tokens.tokens },
    issuer: (ws.idp as IdentityProvider).issuer,
  }));
  app.controlHandler = createControlHttp(control, controlToken, () => ({
    url: core.origin,
    workspaces: list.map((w) => ({ ...w, tokens: { ...w.tokens } })),
  }));

  let closed: Promise<void> | null = null;
  return {
    url: core.origin,
    port,
    workspaces: list,
    control,
    controlToken,
    idp: (workspace) => {
      const [region, name] = (
        workspace ??
        `${(list[0] as SandboxWorkspace).region}/${(list[0] as SandboxWorkspace).workspace}`
      ).split("/");
      return control.workspace(region ?? "", name ?? "").idp();
    },
    close: () => {
      closed ??= (async () => {
        timers.clearAll();
        for (const ws of workspaces.values()) ws.close();
        for (const close of closers) await close();
        app.releaseStalled();
        const done = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await done;
      })();
      return closed;
    },
  };
}
