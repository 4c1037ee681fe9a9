import type { AlertRecord, AlertRuleRecord } from "../../state/alerts.js";
import { iso, isoOrNull } from "../../state/model.js";
import type { WorkspaceState } from "../../state/workspace.js";
import { serverKey, userKey } from "./refs.js";

export function alertJson(ws: WorkspaceState, a: AlertRecord): Record<string, unknown> {
  return {
    id: a.id,
    status: a.resolvedAt === null ? "triggered" : "resolved",
    server: serverKey(ws, a.serverId),
    alert_type: a.alertType,
    severity: a.severity,
    acknowledged: a.acks.length > 0,
    dismissed: a.acks.some((ack) => ack.action === "dismissed"),
    rule: a.ruleId,
    ...(a.target === undefined ? {} : { target: a.target, threshold: a.threshold, value: a.value }),
    message: a.message,
    added_at: iso(a.addedAt),
    resolved_at: isoOrNull(a.resolvedAt),
    acknowledgements: a.acks.map((ack) => ({
      user: userKey(ws, ack.userId),
      action_type: ack.action,
      added_at: iso(ack.addedAt),
    })),
  };
}

/**
 * A rule as PR #192 names its fields, or (variant `alertRules: "metric"`) as the reference MCP's
 * list fixture has it: `metric`, `comparison`, `server` (the first attached one) and `enabled`.
 */
export function alertRuleJson(ws: WorkspaceState, r: AlertRuleRecord): Record<string, unknown> {
  if (ws.variants.alertRules === "metric") {
    const [server] = r.serverIds;
    return {
      id: r.id,
      name: r.name,
      metric: r.target,
      threshold: r.threshold,
      comparison: "gt",
      ...(server === undefined ? {} : { server }),
      enabled: true,
    };
  }
  return {
    id: r.id,
    name: r.name,
    target: r.target,
    threshold: r.threshold,
    is_default: r.isDefault,
  };
}
