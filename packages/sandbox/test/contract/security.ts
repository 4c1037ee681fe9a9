/**
 * Contract cases of the token-ACL operations (happy path and main error of each), registered by
 * contract.test.ts so they count towards its coverage check.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Api } from "../helpers/sandbox.js";

const NOBODY = "00000000-0000-4000-8000-000000000000";

export function securityContract(
  clients: () => { jwt: Api; servers: { id: string; name: string }[] },
): void {
  describe("security ACLs", () => {
    let token: string;
    let commandId: string;
    let serverAclId: string;
    let fileId: string;

    beforeAll(async () => {
      const res = await clients().jwt.post("/api/auth/tokens/", { name: "acl-contract" });
      token = res.body.id;
    });

    it("createCommandAcl", async () => {
      const { jwt } = clients();
      const res = await jwt.post("/api/security/command-acl/", { token, command: "docker *" });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ token, token_name: "acl-contract", username: "" });
      commandId = res.body.id;
      const both = await jwt.post("/api/security/command-acl/", {
        token,
        service_token: NOBODY,
        command: "ls",
      });
      expect(both.status).toBe(400);
    });

    it("listCommandAcls", async () => {
      const { jwt } = clients();
      const res = await jwt.get(`/api/security/command-acl/?token=${token}`);
      expect(res.body.results.map((e: { id: string }) => e.id)).toEqual([commandId]);
      const bad = await jwt.get("/api/security/command-acl/?token=x", { invalidRequest: true });
      expect(bad.status).toBe(400);
    });

    it("updateCommandAcl and deleteCommandAcl", async () => {
      const { jwt } = clients();
      const res = await jwt.patch(`/api/security/command-acl/${commandId}/`, { username: "*" });
      expect(res.body.username).toBe("*");
      expect(
        (await jwt.patch(`/api/security/command-acl/${NOBODY}/`, { command: "x" })).status,
      ).toBe(404);
      expect((await jwt.delete(`/api/security/command-acl/${commandId}/`)).status).toBe(204);
      expect((await jwt.delete(`/api/security/command-acl/${commandId}/`)).status).toBe(404);
    });

    it("createServerAcl, listServerAcls, updateServerAcl, deleteServerAcl", async () => {
      const { jwt, servers } = clients();
      const [first, second] = servers as [{ id: string; name: string }, { id: string }];
      const res = await jwt.post("/api/security/server-acl/", { token, server: first.id });
      expect(res.status).toBe(201);
      expect(res.body.server).toEqual({ id: first.id, name: first.name });
      serverAclId = res.body.id;
      const again = await jwt.post("/api/security/server-acl/", { token, server: first.id });
      expect(again.status).toBe(400);
      expect(again.body).toEqual(["Server ACL with this token and server already exists."]);
      const list = await jwt.get(`/api/security/server-acl/?api_token=${token}`);
      expect(list.body.count).toBe(1);
      expect((await jwt.get("/api/security/server-acl/?page=9")).status).toBe(404);
      const moved = await jwt.patch(`/api/security/server-acl/${serverAclId}/`, {
        server: second.id,
      });
      expect(moved.body.server.id).toBe(second.id);
      const gone = await jwt.patch(`/api/security/server-acl/${serverAclId}/`, { server: NOBODY });
      expect(gone.status).toBe(400);
      expect((await jwt.delete(`/api/security/server-acl/${serverAclId}/`)).status).toBe(204);
      expect((await jwt.delete(`/api/security/server-acl/${serverAclId}/`)).status).toBe(404);
    });

    it("bulkCreateServerAcls and bulkDeleteServerAcls", async () => {
      const { jwt, servers } = clients();
      const ids = servers.map((s) => s.id);
      const made = await jwt.post("/api/security/server-acl/bulk/", { token, servers: ids });
      expect(made.status).toBe(201);
      expect(made.body).toHaveLength(ids.length);
      const unknown = await jwt.post("/api/security/server-acl/bulk/", {
        token,
        servers: [NOBODY],
      });
      expect(unknown.status).toBe(400);
      const removed = await jwt.post("/api/security/server-acl/bulk/delete/", {
        token,
        servers: ids,
      });
      expect(removed.body).toEqual({ deleted: ids.length });
      const none = await jwt.post("/api/security/server-acl/bulk/delete/", { servers: ids });
      expect(none.status).toBe(400);
    });

    it("createFileAcl, listFileAcls, updateFileAcl, deleteFileAcl", async () => {
      const { jwt } = clients();
      const res = await jwt.post("/api/security/file-acl/", {
        token,
        path: "/var/log/*",
        action: "download",
      });
      expect(res.status).toBe(201);
      fileId = res.body.id;
      const bad = await jwt.post(
        "/api/security/file-acl/",
        { token, path: "/tmp/*", action: "read" },
        { invalidRequest: true },
      );
      expect(bad.status).toBe(400);
      expect((await jwt.get("/api/security/file-acl/")).body.count).toBe(1);
      expect(
        (await jwt.get("/api/security/file-acl/?token=x", { invalidRequest: true })).status,
      ).toBe(400);
      const changed = await jwt.patch(`/api/security/file-acl/${fileId}/`, { action: "*" });
      expect(changed.body.action).toBe("*");
      expect((await jwt.patch(`/api/security/file-acl/${NOBODY}/`, { action: "*" })).status).toBe(
        404,
      );
      expect((await jwt.delete(`/api/security/file-acl/${fileId}/`)).status).toBe(204);
      expect((await jwt.delete(`/api/security/file-acl/${fileId}/`)).status).toBe(404);
    });
  });
}
