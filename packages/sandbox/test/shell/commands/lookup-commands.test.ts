import { describe, expect, it } from "vitest";
import { makeShell, run, runAll } from "../helpers.js";

describe("seq", () => {
  it("counts as GNU seq does", async () => {
    expect((await run("seq 3")).stdout).toBe("1\n2\n3\n");
    expect((await run("seq 2 2 7")).stdout).toBe("2\n4\n6\n");
    expect((await run("seq 3 -1 1")).stdout).toBe("3\n2\n1\n");
    expect((await run("seq -s, -w 9 11")).stdout).toBe("09,10,11\n");
    expect((await run("seq 0 0.5 1")).stdout).toBe("0.0\n0.5\n1.0\n");
    expect((await run("seq 5 1")).stdout).toBe("");
  });

  it("rejects bad operands with coreutils' message", async () => {
    expect(await run("seq x")).toMatchObject({
      exitCode: 1,
      stderr: "seq: invalid floating point argument: 'x'\nTry 'seq --help' for more information.\n",
    });
    expect((await run("seq")).stderr).toContain("seq: missing operand");
  });
});

describe("getent", () => {
  it("looks up passwd and group entries by name or id", async () => {
    expect((await run("getent group sudo")).stdout).toBe("sudo:x:27:ubuntu\n");
    expect((await run("getent passwd 0")).stdout).toBe("root:x:0:0:root:/root:/bin/bash\n");
    expect((await run("getent passwd")).stdout).toContain("ubuntu:x:1000:1000:");
    expect((await run("getent hosts web-1")).stdout).toBe("127.0.1.1       web-1\n");
  });

  it("exits 2 for a missing key and 1 for an unknown database", async () => {
    expect(await run("getent passwd nosuch")).toMatchObject({ exitCode: 2, stdout: "" });
    expect(await run("getent nope")).toMatchObject({
      exitCode: 1,
      stderr: "Unknown database: nope\n",
    });
  });

  it("reads /etc/group as it is now", async () => {
    const shell = makeShell({ user: "root" });
    const result = await runAll(shell, "echo 'ops:x:3000:ann' >> /etc/group", "getent group ops");
    expect(result.stdout).toBe("ops:x:3000:ann\n");
  });
});

describe("administration files", () => {
  it("keeps /etc/sudoers root-only and names the admin group and cloud user", async () => {
    expect(await run("cat /etc/sudoers")).toMatchObject({
      exitCode: 1,
      stderr: "cat: /etc/sudoers: Permission denied\n",
    });
    const sudoers = await run("sudo cat /etc/sudoers /etc/sudoers.d/90-cloud-init-users");
    expect(sudoers.stdout).toContain("%sudo\tALL=(ALL:ALL) ALL\n");
    expect(sudoers.stdout).toContain("ubuntu ALL=(ALL) NOPASSWD:ALL\n");
    const rhel = makeShell({ profile: { os: "rhel-9" } });
    expect((await rhel.run("sudo grep -c '^%wheel' /etc/sudoers")).stdout).toBe("1\n");
  });

  it("writes nginx logs readable by adm only, with the errors behind failed requests", async () => {
    const shell = makeShell();
    const ls = await shell.run("ls -l /var/log/nginx");
    expect(ls.stdout).toMatch(/-rw-r----- 1 www-data adm .* access\.log/);
    const errors = await shell.run(
      "grep -c 'failed (111: Connection refused)' /var/log/nginx/error.log",
    );
    expect(Number(errors.stdout)).toBeGreaterThan(0);
    const access = await shell.run("tail -n 3 /var/log/nginx/access.log");
    expect(access.stdout).toMatch(/^\S+ - - \[02\/Sep\/2024:0\d:\d\d:\d\d \+0000\] "(GET|POST) \//);
    const outsider = makeShell({ user: "www-data" });
    expect((await outsider.run("cat /var/log/syslog")).stderr).toBe(
      "cat: /var/log/syslog: Permission denied\n",
    );
    const none = makeShell({ profile: { services: [] } });
    expect((await none.run("ls /var/log/nginx")).exitCode).toBe(2);
  });
});
