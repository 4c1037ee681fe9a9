/**
 * Contract cases of the package repository and of webhooks and event subscriptions (happy path
 * and main error of each), registered by contract.test.ts so they count towards its coverage.
 */
import { describe, expect, it } from "vitest";
import type { Api } from "../helpers/sandbox.js";

const NOBODY = "00000000-0000-4000-8000-000000000000";

function packageFile(name: string): FormData {
  const form = new FormData();
  form.append("content", new Blob([new Uint8Array(64).fill(7)]), name);
  return form;
}

export function packagesContract(clients: () => { api: Api; jwt: Api; server: string }): void {
  for (const [kind, file, op] of [
    ["system", "htop_3.3.0-4_amd64.deb", "System"],
    ["python", "requests-2.32.3-py3-none-any.whl", "Python"],
  ] as const) {
    describe(`${kind} package entries`, () => {
      let uploaded: string;
      let installed: string;

      it(`create${op}PackageEntry`, async () => {
        const { api, jwt, server } = clients();
        const up = await api.post(`/api/packages/${kind}/entries/`, packageFile(file));
        expect(up.status).toBe(201);
        expect(up.body).toMatchObject({ name: file, filesize: 64, server: null });
        uploaded = up.body.id;
        const inst = await api.post(`/api/packages/${kind}/entries/`, {
          server,
          name: "jq",
          version: "1.7.1",
        });
        expect(inst.status).toBe(201);
        expect(inst.body).toMatchObject({ name: "jq", version: "1.7.1", server });
        installed = inst.body.id;
        const denied = await jwt.post(`/api/packages/${kind}/entries/`, { server, name: "jq" });
        expect(denied.status).toBe(403);
        const bad = await api.post(
          `/api/packages/${kind}/entries/`,
          { server, name: "jq; rm -rf /" },
          {},
        );
        expect(bad.status).toBe(400);
        expect(bad.body).toEqual({ name: ["Enter a valid package name."] });
      });

      it(`list${op}PackageEntries`, async () => {
        const { api, server } = clients();
        const byName = await api.get(`/api/packages/${kind}/entries/?name=${file}`);
        expect(byName.body.results.map((e: { id: string }) => e.id)).toEqual([uploaded]);
        const byServer = await api.get(`/api/packages/${kind}/entries/?server=${server}`);
        expect(byServer.body.results.map((e: { id: string }) => e.id)).toEqual([installed]);
        const bad = await api.get(`/api/packages/${kind}/entries/?server=x`, {
          invalidRequest: true,
        });
        expect(bad.status).toBe(400);
      });

      it(`get${op}PackageEntry`, async () => {
        const { api } = clients();
        expect((await api.get(`/api/packages/${kind}/entries/${uploaded}/`)).body.name).toBe(file);
        expect((await api.get(`/api/packages/${kind}/entries/${NOBODY}/`)).status).toBe(404);
      });

      it(`delete${op}PackageEntry`, async () => {
        const { api, jwt } = clients();
        expect((await jwt.delete(`/api/packages/${kind}/entries/${installed}/`)).status).toBe(403);
        expect((await api.delete(`/api/packages/${kind}/entries/${installed}/`)).status).toBe(204);
        expect((await api.delete(`/api/packages/${kind}/entries/${installed}/`)).status).toBe(404);
        expect((await api.delete(`/api/packages/${kind}/entries/${uploaded}/`)).status).toBe(204);
      });
    });
  }
}

export function webhooksContract(clients: () => { api: Api; jwt: Api; owner: string }): void {
  describe("webhooks and event subscriptions", () => {
    let hookId: string;
    let subscriptionId: string;

    it("createWebhook", async () => {
      const { api, owner } = clients();
      const res = await api.post("/api/notifications/webhooks/", {
        name: "ops",
        url: "https://hooks.slack.com/services/T0/B0/x",
        owner,
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ provider: "slack", ssl_verify: true, enabled: true });
      expect(res.body.owner.id).toBe(owner);
      hookId = res.body.id;
      const noOwner = await api.post(
        "/api/notifications/webhooks/",
        { name: "x", url: "https://example.com/hook" },
        { invalidRequest: true },
      );
      expect(noOwner.status).toBe(400);
      expect(noOwner.body).toEqual({ owner: ["This field is required."] });
    });

    it("listWebhooks", async () => {
      const { api, jwt } = clients();
      const res = await api.get("/api/notifications/webhooks/?provider=slack");
      expect(res.body.results.map((w: { id: string }) => w.id)).toEqual([hookId]);
      expect((await jwt.get("/api/notifications/webhooks/")).status).toBe(403);
    });

    it("getWebhook", async () => {
      const { api } = clients();
      expect((await api.get(`/api/notifications/webhooks/${hookId}/`)).body.name).toBe("ops");
      expect((await api.get(`/api/notifications/webhooks/${NOBODY}/`)).status).toBe(404);
    });

    it("updateWebhook", async () => {
      const { api } = clients();
      const res = await api.patch(`/api/notifications/webhooks/${hookId}/`, { enabled: false });
      expect(res.body.enabled).toBe(false);
      const bad = await api.patch(`/api/notifications/webhooks/${hookId}/`, { url: "not a url" });
      expect(bad.status).toBe(400);
      expect(bad.body).toEqual({ url: ["Enter a valid URL."] });
    });

    it("createEventSession", async () => {
      const { api } = clients();
      const res = await api.post("/api/events/sessions/", {});
      expect(res.status).toBe(201);
      expect(res.body.websocket_url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\//);
      const anon = await api.withAuthorization(null).post("/api/events/sessions/", {});
      expect(anon.status).toBe(401);
    });

    it("createEventSubscription", async () => {
      const { api } = clients();
      const res = await api.post("/api/events/subscriptions/", {
        channel: hookId,
        event_type: "command_fin",
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ channel: hookId, event_type: "command_fin" });
      subscriptionId = res.body.id;
      const unknown = await api.post("/api/events/subscriptions/", {
        channel: "nope",
        event_type: "sudo",
      });
      expect(unknown.status).toBe(400);
      expect(unknown.body).toEqual({ channel: ["Channel not found."] });
    });

    it("listEventSubscriptions", async () => {
      const { api, jwt } = clients();
      const res = await api.get("/api/events/subscriptions/");
      expect(res.body.results.map((s: { id: string }) => s.id)).toEqual([subscriptionId]);
      // Another user sees only their own.
      expect((await jwt.get("/api/events/subscriptions/")).body.results).toEqual([]);
      expect(
        (await api.get("/api/events/subscriptions/?page=99", { invalidRequest: false })).status,
      ).toBe(404);
    });

    it("deleteEventSubscription", async () => {
      const { api, jwt } = clients();
      expect((await jwt.delete(`/api/events/subscriptions/${subscriptionId}/`)).status).toBe(404);
      expect((await api.delete(`/api/events/subscriptions/${subscriptionId}/`)).status).toBe(204);
    });

    it("deleteWebhook", async () => {
      const { api } = clients();
      expect((await api.delete(`/api/notifications/webhooks/${hookId}/`)).status).toBe(204);
      expect((await api.delete(`/api/notifications/webhooks/${hookId}/`)).status).toBe(404);
    });
  });
}
