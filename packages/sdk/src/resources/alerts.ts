import { type IterateOptions, iteratePages, type Page } from "../core/pagination.js";
import { data, Resource } from "../core/resource.js";
import type { RequestOptions } from "../core/transport.js";
import type { QueryOf, Schemas } from "../core/types.js";
import { mapPage, type ServerRef, toServerRef, toUserRef, type UserRef } from "./shapes.js";

export type AlertRuleTarget = Schemas["AlertRuleTarget"];
export type AlertAction = Schemas["AlertAcknowledgeRequest"]["action_type"];
export type ListAlertsQuery = QueryOf<"listAlerts">;
export type ListAlertRulesQuery = QueryOf<"listAlertRules">;
export type CreateAlertRuleBody = Schemas["AlertRuleCreateRequest"];
export type UpdateAlertRuleBody = Schemas["AlertRuleUpdateRequest"];
export type AlertAcknowledgeResult = Schemas["AlertAcknowledgeResult"];

/** One user's acknowledgement; `user` is a summary, or `{ id }` when the API sent a bare uuid. */
export type AlertAcknowledgement = Omit<Schemas["AlertAcknowledgement"], "user"> & {
  user: UserRef;
};

/** A fired alert, with `server` and the acknowledging users normalised to references. */
export type Alert = Omit<Schemas["Alert"], "server" | "acknowledgements"> & {
  server?: ServerRef;
  acknowledgements?: AlertAcknowledgement[];
};

/**
 * An alert rule. `target` is filled from `metric` when a server answers with the reference MCP
 * fixture's field names (`metric`, `comparison`, `server`, `enabled`; openapi/README.md).
 */
export type AlertRule = Schemas["AlertRule"];

/** Every metric a rule may watch (`AlertRule.TARGET_METRICS`, alpacon-mcp PR #192). */
export const ALERT_RULE_TARGETS = [
  "cpu-usage",
  "memory-usage",
  "disk-usage",
  "peak-read-bps",
  "peak-write-bps",
  "avg-read-bps",
  "avg-write-bps",
  "peak-input-pps",
  "peak-input-bps",
  "peak-output-pps",
  "peak-output-bps",
  "avg-input-pps",
  "avg-input-bps",
  "avg-output-pps",
  "avg-output-bps",
] as const satisfies readonly AlertRuleTarget[];

function toAlert(item: Schemas["Alert"]): Alert {
  const { server, acknowledgements, ...rest } = item;
  return {
    ...rest,
    ...(server === undefined ? {} : { server: toServerRef(server) }),
    ...(acknowledgements === undefined
      ? {}
      : {
          acknowledgements: acknowledgements.map((ack) => ({ ...ack, user: toUserRef(ack.user) })),
        }),
  };
}

function toRule(item: AlertRule): AlertRule {
  return item.target === undefined && item.metric !== undefined
    ? { ...item, target: item.metric }
    : item;
}

export class Alerts extends Resource {
  /** One page of alerts: `listAlerts` (`acknowledged: false` for the ones nobody has seen). */
  async list(query: ListAlertsQuery = {}, options?: RequestOptions): Promise<Page<Alert>> {
    const page = await data(
      this.http.GET("/api/alerts/", { params: { query }, ...this.request(options) }),
    );
    return mapPage(page, toAlert);
  }

  iterate(
    query: ListAlertsQuery = {},
    options: IterateOptions & RequestOptions = {},
  ): AsyncGenerator<Alert> {
    return iteratePages((page) => this.list(page, options), query, options);
  }

  /** `getAlert`. */
  async get(id: string, options?: RequestOptions): Promise<Alert> {
    return toAlert(
      await data(
        this.http.GET("/api/alerts/{id}/", { params: { path: { id } }, ...this.request(options) }),
      ),
    );
  }

  /**
   * `acknowledgeAlert`: `checked` (seen) or `dismissed` (not worth acting on). One per user per
   * alert, never changed: a second one is refused (ValidationError).
   */
  acknowledge(
    id: string,
    action: AlertAction,
    options?: RequestOptions,
  ): Promise<AlertAcknowledgeResult> {
    return data(
      this.http.POST("/api/alerts/{id}/acknowledge/", {
        params: { path: { id } },
        body: { action_type: action },
        ...this.request(options),
      }),
    );
  }
}

export class AlertRules extends Resource {
  /** One page of rules: `listAlertRules` (`server`: the rules watching that server). */
  async list(query: ListAlertRulesQuery = {}, options?: RequestOptions): Promise<Page<AlertRule>> {
    const page = await data(
      this.http.GET("/api/metrics/alert-rules/", { params: { query }, ...this.request(options) }),
    );
    return mapPage(page, toRule);
  }

  iterate(
    query: ListAlertRulesQuery = {},
    options: IterateOptions & RequestOptions = {},
  ): AsyncGenerator<AlertRule> {
    return iteratePages((page) => this.list(page, options), query, options);
  }

  /** `getAlertRule`. */
  async get(id: string, options?: RequestOptions): Promise<AlertRule> {
    return toRule(
      await data(
        this.http.GET("/api/metrics/alert-rules/{id}/", {
          params: { path: { id } },
          ...this.request(options),
        }),
      ),
    );
  }

  /** `createAlertRule`: it watches nothing until attached, unless `is_default`. Paid plans only. */
  async create(body: CreateAlertRuleBody, options?: RequestOptions): Promise<AlertRule> {
    return toRule(
      await data(this.http.POST("/api/metrics/alert-rules/", { body, ...this.request(options) })),
    );
  }

  /** `updateAlertRule` (PATCH: only the given fields change). Paid plans only. */
  async update(
    id: string,
    body: UpdateAlertRuleBody,
    options?: RequestOptions,
  ): Promise<AlertRule> {
    return toRule(
      await data(
        this.http.PATCH("/api/metrics/alert-rules/{id}/", {
          params: { path: { id } },
          body,
          ...this.request(options),
        }),
      ),
    );
  }

  /** `deleteAlertRule`; a default rule cannot be deleted. */
  async delete(id: string, options?: RequestOptions): Promise<void> {
    await this.http.DELETE("/api/metrics/alert-rules/{id}/", {
      params: { path: { id } },
      ...this.request(options),
    });
  }

  /** `attachAlertRule`: the rule starts watching the server; repeating it changes nothing. */
  async attach(serverId: string, ruleId: string, options?: RequestOptions): Promise<void> {
    await this.http.POST("/api/servers/servers/{id}/attach-rule/", {
      params: { path: { id: serverId } },
      body: { rule: ruleId },
      ...this.request(options),
    });
  }

  /** `detachAlertRule`: the rule stops watching the server; repeating it changes nothing. */
  async detach(serverId: string, ruleId: string, options?: RequestOptions): Promise<void> {
    await this.http.POST("/api/servers/servers/{id}/detach-rule/", {
      params: { path: { id: serverId } },
      body: { rule: ruleId },
      ...this.request(options),
    });
  }
}
