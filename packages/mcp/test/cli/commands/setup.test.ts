import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, expect, test } from "vitest";
import { parse as parseYaml } from "yaml";
import { CLIENT_IDS, type ClientId, resolveLauncher } from "../../../src/cli/commands/clients.js";
import { run, sandboxDirs } from "./io.js";

/** The default from a clone: this checkout's built CLI, started with node (see serverCommand). */
const CLI = resolve(import.meta.dirname, "../../../dist/cli.js");
const FROM_CHECKOUT = { command: "node", args: [CLI] };
const TOKEN = "alpat-SECRETsecretSECRETsecret0001";

/** Where each client's file lands on Linux, and how to read our entry back from it. */
const EXPECTED: Record<
  ClientId,
  {
    path: (home: string, project: string) => string;
    read: (text: string) => unknown;
    entry: Record<string, unknown>;
    /** An existing file with another server and an unknown key. */
    existing: string;
    kept: (text: string) => void;
  }
> = {
  "claude-desktop": {
    path: (home) => join(home, ".config", "Claude", "claude_desktop_config.json"),
    read: (text) => JSON.parse(text).mcpServers.alpacon,
    entry: FROM_CHECKOUT,
    existing: `{\n  "globalShortcut": "Ctrl+Space",\n  "mcpServers": {\n    "github": { "command": "gh-mcp" }\n  }\n}\n`,
    kept: (text) => {
      const data = JSON.parse(text);
      expect(data.globalShortcut).toBe("Ctrl+Space");
      expect(data.mcpServers.github).toEqual({ command: "gh-mcp" });
    },
  },
  "claude-code": {
    path: (_home, project) => join(project, ".mcp.json"),
    read: (text) => JSON.parse(text).mcpServers.alpacon,
    entry: { type: "stdio", ...FROM_CHECKOUT },
    existing: `{\n  "mcpServers": {\n    "memory": { "type": "stdio", "command": "mem" }\n  },\n  "x-team": 1\n}\n`,
    kept: (text) => {
      const data = JSON.parse(text);
      expect(data["x-team"]).toBe(1);
      expect(data.mcpServers.memory).toEqual({ type: "stdio", command: "mem" });
    },
  },
  cursor: {
    path: (home) => join(home, ".cursor", "mcp.json"),
    read: (text) => JSON.parse(text).mcpServers.alpacon,
    entry: FROM_CHECKOUT,
    existing: `{\n    "mcpServers": {\n        "linear": {\n            "url": "https://mcp.linear.app/sse"\n        }\n    }\n}\n`,
    kept: (text) => {
      expect(JSON.parse(text).mcpServers.linear).toEqual({ url: "https://mcp.linear.app/sse" });
      expect(text).toContain('\n        "alpacon": {'); // the file's own 4-space indent
    },
  },
  vscode: {
    path: (_home, project) => join(project, ".vscode", "mcp.json"),
    read: (text) => parseJsonc(text).servers.alpacon,
    entry: { type: "stdio", ...FROM_CHECKOUT },
    existing: `{\n  // Team servers\n  "servers": {\n    "fetch": { "type": "stdio", "command": "uvx", "args": ["mcp-server-fetch"] },\n  },\n  "inputs": []\n}\n`,
    kept: (text) => {
      expect(text).toContain("// Team servers");
      const data = parseJsonc(text);
      expect(data.servers.fetch.command).toBe("uvx");
      expect(data.inputs).toEqual([]);
    },
  },
  continue: {
    path: (_home, project) => join(project, ".continue", "mcpServers", "alpacon.yaml"),
    read: (text) =>
      parseYaml(text).mcpServers.find((item: { name: string }) => item.name === "alpacon"),
    entry: { name: "alpacon", ...FROM_CHECKOUT },
    existing: `# shared block\nname: Team servers\nversion: 1.0.0\nschema: v1\nmcpServers:\n  - name: sqlite # local db\n    command: uvx\n    args: [mcp-server-sqlite]\n`,
    kept: (text) => {
      expect(text).toContain("# shared block");
      expect(text).toContain("# local db");
      const data = parseYaml(text);
      expect(data.name).toBe("Team servers");
      expect(data.mcpServers[0]).toEqual({
        name: "sqlite",
        command: "uvx",
        args: ["mcp-server-sqlite"],
      });
    },
  },
  windsurf: {
    path: (home) => join(home, ".codeium", "windsurf", "mcp_config.json"),
    read: (text) => JSON.parse(text).mcpServers.alpacon,
    entry: FROM_CHECKOUT,
    existing: `{"mcpServers":{"brave":{"command":"npx","args":["-y","brave-search"],"env":{"BRAVE_API_KEY":"bsk-abcdef123456"}}}}\n`,
    kept: (text) => {
      expect(JSON.parse(text).mcpServers.brave.env).toEqual({ BRAVE_API_KEY: "bsk-abcdef123456" });
    },
  },
};

function parseJsonc(text: string) {
  return JSON.parse(text.replace(/^\s*\/\/.*$/gm, "").replace(/,(\s*[}\]])/g, "$1"));
}

function backups(file: string): string[] {
  const dir = dirname(file);
  if (!existsSync(dir)) return [];
  const base = file.slice(dir.length + 1);
  return readdirSync(dir).filter((name) => name.startsWith(`${base}.bak-`));
}

/** `alpacon-mcp setup …` as on Linux, in a test's own home and project directories. */
function setupOnLinux(args: string[], env: NodeJS.ProcessEnv, project: string) {
  return run(["setup", ...args], { env, cwd: project, platform: "linux" });
}

describe.each(CLIENT_IDS)("setup --client %s", (client) => {
  const expected = EXPECTED[client];

  test("creates the client's file in its usual place", async () => {
    const { home, project, env } = sandboxDirs();
    const result = await setupOnLinux(["--client", client, "--yes"], env, project);
    expect(result.err).toBe("");
    expect(result.code).toBe(0);
    const file = expected.path(home, project);
    const text = readFileSync(file, "utf8");
    expect(expected.read(text)).toEqual(expected.entry);
    expect(result.out).toContain(`+++ ${file}`);
    expect(result.out).toContain("--- /dev/null");
    expect(result.out).toContain(`Created ${file}`);
    expect(backups(file)).toEqual([]);
  });

  test("merges into an existing file: others kept, backup made, only our lines in the diff", async () => {
    const { home, project, env } = sandboxDirs();
    const file = expected.path(home, project);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, expected.existing);
    const result = await setupOnLinux(["--client", client, "--yes"], env, project);
    expect(result.err).toBe("");
    expect(result.code).toBe(0);
    const text = readFileSync(file, "utf8");
    expect(expected.read(text)).toEqual(expected.entry);
    expected.kept(text);
    const [backup, ...more] = backups(file);
    expect(more).toEqual([]);
    expect(backup).toMatch(/\.bak-\d{8}T\d{6}Z$/);
    expect(readFileSync(join(dirname(file), backup!), "utf8")).toBe(expected.existing);
    expect(result.out).toContain(`Backed up the previous file to ${join(dirname(file), backup!)}`);
    // Nothing of the old file is rewritten, except the line our entry is appended to.
    const lines = result.out.split("\n");
    const removed = lines.filter((line) => /^-(?!--)/.test(line));
    const added = lines.filter((line) => /^\+(?!\+\+)/.test(line));
    expect(removed.length).toBeLessThanOrEqual(1);
    for (const line of removed) {
      const kept = line.slice(1).replace(/[\s}\],]*$/, "");
      expect(added.some((other) => other.slice(1).startsWith(kept))).toBe(true);
    }
    expect(result.out).toMatch(/^\+.*alpacon/m);

    // Again: nothing to change, no second backup.
    const again = await setupOnLinux(["--client", client, "--yes"], env, project);
    expect(again.code).toBe(0);
    expect(again.out).toContain("already up to date");
    expect(backups(file)).toHaveLength(1);
  });

  test("a file it cannot parse is refused and left as it was", async () => {
    const { home, project, env } = sandboxDirs();
    const file = expected.path(home, project);
    mkdirSync(dirname(file), { recursive: true });
    const broken = client === "continue" ? "mcpServers:\n  - name: [oops\n" : '{ "mcpServers": { ';
    writeFileSync(file, broken);
    const result = await setupOnLinux(["--client", client, "--yes"], env, project);
    expect(result.code).toBe(1);
    expect(result.err).toContain(`${file} was left untouched`);
    expect(result.err).toMatch(/not valid (JSON|YAML)/);
    expect(result.err.trim().split("\n")).toHaveLength(1);
    expect(readFileSync(file, "utf8")).toBe(broken);
    expect(backups(file)).toEqual([]);
  });

  test("--dry-run shows the change and writes nothing", async () => {
    const { home, project, env } = sandboxDirs();
    const result = await setupOnLinux(["--client", client, "--dry-run"], env, project);
    expect(result.code).toBe(0);
    expect(result.out).toContain("+++ ");
    expect(result.out).toContain("Dry run: nothing was written.");
    expect(existsSync(expected.path(home, project))).toBe(false);
    expect(readdirSync(home)).toEqual([]);
    expect(readdirSync(project)).toEqual([]);
  });
});

describe("setup", () => {
  test("never writes or prints a token, and masks secrets of other servers in the diff", async () => {
    const { home, project, env } = sandboxDirs();
    const tokenFile = join(home, "tokens.json");
    writeFileSync(tokenFile, JSON.stringify({ ap1: { acme: TOKEN } }), { mode: 0o600 });
    const file = join(home, ".cursor", "mcp.json");
    mkdirSync(dirname(file));
    const other = `{\n  "mcpServers": {\n    "gh": {\n      "command": "gh-mcp",\n      "env": { "GITHUB_TOKEN": "ghp_0123456789abcdef" }\n    }\n  }\n}\n`;
    writeFileSync(file, other);
    const result = await setupOnLinux(
      [
        "--client",
        "cursor",
        "--config-file",
        "~/tokens.json",
        "--read-only",
        "--command",
        "npx",
        "--yes",
      ],
      { ...env, ALPACON_MCP_AP1_ACME_TOKEN: TOKEN },
      project,
    );
    expect(result.code).toBe(0);
    const text = readFileSync(file, "utf8");
    expect(JSON.parse(text).mcpServers.alpacon).toEqual({
      command: "npx",
      args: ["-y", "@alpacon/mcp", "--config-file", tokenFile, "--read-only"],
    });
    expect(text).not.toContain(TOKEN);
    expect(text).toContain("ghp_0123456789abcdef"); // the other server's own setting is kept
    const printed = result.out + result.err;
    expect(printed).not.toContain(TOKEN);
    expect(printed).not.toContain("ghp_0123456789abcdef");
    expect(printed).toContain('"GITHUB_TOKEN": "[redacted]"');
  });

  test("updating our entry keeps its other keys, drops an old URL, and warns about a token in env", async () => {
    const { home, project, env } = sandboxDirs();
    const file = join(home, ".codeium", "windsurf", "mcp_config.json");
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(
      file,
      JSON.stringify({
        mcpServers: {
          alpacon: {
            serverUrl: "http://127.0.0.1:8237/mcp",
            disabled: false,
            env: { ALPACON_MCP_AP1_ACME_TOKEN: TOKEN },
          },
        },
      }),
    );
    const result = await setupOnLinux(
      ["--client", "windsurf", "--sandbox", "--command", "npx", "--yes"],
      env,
      project,
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(readFileSync(file, "utf8")).mcpServers.alpacon).toEqual({
      command: "npx",
      args: ["-y", "@alpacon/mcp", "--sandbox"],
      disabled: false,
      env: { ALPACON_MCP_AP1_ACME_TOKEN: TOKEN },
    });
    expect(result.out).toContain(
      'warning: the "alpacon" entry passes ALPACON_MCP_AP1_ACME_TOKEN in its env',
    );
    expect(result.out).not.toContain(TOKEN);
  });

  test("Claude Desktop's file on macOS and Windows; npx through cmd /c on Windows", async () => {
    const { home, project, env } = sandboxDirs();
    const mac = await run(["setup", "--client", "claude-desktop", "--dry-run", "--json"], {
      env,
      cwd: project,
      platform: "darwin",
    });
    expect(JSON.parse(mac.out).file).toBe(
      join(home, "Library", "Application Support", "Claude", "claude_desktop_config.json"),
    );
    const appData = join(home, "AppData", "Roaming");
    const windows = await run(
      ["setup", "--client", "claude-desktop", "--command", "npx", "--dry-run", "--json"],
      {
        env: { ...env, APPDATA: appData },
        cwd: project,
        platform: "win32",
      },
    );
    const result = JSON.parse(windows.out);
    expect(result.file).toBe(join(appData, "Claude", "claude_desktop_config.json"));
    expect(result.entry).toEqual({
      name: "alpacon",
      command: "cmd",
      args: ["/c", "npx", "-y", "@alpacon/mcp"],
    });
    const xdg = await setupOnLinux(
      ["--client", "claude-desktop", "--dry-run", "--json"],
      { ...env, XDG_CONFIG_HOME: join(home, "xdg") },
      project,
    );
    expect(JSON.parse(xdg.out).file).toBe(
      join(home, "xdg", "Claude", "claude_desktop_config.json"),
    );
  });

  test("--json reports what was done", async () => {
    const { project, env } = sandboxDirs();
    const result = await setupOnLinux(
      [
        "--client",
        "claude-code",
        "--toolsets",
        "servers,metrics",
        "--command",
        "npx",
        "--yes",
        "--json",
      ],
      env,
      project,
    );
    expect(result.code).toBe(0);
    const report = JSON.parse(result.out);
    expect(report).toMatchObject({
      client: "claude-code",
      file: join(project, ".mcp.json"),
      action: "create",
      written: true,
      dryRun: false,
      backup: null,
      entry: {
        name: "alpacon",
        type: "stdio",
        command: "npx",
        args: ["-y", "@alpacon/mcp", "--toolsets", "servers,metrics"],
      },
      warnings: [],
    });
    expect(report.diff).toContain("+++ ");
    expect(report.next.join("\n")).toContain(
      "claude mcp add alpacon --scope user -- npx -y @alpacon/mcp --toolsets servers,metrics",
    );
  });

  test("without a terminal and without --yes, nothing is written", async () => {
    const { home, project, env } = sandboxDirs();
    const result = await run(["setup", "--client", "cursor"], { env, cwd: project });
    expect(result.code).toBe(1);
    expect(result.out).toContain("+++ ");
    expect(result.err).toContain("not a terminal, so nothing was written");
    expect(existsSync(join(home, ".cursor"))).toBe(false);
  });

  test("on a terminal it asks before writing (Enter accepts, n declines)", async () => {
    const { home, project, env } = sandboxDirs();
    const file = join(home, ".cursor", "mcp.json");
    const declined = await run(["setup", "--client", "cursor"], {
      env,
      cwd: project,
      tty: { keys: ["n", "\r"] },
    });
    expect(declined.code).toBe(1);
    expect(declined.err).toContain(`Write this change to ${file}?`);
    expect(existsSync(file)).toBe(false);
    const accepted = await run(["setup", "--client", "cursor"], {
      env,
      cwd: project,
      tty: { keys: ["\r"] },
    });
    expect(accepted.code).toBe(0);
    expect(existsSync(file)).toBe(true);
  });

  test.each([
    [
      "an empty servers object",
      '{\n  "mcpServers": {}\n}\n',
      '{\n  "mcpServers": {\n    "alpacon": {\n      "command": "npx",\n      "args": [\n        "-y",\n        "@alpacon/mcp"\n      ]\n    }\n  }\n}\n',
    ],
    [
      "a servers object on one line",
      '{\n  "mcpServers": { "a": { "command": "a" } },\n  "x": 1\n}\n',
      '{\n  "mcpServers": {\n    "a": {\n      "command": "a"\n    },\n    "alpacon": {\n      "command": "npx",\n      "args": [\n        "-y",\n        "@alpacon/mcp"\n      ]\n    }\n  },\n  "x": 1\n}\n',
    ],
    [
      "a minified file",
      '{"mcpServers":{"a":{"command":"a"}}}',
      '{"mcpServers":{"a":{"command":"a"},"alpacon":{"command":"npx","args":["-y","@alpacon/mcp"]}}}',
    ],
    [
      "no servers key, tab indents",
      '{\n\t"theme": "dark"\n}\n',
      '{\n\t"theme": "dark",\n\t"mcpServers": {\n\t\t"alpacon": {\n\t\t\t"command": "npx",\n\t\t\t"args": [\n\t\t\t\t"-y",\n\t\t\t\t"@alpacon/mcp"\n\t\t\t]\n\t\t}\n\t}\n}\n',
    ],
  ])("JSON layout kept: %s", async (_name, before, after) => {
    const { home, project, env } = sandboxDirs();
    const file = join(home, ".cursor", "mcp.json");
    mkdirSync(dirname(file));
    writeFileSync(file, before);
    const result = await run(["setup", "--client", "cursor", "--command", "npx", "--yes"], {
      env,
      cwd: project,
    });
    expect(result.code).toBe(0);
    expect(readFileSync(file, "utf8")).toBe(after);
  });

  test("comments: kept in VS Code's JSONC, refused in a strict JSON file", async () => {
    const { home, project, env } = sandboxDirs();
    const file = join(home, ".config", "Claude", "claude_desktop_config.json");
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, '{\n  // note\n  "mcpServers": {}\n}\n');
    const result = await setupOnLinux(["--client", "claude-desktop", "--yes"], env, project);
    expect(result.code).toBe(1);
    expect(result.err).toContain("it is not valid JSON (InvalidCommentToken at line 2, column 3)");
  });

  test("a symbolic link is followed: the target is edited, the link stays", async () => {
    const { home, project, env } = sandboxDirs();
    const real = join(home, "dotfiles-cursor.json");
    writeFileSync(real, '{ "mcpServers": {} }\n');
    mkdirSync(join(home, ".cursor"));
    symlinkSync(real, join(home, ".cursor", "mcp.json"));
    const result = await run(["setup", "--client", "cursor", "--yes"], { env, cwd: project });
    expect(result.code).toBe(0);
    expect(JSON.parse(readFileSync(real, "utf8")).mcpServers.alpacon).toEqual(FROM_CHECKOUT);
    expect(statSync(join(home, ".cursor", "mcp.json")).isFile()).toBe(true);
    expect(readdirSync(home).some((name) => name.startsWith("dotfiles-cursor.json.bak-"))).toBe(
      true,
    );
  });

  test("--client-config and --name write another file and entry", async () => {
    const { home, project, env } = sandboxDirs();
    const result = await run(
      [
        "setup",
        "--client",
        "continue",
        "--client-config",
        "~/.continue/config.yaml",
        "--name",
        "alpacon-ro",
        "--read-only",
        "--command",
        "npx",
        "--yes",
      ],
      { env, cwd: project },
    );
    expect(result.code).toBe(0);
    const data = parseYaml(readFileSync(join(home, ".continue", "config.yaml"), "utf8"));
    expect(data).toMatchObject({ name: "Alpacon", version: "0.1.0", schema: "v1" });
    expect(data.mcpServers).toEqual([
      { name: "alpacon-ro", command: "npx", args: ["-y", "@alpacon/mcp", "--read-only"] },
    ]);
  });

  test.each([
    [[], /--client is required: one of claude-desktop, claude-code, cursor, vscode/],
    [["--client", "emacs"], /--client must be one of/],
    [["--client", "cursor", "--toolsets", "nope"], /Unknown toolset "nope"/],
    [["--client", "cursor", "--sandbox", "--config-file", "x.json"], /--sandbox brings its own/],
    [["--client", "cursor", "--name", "a b"], /--name must be/],
    [["--client", "cursor", "--bogus"], /Unknown option '--bogus'/],
    [["--client", "cursor", "--command", "bunx"], /--command must be one of auto, path, global/],
  ])("setup %j is a usage error (exit 2)", async (argv, message) => {
    const { project, env } = sandboxDirs();
    const result = await run(["setup", ...argv], { env, cwd: project });
    expect(result.code).toBe(2);
    const [first, second] = result.err.trimEnd().split("\n");
    expect(first).toMatch(message);
    expect(second).toBe("Try alpacon-mcp setup --help.");
  });

  test("--help lists every client and option", async () => {
    const result = await run(["setup", "--help"]);
    expect(result.code).toBe(0);
    for (const client of CLIENT_IDS) expect(result.out).toContain(client);
    for (const flag of [
      "--config-file",
      "--sandbox",
      "--read-only",
      "--toolsets",
      "--dry-run",
      "--command",
      "--yes",
      "--json",
    ]) {
      expect(result.out).toContain(flag);
    }
  });

  test("the command written starts this alpacon-mcp: node + its path from a clone or an install, npx only from npx's cache", async () => {
    expect(resolveLauncher("auto", "/home/u/.npm/_npx/5c1e/node_modules/@alpacon/mcp")).toBe("npx");
    expect(
      resolveLauncher(
        "auto",
        "C:\\Users\\u\\AppData\\npm-cache\\_npx\\5c\\node_modules\\@alpacon\\mcp",
      ),
    ).toBe("npx");
    expect(resolveLauncher("auto", "/home/u/src/alpacon-ts/packages/mcp")).toBe("path");
    expect(resolveLauncher("auto", "/usr/lib/node_modules/@alpacon/mcp")).toBe("path");
    expect(resolveLauncher("global", "/home/u/.npm/_npx/5c1e/node_modules/@alpacon/mcp")).toBe(
      "global",
    );

    const { project, env } = sandboxDirs();
    const fromClone = await setupOnLinux(
      ["--client", "cursor", "--dry-run", "--json"],
      env,
      project,
    );
    const report = JSON.parse(fromClone.out);
    expect(report.entry).toEqual({ name: "alpacon", ...FROM_CHECKOUT });
    // The follow-up commands use the same form: `alpacon-mcp` is not on PATH in a clone.
    expect(report.next.join("\n")).toContain(`node ${CLI} auth set --workspace`);
    expect(report.next.join("\n")).toContain(`node ${CLI} doctor`);

    const global = await setupOnLinux(
      ["--client", "cursor", "--command", "global", "--sandbox", "--dry-run", "--json"],
      env,
      project,
    );
    expect(JSON.parse(global.out).entry).toEqual({
      name: "alpacon",
      command: "alpacon-mcp",
      args: ["--sandbox"],
    });
    const windows = await run(
      ["setup", "--client", "cursor", "--command", "global", "--dry-run", "--json"],
      { env, cwd: project, platform: "win32" },
    );
    expect(JSON.parse(windows.out).entry).toEqual({
      name: "alpacon",
      command: "cmd",
      args: ["/c", "alpacon-mcp"],
    });
  });

  test.each([
    [
      "cursor",
      ".cursor/mcp.json",
      `{\n  "mcpServers": {\n    "db": {\n      "command": "db-mcp",\n      "args": ["--url", "postgres://app:hunter2pw@db.internal:5432/app"],\n      "env": { "DB_PASS": "hunter2pw", "DB_USER": "app", "PORT": 5432 }\n    },\n    "remote": { "url": "https://bob:s3cr3t-pw@mcp.example.com/mcp", "headers": { "X-Api": "k-123456" } }\n  }\n}\n`,
      [
        '"DB_PASS": "[redacted]"',
        '"X-Api": "[redacted]"',
        "https://bob:[redacted]@mcp.example.com/mcp",
      ],
    ],
    [
      "continue",
      ".continue/mcpServers/alpacon.yaml",
      `name: Team\nversion: 1.0.0\nschema: v1\nmcpServers:\n  - name: remote\n    url: https://bob:s3cr3t-pw@mcp.example.com/mcp\n    headers:\n      X-Api: k-123456\n  - name: db\n    args: [--url, "postgres://app:hunter2pw@db.internal:5432/app"]\n    env:\n      DB_PASS: hunter2pw\n`,
      ['DB_PASS: "[redacted]"', "postgres://app:[redacted]@db.internal:5432/app"],
    ],
  ])(
    "the diff of %s's file masks other servers' env values and URL passwords",
    async (client, where, before, shown) => {
      const { home, project, env } = sandboxDirs();
      const file = join(client === "cursor" ? home : project, where);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, before);
      const result = await run(["setup", "--client", client, "--yes"], { env, cwd: project });
      expect(result.code).toBe(0);
      const printed = result.out + result.err;
      for (const secret of ["hunter2pw", "s3cr3t-pw", "k-123456"]) {
        expect(printed).not.toContain(secret);
        expect(readFileSync(file, "utf8")).toContain(secret); // the file itself keeps them
      }
      for (const masked of shown) expect(printed).toContain(masked);
    },
  );
});
