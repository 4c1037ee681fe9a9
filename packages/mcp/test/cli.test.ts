import { EventEmitter } from "node:events";
import { chmodSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { Server as NetServer } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadConfig } from "@alpacon/sdk/node";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { describe, expect, test, vi } from "vitest";
import { OPTION_DOCS } from "../src/cli/cli-options.js";
import { type CliIo, main } from "../src/cli/main.js";
import { MCP_VERSION, TOOLSETS } from "../src/index.js";
import { call, tempDir } from "./helpers/harness.js";
import { waitFor } from "./helpers/http.js";
import { type MemoryStreams, memoryStreams } from "./helpers/memory-streams.js";

type FakeIo = CliIo & MemoryStreams & { signals: EventEmitter };

function fakeIo(): FakeIo {
  return { ...memoryStreams(), signals: new EventEmitter() };
}

async function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const io = fakeIo();
  const code = await main(argv, env, io);
  return { code, out: io.out(), err: io.err() };
}

describe("alpacon-mcp, in process", () => {
  test("--help lists every flag, its variable and its default", async () => {
    const { code, out, err } = await run(["--help"]);
    expect(code).toBe(0);
    expect(err).toBe("");
    for (const option of OPTION_DOCS) {
      expect(out).toContain(option.flag);
      if (option.env) expect(out).toContain(option.env);
      if (option.default) expect(out).toContain(`default: ${option.default}`);
    }
    for (const toolset of TOOLSETS) expect(out).toContain(toolset);
  });

  test("--help wins over a broken variable; -v prints the version", async () => {
    expect((await run(["-h"], { ALPACON_MCP_PORT: "nope" })).code).toBe(0);
    expect(await run(["--version"])).toEqual({ code: 0, out: `${MCP_VERSION}\n`, err: "" });
    expect((await run(["-v"])).out).toBe(`${MCP_VERSION}\n`);
  });

  test.each([
    [
      ["--toolsets", "metric"],
      /^alpacon-mcp: Unknown toolset "metric". Valid toolsets: all, default, servers, metrics/,
    ],
    [["--tools", "list_server"], /Unknown tool "list_server". Valid tools: servers_list/],
    [["--exclude-tools", "nope"], /Unknown tool "nope"/],
    [["--transport", "pigeon"], /--transport must be one of stdio, http, sse/],
    [["--transport", "http", "--port", "99999"], /--port must be a whole number from 0 to 65535/],
    [["--port", "9000"], /--port only applies with --transport http or sse/],
    [["--stateless"], /--stateless only applies with --transport http/],
    [["--transport", "http", "--stateless", "--confirm", "elicit"], /cannot work with --stateless/],
    [["--log-level", "loud"], /--log-level must be one of debug, info/],
    [["--confirm", "maybe"], /--confirm must be one of elicit, allow, deny/],
    [["--transport", "http", "--auth-token", "short"], /at least 16 characters/],
    [["--sandbox", "--config-file", "x.json"], /--sandbox brings its own workspaces/],
    [["--nope"], /Unknown option '--nope'/],
    [["extra"], /Unexpected argument 'extra'/],
  ])("%j is a usage error (exit 2, one line, no stack)", async (argv, message) => {
    const { code, out, err } = await run(argv);
    expect(code).toBe(2);
    expect(out).toBe("");
    const [first, second, ...rest] = err.trimEnd().split("\n");
    expect(first).toMatch(message);
    expect(second).toBe("Try alpacon-mcp --help.");
    expect(rest).toEqual([]);
  });

  test("variables count like flags, and flags win", async () => {
    const bad = await run([], { ALPACON_MCP_TOOLSETS: "nope" });
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/Unknown toolset "nope"/);
    const flagWins = await run(["--toolsets", "metric"], { ALPACON_MCP_TOOLSETS: "servers" });
    expect(flagWins.err).toMatch(/Unknown toolset "metric"/);
    expect((await run([], { ALPACON_MCP_READ_ONLY: "perhaps" })).err).toMatch(
      /ALPACON_MCP_READ_ONLY must be 1 or 0/,
    );
  });

  test("the README's options table lists every flag and variable", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    for (const option of OPTION_DOCS) {
      for (const flag of option.flag.split(", ")) expect(readme).toContain(`\`${flag}\``);
      if (option.env) expect(readme).toContain(`\`${option.env}`);
    }
  });

  test("no variable this CLI reads can be taken for a workspace token", () => {
    const names = OPTION_DOCS.flatMap((option) => (option.env ? [option.env.split("=")[0]!] : []));
    expect(names).toContain("ALPACON_MCP_AUTH_TOKEN");
    const env = Object.fromEntries(names.map((name) => [name, "alpat-0123456789abcdef"]));
    expect(loadConfig({ env, configFile: join(tempDir(), "none.json") }).workspaces).toEqual([]);
  });

  test("a broken token file is a configuration error (exit 1)", async () => {
    const file = join(tempDir(), "token.json");
    writeFileSync(file, "{not json", { mode: 0o600 });
    const { code, err } = await run(["--config-file", file]);
    expect(code).toBe(1);
    expect(err).toMatch(/alpacon-mcp: The token file .* is not valid JSON/);
    expect(err).not.toMatch(/\n\s+at /);
  });

  test("warns at start, on stderr only, about a token file other users can read", async () => {
    const file = join(tempDir(), "token.json");
    writeFileSync(file, "{}");
    chmodSync(file, 0o644);
    const io = fakeIo();
    const exited = main(["--config-file", file], {}, io);
    await waitFor(() => io.err().includes("ready on stdio"), 10_000);
    io.stdin.end();
    expect(await exited).toBe(0);
    expect(io.err()).toContain(
      `token file ${file}: mode 0644: other users on this machine can read your tokens. Fix: chmod 600 ${file}`,
    );
    expect(io.out()).toBe("");
  });

  test("a non-loopback address without a bearer token: exit 1, nothing bound", async () => {
    const listen = vi.spyOn(NetServer.prototype, "listen");
    try {
      const { code, err } = await run(["--transport", "http", "--host", "0.0.0.0"]);
      expect(code).toBe(1);
      expect(err).toMatch(
        /refusing to listen on 0.0.0.0 without a bearer token.*ALPACON_MCP_AUTH_TOKEN/,
      );
      expect(listen).not.toHaveBeenCalled();
    } finally {
      listen.mockRestore();
    }
  });

  test.skipIf(process.platform === "win32")(
    "an audit log others may write to is refused (exit 1)",
    async () => {
      const file = join(tempDir(), "audit.jsonl");
      writeFileSync(file, "");
      chmodSync(file, 0o666);
      const { code, err } = await run(["--sandbox", "--audit-log", file]);
      expect(code).toBe(1);
      expect(err).toMatch(/writable by other users/);
    },
  );

  test("--sandbox over HTTP: both workspaces, an audit log, and a clean stop on SIGTERM", async () => {
    const audit = join(tempDir(), "audit.jsonl");
    const io = fakeIo();
    const token = "cli-test-bearer-token-0123456789";
    const exited = main(
      [
        "--sandbox",
        "--transport",
        "http",
        "--port",
        "0",
        "--audit-log",
        audit,
        "--log-level",
        "debug",
      ],
      { ALPACON_MCP_AUTH_TOKEN: token },
      io,
    );
    await waitFor(() => io.err().includes("listening on"), 10_000);
    const url = /listening on (\S+)/.exec(io.err())![1]!;
    expect(io.err()).toMatch(/sandbox: .* workspaces acme \(region ap1\), globex \(region us1\)/);
    expect(io.err()).toMatch(/bearer token required/);

    const client = new Client({ name: "test", version: "0" });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(url), {
        requestInit: { headers: { Authorization: `Bearer ${token}` } },
      }),
    );
    for (const workspace of ["acme", "globex"]) {
      expect((await call(client, "servers_list", { workspace })).isError).toBe(false);
    }
    await client.close();

    io.signals.emit("SIGTERM");
    expect(await exited).toBe(0);
    expect(io.out()).toBe("");
    expect(io.err()).toMatch(/stopping: received SIGTERM/);
    expect(io.err()).toMatch(/info alpacon-mcp: servers_list ok in \d+ ms \(workspace globex/);
    expect(io.err()).not.toContain(token);
    const entries = readFileSync(audit, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(entries.map((entry) => entry.workspace)).toEqual(["acme", "globex"]);
    if (process.platform !== "win32") expect(statSync(audit).mode & 0o777).toBe(0o600);
  });

  test("stdio: stops with exit 0 when the client closes stdin", async () => {
    const io = fakeIo();
    const exited = main(["--sandbox"], {}, io);
    await waitFor(() => io.err().includes("ready on stdio"), 10_000);
    io.stdin.end();
    expect(await exited).toBe(0);
    expect(io.err()).toMatch(/stopping: the client closed stdin/);
  });
});

describe("alpacon-mcp as a child process", () => {
  test("--sandbox over stdio with a real MCP client", async () => {
    const root = fileURLToPath(new URL("..", import.meta.url));
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: ["--import", "tsx", "src/cli.ts", "--sandbox", "--toolsets", "servers,auth"],
      cwd: root,
      env: {
        PATH: process.env.PATH ?? "",
        TSX_TSCONFIG_PATH: join(root, "test", "tsconfig.source.json"),
      },
      stderr: "pipe",
    });
    let err = "";
    transport.stderr?.on("data", (chunk: Buffer) => {
      err += chunk.toString();
    });
    const client = new Client({ name: "test", version: "0" });
    await client.connect(transport);
    try {
      const names = (await client.listTools()).tools.map((tool) => tool.name);
      expect(names).toContain("servers_list");
      expect(names).not.toContain("get_cpu_usage");
      const workspaces = await call(client, "workspaces_list");
      expect(workspaces.structured?.workspaces).toEqual([
        expect.objectContaining({ workspace: "acme", region: "ap1" }),
        expect.objectContaining({ workspace: "globex", region: "us1" }),
      ]);
      expect((await call(client, "servers_list", { workspace: "acme" })).isError).toBe(false);
      // stderr is its own pipe: the banner can arrive after stdout's replies on a busy machine.
      const banner = /sandbox: a simulated Alpacon at http:\/\/127\.0\.0\.1:\d+ with workspaces/;
      await waitFor(() => banner.test(err), 5_000);
    } finally {
      await client.close();
    }
    await waitFor(() => err.includes("stopping: the client closed stdin"), 5_000);
  });
});
