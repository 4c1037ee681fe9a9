import { Collection } from "../http/list.js";

export const WEBHOOK_PROVIDERS = ["slack", "discord", "teams", "telegram", "custom"] as const;
export type WebhookProvider = (typeof WEBHOOK_PROVIDERS)[number];

export interface WebhookRecord {
  id: string;
  name: string;
  url: string;
  provider: WebhookProvider;
  sslVerify: boolean;
  enabled: boolean;
  ownerId: string;
  addedAt: number;
  updatedAt: number;
}

/** `POST /api/events/sessions/`: a channel a user's events can be sent to. */
export interface EventSessionRecord {
  id: string;
  channelId: string;
  userId: string;
  addedAt: number;
}

export interface SubscriptionRecord {
  id: string;
  /** An event session's `channel_id`, or a webhook's id (the MCP points at list_webhooks). */
  channel: string;
  eventType: string;
  targetId: string | null;
  userId: string;
  addedAt: number;
}

/**
 * An event that reached a subscribed channel. The sandbox sends nothing anywhere: a webhook
 * delivery is what the service would have POSTed to `url`, recorded for tests (the real API
 * has no delivery log that the clients read).
 */
export interface DeliveryRecord {
  subscriptionId: string;
  channel: string;
  /** `webhook` when the channel is a webhook, else `event-session`. */
  via: "webhook" | "event-session";
  /** The webhook's URL, for webhook deliveries. */
  url: string | null;
  eventType: string;
  targetId: string;
  data: Record<string, unknown>;
  at: number;
}

/** Deliveries kept per workspace; older ones are dropped first. */
const MAX_DELIVERIES = 1000;

/** The provider PR #192 says the server infers from a URL when none is given. */
export function detectProvider(url: string): WebhookProvider {
  let host = "";
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return "custom";
  }
  if (host === "hooks.slack.com") return "slack";
  if (host === "discord.com" || host === "discordapp.com") return "discord";
  if (host.endsWith(".webhook.office.com") || host.endsWith(".logic.azure.com")) return "teams";
  if (host === "api.telegram.org") return "telegram";
  return "custom";
}

export class NotificationStore {
  readonly webhooks = new Collection<WebhookRecord>();
  readonly webhookById = new Map<string, WebhookRecord>();
  readonly sessions = new Map<string, EventSessionRecord>();
  /** channel id → its session. */
  readonly sessionByChannel = new Map<string, EventSessionRecord>();
  readonly subscriptions = new Collection<SubscriptionRecord>();
  readonly subscriptionById = new Map<string, SubscriptionRecord>();
  readonly deliveries: DeliveryRecord[] = [];

  constructor(private readonly now: () => number) {}

  addWebhook(hook: WebhookRecord): void {
    this.webhooks.add(hook);
    this.webhookById.set(hook.id, hook);
  }

  /** A deleted webhook stops every callback through it: its subscriptions go too. */
  removeWebhook(hook: WebhookRecord): void {
    this.webhooks.remove((w) => w.id === hook.id);
    this.webhookById.delete(hook.id);
    for (const sub of this.subscriptions.all().filter((s) => s.channel === hook.id)) {
      this.removeSubscription(sub);
    }
  }

  addSession(session: EventSessionRecord): void {
    this.sessions.set(session.id, session);
    this.sessionByChannel.set(session.channelId, session);
  }

  addSubscription(sub: SubscriptionRecord): void {
    this.subscriptions.add(sub);
    this.subscriptionById.set(sub.id, sub);
  }

  removeSubscription(sub: SubscriptionRecord): void {
    this.subscriptions.remove((s) => s.id === sub.id);
    this.subscriptionById.delete(sub.id);
  }

  /**
   * An event happened: every subscription to its type, for this target or for any, gets a
   * delivery, except through a disabled webhook.
   */
  publish(eventType: string, targetId: string, data: Record<string, unknown>): void {
    if (this.subscriptions.all().length === 0) return;
    for (const sub of this.subscriptions.all()) {
      if (sub.eventType !== eventType) continue;
      if (sub.targetId !== null && sub.targetId !== targetId) continue;
      const hook = this.webhookById.get(sub.channel);
      if (hook && !hook.enabled) continue;
      this.deliveries.push({
        subscriptionId: sub.id,
        channel: sub.channel,
        via: hook ? "webhook" : "event-session",
        url: hook ? hook.url : null,
        eventType,
        targetId,
        data,
        at: this.now(),
      });
      if (this.deliveries.length > MAX_DELIVERIES) this.deliveries.shift();
    }
  }
}
