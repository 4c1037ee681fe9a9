import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveConfigFile } from "../../../src/node/config/token-file.js";
import { cwd, home, useTempDirs, writeJson } from "./helpers.js";

useTempDirs();

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
