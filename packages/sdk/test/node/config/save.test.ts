import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/core/errors.js";
import { removeToken, saveToken } from "../../../src/node/config/save.js";
import { home, SECRET, useTempDirs } from "./helpers.js";

useTempDirs();

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
