// A newcomer's first hour, on the packed tarballs installed with plain npm (global setup): an ES
// module and a CommonJS script that use all three packages against a sandbox, TypeScript under
// every module resolution a project may use, and the alpacon-mcp bin. Scripts run in the install
// directory, so every import resolves through its node_modules, never the workspace's.

import { execFile } from "node:child_process";
import {
  copyFileSync,
  mkdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, describe, expect, test } from "vitest";
import { npmInstall, REPO_ROOT } from "../src/install.js";
import { cleanEnv, installed, scratchDir, stdioTransport } from "../src/installed.js";

const exec = promisify(execFile);
const require = createRequire(import.meta.url);
const [home, removeHome] = scratchDir("alpacon-newcomer-home-");
afterAll(removeHome);

/**
 * What both scripts do, written once: start a sandbox, list its servers, run a command that
 * succeeds and one that exits 3, round-trip a file through webftp, and call an MCP tool on a
 * server built with createAlpaconMcpServer over an in-memory transport.
 */
const BODY = `
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "alpacon-newcomer-"));
  const sandbox = await startSandbox({ servers: 3, workspaces: [{ region: "ap1", workspace: "acme" }] });
  try {
    const { baseUrl, tokens } = sandbox.workspaces[0];
    const alpacon = createAlpaconClient({ baseUrl, token: tokens.admin });
    const page = await alpacon.servers.list();
    const server = page.results.find((item) => item.is_connected && item.os_name !== "Windows");
    const [ok] = await alpacon.commands.run({ servers: [server.id], line: "echo newcomer" });
    const [failed] = await alpacon.commands.run({ servers: [server.id], line: "exit 3" });

    const local = path.join(work, "up.txt");
    fs.writeFileSync(local, "newcomer bytes\\n".repeat(4096));
    await uploadFile(alpacon, { server: server.id, localPath: local, remotePath: "/tmp/newcomer.txt" });
    const back = path.join(work, "back.txt");
    await downloadFile(alpacon, { server: server.id, remotePath: "/tmp/newcomer.txt", localPath: back });

    // websh (ws, loaded on first use) and a folder download extracted (yauzl, likewise).
    const shell = await alpacon.websh.open({ server: server.id });
    const websh = await shell.exec("cd /tmp && pwd; exit 4");
    await shell.close();
    const folder = await downloadFile(alpacon, {
      server: server.id,
      remotePath: "/tmp",
      resourceType: "folder",
      localPath: path.join(work, "logs"),
      extract: true,
    });

    const configFile = path.join(work, "token.json");
    fs.writeFileSync(configFile, JSON.stringify(tokenFileContent(sandbox)), { mode: 0o600 });
    const mcp = createAlpaconMcpServer({ load: { configFile, env: {} }, readOnly: true });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await mcp.connect(serverSide);
    const client = new Client({ name: "newcomer", version: "1.0.0" });
    await client.connect(clientSide);
    const tool = await client.callTool({ name: "servers_list", arguments: {} });
    await client.close();

    console.log(JSON.stringify({
      count: page.count,
      names: page.results.map((item) => item.name),
      ok: { exitCode: ok.exitCode, output: ok.output.trim(), error: ok.error?.message ?? null },
      failed: { exitCode: failed.exitCode },
      same: fs.readFileSync(local).equals(fs.readFileSync(back)),
      websh: { exitCode: websh.exitCode, output: websh.output.trim() },
      extracted: folder.files.length > 0 && folder.files.every((file) => fs.existsSync(file)),
      tool: { isError: tool.isError ?? false, count: tool.structuredContent?.count },
    }));
  } finally {
    await sandbox.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
`;

const ESM = `import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createAlpaconMcpServer } from "@alpacon/mcp";
import { startSandbox, tokenFileContent } from "@alpacon/sandbox";
import { createAlpaconClient } from "@alpacon/sdk";
import { downloadFile, uploadFile } from "@alpacon/sdk/node";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
${BODY}`;

const CJS = `"use strict";
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { createAlpaconMcpServer } = require("@alpacon/mcp");
const { startSandbox, tokenFileContent } = require("@alpacon/sandbox");
const { createAlpaconClient } = require("@alpacon/sdk");
const { downloadFile, uploadFile } = require("@alpacon/sdk/node");
const { Client } = require("@modelcontextprotocol/sdk/client/index.js");
const { InMemoryTransport } = require("@modelcontextprotocol/sdk/inMemory.js");
(async () => {${BODY}})().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
`;

/** Writes `name` into the install directory and runs it with node there. */
async function runScript(name: string, text: string): Promise<string> {
  const file = join(installed().dir, name);
  writeFileSync(file, text);
  const { stdout } = await exec(process.execPath, [file], {
    cwd: installed().dir,
    env: cleanEnv(home),
    timeout: 100_000,
  });
  return stdout;
}

describe("a script using the installed packages", () => {
  test.each([
    ["an ES module", "newcomer.mjs", ESM],
    ["a CommonJS script (require)", "newcomer.cjs", CJS],
  ])(
    "%s lists servers, runs commands and a websh exec with exit codes, moves files and calls an MCP tool",
    async (_kind, name, text) => {
      const report = JSON.parse((await runScript(name, text)).trim().split("\n").at(-1)!);
      expect(report).toMatchObject({
        count: 3,
        ok: { exitCode: 0, output: "newcomer", error: null },
        failed: { exitCode: 3 },
        same: true,
        tool: { isError: false, count: 3 },
      });
      expect(report.names).toHaveLength(3);
    },
  );
});

/**
 * Type-checked with the workspace's tsc, but every module is resolved from the install
 * directory: its node_modules has the tarballs and their dependencies, plus @types/node (a link
 * to the workspace's, as every Node TypeScript project has it) and nothing else: no @types/ws.
 */
const TYPES_FILE = `import { AlpaconError, createAlpaconClient, type Server } from "@alpacon/sdk";
import { clientFromConfig, downloadFile, uploadFile } from "@alpacon/sdk/node";
import { createAlpaconMcpServer, startHttpServer } from "@alpacon/mcp";
import { startSandbox, tokenFileContent } from "@alpacon/sandbox";

export async function main(): Promise<number | null> {
  const sandbox = await startSandbox({ servers: 2 });
  const workspace = sandbox.workspaces[0];
  if (!workspace) throw new Error("no workspace");
  const alpacon = createAlpaconClient({ baseUrl: workspace.baseUrl, token: workspace.tokens.admin });
  const servers: Server[] = (await alpacon.servers.list()).results;
  const ids = servers.map((server) => server.id);
  const [result] = await alpacon.commands.run({ servers: ids, line: "uptime" });
  const shell = await alpacon.websh.open({ server: ids[0] ?? "" });
  const { exitCode }: { exitCode: number | null } = await shell.exec("pwd");
  await shell.close();
  await uploadFile(alpacon, { server: ids[0] ?? "", localPath: "a", remotePath: "/tmp/a" });
  await downloadFile(alpacon, { server: ids[0] ?? "", remotePath: "/tmp/a", localPath: "b" });
  const fromConfig = clientFromConfig({ workspace: "acme" });
  const server = createAlpaconMcpServer({ readOnly: true, clients: [fromConfig] });
  await server.close();
  const http = await startHttpServer({ port: 0 });
  await http.close();
  void tokenFileContent(sandbox);
  await sandbox.close();
  return result?.error instanceof AlpaconError ? null : (result?.exitCode ?? exitCode);
}
`;

const RESOLUTIONS: Array<[string, Record<string, unknown>, string[]]> = [
  ["module nodenext (CommonJS and ES module files)", { module: "nodenext" }, ["app.ts", "app.mts"]],
  ["module commonjs (node10 resolution)", { module: "commonjs" }, ["app.ts"]],
  ["moduleResolution bundler", { module: "esnext", moduleResolution: "bundler" }, ["app.ts"]],
];

describe("TypeScript, strict, without extra type packages or esModuleInterop", () => {
  test.each(RESOLUTIONS)(
    "%s",
    async (name, options, files) => {
      const dir = installed().dir;
      const types = join(dir, "node_modules", "@types", "node");
      mkdirSync(dirname(types), { recursive: true });
      try {
        symlinkSync(dirname(require.resolve("@types/node/package.json")), types, "dir");
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      }
      for (const file of files) writeFileSync(join(dir, file), TYPES_FILE);
      const config = join(dir, `tsconfig.${name.split(" ")[1]}.json`);
      writeFileSync(
        config,
        JSON.stringify({
          compilerOptions: {
            ...options,
            target: "es2022",
            strict: true,
            noEmit: true,
            skipLibCheck: false,
            types: ["node"],
          },
          files,
        }),
      );
      const tsc = require.resolve("typescript/bin/tsc");
      const result = await exec(process.execPath, [tsc, "-p", config], { cwd: dir }).catch(
        (error: { stdout: string }) => error,
      );
      // zod 4's own .d.cts files default-import their locales, which node10 resolution without
      // esModuleInterop rejects (TS1259) when skipLibCheck is off: a zod matter, reached through
      // the MCP SDK's types. Every other error, ours above all, fails the test.
      const errors = result.stdout
        .split("\n")
        .filter((line) => line.trim() && !/^node_modules\/zod\/\S+: error TS1259:/.test(line));
      expect(errors).toEqual([]);
    },
    300_000,
  );
});

describe("the alpacon-mcp bin", () => {
  test("npx alpacon-mcp --version prints the package version", async () => {
    const { stdout } = await exec("npx", ["--no", "--", "alpacon-mcp", "--version"], {
      cwd: installed().dir,
      env: cleanEnv(home),
    });
    const pkg = JSON.parse(
      readFileSync(join(installed().dir, "node_modules/@alpacon/mcp/package.json"), "utf8"),
    );
    expect(stdout.trim()).toBe(pkg.version);
  }, 120_000);

  test("a stdio tools call through npx alpacon-mcp --sandbox", async () => {
    const client = new Client({ name: "newcomer", version: "1.0.0" });
    await client.connect(stdioTransport(["--sandbox"], cleanEnv(home)));
    try {
      const result = await client.callTool({
        name: "servers_list",
        arguments: { workspace: "acme", region: "ap1" },
      });
      expect(result.isError ?? false).toBe(false);
      expect((result.structuredContent as { count: number }).count).toBeGreaterThan(0);
    } finally {
      await client.close();
    }
  }, 120_000);
});

describe("installing @alpacon/mcp without @alpacon/sandbox", () => {
  test("npm install of the sdk and mcp tarballs works; --sandbox then says what to install", async () => {
    const [dir, remove] = scratchDir("alpacon-newcomer-mcp-only-");
    try {
      const { tarballs } = installed();
      await npmInstall(dir, [tarballs.sdk, tarballs.mcp]);
      const bin = join(dir, "node_modules", ".bin", "alpacon-mcp");
      const version = await exec(bin, ["--version"], { cwd: dir, env: cleanEnv(home) });
      expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
      const sandbox = await exec(bin, ["--sandbox"], { cwd: dir, env: cleanEnv(home) }).catch(
        (error: { code: number; stderr: string }) => error,
      );
      expect(sandbox).toMatchObject({ code: 1 });
      expect(sandbox.stderr).toContain(
        "--sandbox needs the package @alpacon/sandbox, which is not installed",
      );
      expect(sandbox.stderr).not.toMatch(/\n\s+at /); // no stack trace
    } finally {
      remove();
    }
  }, 300_000);
});

describe("the bins of a fresh clone", () => {
  // pnpm links bins when it installs, before any build: a bin inside dist/ made a fresh
  // `pnpm install` print "Failed to create bin" 14 times. The bins are committed files.
  test.each([
    ["mcp", "alpacon-mcp"],
    ["sandbox", "alpacon-sandbox"],
  ])(
    "packages/%s: %s is committed outside dist/ and says what to do before a build",
    async (name, bin) => {
      const root = join(REPO_ROOT, "packages", name);
      const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
      const target: string = pkg.bin[bin];
      expect(target).not.toMatch(/dist\//);
      expect(pkg.files).toContain(dirname(target).replace(/^\.\//, ""));
      const tracked = await exec("git", ["ls-files", "--error-unmatch", target], { cwd: root });
      expect(tracked.stdout.trim()).toBe(target.replace(/^\.\//, ""));
      expect(statSync(join(root, target)).mode & 0o111).not.toBe(0);

      // The same file in a package without dist/: a clear message, exit 1.
      const [copy, remove] = scratchDir("alpacon-bin-");
      try {
        mkdirSync(join(copy, "bin"));
        copyFileSync(join(root, target), join(copy, target));
        writeFileSync(join(copy, "package.json"), JSON.stringify({ type: "module" }));
        const result = await exec(process.execPath, [join(copy, target)]).catch(
          (error: { code: number; stderr: string }) => error,
        );
        expect(result).toMatchObject({ code: 1 });
        expect(result.stderr).toBe(
          `${bin} is not built yet: run \`pnpm build\` in the repository first.\n`,
        );
      } finally {
        remove();
      }
    },
  );
});
