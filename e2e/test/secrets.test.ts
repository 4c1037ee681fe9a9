// Secrets: the scenario runs with canary tokens (the sandbox's tokens, a bearer token for HTTP,
// a token saved and one rejected through the auth tools); no canary may appear in stdout,
// stderr, the log, tool results, error messages, log notifications, the audit log or the
// committed tool snapshots.
// HTTP hardening: wrong Origin or Host, missing or wrong bearer, oversized bodies, non-loopback
// binds without a token, idle sessions.

import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, describe, expect, test } from "vitest";
import { writeTokenFile } from "../src/in-memory.js";
import { REPO_ROOT } from "../src/install.js";
import {
  cleanEnv,
  collect,
  installed,
  listeningUrl,
  npx,
  scratchDir,
  stdioTransport,
} from "../src/installed.js";
import { type Child, start, stopAll } from "../src/processes.js";
import { INITIALIZE, PING, rawRequest } from "../src/raw-http.js";
import { recordIncoming, runScenario, SCENARIO_FLAGS } from "../src/scenario.js";

const cleanups: Array<() => void> = [];
function dir(): string {
  const [path, remove] = scratchDir();
  cleanups.push(remove);
  return path;
}
afterAll(async () => {
  await stopAll();
  for (const remove of cleanups.splice(0)) remove();
});

const ACME = { workspace: "acme", region: "ap1" };
const hex = (bytes: number) => randomBytes(bytes).toString("hex");

interface SandboxInfo {
  url: string;
  controlToken: string;
  workspaces: Array<{ region: string; workspace: string; tokens: Record<string, string> }>;
}

/** `npx alpacon-sandbox --json --token-file …`: a sandbox of its own, and its tokens. */
async function separateSandbox(tokenFile: string): Promise<{ child: Child; info: SandboxInfo }> {
  const child = npx(
    "alpacon-sandbox",
    ["--port", "0", "--servers", "4", "--token-file", tokenFile, "--json"],
    cleanEnv(dir()),
  );
  await child.waitFor(/\n}\s*$/, { stream: "stdout" });
  return { child, info: JSON.parse(child.stdout()) as SandboxInfo };
}

function snapshotsText(): string {
  const snaps = resolve(REPO_ROOT, "packages/mcp/test/__toolsnaps__");
  return readdirSync(snaps)
    .map((name) => readFileSync(join(snaps, name), "utf8"))
    .join("\n");
}

/** Every canary found in any of the texts, with where it was found. */
function leaks(canaries: Record<string, string>, places: Record<string, string>): string[] {
  const found: string[] = [];
  for (const [canaryName, value] of Object.entries(canaries)) {
    for (const [place, text] of Object.entries(places)) {
      if (text.includes(value)) found.push(`${canaryName} in ${place}`);
    }
  }
  return found;
}

describe.concurrent("secrets: canary tokens never leave", () => {
  test("Streamable HTTP with a bearer token, audit log and debug logging", async () => {
    const work = dir();
    const tokenFile = join(work, "token.json");
    const audit = join(work, "audit.jsonl");
    const { child: sandbox, info } = await separateSandbox(tokenFile);
    const canaries: Record<string, string> = {
      bearer: `canary-bearer-${hex(16)}`,
      saved: `alpat-canarysaved${hex(12)}`,
      rejected: `alpat-canaryrejected${hex(12)}`,
    };
    for (const ws of info.workspaces) {
      for (const [kind, token] of Object.entries(ws.tokens))
        canaries[`${ws.workspace}.${kind}`] = token;
    }

    const allow = dir();
    const server = npx(
      "alpacon-mcp",
      [
        "--config-file",
        tokenFile,
        "--transport",
        "http",
        "--port",
        "0",
        "--confirm",
        "allow",
        "--allow-dir",
        allow,
        "--audit-log",
        audit,
        "--log-level",
        "debug",
        ...SCENARIO_FLAGS,
      ],
      cleanEnv(dir(), { ALPACON_MCP_AUTH_TOKEN: canaries.bearer! }),
    );
    const received: string[] = [];
    const answers: string[] = [];
    try {
      const url = await listeningUrl(server);
      const transport = new StreamableHTTPClientTransport(new URL(url), {
        requestInit: { headers: { Authorization: `Bearer ${canaries.bearer}` } },
      });
      const client = new Client({ name: "e2e-secrets", version: "1.0.0" });
      await client.connect(transport);
      recordIncoming(transport, received);
      await client.setLoggingLevel("debug");
      try {
        const transcript = await runScenario(client, {
          allowDir: allow,
          target: ACME,
          tokenToSave: canaries.saved!,
        });
        answers.push(...transcript.answers);
        // Errors: a rejected token, then a call that uses it.
        const set = await client.callTool({
          name: "auth_set_token",
          arguments: { workspace: "globex", region: "us1", token: canaries.rejected },
        });
        answers.push(JSON.stringify(set));
        const refused = await client.callTool({
          name: "servers_list",
          arguments: { workspace: "globex", region: "us1" },
        });
        expect(refused.isError).toBe(true);
        expect(JSON.stringify(refused.content)).toMatch(/401|token was rejected/);
        answers.push(JSON.stringify(refused));
        // Validation errors echo arguments: a token-shaped value in a wrong place.
        const invalid = await client.callTool({
          name: "auth_set_token",
          arguments: { workspace: "Not A Name", token: canaries.saved },
        });
        expect(invalid.isError).toBe(true);
        answers.push(JSON.stringify(invalid));
      } finally {
        await transport.terminateSession();
        await client.close();
      }
    } finally {
      await server.stop();
      await sandbox.stop();
    }
    expect(received.some((message) => message.includes("notifications/message"))).toBe(true);
    const auditLog = readFileSync(audit, "utf8");
    expect(auditLog.split("\n").filter(Boolean).length).toBeGreaterThanOrEqual(20);
    expect(
      leaks(canaries, {
        "server stdout": server.stdout(),
        "server stderr (log)": server.stderr(),
        "tool results and errors": answers.join("\n"),
        "messages the client received": received.join("\n"),
        "audit log": auditLog,
        "packages/mcp/test/__toolsnaps__": snapshotsText(),
      }),
    ).toEqual([]);
  });

  test("stdio with the sandbox's canary tokens", async () => {
    const work = dir();
    const tokenFile = join(work, "token.json");
    const { child: sandbox, info } = await separateSandbox(tokenFile);
    const canaries: Record<string, string> = { saved: `alpat-canarystdio${hex(12)}` };
    for (const ws of info.workspaces) {
      for (const [kind, token] of Object.entries(ws.tokens))
        canaries[`${ws.workspace}.${kind}`] = token;
    }
    const allow = dir();
    const transport = stdioTransport(
      [
        "--config-file",
        tokenFile,
        "--confirm",
        "allow",
        "--allow-dir",
        allow,
        "--log-level",
        "debug",
        ...SCENARIO_FLAGS,
      ],
      cleanEnv(dir()),
    );
    const stderr: string[] = [];
    collect(transport.stderr, stderr);
    const received: string[] = [];
    const client = new Client({ name: "e2e-secrets-stdio", version: "1.0.0" });
    let answers: string[] = [];
    try {
      await client.connect(transport);
      // stdout of a stdio server is the protocol: every message read from it is recorded.
      recordIncoming(transport, received);
      await client.setLoggingLevel("debug");
      answers = (
        await runScenario(client, { allowDir: allow, target: ACME, tokenToSave: canaries.saved! })
      ).answers;
    } finally {
      await client.close();
      await sandbox.stop();
    }
    expect(
      leaks(canaries, {
        "server stdout (protocol)": received.join("\n"),
        "server stderr (log)": stderr.join(""),
        "tool results": answers.join("\n"),
      }),
    ).toEqual([]);
  });
});

describe.concurrent("HTTP hardening (installed CLI)", () => {
  test("Host, Origin, bearer token and body size are checked", async () => {
    const bearer = `hardening-${hex(16)}`;
    const inspectorPage = ["--allow-origin", "http://localhost:6274"];
    const server = npx(
      "alpacon-mcp",
      // The one web page allowed to call: every other Origin is refused.
      ["--sandbox", "--transport", "http", "--port", "0", "--confirm", "deny", ...inspectorPage],
      cleanEnv(dir(), { ALPACON_MCP_AUTH_TOKEN: bearer }),
    );
    try {
      const url = await listeningUrl(server);
      const port = new URL(url).port;
      const auth = { authorization: `Bearer ${bearer}` };

      const missing = await rawRequest(url, { body: INITIALIZE });
      expect(missing.status).toBe(401);
      expect(missing.headers["www-authenticate"]).toMatch(/^Bearer/);
      const wrong = await rawRequest(url, {
        body: INITIALIZE,
        headers: { authorization: `Bearer ${bearer}x` },
      });
      expect(wrong.status).toBe(401);
      const wrongScheme = await rawRequest(url, {
        body: INITIALIZE,
        headers: { authorization: `token="${bearer}"` },
      });
      expect(wrongScheme.status).toBe(401);

      // DNS rebinding: a page on evil.com whose name now points at 127.0.0.1.
      const host = await rawRequest(url, {
        body: INITIALIZE,
        headers: { ...auth, host: `evil.com:${port}` },
      });
      expect(host.status).toBe(403);
      const origin = await rawRequest(url, {
        body: INITIALIZE,
        headers: { ...auth, origin: "http://evil.com" },
      });
      expect(origin.status).toBe(403);
      const lookalike = await rawRequest(url, {
        body: INITIALIZE,
        headers: { ...auth, origin: "http://localhost.evil.com" },
      });
      expect(lookalike.status).toBe(403);
      // Loopback pages are not trusted either: only the one listed with --allow-origin.
      const localPage = await rawRequest(url, {
        body: INITIALIZE,
        headers: { ...auth, origin: "http://localhost:5173" },
      });
      expect(localPage.status).toBe(403);

      // 5 MiB against the 4 MiB limit. A client that sends its first kilobyte and waits learns
      // of the 413 before uploading the rest.
      const body = Buffer.alloc(5 * 1024 * 1024, 0x20);
      const declared = await rawRequest(url, { body, headers: auth, sendOnly: 1024 });
      expect(declared.status).toBe(413);
      expect(declared.body).toMatch(/larger than/);
      // One that pushes everything regardless gets the 413 too, or (Node's http client) an EPIPE
      // when the server closes the connection before the client reads the answer. Either way
      // nothing is processed and the server keeps answering.
      const streamed = await rawRequest(url, { body, headers: auth });
      expect([413, 0]).toContain(streamed.status);

      // And the right request still works after all that.
      const ok = await rawRequest(url, {
        body: INITIALIZE,
        headers: { ...auth, origin: "http://localhost:6274" },
      });
      expect(ok.status).toBe(200);
      expect(ok.body).toContain('"serverInfo"');
      expect(server.stderr()).not.toContain(bearer);
    } finally {
      await server.stop();
    }
  });

  test("a non-loopback address without a bearer token is refused at start-up", async () => {
    // 203.0.113.7 (TEST-NET-3) is not an address of this machine: even a broken check could
    // not bind it. The refusal must come first, and say why.
    const refused = start(
      "npx",
      [
        "--no",
        "--",
        "alpacon-mcp",
        "--sandbox",
        "--transport",
        "http",
        "--host",
        "203.0.113.7",
        "--port",
        "0",
      ],
      { cwd: installed().dir, env: cleanEnv(dir()) },
    );
    expect(await refused.exited).toBe(1);
    expect(refused.stderr()).toMatch(/refusing to listen on 203\.0\.113\.7 without a bearer token/);
    expect(refused.stderr()).not.toMatch(/listening on/);
    expect(refused.stdout()).toBe("");

    // With a token the same address gets as far as the bind, which fails: the refusal above was
    // the token check, not the address.
    const bound = start(
      "npx",
      ["--no", "--", "alpacon-mcp", "--transport", "http", "--host", "203.0.113.7", "--port", "0"],
      { cwd: installed().dir, env: cleanEnv(dir(), { ALPACON_MCP_AUTH_TOKEN: `t-${hex(16)}` }) },
    );
    expect(await bound.exited).toBe(1);
    expect(bound.stderr()).toMatch(/cannot listen on 203\.0\.113\.7/);
  });

  test("idle sessions are reaped (installed package, startHttpServer)", async () => {
    // The packed code itself, imported from the installation.
    const from = (file: string) => pathToFileURL(join(installed().dir, "node_modules", file)).href;
    const mcp = (await import(from("@alpacon/mcp/dist/index.js"))) as typeof import("@alpacon/mcp");
    const { startSandbox } = (await import(
      from("@alpacon/sandbox/dist/index.js")
    )) as typeof import("@alpacon/sandbox");
    const { loadConfig } = (await import(
      from("@alpacon/sdk/dist/node.js")
    )) as typeof import("@alpacon/sdk/node");
    const work = dir();
    const sandbox = await startSandbox({
      port: 0,
      servers: 2,
      workspaces: [{ region: "ap1", workspace: "acme" }],
    });
    const running = await mcp.startHttpServer({
      host: "127.0.0.1",
      port: 0,
      sessionIdleMs: 300,
      server: {
        config: loadConfig({ configFile: writeTokenFile(sandbox, work), env: {} }),
        confirm: "deny",
      },
    });
    try {
      const opened = await rawRequest(running.url, { body: INITIALIZE });
      expect(opened.status).toBe(200);
      const session = String(opened.headers["mcp-session-id"]);
      expect(running.sessionCount()).toBe(1);
      const headers = { "mcp-session-id": session, "mcp-protocol-version": "2025-06-18" };
      const alive = await rawRequest(running.url, { body: PING, headers });
      expect(alive.status).toBe(200);
      await new Promise((done) => setTimeout(done, 1_000));
      expect(running.sessionCount()).toBe(0);
      const gone = await rawRequest(running.url, { body: PING, headers });
      expect(gone.status).toBe(404);
      expect(gone.body).toMatch(/Session not found/);
    } finally {
      await running.close();
      await sandbox.close();
    }
  });
});
