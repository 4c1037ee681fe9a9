import { randomBytes } from "node:crypto";
import type { App, RequestContext } from "../http/app.js";
import { ApiError, fieldErrors, notFound } from "../http/errors.js";
import { type ListSpec, queryList } from "../http/list.js";
import { paginate } from "../http/pagination.js";
import { BodyReader } from "../http/validate.js";
import {
  detectProvider,
  type SubscriptionRecord,
  WEBHOOK_PROVIDERS,
  type WebhookRecord,
} from "../state/notifications.js";
import { idParam, requireStaff } from "./common.js";
import { subscriptionJson, webhookJson } from "./serialize/webhooks.js";

const WEBHOOK_LIST: ListSpec<WebhookRecord> = {
  filters: {
    name: { kind: "exact", get: (w) => w.name },
    owner: { kind: "uuid", get: (w) => w.ownerId },
    provider: { kind: "exact", get: (w) => w.provider },
  },
  ordering: { name: (w) => w.name, added_at: (w) => w.addedAt },
  defaultOrdering: ["name"],
};

const SUBSCRIPTION_LIST: ListSpec<SubscriptionRecord> = {
  ordering: { added_at: (s) => s.addedAt },
  defaultOrdering: ["added_at"],
};

/** Creating and updating webhooks needs a paid plan (`mcp@3865f0c:utils/recovery_hints.py`). */
function requirePaidPlan(ctx: RequestContext): void {
  if (ctx.ws.gates.freePlan) {
    throw new ApiError(402, {
      detail: "Your plan does not include creating or updating webhooks.",
    });
  }
}

function findWebhook(ctx: RequestContext): WebhookRecord {
  requireStaff(ctx);
  const hook = ctx.ws.notifications.webhookById.get(idParam(ctx));
  if (!hook) throw notFound();
  return hook;
}

/** DRF's URLField: http(s) with a host. */
function readUrl(body: BodyReader, required: boolean): string | undefined {
  const url = body.string("url", { required, max: 2048 });
  if (typeof url !== "string") return undefined;
  let ok = false;
  try {
    const parsed = new URL(url);
    ok = (parsed.protocol === "https:" || parsed.protocol === "http:") && parsed.hostname !== "";
  } catch {
    ok = false;
  }
  if (!ok) body.fail("url", "Enter a valid URL.");
  return ok ? url : undefined;
}

function webhookRoutes(app: App): void {
  app.route("/api/notifications/webhooks/", {
    GET: (ctx) => {
      requireStaff(ctx);
      const provider = ctx.query.get("provider");
      if (provider && !(WEBHOOK_PROVIDERS as readonly string[]).includes(provider)) {
        throw fieldErrors({
          provider: [`Select a valid choice. ${provider} is not one of the available choices.`],
        });
      }
      const items = queryList(ctx.ws.notifications.webhooks.all(), ctx.query, WEBHOOK_LIST);
      return { status: 200, body: paginate(items, ctx.query, (w) => webhookJson(ctx.ws, w)) };
    },
    POST: (ctx) => {
      requireStaff(ctx);
      requirePaidPlan(ctx);
      const body = new BodyReader(ctx.body);
      const name = body.string("name", { required: true, max: 128 });
      const url = readUrl(body, true);
      // An owner is a user id, looked up by primary key: a username is refused (PR #192).
      const owner = body.ref("owner", (id) => ctx.ws.userById.get(id), { required: true });
      const provider = body.choice("provider", WEBHOOK_PROVIDERS);
      const sslVerify = body.bool("ssl_verify");
      const enabled = body.bool("enabled");
      body.done();
      const now = ctx.ws.now();
      const hook: WebhookRecord = {
        id: ctx.ws.newId(),
        name: name as string,
        url: url as string,
        provider: provider ?? detectProvider(url as string),
        sslVerify: sslVerify ?? true,
        enabled: enabled ?? true,
        ownerId: owner?.id as string,
        addedAt: now,
        updatedAt: now,
      };
      ctx.ws.notifications.addWebhook(hook);
      return { status: 201, body: webhookJson(ctx.ws, hook) };
    },
  });
  app.route("/api/notifications/webhooks/:id/", {
    GET: (ctx) => ({ status: 200, body: webhookJson(ctx.ws, findWebhook(ctx)) }),
    PATCH: (ctx) => {
      const hook = findWebhook(ctx);
      requirePaidPlan(ctx);
      const body = new BodyReader(ctx.body);
      const name = body.string("name", { max: 128 });
      const url = readUrl(body, false);
      const sslVerify = body.bool("ssl_verify");
      const enabled = body.bool("enabled");
      body.done();
      if (typeof name === "string") hook.name = name;
      if (url !== undefined) hook.url = url;
      if (typeof sslVerify === "boolean") hook.sslVerify = sslVerify;
      if (typeof enabled === "boolean") hook.enabled = enabled;
      hook.updatedAt = ctx.ws.now();
      ctx.ws.notifications.webhooks.touch();
      return { status: 200, body: webhookJson(ctx.ws, hook) };
    },
    DELETE: (ctx) => {
      ctx.ws.notifications.removeWebhook(findWebhook(ctx));
      return { status: 204 };
    },
  });
}

/** Subscriptions are their owner's alone: anyone else's is not found. */
function ownSubscriptions(ctx: RequestContext): SubscriptionRecord[] {
  return ctx.ws.notifications.subscriptions.all().filter((s) => s.userId === ctx.principal.user.id);
}

function eventRoutes(app: App): void {
  app.route("/api/events/sessions/", {
    POST: (ctx) => {
      new BodyReader(ctx.body).done();
      const session = {
        id: ctx.ws.newId(),
        channelId: ctx.ws.newId(),
        userId: ctx.principal.user.id,
        addedAt: ctx.ws.now(),
      };
      ctx.ws.notifications.addSession(session);
      // The sandbox keeps the channel's events as deliveries; it serves no event WebSocket, so
      // the URL (with its single-use token) is the shape of the real one only.
      const token = randomBytes(16).toString("hex");
      const ws = ctx.ws.baseUrl.replace(/^http/, "ws");
      return {
        status: 201,
        body: {
          id: session.id,
          websocket_url: `${ws}/ws/event/${session.id}/${session.channelId}/${token}/`,
          channel_id: session.channelId,
        },
      };
    },
  });
  app.route("/api/events/subscriptions/", {
    GET: (ctx) => {
      const items = queryList(ownSubscriptions(ctx), ctx.query, SUBSCRIPTION_LIST);
      return { status: 200, body: paginate(items, ctx.query, subscriptionJson) };
    },
    POST: (ctx) => {
      const body = new BodyReader(ctx.body);
      const channel = body.string("channel", { required: true, max: 64 });
      const eventType = body.string("event_type", { required: true, max: 64 });
      const targetId = body.uuid("target_id", { nullable: true });
      body.done();
      const notifications = ctx.ws.notifications;
      const session = notifications.sessionByChannel.get(channel as string);
      const known =
        (session !== undefined && session.userId === ctx.principal.user.id) ||
        notifications.webhookById.has(channel as string);
      if (!known) throw fieldErrors({ channel: ["Channel not found."] });
      const sub: SubscriptionRecord = {
        id: ctx.ws.newId(),
        channel: channel as string,
        eventType: eventType as string,
        targetId: targetId ?? null,
        userId: ctx.principal.user.id,
        addedAt: ctx.ws.now(),
      };
      notifications.addSubscription(sub);
      return { status: 201, body: subscriptionJson(sub) };
    },
  });
  app.route("/api/events/subscriptions/:id/", {
    DELETE: (ctx) => {
      const sub = ctx.ws.notifications.subscriptionById.get(idParam(ctx));
      if (!sub || sub.userId !== ctx.principal.user.id) throw notFound();
      ctx.ws.notifications.removeSubscription(sub);
      return { status: 204 };
    },
  });
}

export function registerWebhooks(app: App): void {
  webhookRoutes(app);
  eventRoutes(app);
}
