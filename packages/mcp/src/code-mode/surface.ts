import { SDK_METHODS } from "../generated/sdk-index.js";
import { type AnyTool, type Effect, effectOf } from "../tools/define.js";
import { ALL_TOOLS } from "../tools/index.js";
import { type ToolSelection, toolSelector } from "../tools/select-tools.js";
import type { Toolset } from "../tools/toolsets.js";
import type { SdkMethodEntry } from "./sdk-index-types.js";

/**
 * The client resources a snippet may reach, each with the toolset that governs it: every one of
 * their methods in the generated index is bridged, except those below. Nothing else of the
 * host client is reachable (no property walking: the interpreter gets a plain object of
 * functions built from this list).
 */
export const BRIDGED_RESOURCES: Readonly<Record<string, Toolset>> = {
  servers: "servers",
  notes: "servers",
  metrics: "metrics",
  alerts: "alerts",
  alertRules: "alerts",
  system: "system-info",
  events: "events",
  commands: "commands",
  workSessions: "work-sessions",
  "iam.users": "iam",
  "iam.groups": "iam",
  "iam.memberships": "iam",
  "iam.applications": "iam",
  "iam.invites": "iam",
  workspaces: "workspace",
  "workspaces.preferences": "workspace",
  apiTokens: "tokens",
  "security.commandAcls": "security",
  "security.serverAcls": "security",
  "security.fileAcls": "security",
  "audit.activity": "audit",
  "audit.serverLogs": "audit",
  "audit.webftpLogs": "audit",
  "audit.sessionAnalyses": "audit",
  "audit.sessionRecords": "audit",
  "servers.registrationTokens": "server-admin",
  certificates: "certs",
  "certificates.authorities": "certs",
  "certificates.signRequests": "certs",
  "certificates.revokeRequests": "certs",
  approvals: "approvals",
  sudoPolicies: "approvals",
  "packages.system": "packages",
  "packages.python": "packages",
  webhooks: "webhooks",
  eventSubscriptions: "webhooks",
};

/**
 * Methods of those resources left out, and why. websh and webftp are not bridged at all (live
 * shells and local files need their own tools), nor are `auth` and `eventSessions`.
 */
export const LEFT_OUT: Readonly<Record<string, string>> = {
  // Their answers carry a new credential, which only the user may see (the tools show it to
  // the user alone, never to the model).
  "apiTokens.create": "answers a new token's key",
  "apiTokens.duplicate": "answers a new token's key",
  "servers.registrationTokens.create": "answers a registration token",
  "servers.registrationTokens.installGuide": "the guide embeds a registration token",
  "servers.registrationTokens.ansibleGuide": "the guide embeds a registration token",
};

/**
 * Effects of methods no tool calls, where the HTTP method does not say it: a POST that asks for
 * an analysis or a report adds nothing anyone could use.
 */
const EFFECTS: Readonly<Record<string, Effect>> = {
  "workSessions.analyze": "add",
  "audit.sessionAnalyses.analyzeWebshSession": "add",
};

/** A bridged method: what the index says, and what it does, under which toolset. */
export interface BridgedMethod extends SdkMethodEntry {
  toolset: Toolset;
  effect: Effect;
  /** The tools that call it (their selection decides whether the bridge may). */
  tools: readonly AnyTool[];
}

function resourceOf(path: string): string {
  return path.split(".").slice(0, -1).join(".");
}

/** `iterate` is `list` page by page: it is governed as the list is. */
function listOf(path: string): string | undefined {
  const name = path.split(".").at(-1)!;
  const match = /^iterate(\w*)$/.exec(name);
  if (!match) return undefined;
  const rest = match[1] ? match[1][0]!.toLowerCase() + match[1].slice(1) : "list";
  return `${resourceOf(path)}.${rest}`;
}

function toolsByMethod(tools: readonly AnyTool[]): Map<string, AnyTool[]> {
  const byMethod = new Map<string, AnyTool[]>();
  for (const tool of tools) {
    for (const part of tool.sdk.split(" + ")) {
      if (!part.startsWith("client.")) continue;
      const path = part.slice("client.".length);
      byMethod.set(path, [...(byMethod.get(path) ?? []), tool]);
    }
  }
  return byMethod;
}

const WEIGHT: Record<Effect, number> = {
  read: 0,
  add: 1,
  change: 2,
  delete: 3,
  transfer: 3,
  run: 4,
  "open-shell": 5,
  "grant-access": 5,
  "replace-credential": 5,
};

/** The largest effect among the tools that call a method: the bridge asks as the boldest does. */
function largest(effects: readonly Effect[]): Effect {
  return effects.reduce((a, b) => (WEIGHT[b] > WEIGHT[a] ? b : a));
}

let surface: readonly BridgedMethod[] | undefined;

/**
 * Every bridged method with its effect: the effect of the tools that call it (the same
 * confirmation as the tool), otherwise the explicit table, otherwise the HTTP method's (a GET
 * reads; any other write is weighed a change, so it asks).
 */
export function bridgedMethods(): readonly BridgedMethod[] {
  if (surface) return surface;
  const byMethod = toolsByMethod(ALL_TOOLS);
  surface = SDK_METHODS.flatMap((entry) => {
    const toolset = BRIDGED_RESOURCES[resourceOf(entry.path)];
    if (!toolset || LEFT_OUT[entry.path]) return [];
    const governing = byMethod.get(entry.path) ?? byMethod.get(listOf(entry.path) ?? "") ?? [];
    const effect = governing.length
      ? largest(governing.map(effectOf))
      : (EFFECTS[entry.path] ?? (entry.http === "GET" ? "read" : "change"));
    return [{ ...entry, toolset, effect, tools: governing }];
  });
  return surface;
}

/**
 * Which bridged methods this server's selection reaches: a method some selected tool calls, or
 * one of a selected toolset that no tool calls; with `readOnly`, reads only.
 */
export function reachable(selection: ToolSelection): (method: BridgedMethod) => string | null {
  const selected = toolSelector(selection);
  return (method) => {
    if (selection.readOnly && method.effect !== "read") {
      return "this server is read-only (--read-only): only reading methods may be called";
    }
    const ok = method.tools.length
      ? method.tools.some((tool) => selected(tool))
      : selected({
          name: method.path,
          toolset: method.toolset,
          annotations: { readOnlyHint: method.effect === "read" },
        });
    return ok
      ? null
      : `its toolset "${method.toolset}" is not enabled on this server (or its tools are excluded); the person who runs it can add it with --toolsets`;
  };
}
