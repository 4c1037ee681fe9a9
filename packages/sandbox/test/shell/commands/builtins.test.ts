import { describe, expect, it } from "vitest";
import { makeShell, run, runAll } from "../helpers.js";

describe("echo", () => {
  it("joins arguments and honours -n and -e", async () => {
    expect((await run("echo a   b")).stdout).toBe("a b\n");
    expect((await run("echo -n x")).stdout).toBe("x");
    expect((await run("echo -e 'a\\tb\\nc'")).stdout).toBe("a\tb\nc\n");
    expect((await run("echo 'a\\nb'")).stdout).toBe("a\\nb\n");
    expect((await run("echo -e 'x\\cy'")).stdout).toBe("x");
    expect((await run("echo -x")).stdout).toBe("-x\n");
  });
});

describe("printf", () => {
  it("formats %s %d %% and escapes, reusing the format for extra arguments", async () => {
    expect((await run("printf '%s=%d%%\\n' a 5 b 7")).stdout).toBe("a=5%\nb=7%\n");
    expect((await run("printf '%5s|%-5s|%05d\\n' ab cd 42")).stdout).toBe("   ab|cd   |00042\n");
    expect((await run("printf 'no newline'")).stdout).toBe("no newline");
    expect((await run("printf '%x %o %c %.2f\\n' 255 8 hello 3.14159")).stdout).toBe(
      "ff 10 h 3.14\n",
    );
  });

  it("reports invalid numbers with status 1", async () => {
    const result = await run("printf '%d\\n' abc");
    expect(result).toMatchObject({ stdout: "0\n", exitCode: 1 });
    expect(result.stderr).toBe("bash: printf: abc: invalid number\n");
  });

  it("needs a format", async () => {
    expect((await run("printf")).exitCode).toBe(2);
  });
});

describe("cd and pwd", () => {
  it("moves around, tracks PWD/OLDPWD and supports cd -", async () => {
    const shell = makeShell();
    expect((await runAll(shell, "cd /var/log", "cd ..", "pwd")).stdout).toBe("/var\n");
    expect((await shell.run("cd -")).stdout).toBe("/var/log\n");
    expect((await shell.run("echo $PWD $OLDPWD")).stdout).toBe("/var/log /var\n");
    expect((await runAll(shell, "cd", "pwd")).stdout).toBe("/home/ubuntu\n");
  });

  it("reports missing directories, files and permissions", async () => {
    const missing = await run("cd /nope");
    expect(missing).toMatchObject({
      exitCode: 1,
      stderr: "bash: cd: /nope: No such file or directory\n",
    });
    expect((await run("cd /etc/passwd")).stderr).toBe("bash: cd: /etc/passwd: Not a directory\n");
    expect((await run("cd /root")).stderr).toBe("bash: cd: /root: Permission denied\n");
    expect((await run("cd a b")).stderr).toBe("bash: cd: too many arguments\n");
  });
});

describe("variables", () => {
  it("keeps plain assignments out of the environment until exported", async () => {
    const shell = makeShell();
    await shell.run("A=1");
    expect((await shell.run("echo $A; env | grep -c '^A='")).stdout).toBe("1\n0\n");
    await shell.run("export A");
    expect((await shell.run("env | grep '^A='")).stdout).toBe("A=1\n");
    await shell.run("unset A");
    expect((await shell.run("echo [$A]")).stdout).toBe("[]\n");
  });

  it("applies VAR=x cmd to that command only", async () => {
    const shell = makeShell();
    expect((await shell.run("GREETING=hi env | grep GREETING")).stdout).toBe("GREETING=hi\n");
    expect((await shell.run("echo [$GREETING]")).stdout).toBe("[]\n");
  });

  it("rejects invalid identifiers in export", async () => {
    const result = await run("export 1A=2");
    expect(result).toMatchObject({
      exitCode: 1,
      stderr: "bash: export: `1A=2': not a valid identifier\n",
    });
  });

  it("provides the login environment", async () => {
    const env = (await run("env", { user: "root" })).stdout;
    expect(env).toContain("HOME=/root\n");
    expect(env).toContain("USER=root\n");
    expect(env).toContain("SHELL=/bin/bash\n");
    expect(env).toContain("PATH=/usr/local/sbin:");
    expect((await run("echo $HOSTNAME")).stdout).toBe("web-1\n");
  });
});

describe("true, false, sleep", () => {
  it("returns fixed statuses", async () => {
    expect((await run("true")).exitCode).toBe(0);
    expect((await run("false")).exitCode).toBe(1);
  });

  it("validates sleep operands", async () => {
    expect((await run("sleep")).stderr).toBe(
      "sleep: missing operand\nTry 'sleep --help' for more information.\n",
    );
    const bad = await run("sleep soon");
    expect(bad).toMatchObject({ exitCode: 1 });
    expect(bad.stderr).toContain("sleep: invalid time interval 'soon'");
  });
});

describe("sudo, which, type", () => {
  it("runs commands as root for admins", async () => {
    expect((await run("sudo whoami")).stdout).toBe("root\n");
    expect((await run("sudo cat /etc/shadow")).exitCode).toBe(0);
    expect((await run("sudo -u www-data id -un")).stdout).toBe("www-data\n");
  });

  it("refuses users outside the sudo group", async () => {
    const shell = makeShell({ profile: { loginUsers: ["ubuntu", "guest"] }, user: "guest" });
    const result = await shell.run("sudo ls");
    expect(result).toMatchObject({ exitCode: 1, stderr: "guest is not in the sudoers file.\n" });
  });

  it("locates programs", async () => {
    expect((await run("which ls nosuch; echo $?")).stdout).toBe("/usr/bin/ls\n1\n");
    expect((await run("type cd ls")).stdout).toBe("cd is a shell builtin\nls is /usr/bin/ls\n");
    expect((await run("command -v grep")).stdout).toBe("/usr/bin/grep\n");
    expect((await run("/usr/bin/whoami")).stdout).toBe("ubuntu\n");
  });
});

describe("scripts", () => {
  it("runs executable files as scripts and refuses others", async () => {
    const shell = makeShell();
    await shell.run("printf '#!/bin/bash\\necho from script\\nexit 3\\n' > s.sh");
    expect((await shell.run("./s.sh")).exitCode).toBe(126);
    const ran = await shell.run("chmod_missing=1; ./nope.sh");
    expect(ran).toMatchObject({
      exitCode: 127,
      stderr: "bash: ./nope.sh: No such file or directory\n",
    });
    shell.server.vfs.setMeta("/home/ubuntu/s.sh", { mode: 0o755 });
    const result = await shell.run("./s.sh; echo status=$?");
    expect(result.stdout).toBe("from script\nstatus=3\n");
  });
});
