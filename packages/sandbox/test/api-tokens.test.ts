/** API tokens made through the API: the key is shown once, and the token's scopes decide every call. */
import { describe, expect, it } from "vitest";
import { type Api, useSandbox } from "./helpers/sandbox.js";

const h = useSandbox({ servers: 4, seed: 3 });

async function mint(jwt: Api, body: Record<string, unknown>): Promise<{ id: string; as: Api }> {
  const res = await jwt.post("/api/auth/tokens/", body);
  expect(res.status).toBe(201);
  return { id: res.body.id, as: jwt.withAuthorization(`token="${res.body.key}"`) };
}

describe("API tokens in the sandbox", () => {
  it("shows the key once: never in the list, the detail or an update", async () => {
    const jwt = h.api(0, "jwt");
    const { id } = await mint(jwt, { name: "once" });
    const texts = [
      (await jwt.get("/api/auth/tokens/")).text,
      (await jwt.get(`/api/auth/tokens/${id}/`)).text,
      (await jwt.patch(`/api/auth/tokens/${id}/`, { name: "once-renamed" })).text,
    ];
    for (const text of texts) expect(text).not.toContain("alpat-");
  });

  it("enforces the scopes on every call", async () => {
    const jwt = h.api(0, "jwt");
    const { as } = await mint(jwt, { name: "reader", scopes: ["server:read"] });
    expect((await as.get("/api/servers/servers/")).status).toBe(200);
    const denied = await as.get("/api/iam/users/");
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({ code: "api_token_acl_not_allowed", source: "scope" });
    expect(denied.body.detail).toContain("iam:read");
    expect((await as.get("/api/auth/tokens/scopes/")).status).toBe(200);
  });

  it("grants `*` when neither scopes nor presets are given, and expands presets", async () => {
    const jwt = h.api(0, "jwt");
    const full = await jwt.post("/api/auth/tokens/", { name: "full" });
    expect(full.body.scopes).toEqual(["*"]);
    const { as } = await mint(jwt, { name: "mon", presets: ["monitoring"] });
    expect((await as.get("/api/events/events/")).status).toBe(200);
    expect((await as.get("/api/iam/groups/")).status).toBe(403);
  });

  it("narrowing the scopes by update takes effect on the next call", async () => {
    const jwt = h.api(0, "jwt");
    const { id, as } = await mint(jwt, { name: "narrowed", scopes: ["*"] });
    expect((await as.get("/api/iam/users/")).status).toBe(200);
    await jwt.patch(`/api/auth/tokens/${id}/`, { scopes: ["server:read"] });
    expect((await as.get("/api/iam/users/")).status).toBe(403);
  });

  it("stops working at once when deleted, disabled or expired", async () => {
    const jwt = h.api(0, "jwt");
    const deleted = await mint(jwt, { name: "gone" });
    expect((await deleted.as.get("/api/status/")).status).toBe(200);
    await jwt.delete(`/api/auth/tokens/${deleted.id}/`);
    expect((await deleted.as.get("/api/status/")).status).toBe(401);

    const disabled = await mint(jwt, { name: "off" });
    await jwt.patch(`/api/auth/tokens/${disabled.id}/`, { enabled: false });
    expect((await disabled.as.get("/api/status/")).status).toBe(401);
    await jwt.patch(`/api/auth/tokens/${disabled.id}/`, { enabled: true });
    expect((await disabled.as.get("/api/status/")).status).toBe(200);
  });

  describe("with a clock", () => {
    let clock = Date.parse("2026-01-01T00:00:00Z");
    const timed = useSandbox({ servers: 2, seed: 3, now: () => clock });

    it("stops working once its expiry has passed", async () => {
      const jwt = timed.api(0, "jwt");
      const expiresAt = new Date(clock + 60_000).toISOString();
      const soon = await mint(jwt, { name: "soon", expires_at: expiresAt });
      expect((await soon.as.get("/api/status/")).status).toBe(200);
      clock += 120_000;
      expect((await soon.as.get("/api/status/")).status).toBe(401);
    });
  });

  it("is managed by its owner through a login only, not by another API token", async () => {
    const jwt = h.api(0, "jwt");
    const { id, as } = await mint(jwt, { name: "not-a-minter" });
    expect((await as.get("/api/auth/tokens/")).status).toBe(403);
    expect((await as.post("/api/auth/tokens/", { name: "child" })).status).toBe(403);
    expect((await as.post(`/api/auth/tokens/${id}/duplicate/`, {})).status).toBe(403);
    // The admin API token cannot see it either (and it is not the admin's token).
    expect((await h.api().get(`/api/auth/tokens/${id}/`)).status).toBe(403);
  });

  it("refuses unknown scopes and presets, and a past expiry", async () => {
    const jwt = h.api(0, "jwt");
    const res = await jwt.post("/api/auth/tokens/", {
      name: "bad",
      scopes: ["nope:read"],
      presets: ["nope"],
      expires_at: "2001-01-01T00:00:00Z",
    });
    expect(res.status).toBe(400);
    expect(Object.keys(res.body).sort()).toEqual(["expires_at", "presets", "scopes"]);
  });

  it("a duplicate keeps the scopes and gets its own key", async () => {
    const jwt = h.api(0, "jwt");
    const source = await jwt.post("/api/auth/tokens/", { name: "src", scopes: ["server:read"] });
    const copy = await jwt.post(`/api/auth/tokens/${source.body.id}/duplicate/`, { name: "" });
    expect(copy.body.name).toBe("src (copy)");
    expect(copy.body.scopes).toEqual(["server:read"]);
    expect(copy.body.key).not.toBe(source.body.key);
  });
});
