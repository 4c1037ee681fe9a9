// An MCP client connected in memory to a server built from the package sources and backed by a
// sandbox: the fast path for the fault matrix and the fuzzer (no process, no socket but the
// sandbox's own).

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type AlpaconMcpServerOptions, createAlpaconMcpServer } from "@alpacon/mcp";
import {
  type Sandbox,
  type SandboxOptions,
  startSandbox,
  tokenFileContent,
} from "@alpacon/sandbox";
import { loadConfig } from "@alpacon/sdk/node";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { ClientCapabilities } from "@modelcontextprotocol/sdk/types.js";

export type TokenKind = "admin" | "readOnly" | "commandAcl";

/** Writes a `{region: {workspace: {token, url}}}` token file for the sandbox's workspaces. */
export function writeTokenFile(sandbox: Sandbox, dir: string, kind: TokenKind = "admin"): string {
  const file = join(dir, "token.json");
  writeFileSync(file, JSON.stringify(tokenFileContent(sandbox, kind)), { mode: 0o600 });
  return file;
}

export interface InMemory {
  sandbox: Sandbox;
  client: Client;
  /** A temporary directory that is also the server's only allowed webftp directory. */
  dir: string;
  configFile: string;
  close(): Promise<void>;
}

export interface InMemoryOptions {
  sandbox?: SandboxOptions;
  server?: Partial<AlpaconMcpServerOptions>;
  capabilities?: ClientCapabilities;
}

/** A fresh sandbox, a server on it configured from a token file, and a connected client. */
export async function startInMemory(options: InMemoryOptions = {}): Promise<InMemory> {
  const sandbox = await startSandbox({
    servers: 3,
    workspaces: [{ region: "ap1", workspace: "acme" }],
    ...options.sandbox,
  });
  const dir = mkdtempSync(join(tmpdir(), "alpacon-e2e-"));
  const configFile = writeTokenFile(sandbox, dir);
  const server = createAlpaconMcpServer({
    config: loadConfig({ configFile, env: {} }),
    confirm: "allow",
    allowDirs: [dir],
    ...options.server,
  });
  const client = new Client(
    { name: "e2e", version: "0.0.0" },
    { capabilities: options.capabilities ?? {} },
  );
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await Promise.all([server.connect(serverTransport), client.connect(clientTransport)]);
  return {
    sandbox,
    client,
    dir,
    configFile,
    async close() {
      await client.close();
      await server.close();
      await sandbox.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface ToolAnswer {
  isError: boolean;
  text: string;
  structured: Record<string, unknown> | undefined;
}

/** Calls a tool and flattens the answer to what assertions need. */
export async function callTool(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
  options: { timeout?: number } = {},
): Promise<ToolAnswer> {
  const result = await client.callTool({ name, arguments: args }, undefined, {
    timeout: options.timeout ?? 60_000,
  });
  const content = (result.content ?? []) as Array<{ type: string; text?: string }>;
  return {
    isError: result.isError === true,
    text: content.map((item) => item.text ?? "").join("\n"),
    structured: result.structuredContent as Record<string, unknown> | undefined,
  };
}

/** A connected, commissioned server of the workspace (most tools need one that reports data). */
export function connectedServer(sandbox: Sandbox, region = "ap1", workspace = "acme"): string {
  const server = sandbox.control
    .workspace(region, workspace)
    .servers()
    .find((item) => item.is_connected === true && item.commissioned === true);
  if (!server) throw new Error("The sandbox has no connected server.");
  return server.id as string;
}
