import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Sandbox, type SandboxOptions, startSandbox } from "@alpacon/sandbox";
import { type AlpaconClient, createAlpaconClient } from "@alpacon/sdk";
import { nodeFlags } from "./node-flags.js";
import { MCP_CLI, MINIMAL_SERVER } from "./paths.js";
import { StdioMcp } from "./stdio-mcp.js";

/**
 * One sandbox (loopback, port 0) with one workspace, plus what the servers under test need to
 * reach it: a token file for alpacon-mcp, a URL and header for the minimal baseline.
 */
export class Fixture {
  private constructor(
    readonly sandbox: Sandbox,
    readonly dir: string,
    readonly tokenFile: string,
  ) {}

  static async start(options: SandboxOptions = {}): Promise<Fixture> {
    const sandbox = await startSandbox({
      port: 0,
      workspaces: [{ region: "ap1", workspace: "acme" }],
      ...options,
    });
    const dir = mkdtempSync(join(tmpdir(), "alpacon-bench-"));
    const tokenFile = join(dir, "token.json");
    const ws = sandbox.workspaces[0]!;
    // The token file format the MCP server reads: {region: {workspace: {token, url}}}.
    const file = { [ws.region]: { [ws.workspace]: { token: ws.tokens.admin, url: ws.baseUrl } } };
    writeFileSync(tokenFile, JSON.stringify(file), { mode: 0o600 });
    return new Fixture(sandbox, dir, tokenFile);
  }

  get workspace() {
    return this.sandbox.workspaces[0]!;
  }

  get authorization(): string {
    return `token="${this.workspace.tokens.admin}"`;
  }

  /** Ids of the workspace's servers, all switched to connected so every one can run commands. */
  connectedServers(): string[] {
    const control = this.sandbox.control.workspace(this.workspace.region, this.workspace.workspace);
    return control.servers().map((server) => {
      const id = String(server.id);
      if (server.is_connected !== true) control.setServerConnected(id, true);
      return id;
    });
  }

  /** The first connected Linux server (websh and webftp need a shell and a filesystem). */
  linuxServer(): string {
    const control = this.sandbox.control.workspace(this.workspace.region, this.workspace.workspace);
    const server = control
      .servers()
      .find((item) => item.is_connected === true && !/windows/i.test(String(item.os_name)));
    if (!server) throw new Error("The sandbox has no connected Linux server.");
    return String(server.id);
  }

  client(): AlpaconClient {
    return createAlpaconClient({
      workspace: this.workspace.workspace,
      region: this.workspace.region,
      token: this.workspace.tokens.admin,
      baseUrl: this.workspace.baseUrl,
    });
  }

  /**
   * Our server, as a user starts it: the built bin, a token file, destructive calls allowed;
   * `env` adds settings (`ALPACON_MCP_TOOLSETS: "all"`).
   */
  startOurs(env: Record<string, string> = {}): StdioMcp {
    return new StdioMcp(
      MCP_CLI,
      {
        ALPACON_MCP_CONFIG_FILE: this.tokenFile,
        // Benchmarks have no person to confirm a destructive call; elicitation would block them.
        ALPACON_MCP_CONFIRM: "allow",
        ...env,
      },
      [],
      nodeFlags(),
    );
  }

  /** The baseline server; its one tool fetches `path` under the workspace's base URL. */
  startMinimal(path = "/api/servers/servers/?page=1&page_size=20"): StdioMcp {
    return new StdioMcp(
      MINIMAL_SERVER,
      {
        MINIMAL_FETCH_URL: `${this.workspace.baseUrl}${path}`,
        MINIMAL_FETCH_AUTHORIZATION: this.authorization,
      },
      [],
      nodeFlags(),
    );
  }

  /** The baseline server in websh mode: its one tool runs a raw marker exec on `server`. */
  startMinimalWebsh(server: string): StdioMcp {
    return new StdioMcp(
      MINIMAL_SERVER,
      {
        MINIMAL_TOOL: "websh",
        MINIMAL_BASE_URL: this.workspace.baseUrl,
        MINIMAL_WEBSH_SERVER: server,
        MINIMAL_FETCH_AUTHORIZATION: this.authorization,
      },
      [],
      nodeFlags(),
    );
  }

  async close(): Promise<void> {
    await this.sandbox.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
