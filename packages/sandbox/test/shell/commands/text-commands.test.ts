import { describe, expect, it } from "vitest";
import { makeShell, run } from "../helpers.js";

const seq = "printf '%s\\n' 1 2 3 4 5 6 7 8 9 10 11 12";

describe("head and tail", () => {
  it("take the first or last lines, 10 by default", async () => {
    expect((await run(`${seq} | head -n 3`)).stdout).toBe("1\n2\n3\n");
    expect((await run(`${seq} | head -2`)).stdout).toBe("1\n2\n");
    expect((await run(`${seq} | head`)).stdout.split("\n")).toHaveLength(11);
    expect((await run(`${seq} | tail -n 2`)).stdout).toBe("11\n12\n");
    expect((await run(`${seq} | tail -n +11`)).stdout).toBe("11\n12\n");
    expect((await run(`${seq} | tail -3`)).stdout).toBe("10\n11\n12\n");
    expect((await run("echo abcdef | head -c 3")).stdout).toBe("abc");
  });

  it("print headers for several files and report missing ones", async () => {
    const result = await run("head -n 1 /etc/hostname /nope /etc/hostname");
    expect(result.stdout).toBe("==> /etc/hostname <==\nweb-1\n\n==> /etc/hostname <==\nweb-1\n");
    expect(result.stderr).toBe(
      "head: cannot open '/nope' for reading: No such file or directory\n",
    );
    expect(result.exitCode).toBe(1);
    expect((await run("tail -n x /etc/hostname")).stderr).toBe(
      "tail: invalid number of lines: 'x'\n",
    );
  });
});

describe("wc", () => {
  it("counts lines, words and bytes like GNU wc", async () => {
    const shell = makeShell();
    await shell.run("printf 'one two\\nthree\\n' > f");
    expect((await shell.run("wc f")).stdout).toBe(" 2  3 14 f\n");
    expect((await shell.run("wc -l f")).stdout).toBe("2 f\n");
    expect((await shell.run("wc -w < f")).stdout).toBe("3\n");
    expect((await shell.run("cat f | wc")).stdout).toBe("      2       3      14\n");
    expect((await shell.run("wc -c f f")).stdout).toBe("14 f\n14 f\n28 total\n");
  });

  it("reports missing files", async () => {
    expect(await run("wc -l nope")).toMatchObject({
      exitCode: 1,
      stderr: "wc: nope: No such file or directory\n",
    });
  });
});

describe("sort, uniq, cut, tr, tee", () => {
  it("sorts lexically, numerically, reversed and unique", async () => {
    expect((await run("printf '%s\\n' b 10 a 9 | sort")).stdout).toBe("10\n9\na\nb\n");
    expect((await run("printf '%s\\n' 10 9 100 | sort -n")).stdout).toBe("9\n10\n100\n");
    expect((await run("printf '%s\\n' a b a | sort -ru")).stdout).toBe("b\na\n");
  });

  it("collapses adjacent duplicates and counts them", async () => {
    expect((await run("printf '%s\\n' a a b a | uniq -c")).stdout).toBe(
      "      2 a\n      1 b\n      1 a\n",
    );
  });

  it("cuts fields and characters", async () => {
    expect((await run("cut -d: -f1,7 /etc/passwd | head -1")).stdout).toBe("root:/bin/bash\n");
    expect((await run("echo abcdef | cut -c2-4")).stdout).toBe("bcd\n");
  });

  it("translates and deletes characters", async () => {
    expect((await run("echo Hello | tr a-z A-Z")).stdout).toBe("HELLO\n");
    expect((await run("echo hello | tr -d l")).stdout).toBe("heo\n");
  });

  it("tees into files and stdout", async () => {
    const shell = makeShell();
    const result = await shell.run("echo x | tee t1 | cat");
    expect(result.stdout).toBe("x\n");
    expect(shell.server.vfs.readText("/home/ubuntu/t1")).toBe("x\n");
  });
});
