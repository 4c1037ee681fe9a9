import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { AllowedRoots } from "../src/paths.js";
import { tempDir } from "./helpers/harness.js";

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
