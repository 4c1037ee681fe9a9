import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { validate } from "dockerfile-utils";
import { describe, expect, test } from "vitest";
import { parseCliOptions } from "../src/cli/cli-options.js";
import { selectTools } from "../src/tools/select-tools.js";

// The image (the repository root's Dockerfile) cannot be built here: there is no Docker engine,
// and hadolint is neither in Debian nor on npm as a working binary. What can be checked is:
// the file is valid (dockerfile-utils, the validator of the Dockerfile language server), its
// key rules hold, and what it copies and runs exists. The build steps themselves (pnpm fetch,
// install --offline, build, deploy --prod --legacy) and the runtime layout were run by hand on
// a copy of the build context; see the README's Docker section.

const ROOT = join(import.meta.dirname, "..", "..", "..");
const text = readFileSync(join(ROOT, "Dockerfile"), "utf8");
const ignore = readFileSync(join(ROOT, ".dockerignore"), "utf8")
  .split("\n")
  .map((line) => line.trim())
  .filter((line) => line && !line.startsWith("#"));

interface Instruction {
  keyword: string;
  args: string;
}

/** Instructions with continuation lines joined and comments dropped. */
function parse(source: string): Instruction[] {
  const out: Instruction[] = [];
  let current = "";
  for (const raw of source.split("\n")) {
    const line = raw.trim();
    if (!current && (line === "" || line.startsWith("#"))) continue;
    if (current && line.startsWith("#")) continue;
    current += `${current ? " " : ""}${line.replace(/\\$/, "").trim()}`;
    if (line.endsWith("\\")) continue;
    const [keyword, ...rest] = current.split(/\s+/);
    out.push({ keyword: keyword!.toUpperCase(), args: rest.join(" ") });
    current = "";
  }
  return out;
}

const instructions = parse(text);
const stages: Instruction[][] = [];
for (const item of instructions) {
  if (item.keyword === "FROM") stages.push([]);
  stages.at(-1)?.push(item);
}
const runtime = stages.at(-1)!;
const of = (keyword: string, stage = runtime) => stage.filter((item) => item.keyword === keyword);

/** `ENV A=1 B=2` → { A: "1", B: "2" } over the runtime stage. */
function runtimeEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const item of of("ENV")) {
    for (const match of item.args.matchAll(/([A-Z0-9_]+)=("[^"]*"|\S+)/g)) {
      env[match[1]!] = match[2]!.replace(/^"|"$/g, "");
    }
  }
  return env;
}

test("is a valid Dockerfile (dockerfile-utils: no errors or warnings)", () => {
  const problems = validate(text).map((item) => `${item.range.start.line + 1}: ${item.message}`);
  expect(problems).toEqual([]);
});

test("is multi-stage: a node:20 build stage and a slim node:20 runtime", () => {
  expect(stages.length).toBeGreaterThanOrEqual(2);
  const args = Object.fromEntries(
    instructions
      .filter((item) => item.keyword === "ARG" && item.args.includes("="))
      .map((item) => item.args.split("=") as [string, string]),
  );
  const image = (from: Instruction) =>
    from.args.split(" ")[0]!.replace(/\$\{(\w+)\}/g, (_, name: string) => args[name] ?? "");
  expect(image(stages[0]![0]!)).toBe("node:20-bookworm");
  expect(image(runtime[0]!)).toBe("node:20-bookworm-slim");
  expect(of("COPY").every((item) => item.args.startsWith("--from=build"))).toBe(true);
});

test("runs as a non-root user", () => {
  const users = of("USER");
  expect(users.length).toBeGreaterThan(0);
  const user = users.at(-1)!.args;
  expect(user).not.toMatch(/^(root|0)(:|$)/);
  const position = (keyword: string) => runtime.findIndex((item) => item.keyword === keyword);
  expect(position("USER")).toBeLessThan(position("ENTRYPOINT"));
});

test("bakes in no secret", () => {
  for (const item of instructions.filter((entry) => ["ENV", "ARG"].includes(entry.keyword))) {
    for (const match of item.args.matchAll(/([A-Za-z0-9_]+)=/g)) {
      expect(match[1]).not.toMatch(/TOKEN|SECRET|PASSWORD|API_KEY/i);
    }
  }
  for (const item of instructions.filter((entry) => ["COPY", "ADD"].includes(entry.keyword))) {
    expect(item.args).not.toMatch(/token\.json|\.env|\.pem|\.key\b|\.alpacon-mcp/);
  }
  for (const pattern of [
    "**/token.json",
    "**/.env",
    "**/.env.*",
    "**/.alpacon-mcp",
    "**/node_modules",
  ]) {
    expect(ignore, `.dockerignore lacks ${pattern}`).toContain(pattern);
  }
});

test(".dockerignore keeps what the build needs", () => {
  for (const needed of [
    "package.json",
    "pnpm-lock.yaml",
    "pnpm-workspace.yaml",
    "packages",
    "openapi",
  ]) {
    expect(ignore.some((pattern) => pattern === needed || pattern === `**/${needed}`)).toBe(false);
  }
});

test("what the build stage copies exists", () => {
  for (const item of of("COPY", stages[0]!)) {
    const parts = item.args.split(" ").filter((part) => !part.startsWith("--"));
    for (const source of parts.slice(0, -1)) {
      expect(existsSync(join(ROOT, source)), `${source} is missing`).toBe(true);
    }
  }
});

describe("defaults", () => {
  const env = runtimeEnv();

  test("serve Streamable HTTP on 0.0.0.0:8237 and need ALPACON_MCP_AUTH_TOKEN", () => {
    expect(env).toMatchObject({
      ALPACON_MCP_TRANSPORT: "http",
      ALPACON_MCP_HOST: "0.0.0.0",
      ALPACON_MCP_PORT: "8237",
    });
    expect(of("EXPOSE").map((item) => item.args)).toEqual(["8237"]);
    // The CLI takes these as they are, and the token from the variable …
    const options = parseCliOptions([], { ...env, ALPACON_MCP_AUTH_TOKEN: "x".repeat(32) });
    expect(options).toMatchObject({ transport: "http", host: "0.0.0.0", port: 8237 });
    expect(options.authToken).toBe("x".repeat(32));
    // … and main() refuses a non-loopback listener without one (cli.test.ts covers that path).
    expect(parseCliOptions([], env).authToken).toBeUndefined();
  });

  test("serve a team with --auth oauth from variables alone (README: Deploy for a team)", () => {
    const options = parseCliOptions([], {
      ...env,
      ALPACON_MCP_AUTH: "oauth",
      ALPACON_MCP_WORKSPACE: "acme",
      ALPACON_MCP_PUBLIC_URL: "https://mcp.example.com",
      ALPACON_MCP_OAUTH_ISSUER: "https://tenant.example.auth0.com/",
      ALPACON_MCP_OAUTH_CLIENT_ID: "mcp",
      ALPACON_MCP_OAUTH_KEY: "b".repeat(64),
      ALPACON_MCP_STATELESS: "1",
      ALPACON_MCP_CONFIRM: "allow",
    });
    expect(options.oauth).toMatchObject({
      workspace: "acme",
      publicUrl: "https://mcp.example.com",
    });
    expect(options).toMatchObject({ host: "0.0.0.0", stateless: true, authToken: undefined });
    expect(options.server.allowDirs).toEqual(["/data"]);
    const readme = readFileSync(join(ROOT, "packages", "mcp", "README.md"), "utf8");
    expect(readme.slice(readme.indexOf("## Deploy for a team"))).toMatch(
      /docker run[^`]*ALPACON_MCP_AUTH=oauth/,
    );
  });

  test("read the token file from /config/token.json (mounted read-only, documented)", () => {
    expect(env.ALPACON_MCP_CONFIG_FILE).toBe("/config/token.json");
    expect(parseCliOptions([], env).server.load?.configFile).toBeUndefined();
    expect(parseCliOptions([], env).server.load?.env?.ALPACON_MCP_CONFIG_FILE).toBe(
      "/config/token.json",
    );
    const readme = readFileSync(join(ROOT, "packages", "mcp", "README.md"), "utf8");
    const docker = readme.slice(readme.indexOf("## Docker"));
    expect(docker).toMatch(/\/config\/token\.json:ro/);
    expect(docker).toContain("ALPACON_MCP_AUTH_TOKEN");
  });

  test("leave out the token-writing tools, which a read-only mount cannot serve", () => {
    const options = parseCliOptions([], env);
    const names = selectTools(options.server).map((tool) => tool.name);
    expect(names).not.toContain("auth_set_token");
    expect(names).not.toContain("auth_remove_token");
    expect(names).toContain("get_cpu_usage");
  });

  test("start the package's bin and check health by connecting to the port", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "packages", "mcp", "package.json"), "utf8"));
    expect(of("ENTRYPOINT").at(-1)?.args).toBe(
      `["node", "/app/${pkg.bin["alpacon-mcp"].replace(/^\.\//, "")}"]`,
    );
    expect(of("HEALTHCHECK")).toHaveLength(1);
    expect(of("HEALTHCHECK")[0]!.args).toContain("ALPACON_MCP_PORT");
  });
});
