// Builds the MCP bundle (.mcpb, formerly DXT) for one-click installs in Claude Desktop:
//
//   pnpm --filter @alpacon/mcp bundle        → packages/mcp/alpacon.mcpb
//
// `bundle` builds the package and its workspace dependencies first, then this script:
// 1. checks manifest.json is current (else: pnpm --filter @alpacon/mcp manifest);
// 2. lays out dist/ and the production node_modules with `pnpm deploy --prod` (flat, hoisted
//    node_modules: a zip keeps no symlinks), the workspace packages copied in as built;
// 3. packs manifest + files with @anthropic-ai/mcpb (which validates the manifest again);
// 4. unpacks the archive and runs `node dist/cli.js --version` from it, proving the bundle
//    starts with only what it carries.

import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { packExtension, unpackExtension } from "@anthropic-ai/mcpb";
import { buildManifest, MANIFEST_PATH, manifestIsCurrent } from "./manifest.js";

const PACKAGE_DIR = fileURLToPath(new URL("..", import.meta.url));
const WORKSPACE_DIR = join(PACKAGE_DIR, "..", "..");
export const BUNDLE_PATH = join(PACKAGE_DIR, "alpacon.mcpb");

// Beyond the packer's own exclusions (*.map, *.d.ts, node_modules/.bin, dotfiles …).
const IGNORE = ["*.d.cts", "*.d.mts", "node_modules/.modules.yaml", "node_modules/.pnpm"];

async function main(): Promise<void> {
  if (!manifestIsCurrent()) {
    throw new Error("manifest.json is stale: run pnpm --filter @alpacon/mcp manifest");
  }
  const stage = mkdtempSync(join(tmpdir(), "alpacon-mcpb-"));
  const check = mkdtempSync(join(tmpdir(), "alpacon-mcpb-check-"));
  try {
    const app = join(stage, "alpacon-mcp");
    execFileSync(
      "pnpm",
      [
        "--config.node-linker=hoisted",
        "--filter",
        "@alpacon/mcp",
        "deploy",
        "--prod",
        "--legacy",
        app,
      ],
      { cwd: WORKSPACE_DIR, stdio: ["ignore", "ignore", "inherit"] },
    );
    cpSync(MANIFEST_PATH, join(app, "manifest.json"));
    writeFileSync(join(app, ".mcpbignore"), `${IGNORE.join("\n")}\n`);
    const packed = await packExtension({
      extensionPath: app,
      outputPath: BUNDLE_PATH,
      silent: true,
    });
    if (!packed) throw new Error("mcpb pack failed (run `pnpm exec mcpb pack` for details)");

    const unpacked = await unpackExtension({
      mcpbPath: BUNDLE_PATH,
      outputDir: check,
      silent: true,
    });
    if (!unpacked) throw new Error("mcpb unpack of the new bundle failed");
    const version = execFileSync(process.execPath, [join(check, "dist", "cli.js"), "--version"], {
      cwd: check,
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "" },
    }).trim();
    const manifest = buildManifest() as { version: string; tools: unknown[] };
    if (version !== manifest.version) {
      throw new Error(`the bundled server says ${version}, the manifest ${manifest.version}`);
    }
    const size = (statSync(BUNDLE_PATH).size / 1024 / 1024).toFixed(1);
    console.log(
      `wrote ${BUNDLE_PATH} (${size} MiB): alpacon-mcp ${version}, ${manifest.tools.length} tools; it starts from the unpacked bundle`,
    );
  } finally {
    rmSync(stage, { recursive: true, force: true });
    rmSync(check, { recursive: true, force: true });
  }
}

main().catch((error: Error) => {
  console.error(`bundle: ${error.message}`);
  process.exit(1);
});
