// Real clients against the installed tarballs: the MCP SDK Client over stdio, Streamable HTTP
// and legacy SSE, each running the whole scenario against `npx alpacon-mcp`.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, describe, expect, test } from "vitest";
import {
  cleanEnv,
  collect,
  listeningUrl,
  npx,
  scratchDir,
  stdioTransport,
} from "../src/installed.js";
import { stopAll } from "../src/processes.js";
import {
  acceptConfirmations,
  runScenario,
  SCENARIO_FLAGS,
  SCENARIO_STEPS,
} from "../src/scenario.js";

const ACME = { workspace: "acme", region: "ap1" };
const cleanups: Array<() => void> = [];
function dir(prefix?: string): string {
  const [path, remove] = scratchDir(prefix);
  cleanups.push(remove);
  return path;
}

afterAll(async () => {
  await stopAll();
  for (const remove of cleanups.splice(0)) remove();
});

describe.concurrent("real MCP clients against the installed package", () => {
  test("stdio: npx alpacon-mcp --sandbox, confirmations through elicitation", async () => {
    const allow = dir();
    const transport = stdioTransport(
      ["--sandbox", "--allow-dir", allow, ...SCENARIO_FLAGS],
      cleanEnv(dir()),
    );
    const stderr: string[] = [];
    collect(transport.stderr, stderr);
    const client = new Client(
      { name: "e2e-stdio", version: "1.0.0" },
      { capabilities: { elicitation: { form: {} } } },
    );
    const asked = acceptConfirmations(client);
    await client.connect(transport);
    try {
      const transcript = await runScenario(client, { allowDir: allow, target: ACME });
      expect(transcript.steps).toHaveLength(SCENARIO_STEPS);
      // The destructive steps were confirmed by the user (this client), one question each.
      expect(asked.length).toBeGreaterThanOrEqual(6);
      expect(asked.join("\n")).toMatch(/Run `echo from-command-api; exit 3`/);
    } finally {
      await client.close();
    }
    expect(stderr.join("")).toMatch(/ready on stdio/);
  });

  test("stdio: a token file written by a separately started alpacon-sandbox", async () => {
    const work = dir();
    const tokenFile = join(work, "token.json");
    const sandbox = npx(
      "alpacon-sandbox",
      ["--port", "0", "--servers", "4", "--workspace", "ap1/acme", "--token-file", tokenFile],
      cleanEnv(dir()),
    );
    try {
      await sandbox.waitFor(/Token file:/, { stream: "stdout" });
      const file = JSON.parse(readFileSync(tokenFile, "utf8"));
      expect(file.ap1.acme.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/ap1\/acme$/);

      const allow = dir();
      const transport = stdioTransport(
        ["--config-file", tokenFile, "--confirm", "allow", "--allow-dir", allow, ...SCENARIO_FLAGS],
        cleanEnv(dir()),
      );
      const client = new Client({ name: "e2e-token-file", version: "1.0.0" });
      await client.connect(transport);
      try {
        // One workspace configured: the scenario runs without workspace arguments.
        const transcript = await runScenario(client, { allowDir: allow });
        expect(transcript.steps).toHaveLength(SCENARIO_STEPS);
      } finally {
        await client.close();
      }
    } finally {
      await sandbox.stop();
    }
  });

  test("Streamable HTTP: npx alpacon-mcp --sandbox --transport http --port 0", async () => {
    const allow = dir();
    const server = npx(
      "alpacon-mcp",
      [
        "--sandbox",
        "--transport",
        "http",
        "--port",
        "0",
        "--confirm",
        "allow",
        "--allow-dir",
        allow,
        ...SCENARIO_FLAGS,
      ],
      cleanEnv(dir()),
    );
    try {
      const url = await listeningUrl(server);
      const transport = new StreamableHTTPClientTransport(new URL(url));
      const client = new Client({ name: "e2e-http", version: "1.0.0" });
      await client.connect(transport);
      expect(transport.sessionId).toMatch(/^[0-9a-f-]{36}$/);
      try {
        const transcript = await runScenario(client, { allowDir: allow, target: ACME });
        expect(transcript.steps).toHaveLength(SCENARIO_STEPS);
      } finally {
        await transport.terminateSession();
        await client.close();
      }
    } finally {
      await server.stop();
    }
    // A clean stop on SIGTERM (npx forwards it; the group is signalled, see processes.ts).
    expect(server.stderr()).toMatch(/stopping: received SIGTERM/);
    expect(server.stdout()).toBe("");
  });

  test("legacy SSE: npx alpacon-mcp --sandbox --transport sse, elicitation declared as {}", async () => {
    const allow = dir();
    const server = npx(
      "alpacon-mcp",
      ["--sandbox", "--transport", "sse", "--port", "0", "--allow-dir", allow, ...SCENARIO_FLAGS],
      cleanEnv(dir()),
    );
    try {
      const url = await listeningUrl(server);
      expect(url).toMatch(/\/sse$/);
      const transport = new SSEClientTransport(new URL(url));
      // An empty elicitation capability means form mode (the 2025-06-18 shape).
      const client = new Client(
        { name: "e2e-sse", version: "1.0.0" },
        { capabilities: { elicitation: {} } },
      );
      const asked = acceptConfirmations(client);
      await client.connect(transport);
      try {
        const transcript = await runScenario(client, { allowDir: allow, target: ACME });
        expect(transcript.steps).toHaveLength(SCENARIO_STEPS);
        expect(asked.length).toBeGreaterThanOrEqual(6);
      } finally {
        await client.close();
      }
    } finally {
      await server.stop();
    }
    // A clean stop on SIGTERM (npx forwards it; the group is signalled, see processes.ts).
    expect(server.stderr()).toMatch(/stopping: received SIGTERM/);
  });
});
