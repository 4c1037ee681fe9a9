import { describe, expect, test } from "vitest";
import { expectInvalidInput, expectToolError } from "../helpers/expect-tool.js";
import { confirmingClient, useHarness } from "../helpers/file-harness.js";
import { call, MISSING_ID, sdkClient } from "../helpers/harness.js";

const h = useHarness();
const SETS = { toolsets: ["webhooks"] };

function tool(name: string, args: Record<string, unknown> = {}) {
  return h.call(name, { workspace: "acme", ...args }, SETS);
}

const owner = () => String(h.sandbox.control.workspace("ap1", "acme").users()[0]!.id);

async function newWebhook(name: string, url = "https://hooks.slack.com/services/T/B/x") {
  const result = await tool("create_webhook", { name, url, owner: owner() });
  expect(result.isError).toBe(false);
  return (result.structured!.webhook as { id: string }).id;
}

describe("create_webhook, get_webhook, list_webhooks", () => {
  test("create with the provider detected, then read it back", async () => {
    const id = await newWebhook("ops");
    const got = await tool("get_webhook", { webhook: id });
    expect(got.structured!.webhook).toMatchObject({
      name: "ops",
      provider: "slack",
      enabled: true,
    });
    const listed = await tool("list_webhooks", { provider: "slack" });
    expect(listed.text).toContain(`ops (${id}) → https://hooks.slack.com/services/T/B/x [slack]`);
  });

  test("an owner given as a username is refused before any call", async () => {
    expectInvalidInput(
      await tool("create_webhook", { name: "x", url: "https://example.com/", owner: "admin" }),
    );
  });

  test("a free plan's 402 says so", async () => {
    const ws = h.sandbox.control.workspace("ap1", "acme");
    ws.setGates({ freePlan: true });
    try {
      const result = await tool("create_webhook", {
        name: "x",
        url: "https://example.com/",
        owner: owner(),
      });
      expectToolError(result, "plan");
    } finally {
      ws.setGates({ freePlan: false });
    }
  });
});

describe("update_webhook and delete_webhook", () => {
  test("ask naming the webhook and its URL", async () => {
    const id = await newWebhook("to change", "https://example.com/in");
    const { client, questions } = await confirmingClient(h, SETS);
    const updated = await call(client, "update_webhook", {
      workspace: "acme",
      webhook: id,
      enabled: false,
    });
    expect(updated.isError).toBe(false);
    expect(questions[0]).toBe(
      "Change enabled to `false` for webhook `to change` (https://example.com/in)? (workspace acme, region ap1)",
    );
    expect((await sdkClient(h.sandbox).webhooks.get(id)).enabled).toBe(false);
    const deleted = await call(client, "delete_webhook", { workspace: "acme", webhook: id });
    expect(deleted.isError).toBe(false);
    expect(questions[1]).toMatch(
      /^Delete webhook `to change` \(https:\/\/example\.com\/in\) permanently\?/,
    );
  });

  test("an update with nothing to change is refused before anyone is asked", async () => {
    const id = await newWebhook("nothing");
    expectToolError(await tool("update_webhook", { webhook: id }), "no field to change");
  });

  test("an unknown webhook points to list_webhooks", async () => {
    expectToolError(await tool("delete_webhook", { webhook: MISSING_ID }), "list_webhooks");
  });
});

describe("event subscriptions", () => {
  test("subscribing a webhook asks where the events go, and a finished command is delivered there", async () => {
    const id = await newWebhook("events", "https://example.com/events");
    const { client, questions } = await confirmingClient(h, SETS);
    const created = await call(client, "create_event_subscription", {
      workspace: "acme",
      channel: id,
      eventType: "command_fin",
      targetId: h.server,
    });
    expect(created.isError).toBe(false);
    expect(questions[0]).toBe(
      `Send \`command_fin\` events for ${h.server} to webhook \`events\` (https://example.com/events)? (workspace acme, region ap1)`,
    );
    const sub = (created.structured!.subscription as { id: string }).id;
    const listed = await call(client, "list_event_subscriptions", { workspace: "acme" });
    expect(listed.text).toContain(`command_fin → channel ${id} for ${h.server} (${sub})`);

    await sdkClient(h.sandbox).commands.run({ servers: [h.server], line: "true", shell: "system" });
    const deliveries = h.sandbox.control.workspace("ap1", "acme").deliveries();
    expect(deliveries.filter((d) => d.subscriptionId === sub)).toMatchObject([
      { via: "webhook", url: "https://example.com/events", targetId: h.server },
    ]);

    expect(
      (await call(client, "delete_event_subscription", { workspace: "acme", subscription: sub }))
        .isError,
    ).toBe(false);
    expect(questions[1]).toBe(
      `Delete event subscription ${sub}? Its events stop reaching its channel. (workspace acme, region ap1)`,
    );
  });

  test("an unknown channel is refused with the API's reason", async () => {
    const result = await tool("create_event_subscription", {
      channel: "no-such-channel",
      eventType: "sudo",
    });
    expectToolError(result, "Channel not found");
  });

  test("deleting someone else's or an unknown subscription points to list_event_subscriptions", async () => {
    expectToolError(
      await tool("delete_event_subscription", { subscription: MISSING_ID }),
      "list_event_subscriptions",
    );
  });
});
