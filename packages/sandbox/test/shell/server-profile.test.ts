import { describe, expect, it } from "vitest";
import { createServerProfile, createSimulatedServer } from "../../src/shell/index.js";
import { clock, makeShell, NOW } from "./helpers.js";

describe("createServerProfile", () => {
  it("derives boot time from the injected clock and uptime", () => {
    const profile = createServerProfile({ hostname: "h", now: clock, uptimeSeconds: 3600 });
    expect(profile.bootTime.toISOString()).toBe(new Date(NOW.getTime() - 3_600_000).toISOString());
  });

  it("creates the distribution's cloud user with admin rights", () => {
    const ubuntu = createServerProfile({ hostname: "h" });
    expect(ubuntu.users.find((u) => u.uid === 1000)?.name).toBe("ubuntu");
    expect(ubuntu.groups.find((g) => g.name === "sudo")?.members).toContain("ubuntu");
    const rhel = createServerProfile({ hostname: "h", os: "rhel-9" });
    expect(rhel.users.find((u) => u.uid === 1000)?.name).toBe("ec2-user");
    expect(rhel.groups.find((g) => g.name === "wheel")?.members).toContain("ec2-user");
    const debian = createServerProfile({ hostname: "h", os: "debian-12" });
    expect(debian.users.find((u) => u.uid === 1000)?.name).toBe("admin");
  });

  it("accepts extra login users", () => {
    const profile = createServerProfile({ hostname: "h", loginUsers: ["alice", "bob"] });
    expect(
      profile.users.filter((u) => u.uid >= 1000 && u.uid < 65534).map((u) => [u.name, u.uid]),
    ).toEqual([
      ["alice", 1000],
      ["bob", 1001],
    ]);
  });
});

describe("createServerFilesystem", () => {
  it("seeds identity files from the profile", () => {
    const server = createSimulatedServer({ hostname: "db-1", os: "debian-12", now: clock });
    const vfs = server.vfs;
    expect(vfs.readText("/etc/hostname")).toBe("db-1\n");
    expect(vfs.readText("/etc/os-release")).toContain(
      'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n',
    );
    expect(vfs.readText("/etc/passwd")).toContain(
      "admin:x:1000:1000:admin:/home/admin:/bin/bash\n",
    );
    expect(vfs.readText("/etc/group")).toContain("sudo:x:27:admin\n");
    expect(vfs.readText("/home/admin/.bashrc")).toContain("alias ll='ls -alF'");
    expect(vfs.stat("/home/admin")).toMatchObject({ owner: "admin", type: "dir" });
    expect(vfs.stat("/tmp").mode).toBe(0o1777);
    expect(vfs.stat("/root").mode).toBe(0o700);
  });

  it("writes a few dozen deterministic syslog lines", () => {
    const a = createSimulatedServer({ hostname: "web-1", now: clock }).vfs.readText(
      "/var/log/syslog",
    );
    const b = createSimulatedServer({ hostname: "web-1", now: clock }).vfs.readText(
      "/var/log/syslog",
    );
    expect(a).toBe(b);
    const lines = a.trimEnd().split("\n");
    expect(lines.length).toBeGreaterThanOrEqual(30);
    expect(lines[0]).toMatch(/^Aug 30 05:25:00 web-1 kernel: Linux version 5\.15\.0-113-generic/);
    expect(a).toContain("web-1 systemd[1]: Started nginx.service");
    expect(a).toContain("CRON[");
  });
});

describe("different servers answer differently", () => {
  it("hostname, os-release and uname follow the profile", async () => {
    const ubuntu = makeShell({ profile: { hostname: "web-1" } });
    const amazon = makeShell({ profile: { hostname: "batch-9", os: "amazon-linux-2023" } });
    const line = "hostname; grep ^ID= /etc/os-release; uname -r; whoami";
    expect((await ubuntu.run(line)).stdout).toBe("web-1\nID=ubuntu\n5.15.0-113-generic\nubuntu\n");
    expect((await amazon.run(line)).stdout).toBe(
      "batch-9\nID=amzn\n6.1.102-111.182.amzn2023.x86_64\nec2-user\n",
    );
  });
});
