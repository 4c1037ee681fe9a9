import { spawn } from "node:child_process";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Sandbox, startSandbox } from "@alpacon/sandbox";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { maskToken } from "../../../src/cli/commands/auth.js";
import { run, sandboxDirs } from "./io.js";

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ servers: 1 });
});

afterAll(async () => {
  await sandbox.close();
});

const acme = () => sandbox.workspaces.find((ws) => ws.workspace === "acme")!;

describe("auth set", () => {
  test("reads a piped token, checks it against the workspace, saves it with mode 0600", async () => {
    const { home, project, env } = sandboxDirs();
    const ws = acme();
    const result = await run(
      ["auth", "set", "--workspace", "acme", "--region", "ap1", "--url", ws.baseUrl],
      { env, cwd: project, stdin: `${ws.tokens.admin}\n` },
    );
    expect(result.err).toBe("");
    expect(result.code).toBe(0);
    const file = join(home, ".alpacon-mcp", "token.json");
    expect(result.out).toContain(`Saved the token for acme (ap1) in ${file}`);
    expect(result.out).toContain(`${ws.baseUrl} accepted it`);
    expect(result.out).not.toContain(ws.tokens.admin);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual({
      ap1: { acme: { token: ws.tokens.admin, url: ws.baseUrl } },
    });
  });

  test("a token the workspace rejects is not saved", async () => {
    const { home, project, env } = sandboxDirs();
    const result = await run(["auth", "set", "--workspace", "acme", "--url", acme().baseUrl], {
      env,
      cwd: project,
      stdin: "alpat-not-a-real-token-000000",
    });
    expect(result.code).toBe(1);
    expect(result.err).toContain("rejected this token (401");
    expect(result.err).toContain("Nothing was saved");
    expect(result.err).not.toContain("alpat-not-a-real-token");
    expect(existsSync(join(home, ".alpacon-mcp"))).toBe(false);
  });

  test("a workspace it cannot reach: not saved unless --no-verify", async () => {
    const { home, project, env } = sandboxDirs();
    const file = join(home, "t.json");
    const argv = [
      "auth",
      "set",
      "--workspace",
      "far",
      "--url",
      "http://127.0.0.1:1/far",
      "--config-file",
      file,
    ];
    const refused = await run(argv, { env, cwd: project, stdin: "alpat-offline-token-0000000" });
    expect(refused.code).toBe(1);
    expect(refused.err).toContain("cannot reach http://127.0.0.1:1/far");
    expect(refused.err).toContain("--no-verify");
    expect(existsSync(file)).toBe(false);
    const saved = await run([...argv, "--no-verify"], {
      env,
      cwd: project,
      stdin: "alpat-offline-token-0000000",
    });
    expect(saved.code).toBe(0);
    expect(saved.out).toContain("without checking it");
    expect(JSON.parse(readFileSync(file, "utf8")).ap1.far.token).toBe(
      "alpat-offline-token-0000000",
    );
  });

  test("a URL saved before is kept when the token is replaced; a variable that wins is pointed out", async () => {
    const { home, project, env } = sandboxDirs();
    const ws = acme();
    const file = join(home, "token.json");
    writeFileSync(
      file,
      JSON.stringify({ ap1: { acme: { token: "alpat-old", url: ws.baseUrl } } }),
      {
        mode: 0o600,
      },
    );
    const result = await run(["auth", "set", "--workspace", "acme", "--config-file", file], {
      env: { ...env, ALPACON_MCP_AP1_ACME_TOKEN: "alpat-from-env" },
      cwd: project,
      stdin: ws.tokens.readOnly,
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(readFileSync(file, "utf8")).ap1.acme).toEqual({
      token: ws.tokens.readOnly,
      url: ws.baseUrl,
    });
    expect(result.out).toContain("ALPACON_MCP_AP1_ACME_TOKEN is set and wins over the token file");
    expect(result.out).not.toContain("alpat-from-env");
  });

  test("on a terminal the token is asked for with hidden input", async () => {
    const { home, project, env } = sandboxDirs();
    const ws = acme();
    const result = await run(["auth", "set", "--workspace", "acme", "--url", ws.baseUrl], {
      env,
      cwd: project,
      tty: { keys: [ws.tokens.admin, "\r"] },
    });
    expect(result.code).toBe(0);
    expect(result.err).toContain("API token for acme (ap1)");
    expect(result.err).not.toContain(ws.tokens.admin);
    expect(result.out).not.toContain(ws.tokens.admin);
    const file = join(home, ".alpacon-mcp", "token.json");
    expect(JSON.parse(readFileSync(file, "utf8")).ap1.acme.token).toBe(ws.tokens.admin);
  });

  test.each([
    [["--region", "ap1"], "", /--workspace is required/],
    [["--workspace", "Bad_Name"], "x", /Invalid workspace name "Bad_Name"/],
    [["--workspace", "acme", "--url", "ftp://x"], "x", /--url: Invalid base URL scheme/],
    [["--workspace", "acme", "--token", "x"], "x", /Unknown option '--token'/],
    [["--workspace", "acme"], "", /no token on standard input/],
  ])("auth set %j is a usage error (exit 2)", async (argv, stdin, message) => {
    const { project, env } = sandboxDirs();
    const result = await run(["auth", "set", ...argv], { env, cwd: project, stdin });
    expect(result.code).toBe(2);
    expect(result.err).toMatch(message);
    expect(result.err).toContain("Try alpacon-mcp auth set --help.");
  });

  test("something that is not a token is refused before any request", async () => {
    const { project, env } = sandboxDirs();
    const result = await run(["auth", "set", "--workspace", "acme"], {
      env,
      cwd: project,
      stdin: "two words",
    });
    expect(result.code).toBe(1);
    expect(result.err).toContain("does not look like an API token");
    expect(result.err).not.toContain("two words");
  });
});

describe("auth list", () => {
  test("shows region, workspace, masked token, URL and source; never a whole token", async () => {
    const { home, project, env } = sandboxDirs();
    const ws = acme();
    const file = join(home, "token.json");
    writeFileSync(
      file,
      JSON.stringify({
        ap1: { acme: { token: ws.tokens.admin, url: ws.baseUrl }, short: "abcd1234" },
      }),
      { mode: 0o600 },
    );
    const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ";
    const listEnv = { ...env, ALPACON_MCP_US1_GLOBEX_TOKEN: jwt };
    const table = await run(["auth", "list", "--config-file", file], {
      env: listEnv,
      cwd: project,
    });
    expect(table.code).toBe(0);
    expect(table.out).toMatch(/^Region\s+Workspace\s+Token\s+URL\s+Source$/m);
    expect(table.out).toMatch(
      new RegExp(
        `^ap1\\s+acme\\s+alpat-…${ws.tokens.admin.slice(-4)}\\s+${ws.baseUrl}\\s+token file$`,
        "m",
      ),
    );
    expect(table.out).toMatch(
      /^ap1\s+short\s+••••\s+https:\/\/short\.ap1\.alpacon\.io\s+token file$/m,
    );
    expect(table.out).toMatch(
      new RegExp(
        `^us1\\s+globex\\s+…${jwt.slice(-4)}\\s+https://globex\\.us1\\.alpacon\\.io\\s+ALPACON_MCP_US1_GLOBEX_TOKEN$`,
        "m",
      ),
    );
    expect(table.out).toContain(`Token file: ${file}`);
    const json = await run(["auth", "list", "--config-file", file, "--json"], {
      env: listEnv,
      cwd: project,
    });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out)).toEqual({
      configFile: file,
      workspaces: [
        {
          region: "ap1",
          workspace: "acme",
          token: maskToken(ws.tokens.admin),
          url: ws.baseUrl,
          baseUrl: ws.baseUrl,
          source: file,
        },
        {
          region: "ap1",
          workspace: "short",
          token: "••••",
          url: null,
          baseUrl: "https://short.ap1.alpacon.io",
          source: file,
        },
        {
          region: "us1",
          workspace: "globex",
          token: maskToken(jwt),
          url: null,
          baseUrl: "https://globex.us1.alpacon.io",
          source: "ALPACON_MCP_US1_GLOBEX_TOKEN",
        },
      ],
    });
    for (const output of [table.out, json.out]) {
      expect(output).not.toContain(ws.tokens.admin);
      expect(output).not.toContain("abcd1234");
      expect(output).not.toContain(jwt);
    }
  });

  test("masking keeps the kind and at most the last four characters", () => {
    expect(maskToken("alpat-0123456789abcdefWXYZ")).toBe("alpat-…WXYZ");
    expect(maskToken("alpat-short")).toBe("alpat-••••");
    expect(maskToken("0123456789abcdef")).toBe("…cdef");
    expect(maskToken("12345678")).toBe("••••");
  });

  test("nothing configured says how to add a token", async () => {
    const { project, env } = sandboxDirs();
    const result = await run(["auth", "list"], { env, cwd: project });
    expect(result.code).toBe(0);
    expect(result.out).toContain("No workspace is configured");
    expect(result.out).toContain("alpacon-mcp auth set --workspace <workspace>");
  });
});

describe("auth remove", () => {
  test("removes the token; a second time there is nothing to remove (exit 1)", async () => {
    const { home, project, env } = sandboxDirs();
    const file = join(home, "token.json");
    writeFileSync(
      file,
      JSON.stringify({ ap1: { acme: "alpat-aaaaaaaa", beta: "alpat-bbbbbbbb" } }),
      {
        mode: 0o600,
      },
    );
    const argv = ["auth", "remove", "--workspace", "acme", "--config-file", file];
    const removed = await run(argv, { env, cwd: project });
    expect(removed.code).toBe(0);
    expect(removed.out).toContain(`Removed the token for acme (ap1) from ${file}`);
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual({ ap1: { beta: "alpat-bbbbbbbb" } });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const again = await run(argv, {
      env: { ...env, ALPACON_MCP_AP1_ACME_TOKEN: "alpat-env" },
      cwd: project,
    });
    expect(again.code).toBe(1);
    expect(again.err).toContain(`no token for acme (ap1) is saved in ${file}`);
    expect(again.err).toContain("ALPACON_MCP_AP1_ACME_TOKEN still provides a token");
  });
});

describe("auth help", () => {
  test("auth without a command prints its help (exit 2); --help on each (exit 0)", async () => {
    const bare = await run(["auth"]);
    expect(bare.code).toBe(2);
    expect(bare.err).toContain("Usage: alpacon-mcp auth <set|remove|list>");
    for (const sub of ["set", "remove", "list"]) {
      const help = await run(["auth", sub, "--help"]);
      expect(help.code).toBe(0);
      expect(help.out).toContain(`Usage: alpacon-mcp auth ${sub}`);
    }
    const unknown = await run(["auth", "rotate"]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('unknown auth command "rotate"');
  });

  test("the top-level help lists the subcommands; an unknown word names them", async () => {
    const help = await run(["--help"]);
    for (const name of ["setup", "doctor", "auth"])
      expect(help.out).toMatch(new RegExp(`^  ${name} `, "m"));
    const unknown = await run(["setpu"]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain("Unexpected argument 'setpu'; commands are setup, doctor, auth");
  });
});

describe("auth set as a child process", () => {
  test("an unreachable URL with a piped token: a clear message and exit 1, not a silent 13", async () => {
    // A loopback port nobody listens on: bound, then released.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const port = (probe.address() as { port: number }).port;
    await new Promise((resolve) => probe.close(resolve));
    const { home } = sandboxDirs();
    const configFile = join(home, "token.json");
    const root = fileURLToPath(new URL("../../..", import.meta.url));
    // The retry's backoff timer once did not hold the process open: Node exited with 13
    // ("unsettled top-level await") while the check was still pending, printing nothing.
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        join(root, "src/cli.ts"),
        "auth",
        "set",
        "--workspace",
        "acme",
        "--region",
        "ap1",
        "--url",
        `http://127.0.0.1:${port}`,
        "--config-file",
        configFile,
      ],
      {
        // tsx resolves from here.
        cwd: root,
        env: {
          PATH: process.env.PATH ?? "",
          HOME: home,
          TSX_TSCONFIG_PATH: join(root, "test", "tsconfig.source.json"),
        },
      },
    );
    let err = "";
    child.stderr.on("data", (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.stdin.end("alpat-unreachable-000000000000\n");
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(err).toContain(`cannot reach http://127.0.0.1:${port} to check the token`);
    expect(err).toContain("Nothing was saved");
    expect(code).toBe(1);
    expect(existsSync(configFile)).toBe(false);
  }, 30_000);
});
