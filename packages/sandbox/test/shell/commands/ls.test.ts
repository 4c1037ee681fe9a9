import { describe, expect, it } from "vitest";
import { columns } from "../../../src/shell/commands/ls.js";
import { makeShell, run } from "../helpers.js";

describe("ls", () => {
  it("lists one name per line when stdout is not a terminal, hiding dotfiles", async () => {
    const shell = makeShell();
    await shell.run("touch b a .hidden");
    expect((await shell.run("ls")).stdout).toBe("a\nb\n");
    expect((await shell.run("ls -a")).stdout).toBe(".\n..\n.bashrc\n.hidden\n.profile\na\nb\n");
    expect((await shell.run("ls -A")).stdout).toBe(".bashrc\n.hidden\n.profile\na\nb\n");
  });

  it("prints columns on a terminal and honours -1", async () => {
    const shell = makeShell({ tty: true });
    await shell.run("touch one two three");
    expect((await shell.run("ls")).stdout).toBe("one  three  two\n");
    expect((await shell.run("ls -1")).stdout).toBe("one\nthree\ntwo\n");
  });

  it("prints a long listing with modes, owners, sizes and dates", async () => {
    const shell = makeShell();
    await shell.run("echo hello > f; mkdir d");
    const result = await shell.run("ls -l");
    expect(result.stdout).toBe(
      "total 8\ndrwxr-xr-x 2 ubuntu ubuntu 4096 Sep  2 09:30 d\n-rw-r--r-- 1 ubuntu ubuntu    6 Sep  2 09:30 f\n",
    );
    expect((await shell.run("ls -ld /tmp")).stdout).toMatch(/^drwxrwxrwt \d+ root root 4096 /);
  });

  it("shows a directory header per operand when given several", async () => {
    const shell = makeShell();
    await shell.run("mkdir x y; touch x/1 y/2");
    expect((await shell.run("ls x y")).stdout).toBe("x:\n1\n\ny:\n2\n");
    expect((await shell.run("ls /etc/hostname x")).stdout).toBe("/etc/hostname\n\nx:\n1\n");
  });

  it("exits 2 for missing operands and unreadable directories", async () => {
    const missing = await run("ls /nonexistent");
    expect(missing).toMatchObject({
      exitCode: 2,
      stderr: "ls: cannot access '/nonexistent': No such file or directory\n",
    });
    expect((await run("ls /root")).exitCode).toBe(2);
    const bad = await run("ls -z");
    expect(bad).toMatchObject({ exitCode: 2 });
    expect(bad.stderr).toContain("ls: invalid option -- 'z'");
  });

  it("expands globs before running", async () => {
    const shell = makeShell();
    await shell.run("touch a.log b.log c.txt");
    expect((await shell.run("ls *.log")).stdout).toBe("a.log\nb.log\n");
    expect((await shell.run("echo ?.txt")).stdout).toBe("c.txt\n");
    expect((await shell.run("echo '*.log' *.none")).stdout).toBe("*.log *.none\n");
    expect((await shell.run("echo /etc/host*")).stdout).toBe("/etc/hostname /etc/hosts\n");
  });
});

describe("columns", () => {
  it("fills column-major and wraps at the width", () => {
    expect(columns(["a", "b", "c"], 80)).toBe("a  b  c\n");
    const names = Array.from({ length: 6 }, (_, i) => `file-number-${i}`);
    expect(columns(names, 45)).toBe(
      "file-number-0  file-number-2  file-number-4\nfile-number-1  file-number-3  file-number-5\n",
    );
    expect(columns(names, 40)).toBe(
      "file-number-0  file-number-3\nfile-number-1  file-number-4\nfile-number-2  file-number-5\n",
    );
  });
});
