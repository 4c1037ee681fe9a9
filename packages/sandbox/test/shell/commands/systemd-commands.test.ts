import { describe, expect, it } from "vitest";
import { makeServer, makeShell, run } from "../helpers.js";

describe("systemctl", () => {
  it("status shows an active service with exit 0", async () => {
    const result = await run("systemctl status nginx");
    expect(result.exitCode).toBe(0);
    const lines = result.stdout.split("\n");
    expect(lines[0]).toBe(
      "● nginx.service - A high performance web server and a reverse proxy server",
    );
    expect(lines[2]).toBe(
      "     Active: active (running) since Fri 2024-08-30 05:25:11 UTC; 3 days ago",
    );
    expect(result.stdout).toContain("Started nginx.service");
  });

  it("status exits 3 for inactive and 4 for unknown units", async () => {
    const inactive = await run("systemctl status docker.service");
    expect(inactive.exitCode).toBe(3);
    expect(inactive.stdout).toContain("Active: inactive (dead)");
    expect(await run("systemctl status nope")).toMatchObject({
      exitCode: 4,
      stderr: "Unit nope.service could not be found.\n",
    });
  });

  it("is-active prints the state per unit", async () => {
    expect(await run("systemctl is-active nginx")).toMatchObject({
      stdout: "active\n",
      exitCode: 0,
    });
    expect(await run("systemctl is-active nginx docker")).toMatchObject({
      stdout: "active\ninactive\n",
      exitCode: 3,
    });
    expect((await run("systemctl is-enabled ssh")).stdout).toBe("enabled\n");
  });

  it("lists active units, or all with --all", async () => {
    const active = (await run("systemctl list-units --type=service")).stdout;
    expect(active).toMatch(/^ {2}UNIT\s+LOAD\s+ACTIVE\s+SUB\s+DESCRIPTION\n/);
    expect(active).toContain("alpamon.service");
    expect(active).not.toContain("docker.service");
    expect((await run("systemctl list-units --all")).stdout).toContain("docker.service");
  });

  it("needs root to change services, and changes are shared by the server", async () => {
    const server = makeServer();
    const user = makeShell({ server });
    expect((await user.run("systemctl stop nginx")).stderr).toContain(
      "Failed to stop nginx.service: Interactive authentication required.",
    );
    expect((await user.run("sudo systemctl stop nginx; systemctl is-active nginx")).stdout).toBe(
      "inactive\n",
    );
    const root = makeShell({ server, user: "root" });
    expect((await root.run("systemctl start nginx && systemctl is-active nginx")).stdout).toBe(
      "active\n",
    );
    expect((await root.run("systemctl start nope")).exitCode).toBe(5);
    expect((await root.run("journalctl -u nginx -n 2")).stdout).toBe(
      "Sep 02 09:30:00 web-1 systemd[1]: Starting nginx.service - A high performance web server and a reverse proxy server...\n" +
        "Sep 02 09:30:00 web-1 systemd[1]: Started nginx.service - A high performance web server and a reverse proxy server.\n",
    );
  });
});

describe("journalctl", () => {
  it("shows the last N entries, filtered by unit", async () => {
    const lines = (await run("journalctl -n 3")).stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatch(/^Sep 02 \d\d:\d\d:\d\d web-1 alpamon\[801\]: /);
    const ssh = (await run("journalctl -u ssh --no-pager")).stdout;
    expect(
      ssh
        .trimEnd()
        .split("\n")
        .every((line) => /systemd\[1\]|ssh\[742\]/.test(line)),
    ).toBe(true);
    expect(ssh).toContain("Server listening on 0.0.0.0 port 22.");
  });

  it("says when nothing matches", async () => {
    expect((await run("journalctl -u nope")).stdout).toBe("-- No entries --\n");
  });

  it("hides the system journal from users outside adm, as systemd does", async () => {
    const shell = makeShell({ profile: { os: "amazon-linux-2023" } });
    const result = await shell.run("journalctl -n 1");
    expect(result).toMatchObject({
      exitCode: 1,
      stdout: "",
      stderr:
        "Hint: You are currently not seeing messages from other users and the system.\n" +
        "      Users in groups 'adm', 'systemd-journal' can see all messages.\n" +
        "      Pass -q to turn off this notice.\n" +
        "No journal files were opened due to insufficient permissions.\n",
    });
    expect((await shell.run("journalctl -q -u sshd")).stderr).toBe(
      "No journal files were opened due to insufficient permissions.\n",
    );
    // systemctl status leaves out the log lines the user may not read.
    const status = await shell.run("systemctl status sshd");
    expect(status.stdout).toContain("Active: active (running)");
    expect(status.stdout).not.toContain("Server listening");
    expect((await shell.run("sudo journalctl -n 1")).stdout).toMatch(/alpamon/);
  });

  it("shows the journal to a member of adm without sudo", async () => {
    const shell = makeShell();
    expect((await shell.run("id -nG")).stdout).toContain("adm");
    const result = await shell.run("journalctl -u nginx --no-pager -n 1");
    expect(result).toMatchObject({ exitCode: 0, stderr: "" });
    expect(result.stdout).toContain("Started nginx.service");
  });
});
