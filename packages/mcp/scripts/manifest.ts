// The MCP bundle (.mcpb) manifest, generated from package.json and the tool registry.
//
//   pnpm --filter @alpacon/mcp manifest     rewrites manifest.json
//
// test/bundle.test.ts fails when manifest.json differs from what this builds (a tool added or
// renamed, a new version after `changeset version`), and validates it with the MCPB schema.
// Spec: MANIFEST.md of github.com/modelcontextprotocol/mcpb, manifest_version 0.3.

import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";
import { listTools } from "../src/tools/catalog.js";

export const MANIFEST_PATH = fileURLToPath(new URL("../manifest.json", import.meta.url));

interface PackageJson {
  version: string;
  description: string;
  license: string;
  keywords: string[];
  repository: { url: string };
  engines: { node: string };
}

const LONG_DESCRIPTION = `Gives Claude the servers of your Alpacon workspaces: inventory, CPU/memory/disk/network metrics (with charts in hosts that render MCP Apps), events, web shells (websh), file transfers (webftp), commands with exit codes, and users, groups and roles (IAM).

Tokens stay in a token file on this machine, never in the chat: \`{"<region>": {"<workspace>": "<token>"}}\`, written by \`npx -y @alpacon/mcp auth set --workspace <name>\` (hidden input) or by the \`auth_set_token\` tool. Destructive tools ask before they run; turn on read-only mode to offer only tools that read.`;

/** `${name}`: a variable the installing app substitutes (MANIFEST.md, "Variable Substitution"). */
function variable(name: string): string {
  return `\${${name}}`;
}

/** The manifest for this package's current version and registry. */
export function buildManifest(): Record<string, unknown> {
  const pkg = JSON.parse(
    readFileSync(new URL("../package.json", import.meta.url), "utf8"),
  ) as PackageJson;
  const repository = pkg.repository.url.replace(/^git\+/, "");
  const web = repository.replace(/\.git$/, "");
  return {
    manifest_version: "0.3",
    name: "alpacon-mcp",
    display_name: "Alpacon",
    version: pkg.version,
    description: pkg.description,
    long_description: LONG_DESCRIPTION,
    author: { name: "AlpacaX", url: "https://github.com/alpacax" },
    repository: { type: "git", url: repository },
    homepage: `${web}/tree/main/packages/mcp#readme`,
    documentation: `${web}/tree/main/packages/mcp#readme`,
    support: `${web}/issues`,
    license: pkg.license,
    keywords: pkg.keywords,
    server: {
      type: "node",
      entry_point: "dist/cli.js",
      mcp_config: {
        command: "node",
        args: [
          `${variable("__dirname")}/dist/cli.js`,
          "--config-file",
          variable("user_config.config_file"),
        ],
        env: {
          ALPACON_MCP_READ_ONLY: variable("user_config.read_only"),
          ALPACON_MCP_CONFIRM: variable("user_config.confirm"),
          ALPACON_MCP_ALLOW_DIRS: variable("user_config.allow_dir"),
        },
      },
    },
    // The token itself is not asked for: the server reads tokens per workspace and region from
    // the token file (or ALPACON_MCP_<REGION>_<WORKSPACE>_TOKEN), a name a single field cannot fill.
    user_config: {
      config_file: {
        type: "file",
        title: "Token file",
        description:
          'JSON file with your Alpacon API tokens, {"<region>": {"<workspace>": "<token>"}}. Write it with `npx -y @alpacon/mcp auth set --workspace <name>` in a terminal (or ask Claude to use auth_set_token); it is read again for every session.',
        required: true,
        default: `${variable("HOME")}/.alpacon-mcp/token.json`,
      },
      read_only: {
        type: "boolean",
        title: "Read-only mode",
        description:
          "Offer only tools that read: no commands, shells, file transfers or changes to users and groups.",
        required: false,
        default: false,
      },
      confirm: {
        type: "string",
        title: "Confirmation of destructive calls",
        description:
          "elicit: the server asks you before a tool changes or runs something (needs a client with elicitation); allow: rely on Claude's own tool approval; deny: refuse such calls.",
        required: false,
        default: "elicit",
      },
      allow_dir: {
        type: "directory",
        title: "Folder for file transfers",
        description:
          "The only local folder webftp tools may upload from and download into. It must exist.",
        required: true,
        default: `${variable("HOME")}/Downloads`,
      },
    },
    tools: listTools().map((tool) => ({ name: tool.name, description: tool.description })),
    tools_generated: false,
    prompts_generated: true,
    compatibility: {
      platforms: ["darwin", "win32", "linux"],
      runtimes: { node: pkg.engines.node },
    },
  };
}

/** Whether manifest.json says what buildManifest says (compared as data: Biome formats it). */
export function manifestIsCurrent(): boolean {
  const committed = JSON.parse(readFileSync(MANIFEST_PATH, "utf8")) as unknown;
  return isDeepStrictEqual(committed, buildManifest());
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeFileSync(MANIFEST_PATH, `${JSON.stringify(buildManifest(), null, 2)}\n`);
  // Formatted as `pnpm lint` (biome check) expects it.
  execFileSync("pnpm", ["exec", "biome", "format", "--write", MANIFEST_PATH], { stdio: "ignore" });
  console.log(`wrote ${MANIFEST_PATH}`);
}
