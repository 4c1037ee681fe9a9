import { describe, expect, it } from "vitest";
import { makeShell, run } from "../helpers.js";

describe("identity", () => {
  it("whoami and id describe the run-as user", async () => {
    expect((await run("whoami")).stdout).toBe("ubuntu\n");
    expect((await run("id")).stdout).toBe(
      "uid=1000(ubuntu) gid=1000(ubuntu) groups=1000(ubuntu),4(adm),27(sudo)\n",
    );
    expect((await run("id", { user: "root" })).stdout).toBe(
      "uid=0(root) gid=0(root) groups=0(root)\n",
    );
    expect((await run("id -u; id -un; id -G")).stdout).toBe("1000\nubuntu\n1000 4 27\n");
    expect(await run("id ghost")).toMatchObject({
      exitCode: 1,
      stderr: "id: 'ghost': no such user\n",
    });
  });

  it("hostname prints the server name and refuses changes", async () => {
    expect((await run("hostname")).stdout).toBe("web-1\n");
    expect((await run("hostname -I")).stdout).toBe("10.0.1.15 \n");
    expect((await run("hostname other")).stderr).toBe(
      "hostname: you must be root to change the host name\n",
    );
  });

  it("uname prints the selected fields in canonical order", async () => {
    expect((await run("uname")).stdout).toBe("Linux\n");
    expect((await run("uname -r")).stdout).toBe("5.15.0-113-generic\n");
    expect((await run("uname -m -s -n")).stdout).toBe("Linux web-1 x86_64\n");
    expect((await run("uname -a")).stdout).toBe(
      "Linux web-1 5.15.0-113-generic #123-Ubuntu SMP Mon Jun 10 08:16:17 UTC 2024 x86_64 x86_64 x86_64 GNU/Linux\n",
    );
    expect((await run("uname -q")).exitCode).toBe(1);
  });
});

describe("uptime and date", () => {
  it("derives uptime from the injected clock and boot time", async () => {
    expect((await run("uptime")).stdout).toBe(
      " 09:30:00 up 3 days,  4:05,  1 user,  load average: 0.08, 0.03, 0.01\n",
    );
    expect((await run("uptime -p")).stdout).toBe("up 3 days, 4 hours, 5 minutes\n");
    expect((await run("uptime -s")).stdout).toBe("2024-08-30 05:25:00\n");
    const fresh = makeShell({ profile: { uptimeSeconds: 300 } });
    expect((await fresh.run("uptime")).stdout).toContain(" up 5 min,  1 user");
  });

  it("prints the clock in UTC with formats", async () => {
    expect((await run("date")).stdout).toBe("Mon Sep  2 09:30:00 UTC 2024\n");
    expect((await run("date +%F_%T")).stdout).toBe("2024-09-02_09:30:00\n");
    expect((await run("date +%s")).stdout).toBe(`${Date.UTC(2024, 8, 2, 9, 30) / 1000}\n`);
  });
});

describe("df and free", () => {
  it("df lists the profile's disks in 1K blocks or human units", async () => {
    const plain = (await run("df")).stdout.split("\n");
    expect(plain[0]).toMatch(/^Filesystem\s+1K-blocks\s+Used\s+Available Use% Mounted on$/);
    expect(plain[1]).toMatch(/^\/dev\/root\s+30298176\s+6581432\s+23716744\s+22% \/$/);
    const human = (await run("df -h /")).stdout;
    expect(human).toBe(
      "Filesystem Size Used Avail Use% Mounted on\n/dev/root   29G 6.3G   23G  22% /\n",
    );
    expect((await run("df /nope")).exitCode).toBe(1);
  });

  it("free reports the profile's memory", async () => {
    const shell = makeShell({
      profile: { memoryTotalBytes: 4 * 1024 ** 3, memoryUsedBytes: 1024 ** 3 },
    });
    const kib = (await shell.run("free")).stdout.split("\n");
    expect(kib[0]?.trim().split(/\s+/)).toEqual([
      "total",
      "used",
      "free",
      "shared",
      "buff/cache",
      "available",
    ]);
    expect(kib[1]?.split(/\s+/).slice(0, 3)).toEqual(["Mem:", "4194304", "1048576"]);
    expect((await shell.run("free -h")).stdout.split("\n")[1]).toMatch(/^Mem:\s+4\.0Gi\s+1\.0Gi/);
    expect((await shell.run("free -m")).stdout.split("\n")[1]?.split(/\s+/)[1]).toBe("4096");
  });
});

describe("ps", () => {
  it("ps aux lists services, the agent and the current shell", async () => {
    const result = await run("ps aux");
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe(
      "USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND",
    );
    expect(result.stdout).toContain("/usr/local/bin/alpamon");
    expect(result.stdout).toContain("nginx: master process");
    expect(result.stdout).not.toContain("dockerd");
    expect(lines.at(-1)).toMatch(/^ubuntu\s+\d+ .* ps$/);
  });

  it("ps -ef and plain ps use their own layouts", async () => {
    expect((await run("ps -ef")).stdout.split("\n")[0]).toBe(
      "UID          PID    PPID  C STIME TTY          TIME CMD",
    );
    expect((await run("ps")).stdout).toMatch(
      /^ {4}PID TTY {10}TIME CMD\n\s+\d+ \? +00:00:00 bash\n/,
    );
    expect((await run("ps --forest")).exitCode).toBe(1);
  });
});
