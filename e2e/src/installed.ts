// Running the installed tarballs the way a user does: `npx alpacon-mcp …` in the directory the
// global setup installed them into, with a clean environment.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable, Stream } from "node:stream";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { inject } from "vitest";
import type { Installed } from "./install.js";
import { type Child, start } from "./processes.js";

/** The tarball installation of this run (see test/global-setup.ts). */
export function installed(): Installed {
  const value = inject("installed");
  if (!value) {
    throw new Error(
      "The packed tarballs are not installed: this run was started with E2E_INSTALL=skip.",
    );
  }
  return value;
}

/**
 * The environment a child gets: the parent's PATH and npm settings, none of its ALPACON_*
 * variables, and a HOME of its own so no real ~/.alpacon-mcp/token.json is read.
 */
export function cleanEnv(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith("ALPACON_")) continue;
    if (key.startsWith("VITEST") || key === "NODE_OPTIONS") continue;
    env[key] = value;
  }
  return {
    ...env,
    HOME: home,
    npm_config_cache: process.env.npm_config_cache ?? join(process.env.HOME ?? tmpdir(), ".npm"),
    npm_config_update_notifier: "false",
    ...extra,
  };
}

/** A temporary directory; call the returned function to remove it. */
export function scratchDir(prefix = "alpacon-e2e-"): [string, () => void] {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return [dir, () => rmSync(dir, { recursive: true, force: true })];
}

/** `npx alpacon-mcp …` (or `alpacon-sandbox`) as a child process of the test. */
export function npx(
  bin: "alpacon-mcp" | "alpacon-sandbox",
  args: string[],
  env: NodeJS.ProcessEnv,
): Child {
  // `--`: without it npm takes the flags (`--sandbox`, `--port` …) as its own config.
  return start("npx", ["--no", "--", bin, ...args], { cwd: installed().dir, env });
}

/** An MCP stdio client transport that starts `npx alpacon-mcp …`; stderr is piped. */
export function stdioTransport(args: string[], env: NodeJS.ProcessEnv): StdioClientTransport {
  return new StdioClientTransport({
    command: "npx",
    args: ["--no", "--", "alpacon-mcp", ...args],
    cwd: installed().dir,
    env: env as Record<string, string>,
    stderr: "pipe",
  });
}

/** Collects a stream's text (the stdio server's stderr). */
export function collect(stream: Stream | null, into: string[]): void {
  const readable = stream as Readable | null;
  readable?.setEncoding("utf8");
  readable?.on("data", (chunk: string) => into.push(chunk));
}

/** The URL `alpacon-mcp` prints once it listens (`… listening on http://127.0.0.1:N/mcp`). */
export async function listeningUrl(child: Child): Promise<string> {
  const match = await child.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+\/(?:mcp|sse))/);
  return match[1]!;
}
