import { NotFoundError, WEBHOOK_PROVIDERS, type Webhook } from "@alpacon/sdk";
import * as z from "zod";
import { quoted } from "../server/confirm.js";
import { ToolError } from "../server/errors.js";
import { type AnyTool, defineTool, listTool, type ToolCallContext } from "./define.js";

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const uuid = z.string().regex(UUID);
const webhookId = uuid.describe("From list_webhooks.");
const url = z
  .string()
  .max(2048)
  .regex(/^https?:\/\/[^\s/]+/)
  .describe("The endpoint that receives the callbacks (http or https).");

const webhook = z.looseObject({
  id: z.string(),
  name: z.string().optional(),
  url: z.string().optional(),
  provider: z.string().optional(),
  ssl_verify: z.boolean().optional(),
  enabled: z.boolean().optional(),
  owner: z.looseObject({ id: z.string().optional(), name: z.string().optional() }).optional(),
});

const subscription = z.looseObject({
  id: z.string(),
  channel: z.string().optional(),
  event_type: z.string().optional(),
  target_id: z.string().nullable().optional(),
});

function webhookLine(item: z.output<typeof webhook>): string {
  const flags = [
    item.provider,
    item.enabled === false && "disabled",
    item.ssl_verify === false && "no TLS check",
  ];
  return `${item.name ?? "(unnamed)"} (${item.id}) → ${item.url ?? "?"}${flags.some(Boolean) ? ` [${flags.filter(Boolean).join(", ")}]` : ""}`;
}

function subscriptionLine(item: z.output<typeof subscription>): string {
  return `${item.event_type ?? "?"} → channel ${item.channel ?? "?"}${item.target_id ? ` for ${item.target_id}` : ""} (${item.id})`;
}

/** `webhook "ops" (https://…)`: looked up before asking, so a wrong id fails first. */
async function webhookLabel(id: string, context: ToolCallContext): Promise<string> {
  const found: Webhook = await context.call((c) => c.webhooks.get)(id);
  return `webhook ${quoted(found.name)} (${found.url})`;
}

/** A webhook (named with its URL, where the events go) or an event session's channel. */
async function channelLabel(channel: string, context: ToolCallContext): Promise<string> {
  if (!UUID.test(channel)) return `event channel ${quoted(channel)}`;
  try {
    return await webhookLabel(channel, context);
  } catch (error) {
    if (error instanceof NotFoundError) return `event channel ${quoted(channel)}`;
    throw error;
  }
}

const WEBHOOK_NOT_FOUND = "Check the webhook id with list_webhooks";
const eventType = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,63}$/)
  .describe("e.g. command_fin, servers_commit, sudo.");

export const webhookTools: AnyTool[] = [
  listTool({
    name: "list_webhooks",
    toolset: "webhooks",
    searchHint: "webhooks list endpoints callbacks",
    title: "List webhooks",
    description:
      "Configured webhooks, optionally filtered by owner or provider: name, URL, provider, TLS check, enabled. Needs an admin account.",
    sdk: (c) => c.webhooks.list,
    input: {
      owner: uuid.optional().describe("The owning user's id."),
      provider: z.enum(WEBHOOK_PROVIDERS).optional().describe("Only this provider's."),
    },
    rows: "webhooks",
    row: webhook,
    line: webhookLine,
  }),
  defineTool({
    name: "get_webhook",
    toolset: "webhooks",
    searchHint: "webhook detail describe single get",
    title: "Get a webhook",
    description: "One webhook: name, URL, provider, TLS check, enabled, owner.",
    sdk: (c) => c.webhooks.get,
    operation: "GET",
    input: { webhook: webhookId },
    output: { webhook },
    notFound: WEBHOOK_NOT_FOUND,
    run: async (args, { sdk }) => ({ webhook: await sdk(args.webhook) }),
    summary: (result) => webhookLine(result.webhook),
  }),
  defineTool({
    name: "create_webhook",
    toolset: "webhooks",
    searchHint: "webhook create endpoint callback",
    title: "Create a webhook",
    description:
      "Creates a webhook endpoint for HTTP callbacks of subscribed events (create_event_subscription). owner is a user id; a username is rejected. provider is detected from the URL when omitted. Needs an admin account and a paid plan.",
    sdk: (c) => c.webhooks.create,
    operation: "POST",
    input: {
      name: z.string().min(1).max(128),
      url,
      owner: uuid.describe("The owning user's id (iam_users_list)."),
      provider: z.enum(WEBHOOK_PROVIDERS).optional().describe("Omitted: detected from the URL."),
      sslVerify: z.boolean().default(true).describe("Check the endpoint's TLS certificate."),
      enabled: z.boolean().default(true).describe("false: keep it but send nothing."),
    },
    output: { webhook },
    run: async (args, { sdk }) => ({
      webhook: await sdk({
        name: args.name,
        url: args.url,
        owner: args.owner,
        ...(args.provider === undefined ? {} : { provider: args.provider }),
        ssl_verify: args.sslVerify,
        enabled: args.enabled,
      }),
    }),
    summary: (result) => `Created ${webhookLine(result.webhook)}.`,
  }),
  defineTool({
    name: "update_webhook",
    toolset: "webhooks",
    searchHint: "webhook update modify",
    title: "Update a webhook",
    description:
      "Changes the given fields of a webhook (name, URL, TLS check, enabled). Needs an admin account and a paid plan.",
    sdk: (c) => c.webhooks.update,
    operation: "PATCH",
    input: {
      webhook: webhookId,
      name: z.string().min(1).max(128).optional(),
      url: url.optional(),
      sslVerify: z.boolean().optional().describe("Check the endpoint's TLS certificate."),
      enabled: z.boolean().optional().describe("false: keep it but send nothing."),
    },
    output: { webhook },
    notFound: WEBHOOK_NOT_FOUND,
    confirm: async (args, context) =>
      `Change ${Object.entries(webhookChanges(args))
        .map(([field, value]) => `${field} to ${quoted(JSON.stringify(value))}`)
        .join(", ")} for ${await webhookLabel(args.webhook, context)}?`,
    run: async (args, { sdk }) => ({ webhook: await sdk(args.webhook, webhookChanges(args)) }),
    summary: (result) => `Updated ${webhookLine(result.webhook)}.`,
  }),
  defineTool({
    name: "delete_webhook",
    toolset: "webhooks",
    searchHint: "webhook delete remove",
    title: "Delete a webhook",
    description:
      "Deletes a webhook for good: every callback through it stops, and its subscriptions go with it. Needs an admin account.",
    sdk: (c) => c.webhooks.delete,
    operation: "DELETE",
    input: { webhook: webhookId },
    output: { webhook: z.string(), deleted: z.boolean() },
    notFound: WEBHOOK_NOT_FOUND,
    confirm: async (args, context) =>
      `Delete ${await webhookLabel(args.webhook, context)} permanently? Every callback through it stops.`,
    async run(args, { sdk }) {
      await sdk(args.webhook);
      return { webhook: args.webhook, deleted: true };
    },
    summary: (result) => `Deleted webhook ${result.webhook}.`,
  }),
  listTool({
    name: "list_event_subscriptions",
    toolset: "webhooks",
    searchHint: "event subscription notification channel",
    title: "List event subscriptions",
    description:
      "Your event subscriptions: which event type (command_fin, servers_commit, sudo) reaches which channel, for which target.",
    sdk: (c) => c.eventSubscriptions.list,
    input: {},
    rows: "subscriptions",
    row: subscription,
    line: subscriptionLine,
  }),
  defineTool({
    name: "create_event_subscription",
    toolset: "webhooks",
    searchHint: "event subscription create notification",
    title: "Create an event subscription",
    description:
      "Sends one event type to a channel (a webhook id from list_webhooks, or an event session's channel), optionally only for one target (a server for command_fin). You manage only your own.",
    sdk: (c) => c.eventSubscriptions.create,
    operation: "POST",
    input: {
      channel: z.string().min(1).max(64).describe("A webhook id or an event channel id."),
      eventType,
      targetId: uuid.optional().describe("Only this target's events (a server for command_fin)."),
    },
    output: { subscription },
    // Through a webhook, the events leave Alpacon for its URL: the user is told where to.
    effect: "grant-access",
    confirm: async (args, context) => {
      const scope = args.targetId ? ` for ${args.targetId}` : " for every target";
      return `Send ${quoted(args.eventType)} events${scope} to ${await channelLabel(args.channel, context)}?`;
    },
    run: async (args, { sdk }) => ({
      subscription: await sdk({
        channel: args.channel,
        event_type: args.eventType,
        ...(args.targetId === undefined ? {} : { target_id: args.targetId }),
      }),
    }),
    summary: (result) => `Subscribed: ${subscriptionLine(result.subscription)}.`,
  }),
  defineTool({
    name: "delete_event_subscription",
    toolset: "webhooks",
    searchHint: "event subscription delete remove",
    title: "Delete an event subscription",
    description: "Deletes one of your event subscriptions: its events stop reaching its channel.",
    sdk: (c) => c.eventSubscriptions.delete,
    operation: "DELETE",
    input: { subscription: uuid.describe("From list_event_subscriptions.") },
    output: { subscription: z.string(), deleted: z.boolean() },
    notFound: "Check the id with list_event_subscriptions",
    confirm: (args) =>
      `Delete event subscription ${args.subscription}? Its events stop reaching its channel.`,
    async run(args, { sdk }) {
      await sdk(args.subscription);
      return { subscription: args.subscription, deleted: true };
    },
    summary: (result) => `Deleted event subscription ${result.subscription}.`,
  }),
];

/** The fields to change; none at all is refused before anyone is asked. */
function webhookChanges(args: {
  name?: string | undefined;
  url?: string | undefined;
  sslVerify?: boolean | undefined;
  enabled?: boolean | undefined;
}) {
  const body = {
    ...(args.name === undefined ? {} : { name: args.name }),
    ...(args.url === undefined ? {} : { url: args.url }),
    ...(args.sslVerify === undefined ? {} : { ssl_verify: args.sslVerify }),
    ...(args.enabled === undefined ? {} : { enabled: args.enabled }),
  };
  if (Object.keys(body).length === 0) {
    throw new ToolError("no field to change was given", "Pass at least one field, e.g. enabled");
  }
  return body;
}
