// Every command we print or write must start a working server today: `setup` for each client
// (run from this clone, from the installed tarballs, and with --command global), and the lines
// the demo prints. Each distinct command line is spawned as the client would spawn it and must
// answer initialize and tools/list.

import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { delimiter, join } from "node:path";
import { promisify } from "node:util";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterAll, describe, expect, test } from "vitest";
import { parse as parseYaml } from "yaml";
import { REPO_ROOT } from "../src/install.js";
import { cleanEnv, installed, scratchDir } from "../src/installed.js";

const exec = promisify(execFile);
const require = createRequire(import.meta.url);
const CLIENTS = ["claude-desktop", "claude-code", "cursor", "vscode", "continue", "windsurf"];
const [home, removeHome] = scratchDir("alpacon-commands-home-");
afterAll(removeHome);

interface Launch {
  command: string;
  args: string[];
}

/** Spawns the command as an MCP client does and checks that the server answers. */
async function startsAndAnswers(launch: Launch, env: NodeJS.ProcessEnv): Promise<number> {
  const client = new Client({ name: "newcomer", version: "1.0.0" });
  const transport = new StdioClientTransport({
    ...launch,
    env: env as Record<string, string>,
    stderr: "ignore",
  });
  await client.connect(transport); // initialize, answered
  try {
    expect(client.getServerVersion()?.name).toBe("alpacon");
    return (await client.listTools()).tools.length;
  } finally {
    await client.close();
  }
}

/** The entry `setup` wrote, read the way the client reads its file. */
function writtenEntry(client: string, file: string): Launch {
  const text = readFileSync(file, "utf8");
  if (client === "continue") {
    const list = parseYaml(text).mcpServers as Array<Launch & { name: string }>;
    return list.find((item) => item.name === "alpacon")!;
  }
  const data = JSON.parse(text);
  return (client === "vscode" ? data.servers : data.mcpServers).alpacon;
}

/** Runs `<alpacon-mcp> setup --client … --sandbox` for every client; returns their entries. */
async function setupEveryClient(
  alpaconMcp: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  extra: string[] = [],
): Promise<Map<string, Launch>> {
  const [dir, remove] = scratchDir("alpacon-setup-");
  try {
    const entries = new Map<string, Launch>();
    for (const client of CLIENTS) {
      const file = join(dir, `${client}.${client === "continue" ? "yaml" : "json"}`);
      const [command, ...args] = alpaconMcp;
      await exec(
        command!,
        [
          ...args,
          "setup",
          "--client",
          client,
          "--sandbox",
          "--yes",
          "--client-config",
          file,
          ...extra,
        ],
        { cwd, env },
      );
      const { command: written, args: writtenArgs } = writtenEntry(client, file);
      entries.set(client, { command: written, args: writtenArgs });
    }
    return entries;
  } finally {
    remove();
  }
}

/** Starts each distinct command line once; every client's entry must be one that started. */
async function expectAllStart(entries: Map<string, Launch>, env: NodeJS.ProcessEnv) {
  const distinct = new Map([...entries.values()].map((launch) => [JSON.stringify(launch), launch]));
  for (const launch of distinct.values()) {
    expect(await startsAndAnswers(launch, env)).toBeGreaterThan(10);
  }
  expect(entries.size).toBe(CLIENTS.length);
}

describe("setup writes commands that start the server", () => {
  test("from this clone: node <clone>/packages/mcp/dist/cli.js", async () => {
    const cli = join(REPO_ROOT, "packages", "mcp", "dist", "cli.js");
    const env = cleanEnv(home);
    const entries = await setupEveryClient([process.execPath, cli], home, env);
    for (const launch of entries.values()) {
      expect(launch).toEqual({ command: "node", args: [cli, "--sandbox"] });
    }
    await expectAllStart(entries, env);
  }, 240_000);

  test("from the installed tarballs (npx alpacon-mcp setup): node <install>/…/dist/cli.js", async () => {
    const { dir } = installed();
    const env = cleanEnv(home);
    const entries = await setupEveryClient(["npx", "--no", "--", "alpacon-mcp"], dir, env);
    const cli = join(dir, "node_modules", "@alpacon", "mcp", "dist", "cli.js");
    for (const launch of entries.values()) {
      expect(launch).toEqual({ command: "node", args: [cli, "--sandbox"] });
    }
    await expectAllStart(entries, env);
  }, 240_000);

  test("--command global: alpacon-mcp from PATH, as after npm install -g", async () => {
    const { dir } = installed();
    const bin = join(dir, "node_modules", ".bin");
    const env = cleanEnv(home, { PATH: `${bin}${delimiter}${process.env.PATH}` });
    const entries = await setupEveryClient(["npx", "--no", "--", "alpacon-mcp"], dir, env, [
      "--command",
      "global",
    ]);
    for (const launch of entries.values()) {
      expect(launch).toEqual({ command: "alpacon-mcp", args: ["--sandbox"] });
    }
    await expectAllStart(entries, env);
  }, 240_000);
});

/** Splits a POSIX shell line of plain and single-quoted words (what shellWord prints). */
function shellWords(line: string): string[] {
  return [...line.matchAll(/'((?:[^']|'\\'')*)'|(\S+)/g)].map(
    (match) => match[1]?.replace(/'\\''/g, "'") ?? match[2]!,
  );
}

test("the commands the demo prints start the server", async () => {
  const tsx = require.resolve("tsx/cli");
  const demo = join(REPO_ROOT, "examples", "src", "mcp-demo.ts");
  const { stdout } = await exec(process.execPath, [tsx, demo], {
    cwd: REPO_ROOT,
    env: cleanEnv(home),
    timeout: 120_000,
  });
  const code = /Claude Code:\s+claude mcp add alpacon -- (.+)$/m.exec(stdout)?.[1];
  const desktop = /Claude Desktop:\s+"mcpServers": \{ "alpacon": (\{.*\}) \}$/m.exec(stdout)?.[1];
  expect(code, stdout).toBeDefined();
  expect(desktop, stdout).toBeDefined();
  const [command, ...args] = shellWords(code!);
  const printed: Launch[] = [{ command: command!, args }, JSON.parse(desktop!)];
  expect(stdout).not.toContain("npx -y @alpacon/mcp");
  for (const launch of printed) {
    expect(await startsAndAnswers(launch, cleanEnv(home))).toBeGreaterThan(10);
  }
}, 240_000);
