/**
 * Webhooks and event subscriptions: a subscribed event that happens in the sandbox (a command
 * finishing: `command_fin`, published per server) is recorded as a delivery to its channel (an
 * event session or a webhook). Nothing is ever sent: the deliveries are what the service would
 * have sent, readable through the control API.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { type Api, eventually, useSandbox } from "./helpers/sandbox.js";

const h = useSandbox({ servers: 6, seed: 3 });

let api: Api;
let owner: string;
let servers: { id: string; is_connected: boolean; os_name: string }[];

beforeAll(() => {
  api = h.api();
  const ws = h.sandbox.control.workspace("ap1", "acme");
  owner = (ws.users()[0] as { id: string }).id;
  servers = (ws.servers() as typeof servers).filter(
    (s) => s.is_connected && s.os_name !== "Windows",
  );
});

const deliveries = () => h.sandbox.control.workspace("ap1", "acme").deliveries();

async function runToEnd(server: string, line: string): Promise<string> {
  const created = await api.post("/api/events/commands/", { server, line, shell: "system" });
  const id = created.body[0].id as string;
  await eventually(async () => (await api.get(`/api/events/commands/${id}/`)).body.handled_at);
  return id;
}

async function webhook(body: Record<string, unknown> = {}): Promise<string> {
  const res = await api.post("/api/notifications/webhooks/", {
    name: "ops",
    url: "https://example.com/alpacon",
    owner,
    ...body,
  });
  expect(res.status).toBe(201);
  return res.body.id;
}

describe("deliveries of subscribed events", () => {
  it("a finished command reaches the subscriptions for its server (or for any), and no other", async () => {
    const first = servers[0]!;
    const second = servers[1]!;
    const hook = await webhook();
    const session = await api.post("/api/events/sessions/", {});
    const channel = session.body.channel_id as string;
    const forFirst = await api.post("/api/events/subscriptions/", {
      channel,
      event_type: "command_fin",
      target_id: first.id,
    });
    const anyServer = await api.post("/api/events/subscriptions/", {
      channel: hook,
      event_type: "command_fin",
    });
    await api.post("/api/events/subscriptions/", { channel, event_type: "sudo" });
    const before = deliveries().length;

    const command = await runToEnd(second.id, "true");
    const afterSecond = deliveries().slice(before);
    expect(afterSecond).toMatchObject([
      {
        subscriptionId: anyServer.body.id,
        via: "webhook",
        url: "https://example.com/alpacon",
        eventType: "command_fin",
        targetId: second.id,
        data: { command, status: "success", exit_code: 0 },
      },
    ]);

    await runToEnd(first.id, "false");
    const afterFirst = deliveries().slice(before + 1);
    expect(afterFirst.map((d) => d.subscriptionId).sort()).toEqual(
      [forFirst.body.id, anyServer.body.id].sort(),
    );
    expect(afterFirst.find((d) => d.via === "event-session")).toMatchObject({
      channel,
      data: { exit_code: 1 },
    });
  });

  it("a disabled webhook gets nothing; a deleted one loses its subscriptions", async () => {
    const hook = await webhook({ enabled: false });
    const sub = await api.post("/api/events/subscriptions/", {
      channel: hook,
      event_type: "command_fin",
    });
    const before = deliveries().filter((d) => d.subscriptionId === sub.body.id).length;
    await runToEnd(servers[0]!.id, "true");
    expect(deliveries().filter((d) => d.subscriptionId === sub.body.id).length).toBe(before);
    await api.delete(`/api/notifications/webhooks/${hook}/`);
    const mine = await api.get("/api/events/subscriptions/?page_size=100");
    expect(mine.body.results.map((s: { id: string }) => s.id)).not.toContain(sub.body.id);
  });
});

describe("webhooks", () => {
  it("detect the provider from the URL unless one is given, and take a user id as owner only", async () => {
    const discord = await api.post("/api/notifications/webhooks/", {
      name: "d",
      url: "https://discord.com/api/webhooks/1/x",
      owner,
    });
    expect(discord.body.provider).toBe("discord");
    const custom = await api.post("/api/notifications/webhooks/", {
      name: "c",
      url: "https://hooks.slack.com/services/x",
      owner,
      provider: "custom",
    });
    expect(custom.body.provider).toBe("custom");
    const byName = await api.post(
      "/api/notifications/webhooks/",
      { name: "n", url: "https://example.com/", owner: "admin" },
      { invalidRequest: true },
    );
    expect(byName.body).toEqual({ owner: ["Must be a valid UUID."] });
  });

  it("creating and updating need a paid plan; reading and deleting do not", async () => {
    const hook = await webhook();
    const ws = h.sandbox.control.workspace("ap1", "acme");
    ws.setGates({ freePlan: true });
    try {
      const created = await api.post("/api/notifications/webhooks/", {
        name: "x",
        url: "https://example.com/",
        owner,
      });
      expect(created.status).toBe(402);
      expect((await api.patch(`/api/notifications/webhooks/${hook}/`, { name: "y" })).status).toBe(
        402,
      );
      expect((await api.get(`/api/notifications/webhooks/${hook}/`)).status).toBe(200);
      expect((await api.delete(`/api/notifications/webhooks/${hook}/`)).status).toBe(204);
    } finally {
      ws.setGates({ freePlan: false });
    }
  });
});
