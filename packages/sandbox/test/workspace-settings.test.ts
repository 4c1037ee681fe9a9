import { describe, expect, it } from "vitest";
import { useSandbox } from "./helpers/sandbox.js";

let clock = Date.parse("2026-01-05T09:00:00Z");
const h = useSandbox({ servers: 4, seed: 5, now: () => clock });

describe("invitations", () => {
  it("stay pending for invite_ttl seconds; an expired one can be sent again", async () => {
    const api = h.api();
    const ws = h.sandbox.control.workspace("ap1", "acme");
    await api.patch("/api/workspaces/preferences/-/", { invite_ttl: 3600 });
    expect(
      (await api.post("/api/workspaces/users/invite/", { email: "a@example.com" })).status,
    ).toBe(200);
    expect(ws.invitations()).toEqual([
      expect.objectContaining({ email: "a@example.com", expires_at: "2026-01-05T10:00:00.000Z" }),
    ]);
    expect(
      (await api.post("/api/workspaces/users/invite/", { email: "a@example.com" })).status,
    ).toBe(400);
    clock += 3600_000;
    expect(ws.invitations()).toEqual([]);
    expect(
      (await api.post("/api/workspaces/users/invite/", { email: "a@example.com" })).status,
    ).toBe(200);
  });

  it("an existing member's address is refused", async () => {
    const api = h.api();
    const me = (await api.get("/api/iam/users/-/")).body;
    const res = await api.post("/api/workspaces/users/invite/", { email: me.email });
    expect(res.body).toEqual({ email: ["A user with this email is already in the workspace."] });
  });
});

describe("preferences drive the install guide", () => {
  it("embeds the package proxy", async () => {
    const api = h.api();
    await api.patch("/api/workspaces/preferences/-/", {
      package_proxy: "http://proxy.example:3128",
    });
    const token = await api.post("/api/servers/registration-tokens/", { name: "enrol" });
    const guide = await api.post(
      "/api/servers/registration-methods/token-install/guide/?response_type=json",
      { platform: "debian", registration_token: token.body.id },
    );
    expect(guide.body.package_proxy).toBe("http://proxy.example:3128");
  });
});

describe("an API token with scopes", () => {
  it("reaches the workspace settings only with a workspaces scope", async () => {
    const jwt = h.api(0, "jwt");
    const scoped = async (scopes: string[]) => {
      const made = await jwt.post("/api/auth/tokens/", { name: scopes.join(","), scopes });
      return h.api().withAuthorization(`token="${made.body.key}"`);
    };
    const without = await scoped(["server:read"]);
    expect((await without.get("/api/workspaces/preferences/-/")).status).toBe(403);
    const withScope = await scoped(["workspaces:read"]);
    expect((await withScope.get("/api/workspaces/preferences/-/")).status).toBe(200);
  });
});
