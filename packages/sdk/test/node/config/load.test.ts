import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/core/errors.js";
import { loadConfig, selectWorkspace } from "../../../src/node/config/load.js";
import { cwd, home, SECRET, useTempDirs, writeJson } from "./helpers.js";

useTempDirs();

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
