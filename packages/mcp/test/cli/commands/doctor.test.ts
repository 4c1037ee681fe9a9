import { chmodSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { type Sandbox, startSandbox } from "@alpacon/sandbox";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Check } from "../../../src/cli/commands/doctor.js";
import { run, sandboxDirs } from "./io.js";

let sandbox: Sandbox;
let closedPort: number;

beforeAll(async () => {
  sandbox = await startSandbox({ servers: 1 });
  // A loopback port nobody listens on: bound, then released.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  closedPort = (probe.address() as { port: number }).port;
  await new Promise((resolve) => probe.close(resolve));
});

afterAll(async () => {
  await sandbox.close();
});

function tokenFile(dir: string, entries: Record<string, Record<string, unknown>>, mode = 0o600) {
  const file = join(dir, "token.json");
  writeFileSync(file, JSON.stringify(entries));
  chmodSync(file, mode);
  return file;
}

function goodEntries() {
  const entries: Record<string, Record<string, unknown>> = {};
  for (const ws of sandbox.workspaces) {
    entries[ws.region] ??= {};
    entries[ws.region]![ws.workspace] = { token: ws.tokens.admin, url: ws.baseUrl };
  }
  return entries;
}

function byTitle(checks: Check[], title: string): Check {
  const check = checks.find((item) => item.title === title);
  if (!check) throw new Error(`no check ${title} in ${checks.map((item) => item.title)}`);
  return check;
}

describe("doctor", () => {
  test("all checks pass: a table, exit 0, no token printed", async () => {
    const { home, project, env } = sandboxDirs();
    const file = tokenFile(home, goodEntries());
    const result = await run(["doctor", "--config-file", file], { env, cwd: project });
    expect(result.err).toBe("");
    expect(result.code).toBe(0);
    const lines = result.out.split("\n");
    expect(lines[0]).toMatch(/^Check\s+Status\s+Details$/);
    expect(result.out).toMatch(/^Node\.js\s+ok\s+v\d+\.\d+\.\d+/m);
    expect(result.out).toMatch(new RegExp(`^Configuration\\s+ok\\s+token file ${file}`, "m"));
    expect(result.out).toMatch(/^Token file permissions\s+ok\s+0600, owned by you/m);
    for (const ws of sandbox.workspaces) {
      expect(result.out).toMatch(
        new RegExp(
          `^${ws.workspace} \\(${ws.region}\\)\\s+ok\\s+${ws.baseUrl} \\(custom URL\\): token accepted`,
          "m",
        ),
      );
      expect(result.out).not.toContain(ws.tokens.admin);
    }
    expect(result.out).toContain("All checks passed.");
    expect(result.out).not.toContain("\u001b["); // no colors off a terminal
  });

  test("failing rows: file mode 0644, a rejected token, an unreachable URL (exit 1, a fix each)", async () => {
    const { home, project, env } = sandboxDirs();
    const [acme, globex] = sandbox.workspaces;
    const file = tokenFile(
      home,
      {
        [acme!.region]: {
          [acme!.workspace]: { token: acme!.tokens.admin, url: acme!.baseUrl },
          gone: {
            token: "alpat-unreachable-0000000000",
            url: `http://127.0.0.1:${closedPort}/gone`,
          },
        },
        [globex!.region]: {
          [globex!.workspace]: { token: "alpat-wrong-token-000000000000", url: globex!.baseUrl },
        },
      },
      0o644,
    );
    const result = await run(["doctor", "--config-file", file], { env, cwd: project });
    expect(result.code).toBe(1);
    expect(result.out).toMatch(
      /^Token file permissions\s+warn\s+mode 0644: other users on this machine can read your tokens/m,
    );
    expect(result.out).toContain(`fix: chmod 600 ${file}`);
    expect(result.out).toMatch(/^globex \(us1\)\s+fail\s+.*token rejected \(401/m);
    expect(result.out).toContain(
      "fix: token rejected: set a new one with `alpacon-mcp auth set --workspace globex --region us1`",
    );
    expect(result.out).toMatch(
      new RegExp(
        `^gone \\(ap1\\)\\s+fail\\s+cannot reach http://127\\.0\\.0\\.1:${closedPort}/gone`,
        "m",
      ),
    );
    expect(result.out).toMatch(/^acme \(ap1\)\s+ok/m);
    expect(result.out).toContain("3 problems found.");
    expect(result.out).not.toContain("alpat-wrong-token");
    expect(result.out).not.toContain(acme!.tokens.admin);

    const json = await run(["doctor", "--config-file", file, "--json"], { env, cwd: project });
    expect(json.code).toBe(1);
    const report = JSON.parse(json.out) as { ok: boolean; version: string; checks: Check[] };
    expect(report.ok).toBe(false);
    expect(report.checks.map((check) => [check.id, check.status])).toEqual([
      ["node", "ok"],
      ["config", "ok"],
      ["permissions", "warn"],
      ["workspace", "ok"],
      ["workspace", "fail"],
      ["workspace", "fail"],
    ]);
    expect(byTitle(report.checks, "globex (us1)")).toMatchObject({
      id: "workspace",
      workspace: "globex",
      region: "us1",
      url: globex!.baseUrl,
      tokenSource: file,
      status: "fail",
      fix: expect.stringContaining("alpacon-mcp auth set --workspace globex --region us1"),
    });
    expect(byTitle(report.checks, "gone (ap1)").detail).toMatch(/ECONNREFUSED/);
    expect(byTitle(report.checks, "acme (ap1)").ms).toBeGreaterThanOrEqual(0);
    expect(json.out).not.toContain("alpat-wrong-token");
  });

  test("a token from a variable: names only, and the fix names the variable", async () => {
    const { home, project, env } = sandboxDirs();
    const [acme] = sandbox.workspaces;
    const result = await run(["doctor", "--json"], {
      env: {
        ...env,
        ALPACON_MCP_AP1_ACME_TOKEN: "alpat-bad-from-the-environment-00",
        ALPACON_MCP_AP1_ACME_URL: acme!.baseUrl,
      },
      cwd: project,
    });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.out) as { checks: Check[] };
    expect(byTitle(report.checks, "Configuration").detail).toContain(
      "variables: ALPACON_MCP_AP1_ACME_TOKEN, ALPACON_MCP_AP1_ACME_URL",
    );
    expect(byTitle(report.checks, "Configuration").detail).toContain(
      join(home, ".alpacon-mcp", "token.json"),
    );
    expect(byTitle(report.checks, "Token file permissions").status).toBe("skip");
    expect(byTitle(report.checks, "acme (ap1)").fix).toContain(
      "put a valid token in ALPACON_MCP_AP1_ACME_TOKEN",
    );
    expect(result.out).not.toContain("alpat-bad-from-the-environment");
  });

  test("an invalid workspace name fails its own row; the other workspaces are still checked", async () => {
    const { home, project, env } = sandboxDirs();
    const file = tokenFile(home, goodEntries());
    // "_" stands for "-", so BAD_ is the workspace "bad-": invalid (a trailing hyphen).
    const result = await run(["doctor", "--config-file", file, "--json"], {
      env: { ...env, ALPACON_MCP_AP1_BAD__TOKEN: "alpat-whatever-000000000000" },
      cwd: project,
    });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.out) as { checks: Check[] };
    expect(byTitle(report.checks, "Configuration")).toMatchObject({
      status: "fail",
      detail: expect.stringContaining("1 entry cannot be used, listed below: bad- (ap1)."),
    });
    expect(byTitle(report.checks, "bad- (ap1)")).toMatchObject({
      status: "fail",
      tokenSource: "ALPACON_MCP_AP1_BAD__TOKEN",
      fix: expect.stringContaining("rename or unset ALPACON_MCP_AP1_BAD__TOKEN"),
    });
    for (const ws of sandbox.workspaces) {
      expect(byTitle(report.checks, `${ws.workspace} (${ws.region})`).status).toBe("ok");
    }
    expect(result.out).not.toContain("alpat-whatever");
  });

  test("each bad entry gets its own row with its fix: a malformed file entry, a bad URL variable", async () => {
    const { home, project, env } = sandboxDirs();
    const [acme] = sandbox.workspaces;
    const file = tokenFile(home, {
      [acme!.region]: {
        [acme!.workspace]: { token: acme!.tokens.admin, url: acme!.baseUrl },
        broken: { url: "https://broken.example" },
      },
    });
    const result = await run(["doctor", "--config-file", file], {
      env: {
        ...env,
        ALPACON_MCP_US1_OTHER_TOKEN: "alpat-other-000000000000",
        ALPACON_MCP_US1_OTHER_URL: "http://example.com",
      },
      cwd: project,
    });
    expect(result.code).toBe(1);
    // The configuration row points at the rows below; it is not counted as a third problem.
    expect(result.out).toMatch(
      /^Configuration\s+fail\s+2 entries cannot be used, listed below: broken \(ap1\), other \(us1\)\./m,
    );
    expect(result.out).toContain("2 problems found.");
    expect(result.out).toMatch(/^broken \(ap1\)\s+fail\s+In .*ap1\.broken must be/m);
    expect(result.out).toContain(`fix: make ap1.broken in ${file} a token string`);
    expect(result.out).toMatch(/^other \(us1\)\s+fail\s+Refusing plain http to example\.com/m);
    expect(result.out).toContain("fix: correct ALPACON_MCP_US1_OTHER_URL");
    expect(result.out).toMatch(/^acme \(ap1\)\s+ok/m);
    expect(result.out).not.toContain("alpat-other");
    expect(result.out).not.toContain(acme!.tokens.admin);
  });

  test("_ in a variable name stands for - in the workspace: MY_TEAM is my-team", async () => {
    const { project, env } = sandboxDirs();
    const [acme] = sandbox.workspaces;
    const result = await run(["doctor", "--json"], {
      env: {
        ...env,
        ALPACON_MCP_AP1_MY_TEAM_TOKEN: acme!.tokens.admin,
        ALPACON_MCP_AP1_MY_TEAM_URL: acme!.baseUrl,
      },
      cwd: project,
    });
    const report = JSON.parse(result.out) as { checks: Check[] };
    expect(byTitle(report.checks, "Configuration")).toMatchObject({
      status: "ok",
      detail: expect.stringContaining(
        "variables: ALPACON_MCP_AP1_MY_TEAM_TOKEN, ALPACON_MCP_AP1_MY_TEAM_URL; 1 workspace",
      ),
    });
    expect(byTitle(report.checks, "my-team (ap1)")).toMatchObject({
      status: "ok",
      workspace: "my-team",
      region: "ap1",
      tokenSource: "ALPACON_MCP_AP1_MY_TEAM_TOKEN",
    });
    expect(result.out).not.toContain(acme!.tokens.admin);
  });

  test("nothing configured: the configuration row fails with what to do", async () => {
    const { project, env } = sandboxDirs();
    const result = await run(["doctor"], { env, cwd: project });
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/^Configuration\s+fail/m);
    expect(result.out).toContain("fix: save a token: alpacon-mcp auth set --workspace <workspace>");
  });

  test("a broken token file is named, never quoted", async () => {
    const { home, project, env } = sandboxDirs();
    const file = join(home, "token.json");
    writeFileSync(file, '{"ap1": {"acme": "alpat-secret-in-broken-file"', { mode: 0o600 });
    const result = await run(["doctor", "--config-file", file], { env, cwd: project });
    expect(result.code).toBe(1);
    expect(result.out).toContain(`The token file ${file} is not valid JSON`);
    expect(result.out).not.toContain("alpat-secret-in-broken-file");
  });

  test("a URL variable without any token is reported, not ignored", async () => {
    const { project, env } = sandboxDirs();
    const result = await run(["doctor"], {
      env: { ...env, ALPACON_MCP_AP1_ACME_URL: "https://acme.example" },
      cwd: project,
    });
    expect(result.code).toBe(1);
    expect(result.out).toMatch(
      /^acme \(ap1\)\s+fail\s+ALPACON_MCP_AP1_ACME_URL is set but acme \(ap1\) has no token/m,
    );
    expect(result.out).toContain("fix: set ALPACON_MCP_AP1_ACME_TOKEN, or save a token with");
    expect(result.out).toContain("1 problem found.");
  });

  test("an unreachable URL from a variable: the fix names the URL variable", async () => {
    const { project, env } = sandboxDirs();
    const result = await run(["doctor", "--json"], {
      env: {
        ...env,
        ALPACON_MCP_AP1_GONE_TOKEN: "alpat-unreachable-0000000000",
        ALPACON_MCP_AP1_GONE_URL: `http://127.0.0.1:${closedPort}`,
      },
      cwd: project,
    });
    const report = JSON.parse(result.out) as { checks: Check[] };
    const gone = byTitle(report.checks, "gone (ap1)");
    expect(gone.status).toBe("fail");
    expect(gone.fix).toContain("ALPACON_MCP_AP1_GONE_URL");
    expect(gone.fix).not.toContain("ALPACON_MCP_AP1_GONE_TOKEN");
  });

  test("malformed JSON: the line and column, never the content", async () => {
    const { home, project, env } = sandboxDirs();
    const file = join(home, "token.json");
    writeFileSync(file, '{\n  "ap1": {\n    "acme": "alpat-secret-comma",\n  }\n}\n', {
      mode: 0o600,
    });
    const result = await run(["doctor", "--config-file", file], { env, cwd: project });
    expect(result.code).toBe(1);
    expect(result.out).toContain(`The token file ${file} is not valid JSON (line 4, column 3)`);
    writeFileSync(file, '{"ap1": {"acme": "alpat-secret-cut"', { mode: 0o600 });
    const cut = await run(["doctor", "--config-file", file], { env, cwd: project });
    expect(cut.out).toContain("is not valid JSON (unexpected end at line 1, column 36)");
    expect(result.out + cut.out).not.toContain("alpat-secret");
  });

  test("a file without the region level: one problem, named as such", async () => {
    const { home, project, env } = sandboxDirs();
    const file = tokenFile(home, { acme: "alpat-no-region-000000" as never });
    const result = await run(["doctor", "--config-file", file], { env, cwd: project });
    expect(result.code).toBe(1);
    expect(result.out).toMatch(
      /^acme \(no region\)\s+fail\s+In .* "acme" holds a token without a region/m,
    );
    expect(result.out).toContain('{"<region>": {"acme": "<token>"}}');
    expect(result.out).not.toMatch(/\(region\)/);
    expect(result.out).toContain("1 problem found.");
    expect(result.out).not.toContain("alpat-no-region");
  });

  test("--help, and a bad flag is a usage error", async () => {
    const help = await run(["doctor", "--help"]);
    expect(help.code).toBe(0);
    expect(help.out).toContain("Usage: alpacon-mcp doctor");
    const bad = await run(["doctor", "--timeout", "0"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("Try alpacon-mcp doctor --help.");
  });
});
