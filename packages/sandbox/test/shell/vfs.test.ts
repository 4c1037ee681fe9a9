import { describe, expect, it } from "vitest";
import {
  type Credentials,
  normalizePath,
  resolvePath,
  Vfs,
  VfsError,
} from "../../src/shell/index.js";
import { clock } from "./helpers.js";

const alice: Credentials = { user: "alice", uid: 1000, group: "alice", groups: ["alice"] };
const bob: Credentials = { user: "bob", uid: 1001, group: "bob", groups: ["bob"] };

function fresh(): Vfs {
  const vfs = new Vfs({ now: clock });
  vfs.mkdir("/home/alice", { parents: true });
  vfs.setMeta("/home/alice", { owner: "alice", group: "alice" });
  vfs.mkdir("/tmp", { mode: 0o1777 });
  return vfs;
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof VfsError) return error.code;
    throw error;
  }
  return undefined;
}

describe("paths", () => {
  it("normalizes . and .. and never climbs above /", () => {
    expect(normalizePath("/a/./b/../c//d/")).toBe("/a/c/d");
    expect(normalizePath("/../../..")).toBe("/");
    expect(resolvePath("/home/x", "../../../../etc/passwd")).toBe("/etc/passwd");
    expect(resolvePath("/home/x", "~/f", "/home/x")).toBe("/home/x/f");
    expect(resolvePath("/tmp", "~")).toBe("/tmp/~");
  });
});

describe("Vfs", () => {
  it("writes, appends, reads and stats files as bytes", () => {
    const vfs = fresh();
    vfs.writeFile("/tmp/a.bin", new Uint8Array([0, 255, 10]));
    vfs.appendFile("/tmp/a.bin", "x");
    expect([...vfs.readFile("/tmp/a.bin")]).toEqual([0, 255, 10, 120]);
    expect(vfs.stat("/tmp/a.bin")).toMatchObject({
      type: "file",
      size: 4,
      name: "a.bin",
      mode: 0o644,
    });
    expect(vfs.stat("/tmp/a.bin").mtime).toEqual(clock());
  });

  it("refuses to overwrite when asked", () => {
    const vfs = fresh();
    vfs.writeFile("/tmp/f", "1");
    expect(codeOf(() => vfs.writeFile("/tmp/f", "2", { overwrite: false }))).toBe("EEXIST");
    expect(vfs.readText("/tmp/f")).toBe("1");
  });

  it("reports a declared size for placeholder content", () => {
    const vfs = fresh();
    vfs.writeFile("/tmp/big.iso", "", { size: 5 * 1024 ** 3, ref: "host-temp-1" });
    expect(vfs.stat("/tmp/big.iso").size).toBe(5 * 1024 ** 3);
    const node = vfs.getNode("/tmp/big.iso");
    expect(node?.kind === "file" && node.ref).toBe("host-temp-1");
  });

  it("gives kernel-like errors", () => {
    const vfs = fresh();
    vfs.writeFile("/tmp/f", "x");
    expect(codeOf(() => vfs.readFile("/nope"))).toBe("ENOENT");
    expect(codeOf(() => vfs.readFile("/tmp"))).toBe("EISDIR");
    expect(codeOf(() => vfs.listDir("/tmp/f"))).toBe("ENOTDIR");
    expect(codeOf(() => vfs.writeFile("/tmp/f/x", "y"))).toBe("ENOTDIR");
    expect(codeOf(() => vfs.mkdir("/tmp"))).toBe("EEXIST");
    expect(codeOf(() => vfs.mkdir("/a/b"))).toBe("ENOENT");
    expect(codeOf(() => vfs.remove("/tmp"))).toBe("EISDIR");
    expect(codeOf(() => vfs.remove("/", { recursive: true }))).toBe("EBUSY");
  });

  it("creates parents with mkdir -p and removes trees recursively", () => {
    const vfs = fresh();
    vfs.mkdir("/srv/a/b/c", { parents: true });
    vfs.writeFile("/srv/a/b/c/f", "1");
    vfs.mkdir("/srv/a/b/c", { parents: true });
    vfs.remove("/srv/a", { recursive: true });
    expect(vfs.exists("/srv/a")).toBe(false);
    expect(vfs.isDir("/srv")).toBe(true);
  });

  it("copies and moves files and directories", () => {
    const vfs = fresh();
    vfs.mkdir("/tmp/d/sub", { parents: true });
    vfs.writeFile("/tmp/d/sub/f", "data");
    vfs.copy("/tmp/d", "/tmp/e", { recursive: true });
    vfs.writeFile("/tmp/d/sub/f", "changed");
    expect(vfs.readText("/tmp/e/sub/f")).toBe("data");
    vfs.move("/tmp/e", "/tmp/moved");
    expect(vfs.exists("/tmp/e")).toBe(false);
    expect(vfs.readText("/tmp/moved/sub/f")).toBe("data");
    expect(codeOf(() => vfs.copy("/tmp/d", "/tmp/x"))).toBe("EISDIR");
    expect(codeOf(() => vfs.move("/tmp/d", "/tmp/d/sub/inner"))).toBe("EINVAL");
  });

  it("lists directories sorted and walks trees pre-order", () => {
    const vfs = fresh();
    vfs.mkdir("/w/b", { parents: true });
    vfs.writeFile("/w/c", "");
    vfs.writeFile("/w/a", "");
    vfs.writeFile("/w/b/z", "");
    expect(vfs.listDir("/w").map((s) => s.name)).toEqual(["a", "b", "c"]);
    expect([...vfs.walk("/w")].map((s) => s.path)).toEqual([
      "/w",
      "/w/a",
      "/w/b",
      "/w/b/z",
      "/w/c",
    ]);
  });

  it("enforces permissions only when credentials are given", () => {
    const vfs = fresh();
    vfs.writeFile("/etc-like", "secret", { mode: 0o600 });
    expect(codeOf(() => vfs.readFile("/etc-like", alice))).toBe("EACCES");
    expect(vfs.readText("/etc-like")).toBe("secret");
    expect(codeOf(() => vfs.writeFile("/new", "x", { as: alice }))).toBe("EACCES");
    vfs.writeFile("/home/alice/f", "mine", { as: alice });
    expect(vfs.stat("/home/alice/f")).toMatchObject({ owner: "alice", group: "alice" });
  });

  it("lets only owners delete in sticky directories", () => {
    const vfs = fresh();
    vfs.writeFile("/tmp/alice-file", "x", { as: alice });
    expect(codeOf(() => vfs.remove("/tmp/alice-file", { as: bob }))).toBe("EACCES");
    vfs.remove("/tmp/alice-file", { as: alice });
    expect(vfs.exists("/tmp/alice-file")).toBe(false);
  });
});
