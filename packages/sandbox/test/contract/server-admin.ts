import { beforeAll, describe, expect, it } from "vitest";
import type { Api, SandboxHandle } from "../helpers/sandbox.js";

const NOBODY = "00000000-0000-4000-8000-000000000000";

/**
 * Server administration in the contract suite (called from contract.test.ts so its coverage
 * check sees these calls): one 2xx and one 4xx per operation. It uses servers of its own (the
 * last online ones), since actions disconnect them and unregistering removes one.
 */
export function describeServerAdminContract(h: SandboxHandle): void {
  describe("server administration", () => {
    let api: Api;
    let jwt: Api;
    let target: { id: string; name: string };
    let doomed: { id: string; name: string };
    let tokenId: string;

    beforeAll(() => {
      api = h.api();
      jwt = h.api(0, "jwt");
      const ws = h.sandbox.control.workspace("ap1", "acme");
      const online = (
        ws.servers() as { id: string; name: string; is_connected: boolean; os_name: string }[]
      ).filter((s) => s.is_connected && s.os_name !== "Windows");
      target = online.at(-1) as { id: string; name: string };
      doomed = online.at(-2) as { id: string; name: string };
    });

    it("updateServer", async () => {
      const res = await api.patch(`/api/servers/servers/${target.id}/`, {
        description: "Front web node",
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: target.id, description: "Front web node" });
      const clash = await api.patch(`/api/servers/servers/${target.id}/`, { name: doomed.name });
      expect(clash.status).toBe(400);
      expect(clash.body).toEqual({ name: ["server with this name already exists."] });
    });

    it("getServerStar and starServer", async () => {
      expect((await api.get(`/api/servers/servers/${target.id}/star/`)).body).toEqual({
        status: false,
      });
      const star = await api.post(`/api/servers/servers/${target.id}/star/`, { status: true });
      expect(star.body).toEqual({ status: true });
      expect((await api.get(`/api/servers/servers/${NOBODY}/star/`)).status).toBe(404);
      const again = await api.post(`/api/servers/servers/${target.id}/star/`, { status: true });
      expect(again.status).toBe(400);
      expect(again.body).toEqual({ non_field_errors: ["You already have starred this server."] });
    });

    it("requestServerAction", async () => {
      const res = await api.post(`/api/servers/servers/${target.id}/actions/`, {
        action: "update_information",
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ shell: "internal", line: "commit" });
      const bad = await api.post(
        `/api/servers/servers/${target.id}/actions/`,
        { action: "explode" },
        { invalidRequest: true },
      );
      expect(bad.status).toBe(400);
      expect(bad.body).toEqual({ action: ['"explode" is not a valid choice.'] });
    });

    it("createRegistrationToken", async () => {
      const res = await api.post("/api/servers/registration-tokens/", {
        name: "prod-web",
        expires_at: new Date(Date.now() + 86_400_000).toISOString(),
      });
      expect(res.status).toBe(201);
      expect(res.body.key).toMatch(/^alpacax_/);
      tokenId = res.body.id;
      const dup = await api.post("/api/servers/registration-tokens/", { name: "prod-web" });
      expect(dup.status).toBe(400);
    });

    it("listRegistrationTokens", async () => {
      const res = await api.get("/api/servers/registration-tokens/?search=prod");
      expect(res.body.results.map((t: { id: string }) => t.id)).toEqual([tokenId]);
      expect(res.body.results[0].key).toBeUndefined();
      expect((await jwt.get("/api/servers/registration-tokens/")).status).toBe(403);
    });

    it("getTokenInstallGuide and getAnsibleInstallGuide", async () => {
      const body = { platform: "debian", server_name: "web-9", registration_token: tokenId };
      const guide = await api.post(
        "/api/servers/registration-methods/token-install/guide/?response_type=json",
        body,
      );
      expect(guide.status).toBe(200);
      expect(guide.body.register_command).toContain("--name web-9");
      const ansible = await api.post(
        "/api/servers/registration-methods/ansible/guide/?response_type=json",
        { platform: "rhel", token: tokenId },
      );
      expect(ansible.body.method_id).toBe("ansible");
      for (const path of ["token-install", "ansible"]) {
        const missing = await api.post(
          `/api/servers/registration-methods/${path}/guide/?response_type=json`,
          { platform: "debian", registration_token: NOBODY },
        );
        expect(missing.status).toBe(400);
      }
    });

    it("deleteRegistrationToken", async () => {
      expect((await api.delete(`/api/servers/registration-tokens/${tokenId}/`)).status).toBe(204);
      expect((await api.delete(`/api/servers/registration-tokens/${tokenId}/`)).status).toBe(404);
    });

    it("unregisterServer", async () => {
      expect((await jwt.delete(`/api/servers/servers/${doomed.id}/`)).status).toBe(403);
      expect((await api.delete(`/api/servers/servers/${doomed.id}/`)).status).toBe(204);
      expect((await api.get(`/api/servers/servers/${doomed.id}/`)).status).toBe(404);
    });
  });
}
