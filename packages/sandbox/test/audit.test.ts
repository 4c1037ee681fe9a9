/**
 * Audit and history: entries come from the actions that make them (REST writes, commands, websh,
 * webftp, work-session analyses), are bounded, private to their user unless staff, and served in
 * both list envelopes the clients' evidence shows.
 */
import { describe, expect, it } from "vitest";
import { AuditStore, assessRecording } from "../src/state/audit.js";
import { type Api, eventually, useSandbox } from "./helpers/sandbox.js";

const h = useSandbox({
  servers: 6,
  workspaces: [
    { region: "ap1", workspace: "acme" },
    { region: "ap1", workspace: "tolerant", variants: { historyList: "count" } },
  ],
});

function onlineServer(index = 0): string {
  const ws = h.sandbox.workspaces[index]!;
  const servers = h.sandbox.control.workspace(ws.region, ws.workspace).servers();
  return String(servers.find((s) => s.is_connected === true && s.os_name !== "Windows")?.id);
}

async function note(api: Api, content: string): Promise<void> {
  const res = await api.post("/api/servers/notes/", { server: onlineServer(), content });
  expect(res.status).toBe(201);
}

describe("activity log", () => {
  it("records writes, refused ones too, and not reads", async () => {
    const api = h.api();
    const before = (await api.get("/api/audit/activity/?page_size=100")).body.results.length;
    await api.get("/api/servers/notes/");
    await note(api, "one");
    const refused = await api.post(
      "/api/servers/notes/",
      { server: onlineServer(), content: "x".repeat(600) },
      { invalidRequest: true },
    );
    expect(refused.status).toBe(400);
    const after = (await api.get("/api/audit/activity/?page_size=100")).body.results;
    expect(after.length).toBe(before + 2);
    expect(after[0]).toMatchObject({ action: "create", status_code: 400, model: "note" });
    expect(after[0].description).toContain("refused: 400");
    expect(after[1]).toMatchObject({ app: "servers", action: "create", status_code: 201 });
    expect(after[1].user.id).toBeTruthy();
    expect(after[1].ip).toBe("127.0.0.1");
  });

  it("names detail actions and deletions, and filters by app and model", async () => {
    const api = h.api();
    const created = await api.post("/api/servers/notes/", {
      server: onlineServer(),
      content: "gone soon",
    });
    await api.delete(`/api/servers/notes/${created.body.id}/`);
    const [deleted] = (await api.get("/api/audit/activity/?app=servers&model=note")).body.results;
    expect(deleted).toMatchObject({ action: "delete", status_code: 204 });
    expect(deleted.description).toContain(created.body.id);
    expect((await api.get("/api/audit/activity/?app=iam")).body.results).toEqual([]);
  });

  it("follows the cursor through every entry once", async () => {
    const api = h.api();
    for (let i = 0; i < 5; i++) await note(api, `n${i}`);
    const all = (await api.get("/api/audit/activity/?page_size=100")).body.results;
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${cursor}` : "";
      const page = (await api.get(`/api/audit/activity/?page_size=3${query}`)).body;
      seen.push(...page.results.map((e: { id: string }) => e.id));
      cursor = page.next;
    } while (cursor);
    expect(seen).toEqual(all.map((e: { id: string }) => e.id));
  });

  it("shows a member only their own entries", async () => {
    const member = h.api(0, "jwt");
    await note(member, "mine");
    const mine = (await member.get("/api/audit/activity/?page_size=100")).body.results;
    const all = (await h.api().get("/api/audit/activity/?page_size=100")).body.results;
    expect(mine).toHaveLength(1);
    expect(all.length).toBeGreaterThan(1);
    const others = all.filter((e: { user: { id: string } }) => e.user.id !== mine[0].user.id);
    expect(others.length).toBe(all.length - 1);
    expect((await member.get(`/api/audit/activity/${others[0].id}/`)).status).toBe(404);
    expect((await member.get(`/api/audit/activity/${mine[0].id}/`)).status).toBe(200);
  });

  it("answers { results, count } paged by page number in the count variant", async () => {
    const api = h.api(1);
    const server = onlineServer(1);
    for (let i = 0; i < 3; i++) {
      await api.post("/api/servers/notes/", { server, content: `v${i}` });
    }
    const page = await api.get("/api/audit/activity/?page=2&page_size=2");
    expect(Object.keys(page.body).sort()).toEqual(["count", "results"]);
    expect(page.body.count).toBeGreaterThanOrEqual(3);
    expect(page.body.results.length).toBeGreaterThan(0);
    expect((await api.get("/api/audit/activity/?page=99")).status).toBe(404);
  });
});

describe("server and webftp logs", () => {
  it("record finished commands and websh sessions on their server", async () => {
    const api = h.api();
    const server = onlineServer();
    const created = await api.post("/api/events/commands/", {
      server,
      shell: "system",
      line: "false",
    });
    const id = created.body[0].id;
    await eventually(async () => {
      const r = await api.get(`/api/events/commands/${id}/`);
      return r.body.status === "failed";
    });
    const shell = await api.post("/api/websh/sessions/", { server, rows: 24, cols: 80 });
    await api.post(`/api/websh/sessions/${shell.body.id}/close/`, {});
    const logs = (await api.get(`/api/history/logs/?server=${server}`)).body.results;
    expect(logs[0].msg).toBe(`Websh session ${shell.body.id} closed for ${shell.body.username}.`);
    expect(logs[1].msg).toContain(`Websh session ${shell.body.id} opened`);
    const failed = logs.find((l: { msg: string }) => l.msg.includes(id));
    expect(failed).toMatchObject({ level: 30, name: "alpamon.runner.command" });
    expect(failed.msg).toBe(`Command ${id} (system) exited with code 1.`);
    expect(failed.server.id).toBe(server);
  });

  it("record a download once it is ready", async () => {
    const api = h.api();
    const server = onlineServer();
    const res = await api.post("/api/webftp/downloads/", {
      server,
      path: "/etc/hostname",
      name: "hostname",
      resource_type: "file",
    });
    const log = await eventually(async () => {
      const r = await api.get(`/api/history/webftp-logs/?action=download&server=${server}`);
      return r.body.results[0];
    });
    expect(log).toMatchObject({ file_name: "hostname", action: "download", success: true });
    expect(log.user.id).toBeTruthy();
    expect(res.status).toBe(201);
    expect((await h.api(0, "jwt").get("/api/history/webftp-logs/")).body.results).toEqual([]);
  });
});

describe("AuditStore", () => {
  it("keeps only the newest entries of each log", () => {
    let t = 0;
    const store = new AuditStore(() => ++t, 3);
    for (let i = 0; i < 5; i++) store.recordServerLog("s", 20, "x", `m${i}`);
    expect(store.serverLogs.newestFirst().map((e) => e.msg)).toEqual(["m4", "m3", "m2"]);
    expect(store.serverLogs.size).toBe(3);
  });
});

describe("assessRecording", () => {
  it("flags risky commands in a recording and takes the highest risk", () => {
    expect(assessRecording("$ ls -la\r\n")).toEqual({ risk: "low", findings: [] });
    expect(assessRecording("$ sudo systemctl restart nginx")).toEqual({
      risk: "medium",
      findings: ["privilege escalation (sudo/su)"],
    });
    const both = assessRecording("$ sudo rm -rf / \r\n$ cat /etc/shadow");
    expect(both.risk).toBe("high");
    expect(both.findings).toEqual([
      "recursive delete from /",
      "password hashes read",
      "privilege escalation (sudo/su)",
    ]);
  });
});
