import { type IterateOptions, iteratePages, type Page } from "../core/pagination.js";
import { data, Resource } from "../core/resource.js";
import type { RequestOptions } from "../core/transport.js";
import type { QueryOf, Schemas } from "../core/types.js";

export type Webhook = Schemas["Webhook"];
export type WebhookProvider = Schemas["WebhookProvider"];
export type ListWebhooksQuery = QueryOf<"listWebhooks">;
export type CreateWebhookBody = Schemas["WebhookCreateRequest"];
export type UpdateWebhookBody = Schemas["WebhookUpdateRequest"];
export type EventSession = Schemas["EventSession"];
export type EventSubscription = Schemas["EventSubscription"];
export type ListEventSubscriptionsQuery = QueryOf<"listEventSubscriptions">;
export type CreateEventSubscriptionBody = Schemas["EventSubscriptionCreateRequest"];

/** `Webhook.Provider` (alpacon-mcp PR #192); omitted, the server detects it from the URL. */
export const WEBHOOK_PROVIDERS = [
  "slack",
  "discord",
  "teams",
  "telegram",
  "custom",
] as const satisfies readonly WebhookProvider[];

/** Outgoing webhooks (admins only; creating and updating need a paid plan: 402). */
export class Webhooks extends Resource {
  /** One page of webhooks: `listWebhooks` (`name`, `owner`, `provider`). */
  list(query: ListWebhooksQuery = {}, options?: RequestOptions): Promise<Page<Webhook>> {
    return data(
      this.http.GET("/api/notifications/webhooks/", {
        params: { query },
        ...this.request(options),
      }),
    );
  }

  iterate(
    query: ListWebhooksQuery = {},
    options: IterateOptions & RequestOptions = {},
  ): AsyncGenerator<Webhook> {
    return iteratePages((page) => this.list(page, options), query, options);
  }

  /** `createWebhook`: `owner` is a user id (a username is refused). */
  create(body: CreateWebhookBody, options?: RequestOptions): Promise<Webhook> {
    return data(this.http.POST("/api/notifications/webhooks/", { body, ...this.request(options) }));
  }

  /** `getWebhook`. */
  get(id: string, options?: RequestOptions): Promise<Webhook> {
    return data(
      this.http.GET("/api/notifications/webhooks/{id}/", {
        params: { path: { id } },
        ...this.request(options),
      }),
    );
  }

  /** `updateWebhook` (PATCH: only the given fields change). */
  update(id: string, body: UpdateWebhookBody, options?: RequestOptions): Promise<Webhook> {
    return data(
      this.http.PATCH("/api/notifications/webhooks/{id}/", {
        params: { path: { id } },
        body,
        ...this.request(options),
      }),
    );
  }

  /** `deleteWebhook`: every callback through it stops. */
  async delete(id: string, options?: RequestOptions): Promise<void> {
    await this.http.DELETE("/api/notifications/webhooks/{id}/", {
      params: { path: { id } },
      ...this.request(options),
    });
  }
}

/** Channels for server events (`createEventSession`); servers without the events API 404. */
export class EventSessions extends Resource {
  /** `createEventSession`: a channel and its single-use WebSocket URL (one per connection). */
  create(options?: RequestOptions): Promise<EventSession> {
    return data(this.http.POST("/api/events/sessions/", { body: {}, ...this.request(options) }));
  }
}

/** Which events reach which channel (an event session's `channel_id`, or a webhook). */
export class EventSubscriptions extends Resource {
  /** One page of the caller's own subscriptions: `listEventSubscriptions`. */
  list(
    query: ListEventSubscriptionsQuery = {},
    options?: RequestOptions,
  ): Promise<Page<EventSubscription>> {
    return data(
      this.http.GET("/api/events/subscriptions/", { params: { query }, ...this.request(options) }),
    );
  }

  iterate(
    query: ListEventSubscriptionsQuery = {},
    options: IterateOptions & RequestOptions = {},
  ): AsyncGenerator<EventSubscription> {
    return iteratePages((page) => this.list(page, options), query, options);
  }

  /**
   * `createEventSubscription`: `target_id` narrows it (a server for `command_fin`); leave it
   * out rather than empty, the server validates it as a UUID.
   */
  create(body: CreateEventSubscriptionBody, options?: RequestOptions): Promise<EventSubscription> {
    return data(this.http.POST("/api/events/subscriptions/", { body, ...this.request(options) }));
  }

  /** `deleteEventSubscription` (your own only). */
  async delete(id: string, options?: RequestOptions): Promise<void> {
    await this.http.DELETE("/api/events/subscriptions/{id}/", {
      params: { path: { id } },
      ...this.request(options),
    });
  }
}
