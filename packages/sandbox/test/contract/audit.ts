/**
 * Contract cases of the audit and history operations (happy path and main error of each),
 * registered by contract.test.ts after the other areas, whose calls are what these lists show.
 */
import { describe, expect, it } from "vitest";
import type { Api } from "../helpers/sandbox.js";
import { createSession, TerminalClient } from "../websh/terminal-client.js";

const NOBODY = "00000000-0000-4000-8000-000000000000";

export function auditContract(clients: () => { api: Api; server: { id: string } }): void {
  describe("audit and history", () => {
    it("listActivityLogs: the writes made so far, newest first, cursor-paged", async () => {
      const { api, server } = clients();
      const note = await api.post("/api/servers/notes/", { server: server.id, content: "audit" });
      expect(note.status).toBe(201);
      const first = await api.get("/api/audit/activity/?page_size=2");
      expect(first.body.results).toHaveLength(2);
      expect(first.body.results[0]).toMatchObject({
        app: "servers",
        model: "note",
        action: "create",
        status_code: 201,
      });
      expect(typeof first.body.next).toBe("string");
      const second = await api.get(`/api/audit/activity/?page_size=2&cursor=${first.body.next}`);
      expect(Number(second.body.results[0].id)).toBeLessThan(Number(first.body.results[1].id));
      const bad = await api.get("/api/audit/activity/?user=alice", { invalidRequest: true });
      expect(bad.status).toBe(400);
      expect(bad.body).toEqual({ user: ["Enter a valid UUID."] });
      const stale = await api.get("/api/audit/activity/?cursor=nonsense");
      expect(stale.status).toBe(404);
      expect(stale.body).toEqual({ detail: "Invalid cursor" });
    });

    it("getActivityLog", async () => {
      const { api } = clients();
      const [entry] = (await api.get("/api/audit/activity/?page_size=1")).body.results;
      expect((await api.get(`/api/audit/activity/${entry.id}/`)).body).toEqual(entry);
      expect((await api.get("/api/audit/activity/999999999/")).status).toBe(404);
    });

    it("listServerLogs: what commands and websh did on a server", async () => {
      const { api, server } = clients();
      const res = await api.get(`/api/history/logs/?server=${server.id}&page_size=100`);
      expect(res.status).toBe(200);
      const names = new Set(res.body.results.map((r: { name: string }) => r.name));
      expect(names).toContain("alpamon.runner.command");
      expect(names).toContain("alpamon.runner.pty");
      expect(
        (await api.get("/api/history/logs/?server=web-1", { invalidRequest: true })).status,
      ).toBe(400);
    });

    it("listWebftpLogs: the finished transfers", async () => {
      const { api, server } = clients();
      const res = await api.get(`/api/history/webftp-logs/?server=${server.id}&action=upload`);
      expect(res.body.results[0]).toMatchObject({ action: "upload", success: true });
      expect(res.body.next).toBeNull();
      expect(
        (await api.get("/api/history/webftp-logs/?user=bob", { invalidRequest: true })).status,
      ).toBe(400);
    });

    it("listWebshSessionRecords and searchWebshSessionRecords: the terminal's output", async () => {
      const { api } = clients();
      const session = await createSession(api);
      const terminal = await TerminalClient.connect(session.websocketUrl);
      terminal.type("echo recorded-$((6*7))\r");
      await terminal.waitFor("recorded-42");
      terminal.close();
      const first = await api.get(`/api/websh/sessions/${session.id}/records/?page_size=1`);
      expect(first.body.results).toHaveLength(1);
      const rest = await api.get(
        `/api/websh/sessions/${session.id}/records/?page_size=100&cursor=${first.body.next}`,
      );
      const text = [...first.body.results, ...rest.body.results].map((r) => r.record).join("");
      expect(text).toContain("recorded-42");
      expect(rest.body.next).toBeNull();
      const found = await api.get(`/api/websh/sessions/${session.id}/search/?q=RECORDED-42`);
      expect(found.body.results.length).toBeGreaterThan(0);
      expect(
        found.body.results.every((r: { record: string }) => r.record.includes("recorded-42")),
      ).toBe(true);
      expect((await api.get(`/api/websh/sessions/${NOBODY}/records/`)).status).toBe(404);
      const noQuery = await api.get(`/api/websh/sessions/${session.id}/search/`, {
        invalidRequest: true,
      });
      expect(noQuery.status).toBe(400);
      expect(noQuery.body).toEqual({ q: ["This field is required."] });
    });

    it("analyzeWebshSession and getWebshSessionAnalysis: a closed session, once", async () => {
      const { api } = clients();
      const session = await createSession(api);
      const terminal = await TerminalClient.connect(session.websocketUrl);
      terminal.type("sudo -n true; echo checked\r");
      await terminal.waitFor("checked\r\n");
      terminal.close();
      const open = await api.post(`/api/websh/sessions/${session.id}/analyze/`, {});
      expect(open.status).toBe(400);
      expect((await api.get(`/api/websh/sessions/${session.id}/analysis/`)).status).toBe(404);
      await api.post(`/api/websh/sessions/${session.id}/close/`, {});
      const queued = await api.post(`/api/websh/sessions/${session.id}/analyze/`, {});
      expect(queued.status).toBe(202);
      expect(queued.body).toEqual({ status: "accepted", session: session.id });
      const again = await api.post(`/api/websh/sessions/${session.id}/analyze/`, {});
      expect(again.body.status).toBe("already_exists");
      const analysis = await api.get(`/api/websh/sessions/${session.id}/analysis/`);
      expect(analysis.body).toMatchObject({ risk_score: "medium", websh_session: session.id });
      expect(analysis.body.findings).toEqual(["privilege escalation (sudo/su)"]);
      const listed = await api.get("/api/history/session-analyses/?risk_score=medium");
      expect(listed.body.results.map((a: { id: string }) => a.id)).toContain(analysis.body.id);
      const silent = await createSession(api);
      await api.post(`/api/websh/sessions/${silent.id}/close/`, {});
      expect((await api.post(`/api/websh/sessions/${silent.id}/analyze/`, {})).status).toBe(204);
    });

    it("listSessionAnalyses and getSessionAnalysis", async () => {
      const { api } = clients();
      const list = await api.get("/api/history/session-analyses/");
      expect(list.body.count).toBeGreaterThan(0);
      const [first] = list.body.results;
      expect(first.status).toBe("completed");
      expect((await api.get(`/api/history/session-analyses/${first.id}/`)).body).toEqual(first);
      expect((await api.get("/api/history/session-analyses/?page=99")).status).toBe(404);
      expect((await api.get(`/api/history/session-analyses/${NOBODY}/`)).status).toBe(404);
    });
  });
}
