/**
 * Contract cases of the API-token operations (happy path and main error of each), registered by
 * contract.test.ts so they count towards its coverage check.
 */
import { describe, expect, it } from "vitest";
import type { Api } from "../helpers/sandbox.js";

const NOBODY = "00000000-0000-4000-8000-000000000000";

export function tokenContract(clients: () => { api: Api; jwt: Api }): void {
  describe("tokens", () => {
    let tokenId: string;

    it("createApiToken", async () => {
      const { api, jwt } = clients();
      const res = await jwt.post("/api/auth/tokens/", {
        name: "ci",
        expires_at: null,
        scopes: ["server:read"],
        presets: ["monitoring"],
      });
      expect(res.status).toBe(201);
      expect(res.body.key).toMatch(/^alpat-/);
      expect(res.body.scopes).toEqual(["server:read", "metrics:read", "event:read"]);
      tokenId = res.body.id;
      expect((await api.post("/api/auth/tokens/", { name: "x" })).status).toBe(403);
      const again = await jwt.post("/api/auth/tokens/", { name: "ci" });
      expect(again.status).toBe(400);
      expect(again.body).toEqual(["API token with this user and name already exists."]);
    });

    it("listApiTokens", async () => {
      const { api, jwt } = clients();
      const res = await jwt.get("/api/auth/tokens/?name=ci");
      expect(res.body.results.map((t: { id: string }) => t.id)).toEqual([tokenId]);
      expect(res.body.results[0]).not.toHaveProperty("key");
      expect((await api.get("/api/auth/tokens/")).status).toBe(403);
    });

    it("getApiToken", async () => {
      const { jwt } = clients();
      const res = await jwt.get(`/api/auth/tokens/${tokenId}/`);
      expect(res.body.name).toBe("ci");
      expect(res.body).not.toHaveProperty("key");
      expect((await jwt.get(`/api/auth/tokens/${NOBODY}/`)).status).toBe(404);
    });

    it("updateApiToken", async () => {
      const { jwt } = clients();
      const res = await jwt.patch(`/api/auth/tokens/${tokenId}/`, { enabled: false });
      expect(res.body.enabled).toBe(false);
      const presets = await jwt.patch(`/api/auth/tokens/${tokenId}/`, { presets: ["monitoring"] });
      expect(presets.status).toBe(400);
      expect(presets.body).toEqual({ presets: ["Presets are not allowed on update."] });
    });

    it("duplicateApiToken", async () => {
      const { jwt } = clients();
      const res = await jwt.post(`/api/auth/tokens/${tokenId}/duplicate/`, {});
      expect(res.status).toBe(201);
      expect(res.body.name).toBe("ci (copy)");
      expect(res.body.key).toMatch(/^alpat-/);
      expect((await jwt.post(`/api/auth/tokens/${NOBODY}/duplicate/`, {})).status).toBe(404);
    });

    it("listApiTokenScopes and listApiTokenPresets", async () => {
      const { api } = clients();
      const scopes = await api.get("/api/auth/tokens/scopes/");
      expect(scopes.body.wildcards).toEqual(["*"]);
      expect(scopes.body.resources.map((r: { name: string }) => r.name)).toContain("server");
      const presets = await api.get("/api/auth/tokens/presets/");
      expect(presets.body.file_upload.scopes).toContain("webftp:create");
      const anon = api.withAuthorization(null);
      expect((await anon.get("/api/auth/tokens/scopes/")).status).toBe(401);
      expect((await anon.get("/api/auth/tokens/presets/")).status).toBe(401);
    });

    it("deleteApiToken", async () => {
      const { jwt } = clients();
      expect((await jwt.delete(`/api/auth/tokens/${tokenId}/`)).status).toBe(204);
      expect((await jwt.delete(`/api/auth/tokens/${tokenId}/`)).status).toBe(404);
    });
  });
}
