import { readFileSync } from "node:fs";
import { VERSIONED_MANIFEST_SCHEMAS } from "@anthropic-ai/mcpb/schemas";
import { expect, test } from "vitest";
import { buildManifest, MANIFEST_PATH, manifestIsCurrent } from "../scripts/manifest.js";
import { parseCliOptions } from "../src/cli/cli-options.js";
import { listTools } from "../src/index.js";
import { tempDir } from "./helpers/harness.js";

// manifest.json is the MCP bundle's manifest (scripts/manifest.ts builds it, scripts/bundle.ts
// packs it with dist/ and node_modules into alpacon.mcpb).

interface Manifest {
  manifest_version: string;
  version: string;
  tools: Array<{ name: string; description: string }>;
  server: {
    entry_point: string;
    mcp_config: { command: string; args: string[]; env: Record<string, string> };
  };
  user_config: Record<string, { type: string; sensitive?: boolean; default?: unknown }>;
}

const manifest = JSON.parse(readFileSync(MANIFEST_PATH, "utf8")) as Manifest;

test("manifest.json is current (else: pnpm --filter @alpacon/mcp manifest)", () => {
  expect(
    manifestIsCurrent(),
    "manifest.json is stale: run pnpm --filter @alpacon/mcp manifest",
  ).toBe(true);
  expect(manifest).toEqual(buildManifest());
});

test("validates against the MCPB schema of its manifest_version", () => {
  const schema =
    VERSIONED_MANIFEST_SCHEMAS[
      manifest.manifest_version as keyof typeof VERSIONED_MANIFEST_SCHEMAS
    ];
  expect(schema, `no MCPB schema for ${manifest.manifest_version}`).toBeDefined();
  const parsed = schema.safeParse(manifest);
  expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
});

test("lists every tool of the registry with its description", () => {
  const registry = listTools().map((tool) => ({ name: tool.name, description: tool.description }));
  expect(manifest.tools).toEqual(registry);
  expect(manifest.tools.length).toBeGreaterThanOrEqual(46);
});

test("has the package's version", () => {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
  expect(manifest.version).toBe(pkg.version);
});

test("runs the bin with options the CLI accepts once the app substitutes user_config", () => {
  const { args, env, command } = manifest.server.mcp_config;
  expect(command).toBe("node");
  expect(args[0]).toBe(`\${__dirname}/${manifest.server.entry_point}`);
  expect(manifest.server.entry_point).toBe("dist/cli.js");
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
  // The package's bin is a committed shim (pnpm links bins before a build) that loads the same
  // entry point the bundle starts.
  const shim = readFileSync(new URL(`../${pkg.bin["alpacon-mcp"]}`, import.meta.url), "utf8");
  expect(shim).toContain(`"../${manifest.server.entry_point}"`);

  // What Claude Desktop does: replace ${user_config.KEY} by the user's (or default) values.
  const dir = tempDir();
  const values: Record<string, string> = {
    config_file: `${dir}/token.json`,
    read_only: "true",
    confirm: "allow",
    allow_dir: dir,
  };
  const substitute = (text: string) =>
    text.replace(/\$\{user_config\.([a-z_]+)\}/g, (_, key: string) => {
      expect(manifest.user_config[key], `user_config.${key} is not declared`).toBeDefined();
      return values[key]!;
    });
  const options = parseCliOptions(
    args.slice(1).map(substitute),
    Object.fromEntries(Object.entries(env).map(([key, value]) => [key, substitute(value)])),
  );
  expect(options.transport).toBe("stdio");
  expect(options.server.load?.configFile).toBe(values.config_file);
  expect(options.server.readOnly).toBe(true);
  expect(options.server.confirm).toBe("allow");
  expect(options.server.allowDirs).toEqual([dir]);
});

test("never asks for a raw token", () => {
  for (const [key, option] of Object.entries(manifest.user_config)) {
    expect(key).not.toMatch(/token$/i);
    expect(option.sensitive).toBeUndefined();
  }
  expect(JSON.stringify(manifest)).not.toMatch(/alpat-/);
});
