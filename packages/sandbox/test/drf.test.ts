import { describe, expect, it } from "vitest";
import { readJson, useSandbox } from "./helpers/sandbox.js";

const h = useSandbox({ servers: 150, seed: 3 });

describe("pagination", () => {
  it("walks three pages with next/previous as page numbers", async () => {
    const api = h.api();
    const p1 = await api.get("/api/servers/servers/?page_size=60");
    expect(p1.body).toMatchObject({ count: 150, current: 1, next: 2, previous: null, last: 3 });
    const p2 = await api.get("/api/servers/servers/?page_size=60&page=2");
    expect(p2.body).toMatchObject({ current: 2, next: 3, previous: 1 });
    const p3 = await api.get("/api/servers/servers/?page_size=60&page=3");
    expect(p3.body).toMatchObject({ current: 3, next: null, previous: 2 });
    expect(p3.body.results).toHaveLength(30);
    const ids = new Set(
      [...p1.body.results, ...p2.body.results, ...p3.body.results].map((s: { id: string }) => s.id),
    );
    expect(ids.size).toBe(150);
  });

  it("defaults to 15 per page and caps page_size at 100", async () => {
    const api = h.api();
    expect((await api.get("/api/servers/servers/")).body.results).toHaveLength(15);
    const capped = await api.get("/api/servers/servers/?page_size=500", { invalidRequest: true });
    expect(capped.status).toBe(200);
    expect(capped.body.results).toHaveLength(100);
    expect(capped.body.last).toBe(2);
    // Unusable page sizes fall back to the default, as DRF does.
    expect(
      (await api.get("/api/servers/servers/?page_size=abc", { invalidRequest: true })).body.results,
    ).toHaveLength(15);
  });

  it("answers 404 Invalid page. outside the range, and accepts page=last", async () => {
    const api = h.api();
    for (const page of ["0", "11", "abc"]) {
      const res = await api.get(`/api/servers/servers/?page=${page}`, {
        invalidRequest: page !== "11",
      });
      expect(res.status, page).toBe(404);
      expect(res.body).toEqual({ detail: "Invalid page." });
    }
    const last = await api.get("/api/servers/servers/?page=last", { invalidRequest: true });
    expect(last.body.current).toBe(10);
  });
});

describe("filters, search and ordering", () => {
  it("ignores unknown query parameters (the ?id= trap)", async () => {
    const api = h.api();
    const all = await api.get("/api/servers/servers/");
    const someId = all.body.results[5].id;
    const withId = await api.get(`/api/servers/servers/?id=${someId}`);
    expect(withId.body.count).toBe(150);
    expect(withId.body.results[0].id).toBe(all.body.results[0].id);
  });

  it("filters by exact name and by owner; invalid filter values are 400", async () => {
    const api = h.api();
    const first = (await api.get("/api/servers/servers/")).body.results[0];
    const byName = await api.get(`/api/servers/servers/?name=${first.name}`);
    expect(byName.body.count).toBe(1);
    const byOwner = await api.get(`/api/servers/servers/?owner=${first.owner.id}`);
    expect(
      byOwner.body.results.every((s: { owner: { id: string } }) => s.owner.id === first.owner.id),
    ).toBe(true);
    const bad = await api.get("/api/servers/servers/?groups=not-a-uuid", { invalidRequest: true });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ groups: ["Enter a valid UUID."] });
  });

  it("searches names and orders by name, -name and load", async () => {
    const api = h.api();
    const web = await api.get("/api/servers/servers/?search=web&page_size=100");
    expect(web.body.count).toBeGreaterThan(0);
    expect(web.body.results.every((s: { name: string }) => s.name.includes("web"))).toBe(true);
    const asc = (await api.get("/api/servers/servers/?page_size=100")).body.results.map(
      (s: { name: string }) => s.name,
    );
    expect(asc).toEqual([...asc].sort());
    const desc = (
      await api.get("/api/servers/servers/?ordering=-name&page_size=100")
    ).body.results.map((s: { name: string }) => s.name);
    expect(desc[0] >= desc[1]).toBe(true);
    const byLoad = (
      await api.get("/api/servers/servers/?ordering=-load&page_size=20")
    ).body.results.map((s: { load: number }) => s.load);
    expect(byLoad).toEqual([...byLoad].sort((a, b) => b - a));
    // Unknown ordering fields are dropped: the default (name) applies.
    const unknown = (
      await api.get("/api/servers/servers/?ordering=secret&page_size=100")
    ).body.results.map((s: { name: string }) => s.name);
    expect(unknown).toEqual(asc);
  });

  it("searches and filters system packages", async () => {
    const api = h.api();
    const server = (await api.get("/api/servers/servers/?page_size=1")).body.results[0];
    const all = await api.get(`/api/proc/packages/?server=${server.id}&page_size=100`);
    const names = all.body.results.map((p: { name: string }) => p.name);
    expect(names).toContain(
      server.os_name === "Ubuntu" || server.os_name === "Debian"
        ? "libc6"
        : server.os_name === "Windows"
          ? "Git"
          : "glibc",
    );
    const found = await api.get(
      `/api/proc/packages/?server=${server.id}&search=${encodeURIComponent(names[0])}`,
    );
    expect(found.body.results.some((p: { name: string }) => p.name === names[0])).toBe(true);
  });
});

describe("DRF error shapes", () => {
  it("requires the trailing slash (404, no redirect)", async () => {
    const res = await fetch(`${h.sandbox.workspaces[0]!.baseUrl}/api/servers/servers`, {
      headers: { Authorization: `token="${h.sandbox.workspaces[0]!.tokens.admin}"` },
      redirect: "manual",
    });
    expect(res.status).toBe(404);
    expect(await readJson(res)).toEqual({ detail: "Not found." });
  });

  it("405 with Allow for a method the view does not have (after authentication)", async () => {
    const api = h.api();
    const res = await api.request("PUT", "/api/servers/servers/", {});
    expect(res.status).toBe(405);
    expect(res.body).toEqual({ detail: 'Method "PUT" not allowed.' });
    expect(res.headers.get("allow")).toContain("GET");
    expect(
      (await api.withAuthorization(null).request("PUT", "/api/servers/servers/", {})).status,
    ).toBe(401);
  });

  it("400 for malformed JSON, 415 for a non-JSON body, field errors for missing fields", async () => {
    const ws = h.sandbox.workspaces[0]!;
    const post = (body: string, type: string) =>
      fetch(`${ws.baseUrl}/api/servers/notes/`, {
        method: "POST",
        headers: { Authorization: `token="${ws.tokens.admin}"`, "Content-Type": type },
        body,
      });
    const broken = await post("{", "application/json");
    expect(broken.status).toBe(400);
    expect((await readJson(broken)).detail).toMatch(/^JSON parse error/);
    expect((await post("server=1", "application/x-www-form-urlencoded")).status).toBe(415);
    const missing = await h.api().post("/api/servers/notes/", {}, { invalidRequest: true });
    expect(missing.body).toEqual({
      server: ["This field is required."],
      content: ["This field is required."],
    });
  });

  it("HEAD is GET without a body", async () => {
    const ws = h.sandbox.workspaces[0]!;
    const res = await fetch(`${ws.baseUrl}/api/status/`, {
      method: "HEAD",
      headers: { Authorization: `token="${ws.tokens.admin}"` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(await res.text()).toBe("");
  });

  it("unknown workspaces and paths are 404 JSON", async () => {
    const res = await fetch(`${h.sandbox.url}/eu1/nowhere/api/status/`);
    expect(res.status).toBe(404);
    expect(await readJson(res)).toEqual({ detail: "Not found." });
  });
});
