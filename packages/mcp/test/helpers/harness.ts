import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type Sandbox,
  type SandboxOptions,
  startSandbox,
  tokenFileContent,
} from "@alpacon/sandbox";
import { createAlpaconClient } from "@alpacon/sdk";
import { loadConfig } from "@alpacon/sdk/node";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { ClientCapabilities } from "@modelcontextprotocol/sdk/types.js";
import { afterAll } from "vitest";
import { type AlpaconMcpServerOptions, createAlpaconMcpServer } from "../../src/index.js";

// `jwt`: a browser login (sent as Bearer), the one credential that may manage API tokens.
export type TokenKind = "admin" | "readOnly" | "commandAcl" | "jwt";

const tempDirs: string[] = [];

// Registered in the suite of whichever test file imports this module: its temp dirs go with it.
afterAll(() => {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A temporary directory, removed after the test file. */
export function tempDir(prefix = "alpacon-mcp-test-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/** Writes a token file in `{region: {workspace: {token, url}}}` form for the sandbox's workspaces. */
export function writeTokenFile(sandbox: Sandbox, dir: string, kind: TokenKind = "admin"): string {
  const file = join(dir, "token.json");
  writeFileSync(file, JSON.stringify(tokenFileContent(sandbox, kind)), { mode: 0o600 });
  return file;
}

export interface Connected {
  client: Client;
  close(): Promise<void>;
}

/** A real MCP client connected in memory to a fresh server. */
export async function connect(
  options: AlpaconMcpServerOptions,
  capabilities: ClientCapabilities = {},
): Promise<Connected> {
  const server = createAlpaconMcpServer(options);
  const client = new Client({ name: "test", version: "0.0.0" }, { capabilities });
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await Promise.all([server.connect(serverTransport), client.connect(clientTransport)]);
  return {
    client,
    close: async () => {
      await client.close();
      await server.close();
    },
  };
}

/** How a test client's server is configured: server options plus the token kind (default admin). */
export type ConnectOptions = Partial<AlpaconMcpServerOptions> & { token?: TokenKind };

export interface Harness {
  sandbox: Sandbox;
  dir: string;
  configFile: string;
  /** Connects a client to a server configured with the given token kind (default admin). */
  connect(options?: ConnectOptions, capabilities?: ClientCapabilities): Promise<Connected>;
  close(): Promise<void>;
}

/** One sandbox per test file; servers and clients are made per test as needed. */
export async function startHarness(sandboxOptions: SandboxOptions = {}): Promise<Harness> {
  const sandbox = await startSandbox({ servers: 6, ...sandboxOptions });
  const dir = tempDir();
  const configFile = writeTokenFile(sandbox, dir);
  const open: Connected[] = [];
  return {
    sandbox,
    dir,
    configFile,
    async connect(options = {}, capabilities = {}) {
      const { token = "admin", ...rest } = options;
      // Every tool unless the test chooses: tool tests call opt-in tools too. Tests of the
      // default selection say `toolsets: ["default"]`.
      const selection = rest.toolsets || rest.tools ? {} : { toolsets: ["all"] };
      const file = token === "admin" ? configFile : writeTokenFile(sandbox, tempDir(), token);
      const connected = await connect(
        {
          config: loadConfig({ configFile: file, env: {} }),
          confirm: "allow",
          allowDirs: [dir],
          ...selection,
          ...rest,
        },
        capabilities,
      );
      open.push(connected);
      return connected;
    },
    async close() {
      await Promise.all(open.map((item) => item.close()));
      await sandbox.close();
    },
  };
}

export interface ToolCall {
  isError: boolean;
  text: string;
  structured: Record<string, unknown> | undefined;
}

/** Calls a tool and flattens the result to what assertions need. */
export async function call(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
): Promise<ToolCall> {
  const result = await client.callTool({ name, arguments: args });
  const content = result.content as Array<{ type: string; text?: string }>;
  return {
    isError: result.isError === true,
    text: content.map((item) => item.text ?? "").join("\n"),
    structured: result.structuredContent as Record<string, unknown> | undefined,
  };
}

/** A UUID no sandbox object has. */
export const MISSING_ID = "00000000-0000-4000-8000-000000000000";

/** The ids of a workspace's servers, by name, as the sandbox's control API sees them. */
export function serverIds(sandbox: Sandbox, region = "ap1", workspace = "acme") {
  const byName = new Map<string, string>();
  for (const server of sandbox.control.workspace(region, workspace).servers()) {
    byName.set(server.name as string, server.id as string);
  }
  return byName;
}

/** A connected server of the workspace (most tools need one that reports data). */
export function connectedServer(sandbox: Sandbox, region = "ap1", workspace = "acme"): string {
  const server = sandbox.control
    .workspace(region, workspace)
    .servers()
    .find((item) => item.is_connected === true && item.commissioned === true);
  if (!server) throw new Error("The sandbox has no connected server.");
  return server.id as string;
}

/** An SDK client for a sandbox workspace, for setting up what a test needs. */
export function sdkClient(sandbox: Sandbox, workspace = "acme") {
  const ws = sandbox.workspaces.find((item) => item.workspace === workspace)!;
  return createAlpaconClient({
    workspace: ws.workspace,
    region: ws.region,
    token: ws.tokens.admin,
    baseUrl: ws.baseUrl,
  });
}
