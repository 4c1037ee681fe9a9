import { ALERT_RULE_TARGETS, type AlertRule } from "@alpacon/sdk";
import * as z from "zod";
import { quoted } from "../server/confirm.js";
import { ToolError } from "../server/errors.js";
import { serverLabel } from "../server/server-refs.js";
import { defineTool, listTool, serverId, serverRef, type ToolCallContext } from "./define.js";

const uuid = z
  .string()
  .regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/);
const alertId = uuid.describe("From list_alerts.");
const ruleId = uuid.describe("From get_alert_rules.");

const alert = z.looseObject({
  id: z.string(),
  status: z.string().optional(),
  severity: z.string().optional(),
  alert_type: z.string().optional(),
  server: serverRef.optional(),
  message: z.string().optional(),
  acknowledged: z.boolean().optional(),
  added_at: z.string().optional(),
});

/** A rule's fields (PR #192), or the MCP fixture's, which the SDK reads into `target`. */
export const alertRule = z.looseObject({
  id: z.string(),
  name: z.string().optional(),
  target: z.string().optional(),
  threshold: z.number().optional(),
  is_default: z.boolean().optional(),
});

function alertLine(item: z.output<typeof alert>): string {
  const where = item.server ? ` on ${item.server.name ?? item.server.id}` : "";
  const what = item.message ?? `${item.alert_type ?? "alert"}${where}`;
  const flags = [item.status, item.acknowledged && "acknowledged"].filter(Boolean).join(", ");
  return `${item.severity ? `[${item.severity}] ` : ""}${what} (${item.id})${flags ? `: ${flags}` : ""}${item.added_at ? `, since ${item.added_at}` : ""}`;
}

export function ruleLine(rule: z.output<typeof alertRule>): string {
  return `${rule.name ?? "(unnamed)"} (${rule.id}): ${rule.target ?? "?"} over ${rule.threshold ?? "?"}${rule.is_default ? ", default (watches every server)" : ""}`;
}

/** `rule "High CPU" (cpu-usage over 90)`: looked up before asking, so a wrong id fails first. */
async function ruleLabel(id: string, context: ToolCallContext): Promise<string> {
  const rule: AlertRule = await context.call((c) => c.alertRules.get)(id);
  return `alert rule ${quoted(rule.name ?? rule.id)} (${rule.target ?? "?"} over ${rule.threshold ?? "?"}${rule.is_default ? ", a default rule watching every server" : ""})`;
}

// Percentages, bytes/s and packets/s: up to 100 Tbit/s leaves room for any link.
const threshold = z
  .number()
  .min(0)
  .max(1e14)
  .describe("Percent for *-usage, else bytes/s or packets/s.");

const isDefaultText = "Watch every server (one default per target).";

const RULE_NOT_FOUND = "Check the rule id with get_alert_rules";
const ALERT_NOT_FOUND = "Check the alert id with list_alerts";

export const listAlerts = listTool({
  name: "list_alerts",
  searchHint: "alerts active triggered notifications monitoring",
  alwaysLoad: true,
  toolset: "alerts",
  title: "List alerts",
  description:
    "Alerts fired by alert rules (a metric over a threshold) or server events, newest first.",
  sdk: (c) => c.alerts.list,
  input: {
    server: serverId.optional().describe("Only this server's alerts."),
    alertType: z.string().min(1).max(64).optional().describe("e.g. server_disconnected."),
    severity: z.enum(["critical", "warning", "info"]).optional().describe("Only this one."),
    serverName: z.string().min(1).max(255).optional().describe("Text in server names."),
    acknowledged: z.boolean().optional().describe("false: not yet seen."),
    dismissed: z.boolean().optional().describe("Only (not) dismissed."),
  },
  rows: "alerts",
  row: alert,
  line: alertLine,
});

export const getAlert = defineTool({
  name: "get_alert",
  searchHint: "alert detail info specific",
  toolset: "alerts",
  title: "Get an alert",
  description: "One alert: rule, value, threshold, status, who acknowledged it and when.",
  sdk: (c) => c.alerts.get,
  operation: "GET",
  input: { alert: alertId },
  output: { alert },
  notFound: ALERT_NOT_FOUND,
  run: async (args, { sdk }) => ({ alert: await sdk(args.alert) }),
  summary: (result) => {
    const acks = (result.alert.acknowledgements ?? []) as Array<{
      user: { id: string; name?: string };
      action_type: string;
      added_at: string;
    }>;
    return [
      alertLine(result.alert),
      ...acks.map(
        (ack) => `${ack.action_type} by ${ack.user.name ?? ack.user.id} at ${ack.added_at}`,
      ),
    ].join("\n");
  },
});

export const acknowledgeAlert = defineTool({
  name: "acknowledge_alert",
  searchHint: "alert mute suppress silence notification",
  toolset: "alerts",
  title: "Acknowledge an alert",
  description:
    "Records your acknowledgement of an alert: checked (seen) or dismissed (not worth acting on). One per user per alert, and it cannot be changed afterwards.",
  sdk: (c) => c.alerts.acknowledge,
  operation: "POST",
  // It changes the alert's state for everyone reading the list, for good.
  effect: "change",
  input: {
    alert: alertId,
    action: z
      .enum(["checked", "dismissed"])
      .describe("checked: seen. dismissed: not worth acting on."),
  },
  output: { alert: z.string(), action: z.string(), message: z.string().optional() },
  notFound: ALERT_NOT_FOUND,
  confirm: async (args, context) => {
    const found = await context.call((c) => c.alerts.get)(args.alert);
    return `Acknowledge alert ${quoted(found.message ?? found.id)} as ${args.action}? It cannot be changed afterwards.`;
  },
  async run(args, { sdk }) {
    const answer = await sdk(args.alert, args.action);
    return { alert: args.alert, action: args.action, message: answer?.message };
  },
  summary: (result) => `Alert ${result.alert} acknowledged as ${result.action}.`,
});

export const createAlertRule = defineTool({
  name: "create_alert_rule",
  searchHint: "alert rule create threshold monitoring notification",
  toolset: "alerts",
  title: "Create an alert rule",
  description:
    "Creates an alert rule: fires when the metric goes over the threshold. Watches nothing until attach_alert_rule, unless isDefault. Needs a paid plan.",
  sdk: (c) => c.alertRules.create,
  operation: "POST",
  input: {
    name: z.string().min(1).max(128).describe("Unique in the workspace."),
    target: z.enum(ALERT_RULE_TARGETS).describe("The metric to watch."),
    threshold,
    isDefault: z.boolean().default(false).describe(isDefaultText),
  },
  output: { rule: alertRule },
  run: async (args, { sdk }) => ({
    rule: await sdk({
      name: args.name,
      target: args.target,
      threshold: args.threshold,
      is_default: args.isDefault,
    }),
  }),
  summary: (result) => `Created ${ruleLine(result.rule)}.`,
});

const ruleChanges = {
  name: z.string().min(1).max(128).optional(),
  target: z.enum(ALERT_RULE_TARGETS).optional().describe("The metric to watch."),
  threshold: threshold.optional(),
  isDefault: z.boolean().optional().describe(isDefaultText),
};

/** The fields to change; none at all is refused before anyone is asked. */
function changes(args: { [K in keyof typeof ruleChanges]?: z.output<(typeof ruleChanges)[K]> }) {
  const body = {
    ...(args.name === undefined ? {} : { name: args.name }),
    ...(args.target === undefined ? {} : { target: args.target }),
    ...(args.threshold === undefined ? {} : { threshold: args.threshold }),
    ...(args.isDefault === undefined ? {} : { is_default: args.isDefault }),
  };
  if (Object.keys(body).length === 0) {
    throw new ToolError("no field to change was given", "Pass at least one field, e.g. threshold");
  }
  return body;
}

export const updateAlertRule = defineTool({
  name: "update_alert_rule",
  searchHint: "alert rule update modify threshold",
  toolset: "alerts",
  title: "Update an alert rule",
  description: "Changes the given fields of an alert rule. Needs a paid plan.",
  sdk: (c) => c.alertRules.update,
  operation: "PATCH",
  input: { rule: ruleId, ...ruleChanges },
  output: { rule: alertRule },
  notFound: RULE_NOT_FOUND,
  confirm: async (args, context) =>
    `Change ${Object.entries(changes(args))
      .map(([field, value]) => `${field} to ${quoted(JSON.stringify(value))}`)
      .join(", ")} for ${await ruleLabel(args.rule, context)}?`,
  run: async (args, { sdk }) => ({ rule: await sdk(args.rule, changes(args)) }),
  summary: (result) => `Updated ${ruleLine(result.rule)}.`,
});

export const deleteAlertRule = defineTool({
  name: "delete_alert_rule",
  searchHint: "alert rule delete remove",
  toolset: "alerts",
  title: "Delete an alert rule",
  description:
    "Deletes an alert rule for good; it stops watching every server. Default rules cannot be deleted. detach_alert_rule stops it on one server only.",
  sdk: (c) => c.alertRules.delete,
  operation: "DELETE",
  input: { rule: ruleId },
  output: { rule: z.string(), deleted: z.boolean() },
  notFound: RULE_NOT_FOUND,
  confirm: async (args, context) => `Delete ${await ruleLabel(args.rule, context)} permanently?`,
  async run(args, { sdk }) {
    await sdk(args.rule);
    return { rule: args.rule, deleted: true };
  },
  summary: (result) => `Deleted alert rule ${result.rule}.`,
});

const attachment = {
  input: { server: serverId, rule: ruleId },
  output: { server: z.string(), rule: z.string() },
  notFound: "Check the server with servers_list and the rule with get_alert_rules",
};

export const attachAlertRule = defineTool({
  name: "attach_alert_rule",
  searchHint: "alert rule attach assign server",
  toolset: "alerts",
  title: "Attach an alert rule to a server",
  description:
    "Makes an alert rule watch a server (after create_alert_rule). Attaching it again changes nothing. Works on any plan.",
  sdk: (c) => c.alertRules.attach,
  operation: "POST",
  ...attachment,
  async run(args, { sdk }) {
    await sdk(args.server, args.rule);
    return { server: args.server, rule: args.rule };
  },
  summary: (result, _args, context) =>
    `Alert rule ${result.rule} now watches ${serverLabel(context.servers, result.server)}.`,
});

export const detachAlertRule = defineTool({
  name: "detach_alert_rule",
  searchHint: "alert rule detach unassign server",
  toolset: "alerts",
  title: "Detach an alert rule from a server",
  description:
    "Stops an alert rule watching one server, keeping the rule. Detaching it again changes nothing. A default rule keeps watching every server.",
  sdk: (c) => c.alertRules.detach,
  operation: "POST",
  // It ends the watch: no alert will fire for that server from this rule.
  effect: "change",
  ...attachment,
  confirm: async (args, context) =>
    `Stop ${await ruleLabel(args.rule, context)} watching server ${serverLabel(context.servers, args.server)}? No alert will fire for it from this rule.`,
  async run(args, { sdk }) {
    await sdk(args.server, args.rule);
    return { server: args.server, rule: args.rule };
  },
  summary: (result, _args, context) =>
    `Alert rule ${result.rule} no longer watches ${serverLabel(context.servers, result.server)}.`,
});

export const alertTools = [
  listAlerts,
  getAlert,
  acknowledgeAlert,
  createAlertRule,
  updateAlertRule,
  deleteAlertRule,
  attachAlertRule,
  detachAlertRule,
];
