import { describe, expect, it } from "vitest";
import { toJsRegExpSource } from "../../../src/shell/commands/grep.js";
import { makeShell, run } from "../helpers.js";

async function grepShell() {
  const shell = makeShell();
  await shell.run("printf 'alpha\\nBeta\\ngamma beta\\n(x)\\n' > words");
  return shell;
}

describe("grep", () => {
  it("prints matching lines and exits 0, or exits 1 on no match", async () => {
    const shell = await grepShell();
    expect(await shell.run("grep beta words")).toMatchObject({
      stdout: "gamma beta\n",
      exitCode: 0,
    });
    expect(await shell.run("grep delta words")).toMatchObject({ stdout: "", exitCode: 1 });
  });

  it("supports -i, -v, -c and -n", async () => {
    const shell = await grepShell();
    expect((await shell.run("grep -i beta words")).stdout).toBe("Beta\ngamma beta\n");
    expect((await shell.run("grep -v a words")).stdout).toBe("(x)\n");
    expect((await shell.run("grep -ci BETA words")).stdout).toBe("2\n");
    expect((await shell.run("grep -n gamma words")).stdout).toBe("3:gamma beta\n");
  });

  it("treats patterns as basic regular expressions by default", async () => {
    const shell = await grepShell();
    expect((await shell.run("grep '^a.*a$' words")).stdout).toBe("alpha\n");
    expect((await shell.run("grep '(x)' words")).stdout).toBe("(x)\n");
    expect((await shell.run("grep -E 'alpha|Beta' words")).stdout).toBe("alpha\nBeta\n");
    expect((await shell.run("grep -F '.' words; echo $?")).stdout).toBe("1\n");
    expect((await shell.run("grep -w beta words")).stdout).toBe("gamma beta\n");
    expect((await shell.run("grep '[[:upper:]]' words")).stdout).toBe("Beta\n");
  });

  it("prefixes file names for several files and searches recursively", async () => {
    expect((await run("grep -c root /etc/passwd /etc/group")).stdout).toBe(
      "/etc/passwd:1\n/etc/group:1\n",
    );
    expect((await run("grep -r It /var/www")).stdout).toBe(
      "/var/www/html/index.html:<h1>It works!</h1>\n",
    );
  });

  it("exits 2 on errors and invalid expressions", async () => {
    const missing = await run("grep x /nope");
    expect(missing).toMatchObject({
      exitCode: 2,
      stderr: "grep: /nope: No such file or directory\n",
    });
    expect((await run("grep -E '(' /etc/hostname")).exitCode).toBe(2);
    expect((await run("grep")).exitCode).toBe(2);
  });

  it("stops at the first match with -q", async () => {
    expect(await run("grep -q root /etc/passwd")).toMatchObject({ stdout: "", exitCode: 0 });
  });
});

describe("toJsRegExpSource", () => {
  it("swaps the meaning of escaped and bare operators in BRE", () => {
    expect(toJsRegExpSource("a\\(b\\)\\{2\\}", false)).toBe("a(b){2}");
    expect(toJsRegExpSource("a+b?", false)).toBe("a\\+b\\?");
    expect(toJsRegExpSource("a+b?", true)).toBe("a+b?");
  });
});
