import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { AllowedRoots } from "../../src/server/paths.js";
import { tempDir } from "../helpers/harness.js";

let root: string;
let outside: string;
let roots: AllowedRoots;
beforeAll(() => {
  root = tempDir();
  outside = tempDir();
  mkdirSync(join(root, "sub"));
  writeFileSync(join(root, "sub", "file.txt"), "x");
  writeFileSync(join(outside, "secret.txt"), "s");
  symlinkSync(outside, join(root, "out"));
  symlinkSync(join(outside, "secret.txt"), join(root, "link.txt"));
  symlinkSync(join(root, "sub", "file.txt"), join(root, "inner-link.txt"));
  roots = new AllowedRoots([root]);
});

describe("readable", () => {
  test("relative paths start at the first root", async () => {
    expect(await roots.readable("sub/file.txt")).toBe(join(roots.roots[0]!, "sub", "file.txt"));
  });

  test("a link that stays inside is fine", async () => {
    expect(await roots.readable("inner-link.txt")).toBe(join(roots.roots[0]!, "sub", "file.txt"));
  });

  test.each([
    ["../x", /outside/],
    [`${"sub/../".repeat(3)}../etc/passwd`, /outside/],
    ["/etc/passwd", /outside/],
    ["out/secret.txt", /outside.*resolves to/],
    ["link.txt", /outside.*resolves to/],
    ["sub", /not a regular file/],
    ["nope.txt", /does not exist/],
    ["a\0b", /NUL/],
  ])("refuses %s", async (path, message) => {
    await expect(roots.readable(path)).rejects.toThrow(message);
  });
});

describe("writable", () => {
  test("a new file in an existing directory", async () => {
    expect(await roots.writable("sub/new.txt")).toBe(join(roots.roots[0]!, "sub", "new.txt"));
  });

  test.each([
    ["out/new.txt", /outside/],
    ["link.txt", /outside/],
    ["missing-dir/new.txt", /does not exist/],
    ["sub", /is a directory/],
  ])("refuses %s", async (path, message) => {
    await expect(roots.writable(path)).rejects.toThrow(message);
  });
});

test("a root that does not exist is refused at start-up", () => {
  expect(() => new AllowedRoots([join(root, "nope")])).toThrow(/does not exist/);
});

describe("the token file and the configuration directory", () => {
  let guarded: AllowedRoots;
  let configDir: string;
  let tokenFile: string;
  beforeAll(() => {
    configDir = join(root, "config-home");
    mkdirSync(configDir);
    writeFileSync(join(configDir, "backup.json"), "{}");
    // In the allowed directory itself: only the file (and its temporary copies) is protected.
    tokenFile = join(root, "token.json");
    writeFileSync(tokenFile, "{}");
    guarded = new AllowedRoots([root], { tokenFile, configDir });
  });

  test.each([
    ["token.json", /token file/],
    ["token.json.1a2b3c.tmp", /token file/],
    ["config-home/backup.json", /configuration directory/],
  ])("refuses to read %s", async (path, message) => {
    if (path.endsWith(".tmp")) writeFileSync(join(root, path), "{}");
    await expect(guarded.readable(path)).rejects.toThrow(message);
  });

  test("refuses to write the token file or into the configuration directory", async () => {
    await expect(guarded.writable("token.json")).rejects.toThrow(/token file/);
    await expect(guarded.writable("config-home/new.json")).rejects.toThrow(/configuration/);
  });

  test("checks the real path of what was opened, whatever name was asked for", () => {
    expect(() => guarded.checkRead(realpathSync(tokenFile), "harmless.txt")).toThrow(
      /harmless\.txt is this server's token file/,
    );
    expect(() => guarded.checkWrite(join(realpathSync(root), "sub", "ok.txt"), "ok")).not.toThrow();
  });

  test("a token file's own directory is protected when it is not an allowed directory", async () => {
    const elsewhere = join(root, "sub");
    const roots2 = new AllowedRoots([root], { tokenFile: join(elsewhere, "token.json") });
    await expect(roots2.readable("sub/file.txt")).rejects.toThrow(/configuration directory/);
    const inRoot = new AllowedRoots([root], { tokenFile: join(root, "token.json") });
    expect(await inRoot.readable("sub/file.txt")).toBe(join(inRoot.roots[0]!, "sub", "file.txt"));
  });
});
