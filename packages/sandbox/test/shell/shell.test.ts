import { describe, expect, it } from "vitest";
import { Shell, UnknownUserError } from "../../src/shell/index.js";
import { makeServer, makeShell, run, runAll } from "./helpers.js";

describe("Shell.run basics", () => {
  it("returns stdout, stderr, interleaved output and the exit code", async () => {
    const result = await run("echo out; cat nofile; echo again");
    expect(result.stdout).toBe("out\nagain\n");
    expect(result.stderr).toBe("cat: nofile: No such file or directory\n");
    expect(result.output).toBe("out\ncat: nofile: No such file or directory\nagain\n");
    expect(result.exitCode).toBe(0);
    expect(result.exited).toBe(false);
  });

  it("reports command not found with 127", async () => {
    const result = await run("frobnicate --now");
    expect(result.stderr).toBe("bash: frobnicate: command not found\n");
    expect(result.exitCode).toBe(127);
  });

  it("reports syntax errors like bash with status 2", async () => {
    const result = await run("echo a | | b");
    expect(result.stderr).toBe("bash: syntax error near unexpected token `|'\n");
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe("");
  });

  it("keeps cwd and variables across lines of one session", async () => {
    const shell = makeShell();
    await runAll(shell, "cd /tmp", "VAR=x", "export A=1");
    const result = await shell.run("pwd; echo $VAR; env | grep '^A='");
    expect(result.stdout).toBe("/tmp\nx\nA=1\n");
  });

  it("supports the example lines an SDK client sends", async () => {
    const shell = makeShell();
    expect((await shell.run("cd /tmp && ls")).exitCode).toBe(0);
    expect((await shell.run("echo $HOME")).stdout).toBe("/home/ubuntu\n");
    expect((await shell.run("VAR=x; echo $VAR")).stdout).toBe("x\n");
    expect((await shell.run("cat /etc/os-release | grep PRETTY")).stdout).toBe(
      'PRETTY_NAME="Ubuntu 22.04.4 LTS"\n',
    );
    const fallback = await shell.run("ls /nonexistent || echo fallback");
    expect(fallback.stdout).toBe("fallback\n");
    expect(fallback.stderr).toBe("ls: cannot access '/nonexistent': No such file or directory\n");
    expect((await shell.run("echo hi > /tmp/a; cat /tmp/a")).stdout).toBe("hi\n");
    expect((await shell.run("echo -e '\\e[31mred\\e[0m'")).stdout).toBe("\x1b[31mred\x1b[0m\n");
  });

  it("produces exactly the websh completion markers with $?", async () => {
    const line = "printf '\\n__ALP_S_7f3a__\\n'; echo hi; printf '\\n__ALP_E_7f3a_%d__\\n' $?";
    const ok = await run(line);
    expect(ok.stdout).toBe("\n__ALP_S_7f3a__\nhi\n\n__ALP_E_7f3a_0__\n");
    const failing = await run(line.replace("echo hi", "ls /nope"));
    expect(failing.stdout).toBe("\n__ALP_S_7f3a__\n\n__ALP_E_7f3a_2__\n");
    expect(failing.exitCode).toBe(0);
  });

  it("rejects unknown run-as users", () => {
    expect(() => new Shell({ server: makeServer(), user: "mallory" })).toThrow(UnknownUserError);
  });
});

describe("exit", () => {
  it("ends the session with the given status and skips the rest of the line", async () => {
    const shell = makeShell();
    const result = await shell.run("echo before; exit 3; echo after");
    expect(result).toMatchObject({ stdout: "before\n", exitCode: 3, exited: true });
    const later = await shell.run("echo ignored");
    expect(later).toMatchObject({ stdout: "", exited: true });
  });

  it("defaults to the last status and wraps modulo 256", async () => {
    expect((await run("false; exit")).exitCode).toBe(1);
    expect((await run("exit 257")).exitCode).toBe(1);
    const bad = await run("exit abc");
    expect(bad).toMatchObject({ exitCode: 2, exited: true });
    expect(bad.stderr).toBe("bash: exit: abc: numeric argument required\n");
  });

  it("only leaves the subshell when used inside ( )", async () => {
    const result = await run("(exit 4); echo $?");
    expect(result).toMatchObject({ stdout: "4\n", exited: false });
  });

  it("echoes exit on a terminal, as interactive bash does", async () => {
    const result = await makeShell({ tty: true }).run("exit");
    expect(result.stderr).toBe("exit\n");
  });
});

describe("prompt", () => {
  it("shows ~ for the home directory and $ for a regular user", async () => {
    const shell = makeShell();
    expect(shell.prompt()).toBe("ubuntu@web-1:~$ ");
    await shell.run("mkdir -p ~/a/b && cd ~/a/b");
    expect(shell.prompt()).toBe("ubuntu@web-1:~/a/b$ ");
    await shell.run("cd /var/log");
    expect(shell.prompt()).toBe("ubuntu@web-1:/var/log$ ");
  });

  it("uses # for root and starts root in /root", () => {
    const shell = makeShell({ user: "root" });
    expect(shell.prompt()).toBe("root@web-1:~# ");
    expect(shell.cwd).toBe("/root");
  });

  it("names the server's own hostname", () => {
    const shell = makeShell({ profile: { hostname: "db-7" } });
    expect(shell.prompt()).toBe("ubuntu@db-7:~$ ");
  });
});

describe("streaming and interruption", () => {
  it("delivers output produced before a pause while the command still runs", async () => {
    const shell = makeShell();
    const chunks: { chunk: string; at: number }[] = [];
    const started = Date.now();
    const done = shell.run("echo a; sleep 0.2; echo b", {
      onOutput: (chunk) => chunks.push({ chunk, at: Date.now() - started }),
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(chunks.map((c) => c.chunk)).toEqual(["a\n"]);
    const result = await done;
    expect(chunks.map((c) => c.chunk)).toEqual(["a\n", "b\n"]);
    expect(chunks[1]!.at).toBeGreaterThanOrEqual(150);
    expect(result.output).toBe("a\nb\n");
  });

  it("tags streamed chunks with their stream", async () => {
    const seen: string[] = [];
    await makeShell().run("echo x; cat /nope", {
      onOutput: (chunk, stream) => seen.push(`${stream}:${chunk}`),
    });
    expect(seen).toEqual(["stdout:x\n", "stderr:cat: /nope: No such file or directory\n"]);
  });

  it("cuts sleep short on abort with ^C and status 130, skipping the rest", async () => {
    const shell = makeShell();
    const controller = new AbortController();
    const started = Date.now();
    const pending = shell.run("echo start; sleep 30; echo never", { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const result = await pending;
    expect(Date.now() - started).toBeLessThan(1000);
    expect(result).toMatchObject({ exitCode: 130, interrupted: true, exited: false });
    expect(result.stdout).toBe("start\n^C\n");
    expect((await shell.run("echo $?")).stdout).toBe("130\n");
  });

  it("interrupt() stops the running line, like Ctrl-C in websh", async () => {
    const shell = makeShell();
    const pending = shell.run("tail -f /var/log/syslog > /dev/null");
    setTimeout(() => shell.interrupt(), 20);
    const result = await pending;
    expect(result.exitCode).toBe(130);
  });

  it("can omit the ^C echo for non-terminal callers", async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await makeShell().run("sleep 5", {
      signal: controller.signal,
      echoInterrupt: false,
    });
    expect(result).toMatchObject({ exitCode: 130, output: "" });
  });

  it("runs queued lines in order", async () => {
    const shell = makeShell();
    const first = shell.run("sleep 0.05; echo one");
    const second = shell.run("echo two");
    expect((await first).stdout).toBe("one\n");
    expect((await second).stdout).toBe("two\n");
  });

  it("uses an injected sleep so tests need not wait", async () => {
    const waits: number[] = [];
    const shell = makeShell({
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    const result = await shell.run("sleep 1.5; sleep 2m; echo done");
    expect(waits).toEqual([1500, 120_000]);
    expect(result.stdout).toBe("done\n");
  });
});

describe("pipes, lists and status", () => {
  it("feeds stdout through a pipeline and reports the last status", async () => {
    expect((await run("cat /etc/passwd | grep ubuntu | wc -l")).stdout).toBe("1\n");
    expect((await run("echo hi | false")).exitCode).toBe(1);
    expect((await run("false | echo hi")).exitCode).toBe(0);
  });

  it("short-circuits && and || and exposes $?", async () => {
    expect((await run("true && echo yes || echo no")).stdout).toBe("yes\n");
    expect((await run("false && echo yes || echo no")).stdout).toBe("no\n");
    expect((await run("false; echo $?; true; echo $?")).stdout).toBe("1\n0\n");
    expect((await run("cat /nope 2>/dev/null; echo $?")).stdout).toBe("1\n");
    expect((await run("! false && echo negated")).stdout).toBe("negated\n");
  });

  it("runs pipeline stages in subshells so cd there does not leak", async () => {
    const shell = makeShell();
    await shell.run("cd /tmp | true");
    expect(shell.cwd).toBe("/home/ubuntu");
  });
});

describe("redirections", () => {
  it("writes, appends and reads back files in the VFS", async () => {
    const server = makeServer();
    const shell = makeShell({ server });
    await shell.run("echo one > /tmp/f; echo two >> /tmp/f");
    expect(server.vfs.readText("/tmp/f")).toBe("one\ntwo\n");
    expect((await shell.run("wc -l < /tmp/f")).stdout).toBe("2\n");
    await shell.run("echo three > /tmp/f");
    expect(server.vfs.readText("/tmp/f")).toBe("three\n");
  });

  it("routes stderr with 2> and 2>&1 in order", async () => {
    const server = makeServer();
    const shell = makeShell({ server });
    const quiet = await shell.run("cat /nope 2> /tmp/err");
    expect(quiet.output).toBe("");
    expect(server.vfs.readText("/tmp/err")).toBe("cat: /nope: No such file or directory\n");
    await shell.run("cat /nope /etc/hostname > /tmp/both 2>&1");
    expect(server.vfs.readText("/tmp/both")).toBe("cat: /nope: No such file or directory\nweb-1\n");
    const piped = await shell.run("cat /nope 2>&1 | wc -l");
    expect(piped).toMatchObject({ stdout: "1\n", stderr: "" });
  });

  it("fails the command when the target cannot be opened", async () => {
    const result = await run("echo x > /etc/passwd; echo $?");
    expect(result.stderr).toBe("bash: /etc/passwd: Permission denied\n");
    expect(result.stdout).toBe("1\n");
    const missing = await run("echo x > /no/such/dir/f");
    expect(missing).toMatchObject({
      exitCode: 1,
      stderr: "bash: /no/such/dir/f: No such file or directory\n",
    });
  });

  it("discards output sent to /dev/null", async () => {
    expect((await run("echo hidden > /dev/null")).output).toBe("");
  });
});

describe("filesystem isolation", () => {
  it("keeps ../ traversal inside the virtual root", async () => {
    const shell = makeShell();
    const result = await shell.run("cd /home/ubuntu && cat ../../../../etc/passwd");
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain("ubuntu:x:1000:1000:");
    expect((await shell.run("cd ../../../../.. && pwd")).stdout).toBe("/\n");
  });

  it("shares one filesystem between all shells of a server, not across servers", async () => {
    const server = makeServer();
    await makeShell({ server }).run("echo shared > /tmp/x");
    expect((await makeShell({ server, user: "root" }).run("cat /tmp/x")).stdout).toBe("shared\n");
    expect((await makeShell().run("cat /tmp/x")).exitCode).toBe(1);
  });

  it("enforces permissions for non-root users", async () => {
    expect((await run("ls /root")).stderr).toBe(
      "ls: cannot open directory '/root': Permission denied\n",
    );
    expect((await run("cat /etc/shadow")).stderr).toBe("cat: /etc/shadow: Permission denied\n");
    expect((await run("cat /etc/shadow", { user: "root" })).exitCode).toBe(0);
  });
});

describe("windows servers", () => {
  it("refuses commands with a clear message but still allows exit", async () => {
    const shell = makeShell({ profile: { hostname: "win-1", os: "windows-server-2022" } });
    const result = await shell.run("dir");
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("Windows server");
    expect((await shell.run("exit")).exited).toBe(true);
  });
});
