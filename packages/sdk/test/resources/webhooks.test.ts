import { describe, expect, it } from "vitest";
import { AlpaconApiError, NotFoundError, ValidationError } from "../../src/index.js";
import { useSdkSandbox } from "../helpers/sandbox.js";

const env = useSdkSandbox({ servers: 3 });

const ownerId = () => String(env.sandbox.control.workspace("ap1", "acme").users()[0]!.id);

describe("client.webhooks", () => {
  it("create (provider detected), get, update, list by provider, delete", async () => {
    const client = env.client();
    const hook = await client.webhooks.create({
      name: "ops",
      url: "https://hooks.slack.com/services/x",
      owner: ownerId(),
    });
    expect(hook).toMatchObject({ provider: "slack", enabled: true, owner: { id: ownerId() } });
    expect((await client.webhooks.update(hook.id, { enabled: false })).enabled).toBe(false);
    expect((await client.webhooks.get(hook.id)).enabled).toBe(false);
    const slack = [];
    for await (const w of client.webhooks.iterate({ provider: "slack" })) slack.push(w.id);
    expect(slack).toEqual([hook.id]);
    await client.webhooks.delete(hook.id);
    await expect(client.webhooks.get(hook.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("a free plan's create is a 402 the caller can tell apart", async () => {
    const ws = env.sandbox.control.workspace("ap1", "acme");
    ws.setGates({ freePlan: true });
    try {
      const error = await env
        .client()
        .webhooks.create({ name: "x", url: "https://example.com/", owner: ownerId() })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AlpaconApiError);
      expect((error as AlpaconApiError).status).toBe(402);
    } finally {
      ws.setGates({ freePlan: false });
    }
  });
});

describe("client.eventSessions and client.eventSubscriptions", () => {
  it("open a channel, subscribe it to a server's command_fin, list and delete it", async () => {
    const client = env.client();
    const [server] = env.serverIds(1);
    const session = await client.eventSessions.create();
    expect(session.websocket_url).toMatch(/^ws:/);
    const sub = await client.eventSubscriptions.create({
      channel: session.channel_id,
      event_type: "command_fin",
      target_id: server!,
    });
    expect(sub).toMatchObject({ event_type: "command_fin", target_id: server });
    const mine = [];
    for await (const s of client.eventSubscriptions.iterate()) mine.push(s.id);
    expect(mine).toEqual([sub.id]);
    await client.eventSubscriptions.delete(sub.id);
    await expect(client.eventSubscriptions.delete(sub.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      client.eventSubscriptions.create({ channel: "nope", event_type: "sudo" }),
    ).rejects.toBeInstanceOf(ValidationError);
  });
});
