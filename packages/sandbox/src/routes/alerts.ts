import type { App, RequestContext } from "../http/app.js";
import { ApiError, fieldErrors, notFound } from "../http/errors.js";
import { type ListSpec, queryList } from "../http/list.js";
import { paginate } from "../http/pagination.js";
import { BodyReader } from "../http/validate.js";
import {
  ACK_ACTIONS,
  type AckAction,
  ALERT_RULE_TARGETS,
  type AlertRecord,
  type AlertRuleRecord,
} from "../state/alerts.js";
import { idParam, requireStaff } from "./common.js";
import { alertJson, alertRuleJson } from "./serialize/alerts.js";

/** `AlertFilter` as PR #192 lists it (`mcp@3865f0c:tools/alert_tools.py` `list_alerts`). */
function alertSpec(ctx: RequestContext): ListSpec<AlertRecord> {
  return {
    filters: {
      server: { kind: "uuid", get: (a) => a.serverId },
      alert_type: { kind: "exact", get: (a) => a.alertType },
      severity: { kind: "exact", get: (a) => a.severity },
      server_name: {
        kind: "custom",
        test: (a, value) =>
          (ctx.ws.serverById.get(a.serverId)?.name ?? "")
            .toLowerCase()
            .includes(value.toLowerCase()),
      },
      acknowledged: { kind: "bool", get: (a) => a.acks.length > 0 },
      dismissed: { kind: "bool", get: (a) => a.acks.some((ack) => ack.action === "dismissed") },
    },
    ordering: { added_at: (a) => a.addedAt, severity: (a) => a.severity },
    defaultOrdering: ["-added_at"],
  };
}

const RULE_LIST: ListSpec<AlertRuleRecord> = {
  ordering: { name: (r) => r.name, added_at: (r) => r.addedAt },
  defaultOrdering: ["name"],
};

function findAlert(ctx: RequestContext): AlertRecord {
  ctx.ws.alerts.evaluate(ctx.ws.now());
  const alert = ctx.ws.alerts.alertById.get(idParam(ctx));
  if (!alert) throw notFound();
  return alert;
}

function findRule(ctx: RequestContext): AlertRuleRecord {
  const rule = ctx.ws.alerts.ruleById.get(idParam(ctx));
  if (!rule) throw notFound();
  return rule;
}

/** Authoring rules needs a paid plan (`mcp@3865f0c:utils/recovery_hints.py`); reading does not. */
function requirePaidPlan(ctx: RequestContext): void {
  if (ctx.ws.gates.freePlan) {
    throw new ApiError(402, {
      detail: "Your plan does not include creating or updating alert rules.",
    });
  }
}

/** Name unique in the workspace; one default rule per target. */
function checkRule(ctx: RequestContext, rule: Omit<AlertRuleRecord, "serverIds">): void {
  const others = ctx.ws.alerts.rules.all().filter((r) => r.id !== rule.id);
  if (others.some((r) => r.name === rule.name)) {
    throw fieldErrors({ name: ["alert rule with this name already exists."] });
  }
  if (rule.isDefault && others.some((r) => r.isDefault && r.target === rule.target)) {
    throw fieldErrors({
      is_default: [`A default rule for ${rule.target} already exists.`],
    });
  }
}

function ruleFields(body: BodyReader, required: boolean) {
  return {
    name: body.string("name", { required, max: 128 }),
    target: body.choice("target", ALERT_RULE_TARGETS, { required }),
    threshold: body.number("threshold", { required }),
    isDefault: body.bool("is_default"),
  };
}

/** `POST /api/servers/servers/{id}/attach-rule/` and `detach-rule/`: 204 either way. */
function attachment(attach: boolean) {
  return (ctx: RequestContext) => {
    requireStaff(ctx);
    const server = ctx.ws.serverById.get(idParam(ctx));
    if (!server) throw notFound();
    const body = new BodyReader(ctx.body);
    const rule = body.ref("rule", (id) => ctx.ws.alerts.ruleById.get(id), { required: true });
    body.done();
    if (!rule) throw notFound();
    if (attach) rule.serverIds.add(server.id);
    else rule.serverIds.delete(server.id);
    ctx.ws.alerts.changed();
    return { status: 204 };
  };
}

export function registerAlerts(app: App): void {
  app.route("/api/alerts/", {
    GET: (ctx) => {
      ctx.ws.alerts.evaluate(ctx.ws.now());
      const items = queryList(ctx.ws.alerts.alerts, ctx.query, alertSpec(ctx));
      return { status: 200, body: paginate(items, ctx.query, (a) => alertJson(ctx.ws, a)) };
    },
  });
  app.route("/api/alerts/:id/", {
    GET: (ctx) => ({ status: 200, body: alertJson(ctx.ws, findAlert(ctx)) }),
  });
  app.route("/api/alerts/:id/acknowledge/", {
    POST: (ctx) => {
      const alert = findAlert(ctx);
      const body = new BodyReader(ctx.body);
      const action = body.choice("action_type", ACK_ACTIONS, { required: true });
      body.done();
      // One acknowledgement per user per alert, never changed (PR #192 `acknowledge_alert`).
      if (alert.acks.some((ack) => ack.userId === ctx.principal.user.id)) {
        throw new ApiError(400, { detail: "You have already acknowledged this alert." });
      }
      alert.acks.push({
        userId: ctx.principal.user.id,
        action: action as AckAction,
        addedAt: ctx.ws.now(),
      });
      ctx.ws.alerts.alerts.touch();
      return { status: 200, body: { message: `Alert ${action} successfully` } };
    },
  });
  app.route("/api/metrics/alert-rules/", {
    GET: (ctx) => {
      const serverId = ctx.query.get("server");
      let rules = ctx.ws.alerts.rules.all();
      if (serverId) {
        const server = ctx.ws.serverById.get(serverId.toLowerCase());
        if (!server) {
          throw fieldErrors({
            server: ["Select a valid choice. That choice is not one of the available choices."],
          });
        }
        rules = ctx.ws.alerts.watching(server);
      }
      const items = queryList(rules, ctx.query, RULE_LIST);
      return { status: 200, body: paginate(items, ctx.query, (r) => alertRuleJson(ctx.ws, r)) };
    },
    POST: (ctx) => {
      requireStaff(ctx);
      requirePaidPlan(ctx);
      const body = new BodyReader(ctx.body);
      const fields = ruleFields(body, true);
      body.done();
      const now = ctx.ws.now();
      const rule: AlertRuleRecord = {
        id: ctx.ws.newId(),
        name: fields.name as string,
        target: fields.target as AlertRuleRecord["target"],
        threshold: fields.threshold as number,
        isDefault: fields.isDefault ?? false,
        serverIds: new Set(),
        addedAt: now,
        updatedAt: now,
      };
      checkRule(ctx, rule);
      ctx.ws.alerts.addRule(rule);
      return { status: 201, body: alertRuleJson(ctx.ws, rule) };
    },
  });
  app.route("/api/metrics/alert-rules/:id/", {
    GET: (ctx) => ({ status: 200, body: alertRuleJson(ctx.ws, findRule(ctx)) }),
    PATCH: (ctx) => {
      const rule = findRule(ctx);
      requireStaff(ctx);
      requirePaidPlan(ctx);
      const body = new BodyReader(ctx.body);
      const fields = ruleFields(body, false);
      body.done();
      const next = {
        ...rule,
        name: fields.name ?? rule.name,
        target: fields.target ?? rule.target,
        threshold: fields.threshold ?? rule.threshold,
        isDefault: fields.isDefault ?? rule.isDefault,
      };
      checkRule(ctx, next);
      Object.assign(rule, next, { updatedAt: ctx.ws.now() });
      ctx.ws.alerts.changed();
      return { status: 200, body: alertRuleJson(ctx.ws, rule) };
    },
    DELETE: (ctx) => {
      const rule = findRule(ctx);
      requireStaff(ctx);
      if (rule.isDefault) {
        throw new ApiError(400, { detail: "A default alert rule cannot be deleted." });
      }
      ctx.ws.alerts.removeRule(rule, ctx.ws.now());
      return { status: 204 };
    },
  });
  app.route("/api/servers/servers/:id/attach-rule/", { POST: attachment(true) });
  app.route("/api/servers/servers/:id/detach-rule/", { POST: attachment(false) });
}
