import { beforeAll, describe, expect, it } from "vitest";
import type { Api, SandboxHandle } from "../helpers/sandbox.js";

const NOBODY = "00000000-0000-4000-8000-000000000000";

/**
 * Workspace settings and the IAM extras (groups update/delete, applications, invitations) in the
 * contract suite (called from contract.test.ts so its coverage check sees these calls): one 2xx
 * and one 4xx per operation.
 */
export function describeWorkspaceContract(h: SandboxHandle): void {
  let api: Api;
  let jwt: Api;
  let anon: Api;

  beforeAll(() => {
    api = h.api();
    jwt = h.api(0, "jwt");
    anon = api.withAuthorization(null);
  });

  describe("workspace settings", () => {
    it("getWorkspaceAccessControl", async () => {
      const res = await jwt.get("/api/workspaces/access-control/-/");
      expect(res.body.home_directory_permission).toBe("750");
      expect((await anon.get("/api/workspaces/access-control/-/")).status).toBe(401);
    });

    it("getWorkspaceSecurity: browser sessions only, mirrors the MFA gate", async () => {
      const ws = h.sandbox.control.workspace("ap1", "acme");
      expect((await jwt.get("/api/workspaces/security/-/")).body.mfa_required).toBe(false);
      ws.setGates({ mfaRequired: true });
      try {
        const on = await jwt.get("/api/workspaces/security/-/");
        expect(on.body.mfa_required).toBe(true);
        expect(on.body.mfa_required_actions).toEqual(["command", "websh", "webftp"]);
      } finally {
        ws.setGates({ mfaRequired: false });
      }
      const token = await api.get("/api/workspaces/security/-/");
      expect(token.status).toBe(403);
      expect(token.body).toEqual({ detail: "Authentication credentials were not provided." });
    });

    it("listWorkspaceMfaMethods", async () => {
      const res = await jwt.get("/api/workspaces/security/-/mfa-methods/");
      expect(res.body).toEqual({ allowed_mfa_methods: ["email", "otp"], passkey_as_mfa: false });
      expect((await api.get("/api/workspaces/security/-/mfa-methods/")).status).toBe(403);
    });

    it("getWorkspacePreferences", async () => {
      const res = await jwt.get("/api/workspaces/preferences/-/");
      expect(res.body.timezone).toBe("UTC");
      expect(res.body.front_url).toBe(h.sandbox.workspaces[0]?.baseUrl);
      expect((await anon.get("/api/workspaces/preferences/-/")).status).toBe(401);
    });

    it("updateWorkspacePreferences: changes read back; bad values, members and narrowing on a free plan refused", async () => {
      const res = await api.patch("/api/workspaces/preferences/-/", {
        timezone: "Asia/Seoul",
        package_proxy: "http://proxy.example.com:8080",
      });
      expect(res.body.timezone).toBe("Asia/Seoul");
      expect((await jwt.get("/api/workspaces/preferences/-/")).body.package_proxy).toBe(
        "http://proxy.example.com:8080",
      );
      const bad = await api.patch("/api/workspaces/preferences/-/", { timezone: "Mars/Olympus" });
      expect(bad.status).toBe(400);
      expect(bad.body).toEqual({ timezone: ['"Mars/Olympus" is not a valid choice.'] });
      expect((await jwt.patch("/api/workspaces/preferences/-/", { language: "ko" })).status).toBe(
        403,
      );
      const ws = h.sandbox.control.workspace("ap1", "acme");
      ws.setGates({ freePlan: true });
      try {
        const narrow = await api.patch("/api/workspaces/preferences/-/", {
          enabled_extensions: ["websh"],
        });
        expect(narrow.status).toBe(402);
      } finally {
        ws.setGates({ freePlan: false });
      }
      await api.patch("/api/workspaces/preferences/-/", { timezone: "UTC", package_proxy: null });
    });
  });

  describe("iam extras", () => {
    let groupId: string;
    let appId: string;
    let systemUsers: { id: string; username: string }[];

    beforeAll(async () => {
      const group = await api.post("/api/iam/groups/", { name: "contract-ops" });
      groupId = group.body.id;
      const servers = await api.get("/api/servers/servers/?page_size=1");
      const users = await api.get(`/api/proc/users/?server=${servers.body.results[0].id}`);
      systemUsers = users.body.results.slice(0, 2);
    });

    it("updateIamGroup", async () => {
      const res = await api.patch(`/api/iam/groups/${groupId}/`, { description: "Ops" });
      expect(res.body.description).toBe("Ops");
      expect((await jwt.patch(`/api/iam/groups/${groupId}/`, { description: "x" })).status).toBe(
        403,
      );
    });

    it("deleteIamGroup", async () => {
      const alpacon = await api.get("/api/iam/groups/?name=alpacon");
      const kept = await api.delete(`/api/iam/groups/${alpacon.body.results[0].id}/`);
      expect(kept.status).toBe(400);
      expect(kept.body).toEqual({
        non_field_errors: ['Default group "alpacon" cannot be removed.'],
      });
      expect((await api.delete(`/api/iam/groups/${groupId}/`)).status).toBe(204);
      expect((await api.get(`/api/iam/memberships/?group=${groupId}`)).body.results).toEqual([]);
    });

    it("createIamApplication", async () => {
      const res = await api.post("/api/iam/applications/", { name: "ci", service_type: "ci_cd" });
      expect(res.status).toBe(201);
      expect(res.body.system_users).toEqual([]);
      appId = res.body.id;
      expect((await jwt.post("/api/iam/applications/", { name: "x" })).status).toBe(403);
    });

    it("listIamApplications", async () => {
      const res = await jwt.get("/api/iam/applications/?search=ci");
      expect(res.body.results.map((a: { id: string }) => a.id)).toEqual([appId]);
      expect((await anon.get("/api/iam/applications/")).status).toBe(401);
    });

    it("getIamApplication", async () => {
      expect((await api.get(`/api/iam/applications/${appId}/`)).body.service_type).toBe("ci_cd");
      expect((await api.get(`/api/iam/applications/${NOBODY}/`)).status).toBe(404);
    });

    it("updateIamApplication", async () => {
      const res = await api.patch(`/api/iam/applications/${appId}/`, { description: "Builds" });
      expect(res.body.description).toBe("Builds");
      expect((await api.patch(`/api/iam/applications/${NOBODY}/`, { name: "y" })).status).toBe(404);
    });

    it("assignApplicationSystemUsers", async () => {
      const ids = systemUsers.map((u) => u.id);
      const res = await api.post(`/api/iam/applications/${appId}/system-users/`, {
        system_user_ids: ids,
      });
      expect(res.body.map((u: { username: string }) => u.username)).toEqual(
        systemUsers.map((u) => u.username),
      );
      const app = await api.get(`/api/iam/applications/${appId}/`);
      expect(app.body.system_users.map((u: { id: string }) => u.id)).toEqual(ids);
      const unknown = await api.post(`/api/iam/applications/${appId}/system-users/`, {
        system_user_ids: [NOBODY],
      });
      expect(unknown.status).toBe(400);
    });

    it("unassignApplicationSystemUsers", async () => {
      const first = systemUsers[0]?.id as string;
      const res = await api.post(`/api/iam/applications/${appId}/system-users/unassign/`, {
        system_user_ids: [first, NOBODY],
      });
      expect(res.body).toEqual({ unassigned: 1, system_user_ids: [first] });
      const empty = await api.post(
        `/api/iam/applications/${appId}/system-users/unassign/`,
        { system_user_ids: [] },
        { invalidRequest: true },
      );
      expect(empty.body).toEqual({ system_user_ids: ["This list may not be empty."] });
    });

    it("deleteIamApplication", async () => {
      expect((await jwt.delete(`/api/iam/applications/${appId}/`)).status).toBe(403);
      expect((await api.delete(`/api/iam/applications/${appId}/`)).status).toBe(204);
    });

    it("inviteWorkspaceUser: a pending invitation; duplicates, members and other domains refused", async () => {
      const res = await api.post("/api/workspaces/users/invite/", { email: "New@Example.com" });
      expect(res.body).toEqual({ detail: ["User invitation sent."] });
      const ws = h.sandbox.control.workspace("ap1", "acme");
      expect(ws.invitations().map((i) => i.email)).toContain("new@example.com");
      const again = await api.post("/api/workspaces/users/invite/", { email: "new@example.com" });
      expect(again.body).toEqual({ email: ["An invitation to this email is still pending."] });
      expect(
        (await jwt.post("/api/workspaces/users/invite/", { email: "b@example.com" })).status,
      ).toBe(403);
      await api.patch("/api/workspaces/preferences/-/", { allowed_domains: ["corp.example"] });
      const foreign = await api.post("/api/workspaces/users/invite/", { email: "c@other.example" });
      expect(foreign.status).toBe(400);
      await api.patch("/api/workspaces/preferences/-/", { allowed_domains: [] });
    });
  });
}
