import { describe, expect, it } from "vitest";
import { makeServer, makeShell, run } from "../helpers.js";

describe("cat", () => {
  it("concatenates files and stdin", async () => {
    expect((await run("cat /etc/hostname /etc/hostname")).stdout).toBe("web-1\nweb-1\n");
    expect((await run("echo piped | cat")).stdout).toBe("piped\n");
    expect((await run("echo mid | cat /etc/hostname - /etc/hostname")).stdout).toBe(
      "web-1\nmid\nweb-1\n",
    );
    expect((await run("printf 'a\\nb\\n' | cat -n")).stdout).toBe("     1\ta\n     2\tb\n");
  });

  it("reports missing files and directories but prints the rest", async () => {
    const result = await run("cat nofile /etc/hostname /tmp");
    expect(result.stdout).toBe("web-1\n");
    expect(result.stderr).toBe(
      "cat: nofile: No such file or directory\ncat: /tmp: Is a directory\n",
    );
    expect(result.exitCode).toBe(1);
  });
});

describe("mkdir, touch, rm, rmdir", () => {
  it("creates directories, with -p for parents", async () => {
    const server = makeServer();
    const shell = makeShell({ server });
    expect((await shell.run("mkdir d && mkdir -p d/e/f")).exitCode).toBe(0);
    expect(server.vfs.isDir("/home/ubuntu/d/e/f")).toBe(true);
    expect((await shell.run("mkdir d")).stderr).toBe(
      "mkdir: cannot create directory 'd': File exists\n",
    );
    expect((await shell.run("mkdir x/y")).stderr).toBe(
      "mkdir: cannot create directory 'x/y': No such file or directory\n",
    );
    expect((await shell.run("mkdir /opt/app")).stderr).toBe(
      "mkdir: cannot create directory '/opt/app': Permission denied\n",
    );
    expect((await shell.run("mkdir")).exitCode).toBe(1);
  });

  it("touches files into existence", async () => {
    const server = makeServer();
    await makeShell({ server }).run("touch a b");
    expect(server.vfs.readText("/home/ubuntu/a")).toBe("");
    expect(server.vfs.stat("/home/ubuntu/b").owner).toBe("ubuntu");
    expect((await makeShell({ server }).run("touch /nope/x")).stderr).toBe(
      "touch: cannot touch '/nope/x': No such file or directory\n",
    );
  });

  it("removes files, needs -r for directories and -f silences missing files", async () => {
    const server = makeServer();
    const shell = makeShell({ server });
    await shell.run("mkdir -p d/e; touch f d/e/g");
    expect((await shell.run("rm d")).stderr).toBe("rm: cannot remove 'd': Is a directory\n");
    expect((await shell.run("rm -r d f")).exitCode).toBe(0);
    expect(server.vfs.exists("/home/ubuntu/d")).toBe(false);
    expect(server.vfs.exists("/home/ubuntu/f")).toBe(false);
    const missing = await shell.run("rm gone");
    expect(missing).toMatchObject({
      exitCode: 1,
      stderr: "rm: cannot remove 'gone': No such file or directory\n",
    });
    expect((await shell.run("rm -f gone")).exitCode).toBe(0);
    expect((await shell.run("rm /etc/hostname")).stderr).toBe(
      "rm: cannot remove '/etc/hostname': Permission denied\n",
    );
  });

  it("refuses rm -rf /", async () => {
    const result = await run("rm -rf /", { user: "root" });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("it is dangerous to operate recursively on '/'");
  });

  it("rmdir only removes empty directories", async () => {
    const shell = makeShell();
    await shell.run("mkdir -p a/b");
    expect((await shell.run("rmdir a")).stderr).toBe(
      "rmdir: failed to remove 'a': Directory not empty\n",
    );
    expect((await shell.run("rmdir a/b a")).exitCode).toBe(0);
  });
});

describe("cp and mv", () => {
  it("copies files, into directories, and directories with -r", async () => {
    const server = makeServer();
    const shell = makeShell({ server });
    await shell.run("echo data > f; mkdir d");
    await shell.run("cp f g; cp f d; cp -r d d2");
    expect(server.vfs.readText("/home/ubuntu/g")).toBe("data\n");
    expect(server.vfs.readText("/home/ubuntu/d/f")).toBe("data\n");
    expect(server.vfs.readText("/home/ubuntu/d2/f")).toBe("data\n");
    expect((await shell.run("cp d d3")).stderr).toBe(
      "cp: -r not specified; omitting directory 'd'\n",
    );
    expect((await shell.run("cp nope x")).stderr).toBe(
      "cp: cannot stat 'nope': No such file or directory\n",
    );
    expect((await shell.run("cp f")).stderr).toContain(
      "cp: missing destination file operand after 'f'",
    );
    expect((await shell.run("cp f g h")).stderr).toBe("cp: target 'h' is not a directory\n");
  });

  it("moves and renames", async () => {
    const server = makeServer();
    const shell = makeShell({ server });
    await shell.run("echo x > a; mkdir d; mv a b; mv b d");
    expect(server.vfs.readText("/home/ubuntu/d/b")).toBe("x\n");
    expect(server.vfs.exists("/home/ubuntu/a")).toBe(false);
    expect((await shell.run("mv nope x")).stderr).toBe(
      "mv: cannot stat 'nope': No such file or directory\n",
    );
    expect((await shell.run("mv d d/inner")).stderr).toBe(
      "mv: cannot move 'd' to a subdirectory of itself, 'd/inner'\n",
    );
  });
});
