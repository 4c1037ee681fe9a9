import * as z from "zod";
import { quoted } from "../server/confirm.js";
import { ToolError } from "../server/errors.js";
import { apiFields, defineTool } from "./define.js";

/**
 * The workspace a call goes to: who the token is, and its workspace-wide settings. Access control
 * and MFA settings are read-only here on purpose: the real product keeps those governance writes
 * to people in the web console (a superuser with fresh MFA).
 */

const settings = z.looseObject({});

// The security views authenticate browser sessions only (no API-token authentication upstream).
const BROWSER_ONLY =
  "These settings answer a browser login (JWT) only; an API token gets 403. Configure this workspace with a login token, or read them in the web console";
const SAAS_ONLY = "Workspace security settings exist on SaaS only; this deployment has none";

/** "key: value" lines, lists joined, absent values shown as "(none)". */
function settingLines(values: Record<string, unknown>): string {
  const lines = Object.entries(values).map(
    ([key, value]) =>
      `${key}: ${Array.isArray(value) ? value.join(", ") || "(none)" : value === null ? "(none)" : String(value)}`,
  );
  return lines.length > 0 ? lines.join("\n") : "(no settings sent)";
}

const me = z.looseObject({
  id: z.string(),
  username: z.string().nullable(),
  email: z.string(),
  is_staff: z.boolean(),
  is_superuser: z.boolean(),
});

export const getCurrentUser = defineTool({
  name: "get_current_user",
  toolset: "workspace",
  title: "Who am I",
  searchHint: "whoami current user identity me authenticated principal",
  description:
    "The user this workspace's token acts as: username, email, staff/superuser, uid, shell, home.",
  sdk: (c) => c.workspaces.me,
  operation: "GET",
  input: {},
  output: { user: me },
  run: async (_args, { sdk }) => ({ user: await sdk() }),
  summary: ({ user }) => {
    const role = user.is_superuser ? "superuser" : user.is_staff ? "staff" : "member";
    return `${user.username ?? "(no username)"} (${user.id}) <${user.email}>, ${role}`;
  },
});

export const getWorkspaceAccessControl = defineTool({
  name: "get_workspace_access_control",
  toolset: "workspace",
  title: "Get workspace access control",
  searchHint:
    "workspace access control sudo root tunnel editor home directory work session ttl shared accounts policy",
  description:
    "Workspace-wide sudo/root policy, tunnel and editor defaults, home directory mode, work-session TTLs, shared accounts.",
  sdk: (c) => c.workspaces.accessControl,
  operation: "GET",
  input: {},
  output: { settings },
  run: async (_args, { sdk }) => ({ settings: await sdk() }),
  summary: (result) => settingLines(result.settings),
});

export const getWorkspaceSecurity = defineTool({
  name: "get_workspace_security",
  toolset: "workspace",
  title: "Get workspace MFA settings",
  searchHint: "workspace security mfa authentication settings",
  description:
    "Whether MFA is required, for which actions, how long it lasts, allowed methods. Browser logins only (API tokens get 403); SaaS only.",
  sdk: (c) => c.workspaces.security,
  operation: "GET",
  input: {},
  output: { settings },
  forbidden: BROWSER_ONLY,
  notFound: SAAS_ONLY,
  run: async (_args, { sdk }) => ({ settings: await sdk() }),
  summary: (result) => settingLines(result.settings),
});

export const listWorkspaceMfaMethods = defineTool({
  name: "list_workspace_mfa_methods",
  toolset: "workspace",
  title: "List allowed MFA methods",
  searchHint: "workspace mfa methods list allowed passkey reauth",
  description:
    "The MFA methods users may complete, and whether a passkey counts. Browser logins only; SaaS only.",
  sdk: (c) => c.workspaces.mfaMethods,
  operation: "GET",
  input: {},
  output: { methods: z.array(z.string()), passkeyAsMfa: z.boolean().nullable() },
  forbidden: BROWSER_ONLY,
  notFound: SAAS_ONLY,
  async run(_args, { sdk }) {
    const found = await sdk();
    return {
      methods: found.allowed_mfa_methods ?? [],
      passkeyAsMfa: found.passkey_as_mfa ?? null,
    };
  },
  summary: (result) =>
    `Allowed: ${result.methods.join(", ") || "(none)"}${result.passkeyAsMfa === null ? "" : `; passkey as MFA: ${result.passkeyAsMfa ? "yes" : "no"}`}`,
});

export const getWorkspacePreferences = defineTool({
  name: "get_workspace_preferences",
  toolset: "workspace",
  title: "Get workspace preferences",
  searchHint: "workspace preferences settings timezone locale billing",
  description:
    "Workspace-wide preferences: timezone, locale, invite TTL, extensions, websh timeout, agent auto-upgrade, package proxy, billing email, invite domains.",
  sdk: (c) => c.workspaces.preferences.get,
  operation: "GET",
  input: {},
  output: { preferences: settings },
  run: async (_args, { sdk }) => ({ preferences: await sdk() }),
  summary: (result) => settingLines(result.preferences),
});

const preferenceFields = {
  timezone: z.string().min(1).max(64).optional().describe("IANA name; also the billing clock."),
  language: z.string().min(2).max(10).optional().describe("Locale code, e.g. ko."),
  country: z.string().length(2).optional().describe("ISO code, e.g. KR."),
  frontUrl: z.url().max(200).optional().describe("The web console URL."),
  inviteTtl: z.int().min(1).optional().describe("Seconds an invitation stays valid."),
  webshSessionTimeout: z.int().min(0).optional().describe("Idle seconds."),
  autoAgentUpgrade: z.boolean().optional().describe("Agents upgrade themselves."),
  packageProxy: z.url().max(200).nullable().optional().describe("null removes it."),
  billingEmail: z.email().max(254).nullable().optional().describe("SaaS only."),
  enabledExtensions: z
    .array(z.string().min(1).max(64))
    .max(50)
    .optional()
    .describe("Replaces the whole list."),
  allowedDomains: z
    .array(z.string().min(1).max(253))
    .max(100)
    .optional()
    .describe("Invite email domains; replaces the list; [] = any."),
};

type PreferenceArgs = {
  [K in keyof typeof preferenceFields]?: z.output<(typeof preferenceFields)[K]>;
};

function preferenceChanges(args: PreferenceArgs) {
  const body = apiFields(args);
  if (Object.keys(body).length === 0) {
    throw new ToolError("no preference to change was given", "Pass at least one, e.g. timezone");
  }
  return body;
}

// What a change does beyond its value, for the question.
const CONSEQUENCE: Record<string, string> = {
  timezone: "it moves the daily usage (billing) boundary",
  enabled_extensions: "extensions left out are turned off for everyone",
  allowed_domains: "invitations may then go only to these domains",
  package_proxy: "agents install packages through it",
  auto_agent_upgrade: "it decides whether agents on every server upgrade themselves",
};

export const updateWorkspacePreferences = defineTool({
  name: "update_workspace_preferences",
  toolset: "workspace",
  title: "Update workspace preferences",
  searchHint: "workspace preferences update modify timezone billing",
  description:
    "Changes the given workspace-wide preferences for everyone (list fields replace the whole list). Staff only.",
  sdk: (c) => c.workspaces.preferences.update,
  operation: "PATCH",
  input: preferenceFields,
  output: { preferences: settings },
  forbidden: "Changing workspace preferences takes a staff user; ask a workspace admin",
  async confirm(args, context) {
    const body = preferenceChanges(args);
    const current = (await context.call((c) => c.workspaces.preferences.get)()) as Record<
      string,
      unknown
    >;
    const lines = Object.entries(body).map(([field, value]) => {
      const note = CONSEQUENCE[field];
      return `- ${field}: ${quoted(JSON.stringify(current[field] ?? null))} → ${quoted(JSON.stringify(value))}${note ? ` (${note})` : ""}`;
    });
    return `Change these preferences of the whole workspace?\n${lines.join("\n")}`;
  },
  run: async (args, { sdk }) => ({ preferences: await sdk(preferenceChanges(args)) }),
  summary: (result) => `Preferences now:\n${settingLines(result.preferences)}`,
});

export const workspaceTools = [
  getCurrentUser,
  getWorkspaceAccessControl,
  getWorkspaceSecurity,
  listWorkspaceMfaMethods,
  getWorkspacePreferences,
  updateWorkspacePreferences,
];
