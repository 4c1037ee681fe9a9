import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/core/errors.js";
import { inspectConfig } from "../../../src/node/config/inspect.js";
import { loadConfig } from "../../../src/node/config/load.js";
import { cwd, home, SECRET, useTempDirs, writeJson } from "./helpers.js";

useTempDirs();

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
