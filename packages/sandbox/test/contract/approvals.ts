/**
 * Contract cases of the approval and sudo-policy operations (happy path and main error of each),
 * registered by contract.test.ts so they count towards its coverage check. Requests come from
 * what needs a person: a work session, and a `sudo` a policy without `no_password` covers.
 */
import { describe, expect, it } from "vitest";
import { type Api, eventually } from "../helpers/sandbox.js";

const NOBODY = "00000000-0000-4000-8000-000000000000";
const BASE = "/api/approvals/approvals/";
const DENIED = "Alpacon denied this sudo command (SUDO_APPROVAL_REQUIRED).\n";

interface Clients {
  /** The owner's API token: the agent/token channel. */
  api: Api;
  /** A member's browser login. */
  jwt: Api;
  /** The owner's browser login: the person in the web console. */
  owner: Api;
  server: { id: string };
}

export function approvalsContract(clients: () => Clients): void {
  async function run(as: Api, line: string) {
    const { server } = clients();
    const created = await as.post("/api/events/commands/", { server: server.id, line });
    expect(created.status).toBe(201);
    const id = created.body[0].id as string;
    return eventually(async () => {
      const r = await as.get(`/api/events/commands/${id}/`);
      return r.body.handled_at ? r.body : null;
    });
  }

  /** The member asks for a work session; `id` is its approval request. */
  async function askSession(description: string, scopes: string[]) {
    const { jwt, server } = clients();
    const session = await jwt.post("/api/work-sessions/sessions/", {
      description,
      scopes,
      servers: [server.id],
      expires_at: new Date(Date.now() + 3_600_000).toISOString(),
    });
    return { session, id: session.body.approval_request_id as string };
  }

  const mySudoRequest = async (status: string) => {
    const { jwt } = clients();
    const res = await jwt.get(`${BASE}-/?request_type=sudo&status=${status}`);
    return res.body.results[0] as { id: string; request_data: string } | undefined;
  };

  describe("approvals and sudo policies", () => {
    let requestId: string;

    it("createSudoPolicy: superusers only; a policy without no_password needs a person", async () => {
      const { api, jwt, server } = clients();
      const body = { name: "whoami", commands: ["/usr/bin/whoami"], servers: [server.id] };
      const res = await api.post("/api/approvals/sudo-policies/", body);
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ name: "whoami", no_password: false, run_as: null });
      expect((await jwt.post("/api/approvals/sudo-policies/", body)).status).toBe(403);
      const bad = await api.post(
        "/api/approvals/sudo-policies/",
        { name: "whoami", commands: [] },
        { invalidRequest: true },
      );
      expect(bad.body).toEqual({
        commands: ["Give at least one command, none of them blank."],
        name: ["sudo policy with this name already exists."],
      });
    });

    it("listSudoPolicies", async () => {
      const { jwt } = clients();
      const res = await jwt.get("/api/approvals/sudo-policies/");
      expect(res.body.results.map((p: { name: string }) => p.name)).toContain("whoami");
      expect((await jwt.get("/api/approvals/sudo-policies/?page=99")).status).toBe(404);
    });

    it("a covered sudo is denied with SUDO_APPROVAL_REQUIRED and leaves one request", async () => {
      const { jwt } = clients();
      const first = await run(jwt, "sudo whoami");
      expect(first).toMatchObject({ success: false, exit_code: 1, result: DENIED });
      // Running it again while the request waits asks nothing new.
      expect((await run(jwt, "sudo whoami")).result).toBe(DENIED);
      const res = await jwt.get(`${BASE}-/?request_type=sudo`);
      expect(res.body.count).toBe(1);
      expect(res.body.results[0]).toMatchObject({ status: "pending", request_data: "sudo whoami" });
      requestId = res.body.results[0].id;
    });

    it("listMyApprovalRequests", async () => {
      const { jwt } = clients();
      const res = await jwt.get(`${BASE}-/?status=pending`);
      expect(res.body.results.map((r: { id: string }) => r.id)).toContain(requestId);
      const bad = await jwt.get(`${BASE}-/?status=open`, { invalidRequest: true });
      expect(bad.status).toBe(400);
    });

    it("listApprovalRequests: superusers see everyone's, members their own", async () => {
      const { api, jwt } = clients();
      const all = await api.get(`${BASE}?request_type=sudo`);
      expect(all.body.results.map((r: { id: string }) => r.id)).toContain(requestId);
      const own = await jwt.get(BASE);
      const users = new Set(
        own.body.results.map((r: { requested_by: { id: string } }) => r.requested_by.id),
      );
      expect(users.size).toBe(1);
      const bad = await api.get(`${BASE}?status=approve`, { invalidRequest: true });
      expect(bad.body).toEqual({
        status: ["Select a valid choice. approve is not one of the available choices."],
      });
    });

    it("getApprovalRequest", async () => {
      const { jwt } = clients();
      const res = await jwt.get(`${BASE}${requestId}/`);
      expect(res.body).toMatchObject({ id: requestId, request_type: "sudo", reviewed_by: null });
      expect((await jwt.get(`${BASE}${NOBODY}/`)).status).toBe(404);
    });

    it("approveApprovalRequest: a person only; the approved sudo then runs once", async () => {
      const { api, jwt, owner } = clients();
      const token = await api.post(`${BASE}${requestId}/approve/`, {});
      expect(token.status).toBe(403);
      expect(token.body.detail).toMatch(/web console or Slack/);
      expect((await jwt.post(`${BASE}${requestId}/approve/`, {})).status).toBe(403);
      const res = await owner.post(`${BASE}${requestId}/approve/`, { comment: "ok once" });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        status: "approved",
        reviewed_by: { id: expect.any(String) },
      });
      expect((await owner.post(`${BASE}${requestId}/approve/`, {})).body).toEqual({
        detail: "Only pending requests can be approved.",
      });
      expect(await run(jwt, "sudo whoami")).toMatchObject({ exit_code: 0, result: "root\n" });
      expect((await run(jwt, "sudo whoami")).result).toBe(DENIED);
      expect((await mySudoRequest("pending"))?.request_data).toBe("sudo whoami");
    });

    it("approving a work session's request starts the session", async () => {
      const { jwt, owner } = clients();
      const { session, id } = await askSession("Rotate logs", ["command"]);
      expect((await jwt.get(`${BASE}${id}/`)).body).toMatchObject({
        request_type: "work_session",
        status: "pending",
      });
      await owner.post(`${BASE}${id}/approve/`, { adjusted_scopes: ["command"] });
      const after = await jwt.get(`/api/work-sessions/sessions/${session.body.id}/`);
      expect(after.body.status).toBe("active");
    });

    it("rejectApprovalRequest ends what was asked", async () => {
      const { api, jwt, owner } = clients();
      const { session, id } = await askSession("Debug", ["websh"]);
      expect((await api.post(`${BASE}${id}/reject/`, {})).status).toBe(403);
      const res = await owner.post(`${BASE}${id}/reject/`, {});
      expect(res.body.status).toBe("rejected");
      const after = await jwt.get(`/api/work-sessions/sessions/${session.body.id}/`);
      expect(after.body.status).toBe("rejected");
    });

    it("cancelApprovalRequest: the requester withdraws a pending request", async () => {
      const { api, jwt } = clients();
      const pending = (await mySudoRequest("pending"))?.id as string;
      expect((await jwt.post(`${BASE}${pending}/cancel/`, {})).status).toBe(204);
      expect((await mySudoRequest("cancelled"))?.id).toBe(pending);
      const again = await api.post(`${BASE}${pending}/cancel/`, {});
      expect(again.body).toEqual({ detail: "Only pending requests can be cancelled." });
    });
  });
}
