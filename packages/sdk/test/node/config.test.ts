import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { beforeEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors.js";
import {
  inspectConfig,
  loadConfig,
  parseTokenVariable,
  removeToken,
  resolveConfigFile,
  saveToken,
  selectWorkspace,
} from "../../src/node/config.js";

const SECRET = "alpat-canary-1234567890";

let home: string;
let cwd: string;

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), "alp-home-"));
  cwd = mkdtempSync(join(tmpdir(), "alp-cwd-"));
});

function writeJson(path: string, value: unknown) {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, JSON.stringify(value));
}

describe("resolveConfigFile", () => {
  it("follows explicit → ALPACON_MCP_CONFIG_FILE → ~/.alpacon-mcp → ./config → default", () => {
    const env: Record<string, string> = {};
    const base = { env, homeDir: home, cwd };
    expect(resolveConfigFile(base)).toBe(join(home, ".alpacon-mcp/token.json"));
    writeJson(join(cwd, "config/token.json"), {});
    expect(resolveConfigFile(base)).toBe(join(cwd, "config/token.json"));
    writeJson(join(home, ".alpacon-mcp/token.json"), {});
    expect(resolveConfigFile(base)).toBe(join(home, ".alpacon-mcp/token.json"));
    env.ALPACON_MCP_CONFIG_FILE = "~/custom.json";
    expect(resolveConfigFile(base)).toBe(join(home, "custom.json"));
    expect(resolveConfigFile({ ...base, configFile: "flag.json" })).toBe(join(cwd, "flag.json"));
  });
});

describe("loadConfig", () => {
  it("reads both token file forms and sorts workspaces", () => {
    const file = join(home, "t.json");
    writeJson(file, {
      us1: { globex: SECRET },
      ap1: { acme: { token: SECRET, url: "127.0.0.1:9/ap1/acme" } },
    });
    const config = loadConfig({ configFile: file, env: {}, homeDir: home, cwd });
    expect(config.workspaces.map((w) => [w.region, w.workspace, w.url])).toEqual([
      ["ap1", "acme", "https://127.0.0.1:9/ap1/acme"],
      ["us1", "globex", undefined],
    ]);
    expect(config.workspaces[0]?.token).toBe(SECRET);
  });

  it("lets environment variables win over the file and add workspaces", () => {
    const file = join(home, "t.json");
    writeJson(file, { ap1: { acme: "from-file" } });
    const config = loadConfig({
      configFile: file,
      homeDir: home,
      cwd,
      env: {
        ALPACON_MCP_AP1_ACME_TOKEN: "from-env",
        ALPACON_MCP_AP1_ACME_URL: "http://127.0.0.1:1/x",
        "ALPACON_MCP_US1_NEW-WS_TOKEN": SECRET,
        ALPACON_MCP_CONFIG_FILE: "ignored-because-explicit",
      },
    });
    const acme = selectWorkspace(config, { workspace: "acme" });
    expect(acme.token).toBe("from-env");
    expect(acme.tokenSource).toBe("ALPACON_MCP_AP1_ACME_TOKEN");
    expect(acme.url).toBe("http://127.0.0.1:1/x");
    expect(selectWorkspace(config, { workspace: "new-ws" }).region).toBe("us1");
  });

  it("reads _ in a variable name as - in the workspace name, which shells cannot export", () => {
    const config = loadConfig({
      env: { ALPACON_MCP_AP1_MY_TEAM_TOKEN: SECRET },
      homeDir: home,
      cwd,
    });
    expect(selectWorkspace(config).workspace).toBe("my-team");
  });

  it("never shows tokens when a config is logged or serialised", () => {
    const file = join(home, "t.json");
    writeJson(file, { ap1: { acme: SECRET } });
    const config = loadConfig({ configFile: file, env: {}, homeDir: home, cwd });
    expect(JSON.stringify(config)).not.toContain(SECRET);
    expect(inspect(config, { depth: 10 })).not.toContain(SECRET);
  });

  it("names the file and never quotes its content when it is broken", () => {
    const file = join(home, "t.json");
    writeFileSync(file, `{"ap1": {"acme": "${SECRET}"`);
    const error = (() => {
      try {
        loadConfig({ configFile: file, env: {}, homeDir: home, cwd });
      } catch (caught) {
        return caught as Error;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.message).toContain(file);
    expect(error?.message).not.toContain(SECRET);
  });

  it("rejects hostile workspace names found in the file, naming where", () => {
    const file = join(home, "t.json");
    writeJson(file, { ap1: { "evil.com/": SECRET } });
    expect(() => loadConfig({ configFile: file, env: {}, homeDir: home, cwd })).toThrow(
      /evil\.com.*in .*ap1\.evil\.com/s,
    );
  });
});

describe("parseTokenVariable", () => {
  it("reads region, workspace and kind, with _ standing for - in the workspace", () => {
    expect(parseTokenVariable("ALPACON_MCP_AP1_ACME_TOKEN")).toEqual({
      region: "ap1",
      workspace: "acme",
      kind: "TOKEN",
    });
    expect(parseTokenVariable("ALPACON_MCP_US1_MY_TEAM_URL")).toEqual({
      region: "us1",
      workspace: "my-team",
      kind: "URL",
    });
    expect(parseTokenVariable("ALPACON_MCP_US1_NEW-WS_TOKEN")?.workspace).toBe("new-ws");
  });

  it("leaves names unvalidated, for the caller to report", () => {
    expect(parseTokenVariable("ALPACON_MCP_AP1_BAD__TOKEN")?.workspace).toBe("bad-");
  });

  it("is undefined for every other name", () => {
    for (const name of [
      "ALPACON_MCP_CONFIG_FILE",
      "ALPACON_MCP_AUTH_TOKEN",
      "ALPACON_MCP_AP1_ACME_SECRET",
      "alpacon_mcp_ap1_acme_token",
      "X_ALPACON_MCP_AP1_ACME_TOKEN",
    ]) {
      expect(parseTokenVariable(name)).toBeUndefined();
    }
  });
});

describe("inspectConfig", () => {
  const file = () => join(home, "t.json");
  const inspectWith = (env: Record<string, string> = {}) =>
    inspectConfig({ configFile: file(), env, homeDir: home, cwd });
  const names = (result: ReturnType<typeof inspectConfig>) =>
    result.workspaces.map((w) => `${w.workspace} (${w.region})`);

  it("returns what loadConfig does, and no problems, when everything is usable", () => {
    writeJson(file(), { ap1: { acme: SECRET }, us1: { globex: { token: SECRET, url: "x.test" } } });
    const env = { ALPACON_MCP_AP1_MY_TEAM_TOKEN: SECRET };
    const result = inspectWith(env);
    expect(result.problems).toEqual([]);
    const loaded = loadConfig({ configFile: file(), env, homeDir: home, cwd });
    expect(result.configFile).toBe(loaded.configFile);
    expect(result.workspaces).toEqual(loaded.workspaces);
    expect(names(result)).toEqual(["acme (ap1)", "my-team (ap1)", "globex (us1)"]);
  });

  it("reports an unparsable token file as one problem, naming it, and still reads variables", () => {
    writeFileSync(file(), `{"ap1": {"acme": "${SECRET}"`);
    const result = inspectWith({ ALPACON_MCP_AP1_ACME_TOKEN: "from-env" });
    expect(result.problems).toEqual([
      {
        source: file(),
        message: expect.stringContaining(`The token file ${file()} is not valid JSON`),
        fix: expect.stringContaining(file()),
      },
    ]);
    expect(names(result)).toEqual(["acme (ap1)"]);
    expect(JSON.stringify(result)).not.toContain(SECRET);
  });

  it("reports a token file that is not an object, or cannot be read", () => {
    writeJson(file(), [SECRET]);
    expect(inspectWith().problems).toEqual([
      expect.objectContaining({
        source: file(),
        message: expect.stringMatching(/must hold an object/),
      }),
    ]);
    mkdirSync(join(home, "dir.json"));
    const unreadable = inspectConfig({
      configFile: join(home, "dir.json"),
      env: {},
      homeDir: home,
      cwd,
    });
    expect(unreadable.problems).toEqual([
      expect.objectContaining({
        source: join(home, "dir.json"),
        message: expect.stringMatching(/cannot be read/),
      }),
    ]);
    expect(() =>
      loadConfig({ configFile: join(home, "dir.json"), env: {}, homeDir: home, cwd }),
    ).toThrow(ConfigError);
  });

  it("reports each malformed region or entry on its own and keeps the others", () => {
    writeJson(file(), {
      ap1: { acme: SECRET, broken: { url: "x.test" }, odd: 42 },
      eu1: SECRET,
      us1: { globex: SECRET },
    });
    const result = inspectWith();
    expect(
      result.problems.map(({ source, region, workspace }) => [source, region, workspace]),
    ).toEqual([
      [file(), "ap1", "broken"],
      [file(), "ap1", "odd"],
      [file(), "eu1", undefined],
    ]);
    expect(result.problems[0]?.message).toMatch(/ap1\.broken must be a token string/);
    expect(result.problems[2]?.message).toMatch(/"eu1" must map workspace names to tokens/);
    expect(names(result)).toEqual(["acme (ap1)", "globex (us1)"]);
    expect(JSON.stringify(result.problems)).not.toContain(SECRET);
  });

  it("says a file without the region level lacks it, once per entry", () => {
    writeJson(file(), { acme: SECRET });
    const result = inspectWith();
    expect(result.problems).toEqual([
      {
        source: file(),
        workspace: "acme",
        message: expect.stringContaining('"acme" holds a token without a region'),
        fix: expect.stringContaining("alpacon-mcp auth set --workspace acme --region <region>"),
      },
    ]);
    expect(JSON.stringify(result.problems)).not.toContain(SECRET);
  });

  it("reports a URL variable that has no token", () => {
    const result = inspectWith({ ALPACON_MCP_AP1_ACME_URL: "https://acme.example" });
    expect(result.workspaces).toEqual([]);
    expect(result.problems).toEqual([
      {
        source: "ALPACON_MCP_AP1_ACME_URL",
        region: "ap1",
        workspace: "acme",
        message: expect.stringContaining(
          "ALPACON_MCP_AP1_ACME_URL is set but acme (ap1) has no token",
        ),
        fix: expect.stringContaining("set ALPACON_MCP_AP1_ACME_TOKEN"),
      },
    ]);
  });

  it("places a JSON syntax error by line and column without quoting the file", () => {
    writeFileSync(file(), `{\n  "ap1": {"acme": "${SECRET}",}\n}`);
    const [problem] = inspectWith().problems;
    expect(problem?.message).toContain("is not valid JSON (line 2, column 45)");
    expect(problem?.message).not.toContain(SECRET);
  });

  it("reports invalid names from the file and from variables, each with its source and fix", () => {
    writeJson(file(), { ap1: { "evil.com/": SECRET, acme: SECRET }, AP1: { ok: SECRET } });
    const result = inspectWith({ ALPACON_MCP_AP1_BAD__TOKEN: SECRET });
    expect(result.problems).toEqual([
      {
        source: file(),
        region: "ap1",
        workspace: "evil.com/",
        message: expect.stringMatching(/Invalid workspace name "evil\.com\/".*in .*ap1\.evil\.com/),
        fix: expect.stringContaining(`rename or remove ap1.evil.com/ in ${file()}`),
      },
      {
        source: file(),
        region: "AP1",
        workspace: "ok",
        message: expect.stringMatching(/Invalid region name "AP1"/),
        fix: expect.any(String),
      },
      {
        source: "ALPACON_MCP_AP1_BAD__TOKEN",
        region: "ap1",
        workspace: "bad-",
        message: expect.stringMatching(
          /Invalid workspace name "bad-".*\(in ALPACON_MCP_AP1_BAD__TOKEN\)/,
        ),
        fix: expect.stringContaining("rename or unset ALPACON_MCP_AP1_BAD__TOKEN"),
      },
    ]);
    expect(names(result)).toEqual(["acme (ap1)"]);
    expect(JSON.stringify(result.problems)).not.toContain(SECRET);
  });

  it("names the variable that holds a bad URL, and the file's entry is not used instead", () => {
    writeJson(file(), { ap1: { acme: SECRET } });
    const result = inspectWith({ ALPACON_MCP_AP1_ACME_URL: "http://example.com" });
    expect(result.problems).toEqual([
      {
        source: "ALPACON_MCP_AP1_ACME_URL",
        region: "ap1",
        workspace: "acme",
        message: expect.stringMatching(/Refusing plain http.*\(in ALPACON_MCP_AP1_ACME_URL\)/),
        fix: expect.stringContaining("ALPACON_MCP_AP1_ACME_URL"),
      },
    ]);
    expect(result.workspaces).toEqual([]);
  });

  it("reports a bad URL in the file once, even when a variable gives the token", () => {
    writeJson(file(), { ap1: { acme: { token: SECRET, url: "ftp://x.test" } } });
    const result = inspectWith({ ALPACON_MCP_AP1_ACME_TOKEN: "from-env" });
    expect(result.problems).toEqual([
      expect.objectContaining({ source: file(), region: "ap1", workspace: "acme" }),
    ]);
    expect(result.workspaces).toEqual([]);
  });

  it("is what loadConfig throws: the first problem", () => {
    writeJson(file(), { ap1: { "evil.com/": SECRET, odd: 1 } });
    const { problems } = inspectWith({ ALPACON_MCP_AP1_BAD__TOKEN: SECRET });
    expect(problems).toHaveLength(3);
    expect(() => loadConfig({ configFile: file(), env: {}, homeDir: home, cwd })).toThrow(
      problems[0]!.message,
    );
    expect(problems[0]?.workspace).toBe("odd"); // the shape is checked before any name
  });
});

describe("selectWorkspace", () => {
  const file = () => join(home, "t.json");
  const load = () => loadConfig({ configFile: file(), env: {}, homeDir: home, cwd });

  it("needs no arguments when only one workspace is configured", () => {
    writeJson(file(), { ap1: { acme: SECRET } });
    expect(selectWorkspace(load()).workspace).toBe("acme");
  });

  it("finds the region of a workspace that lives in one region", () => {
    writeJson(file(), { ap1: { acme: SECRET }, us1: { globex: SECRET } });
    expect(selectWorkspace(load(), { workspace: "globex" }).region).toBe("us1");
  });

  it("lists the configured workspaces when the choice is ambiguous or unknown", () => {
    writeJson(file(), { ap1: { acme: SECRET }, us1: { acme: SECRET, globex: SECRET } });
    expect(() => selectWorkspace(load())).toThrow(
      /Configured: acme \(ap1\), acme \(us1\), globex \(us1\)/,
    );
    expect(() => selectWorkspace(load(), { workspace: "acme" })).toThrow(/name the region/);
    expect(() => selectWorkspace(load(), { workspace: "nope" })).toThrow(
      /nope is not configured.*ALPACON_MCP_<REGION>_NOPE_TOKEN/,
    );
  });

  it("tells how to add a token when nothing is configured", () => {
    expect(() => selectWorkspace(load())).toThrow(/No Alpacon workspace is configured.*t\.json/);
  });
});

describe("saveToken / removeToken", () => {
  it("writes atomically with mode 0600 and keeps other entries", async () => {
    const file = join(home, "nested/dir/token.json");
    await saveToken({ configFile: file, region: "ap1", workspace: "acme", token: SECRET });
    await saveToken({
      configFile: file,
      region: "us1",
      workspace: "globex",
      token: "t2",
      url: "http://127.0.0.1:5",
    });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual({
      ap1: { acme: SECRET },
      us1: { globex: { token: "t2", url: "http://127.0.0.1:5" } },
    });
    expect(await removeToken({ configFile: file, region: "ap1", workspace: "acme" })).toBe(true);
    expect(await removeToken({ configFile: file, region: "ap1", workspace: "acme" })).toBe(false);
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual({
      us1: { globex: { token: "t2", url: "http://127.0.0.1:5" } },
    });
  });

  it("refuses hostile names before touching the file", async () => {
    const file = join(home, "token.json");
    await expect(
      saveToken({ configFile: file, region: "ap1", workspace: "../x", token: SECRET }),
    ).rejects.toThrow(ConfigError);
    expect(() => statSync(file)).toThrow();
  });
});
