// Where each MCP client keeps its server list and in what shape. `setup` writes one entry that
// starts this very alpacon-mcp (see `serverCommand`) with the chosen flags; tokens never go in it
// (the server reads them from the token file), so these files can be shared or committed.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { CommandContext } from "./context.js";

export const CLIENT_IDS = [
  "claude-desktop",
  "claude-code",
  "cursor",
  "vscode",
  "continue",
  "windsurf",
] as const;
export type ClientId = (typeof CLIENT_IDS)[number];

export interface ClientSpec {
  id: ClientId;
  title: string;
  /** JSON files are edited in place (formatting and comments kept); Continue uses YAML. */
  format: "json" | "jsonc" | "yaml";
  /** `user`: one file for every project; `project`: a file in the current directory. */
  scope: "user" | "project";
  /** The key holding the servers (JSON: an object by name; YAML: a list with `name`). */
  key: string;
  /** The default file, in words, for the help. */
  where: string;
  /** The default file; `--client-config` replaces it. */
  path(context: CommandContext, name: string): string;
  /** The server entry for this client. */
  entry(command: string, args: string[]): Record<string, unknown>;
  /** What to do after writing (restart, approve …). */
  after: string;
}

const plain = (command: string, args: string[]) => ({ command, args });
const typed = (command: string, args: string[]) => ({ type: "stdio", command, args });

export const CLIENTS: Record<ClientId, ClientSpec> = {
  "claude-desktop": {
    id: "claude-desktop",
    title: "Claude Desktop",
    format: "json",
    scope: "user",
    key: "mcpServers",
    where:
      "claude_desktop_config.json in ~/Library/Application Support/Claude (macOS), %APPDATA%\\Claude (Windows), ~/.config/Claude (Linux)",
    path: (context) => join(claudeDesktopDir(context), "claude_desktop_config.json"),
    entry: plain,
    after: "Quit Claude Desktop completely and open it again to load the server.",
  },
  "claude-code": {
    id: "claude-code",
    title: "Claude Code",
    format: "json",
    scope: "project",
    key: "mcpServers",
    where: ".mcp.json in this directory (project scope)",
    path: (context) => join(context.cwd, ".mcp.json"),
    entry: typed,
    after:
      "Start Claude Code in this directory and approve the project server when it asks (/mcp shows it).",
  },
  cursor: {
    id: "cursor",
    title: "Cursor",
    format: "json",
    scope: "user",
    key: "mcpServers",
    where: "~/.cursor/mcp.json",
    path: (context) => join(context.homeDir, ".cursor", "mcp.json"),
    entry: plain,
    after: "Cursor picks the change up by itself; check Settings → MCP (Tools & Integrations).",
  },
  vscode: {
    id: "vscode",
    title: "VS Code",
    format: "jsonc",
    scope: "project",
    key: "servers",
    where: ".vscode/mcp.json in this directory",
    path: (context) => join(context.cwd, ".vscode", "mcp.json"),
    entry: typed,
    after:
      "In VS Code, start the server from the mcp.json editor (or MCP: List Servers) and use it in Copilot's agent mode.",
  },
  continue: {
    id: "continue",
    title: "Continue",
    format: "yaml",
    scope: "project",
    key: "mcpServers",
    where: ".continue/mcpServers/<name>.yaml in this directory",
    path: (context, name) => join(context.cwd, ".continue", "mcpServers", `${name}.yaml`),
    entry: plain,
    after: "Reload the Continue extension; MCP tools are used in agent mode.",
  },
  windsurf: {
    id: "windsurf",
    title: "Windsurf",
    format: "json",
    scope: "user",
    key: "mcpServers",
    where: "~/.codeium/windsurf/mcp_config.json",
    path: (context) => join(context.homeDir, ".codeium", "windsurf", "mcp_config.json"),
    entry: plain,
    after: "In Windsurf, press refresh in the MCP panel (Cascade → MCP servers) to load it.",
  },
};

export function isClientId(value: string): value is ClientId {
  return (CLIENT_IDS as readonly string[]).includes(value);
}

// Claude Desktop: ~/Library/Application Support/Claude on macOS, %APPDATA%\Claude on Windows,
// and $XDG_CONFIG_HOME/Claude (~/.config/Claude) on Linux.
function claudeDesktopDir(context: CommandContext): string {
  if (context.platform === "darwin") {
    return join(context.homeDir, "Library", "Application Support", "Claude");
  }
  if (context.platform === "win32") {
    return join(context.env.APPDATA || join(context.homeDir, "AppData", "Roaming"), "Claude");
  }
  return join(context.env.XDG_CONFIG_HOME || join(context.homeDir, ".config"), "Claude");
}

/**
 * How a client starts the server:
 * - `path`: `node <absolute path>/dist/cli.js` of the alpacon-mcp running setup, which works
 *   from a clone, from installed tarballs and from a global install alike;
 * - `global`: `alpacon-mcp`, found on the client's PATH (after `npm install -g`);
 * - `npx`: `npx -y @alpacon/mcp`, from the npm registry (once the package is published there).
 * `auto` is `npx` when setup itself was started by npx from its cache, `path` otherwise.
 */
export const LAUNCHERS = ["auto", "path", "global", "npx"] as const;
export type Launcher = (typeof LAUNCHERS)[number];

export function isLauncher(value: string): value is Launcher {
  return (LAUNCHERS as readonly string[]).includes(value);
}

/** The directory of the @alpacon/mcp package this code runs from (source or dist). */
export function mcpPackageRoot(from = fileURLToPath(import.meta.url)): string {
  for (let dir = dirname(from); ; dir = dirname(dir)) {
    try {
      const { name } = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
        name?: string;
      };
      if (name === "@alpacon/mcp") return dir;
    } catch {
      // No package.json here: keep looking upwards.
    }
    if (dirname(dir) === dir) throw new Error(`no @alpacon/mcp package.json above ${from}`);
  }
}

/** `auto` made concrete: npx's cache (`…/_npx/<hash>/node_modules/@alpacon/mcp`) means npx. */
export function resolveLauncher(
  launcher: Launcher,
  packageRoot: string,
): Exclude<Launcher, "auto"> {
  if (launcher !== "auto") return launcher;
  return packageRoot.split(/[\\/]/).includes("_npx") ? "npx" : "path";
}

/**
 * The command line every client runs. On Windows `npx` and global bins are batch files that
 * clients spawning without a shell cannot start, so they go through `cmd /c`; `node` is an exe.
 */
export function serverCommand(
  context: CommandContext,
  flags: string[],
  launcher: Launcher = "auto",
  packageRoot: string = mcpPackageRoot(),
): { command: string; args: string[] } {
  const how = resolveLauncher(launcher, packageRoot);
  if (how === "path") {
    return { command: "node", args: [join(packageRoot, "dist", "cli.js"), ...flags] };
  }
  const [command, ...args] = how === "npx" ? ["npx", "-y", "@alpacon/mcp"] : ["alpacon-mcp"];
  return context.platform === "win32"
    ? { command: "cmd", args: ["/c", command!, ...args, ...flags] }
    : { command: command!, args: [...args, ...flags] };
}
