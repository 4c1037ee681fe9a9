import { iso } from "../../state/model.js";
import type { SubscriptionRecord, WebhookRecord } from "../../state/notifications.js";
import type { WorkspaceState } from "../../state/workspace.js";
import { userRef } from "./refs.js";

/** `WebhookResponse` (`cli@9483716:api/webhook/types.go`). */
export function webhookJson(ws: WorkspaceState, w: WebhookRecord): Record<string, unknown> {
  return {
    id: w.id,
    name: w.name,
    url: w.url,
    provider: w.provider,
    ssl_verify: w.sslVerify,
    enabled: w.enabled,
    owner: userRef(ws, w.ownerId),
    added_at: iso(w.addedAt),
    updated_at: iso(w.updatedAt),
  };
}

export function subscriptionJson(s: SubscriptionRecord): Record<string, unknown> {
  return { id: s.id, channel: s.channel, event_type: s.eventType, target_id: s.targetId };
}
