/**
 * The IAM writes beyond users and memberships: editing and deleting groups, applications (machine
 * service accounts) and the system users they run as, and invitations to the workspace.
 */
import type { IamApplication } from "@alpacon/sdk";
import * as z from "zod";
import { quoted } from "../server/confirm.js";
import { ToolError } from "../server/errors.js";
import { serverLabel } from "../server/server-refs.js";
import { apiFields, defineTool, listTool, serverId, type ToolCallContext } from "./define.js";
import { allMemberships, findGroup, groupName, groupRef } from "./iam-access.js";

const GROUP_NOT_FOUND = "Check the group with iam_groups_list";
const APP_NOT_FOUND = "Check the application id with list_iam_applications";

const group = z.looseObject({ id: z.string(), name: z.string(), display_name: z.string() });

function memberNames(members: { user: { id: string; name: string } }[]): string {
  const names = members.map((m) => m.user.name || m.user.id);
  return (
    names.slice(0, 10).join(", ") + (names.length > 10 ? `, and ${names.length - 10} more` : "")
  );
}

export const updateIamGroup = defineTool({
  name: "update_iam_group",
  toolset: "iam",
  title: "Update an IAM group",
  searchHint: "iam group update modify edit",
  description:
    "Changes a group's display name, description, tags or servers (servers replace the list: members gain and lose access). Managers and owners.",
  sdk: (c) => c.iam.groups.update,
  operation: "PATCH",
  input: {
    group: groupRef,
    displayName: z.string().max(64).optional().describe("Shown in the web console."),
    description: z.string().max(1000).optional().describe("What the group is for."),
    tags: z.string().max(128).optional().describe("Free text."),
    servers: z.array(serverId).max(500).optional().describe("Names or ids; replaces the list."),
  },
  output: { group },
  effect: "grant-access",
  notFound: GROUP_NOT_FOUND,
  forbidden: "Editing a group takes its manager or owner role (or a superuser)",
  async confirm({ group: ref, ...changes }, context) {
    const body = groupChanges(changes);
    const found = await findGroup(context, ref);
    const parts = Object.entries(body)
      .filter(([field]) => field !== "servers")
      .map(([field, value]) => `${field} to ${quoted(String(value))}`);
    if (changes.servers) {
      const before = new Set(found.servers.map((s) => s.id));
      const after = new Set(changes.servers);
      const gained = [...after].filter((id) => !before.has(id));
      const lost = [...before].filter((id) => !after.has(id));
      const members = await allMemberships(context, { group: found.id });
      const label = (ids: string[]) => ids.map((id) => serverLabel(context.servers, id)).join(", ");
      if (gained.length === 0 && lost.length === 0) parts.push("servers unchanged");
      else
        parts.push(
          `servers: its ${members.length} member(s) (${memberNames(members)})${gained.length ? ` gain access to ${label(gained)}` : ""}${gained.length && lost.length ? " and" : ""}${lost.length ? ` lose access to ${label(lost)}` : ""}`,
        );
    }
    return `Change group ${groupName(found)}: ${parts.join("; ")}?`;
  },
  async run({ group: ref, ...changes }, context) {
    const found = await findGroup(context, ref);
    return { group: await context.sdk(found.id, groupChanges(changes)) };
  },
  summary: (result) => `Updated group ${result.group.name} (${result.group.id}).`,
});

function groupChanges(changes: {
  displayName?: string | undefined;
  description?: string | undefined;
  tags?: string | undefined;
  servers?: string[] | undefined;
}) {
  const body = apiFields(changes);
  if (Object.keys(body).length === 0) {
    throw new ToolError("no field to change was given", "Pass at least one, e.g. description");
  }
  return body;
}

export const deleteIamGroup = defineTool({
  name: "delete_iam_group",
  toolset: "iam",
  title: "Delete an IAM group",
  searchHint: "iam group delete remove",
  description:
    "Deletes a group for good with its memberships; its members lose what it gave on its servers. Owners only.",
  sdk: (c) => c.iam.groups.delete,
  operation: "DELETE",
  input: { group: groupRef },
  output: { group: z.string(), deleted: z.boolean() },
  notFound: GROUP_NOT_FOUND,
  forbidden: "Deleting a group takes its owner role (or a superuser)",
  async confirm(args, context) {
    const found = await findGroup(context, args.group);
    const members = await allMemberships(context, { group: found.id });
    return `Delete group ${groupName(found)} permanently? Its ${members.length} membership(s)${members.length ? ` (${memberNames(members)})` : ""} go with it, and those members lose the access it gave them.`;
  },
  async run(args, context) {
    const found = await findGroup(context, args.group);
    await context.sdk(found.id);
    return { group: found.name, deleted: true };
  },
  summary: (result) => `Deleted group ${result.group}.`,
});

// --- applications

const appId = z.guid().describe("From list_iam_applications.");
const systemUserIds = z
  .array(z.guid())
  .min(1)
  .max(100)
  .describe("System user ids (list_system_users), OS accounts on servers.");

const systemUser = z.looseObject({ id: z.string(), username: z.string() });
const application = z.looseObject({
  id: z.string(),
  name: z.string(),
  description: z.string().optional(),
  service_type: z.string().optional(),
  system_users: z.array(systemUser).optional(),
});

function appLine(item: z.output<typeof application>): string {
  const users = item.system_users?.map((u) => u.username) ?? [];
  return `${item.name} (${item.id})${item.service_type ? `, ${item.service_type}` : ""}${users.length ? `, runs as ${users.join(", ")}` : ""}${item.description ? `: ${item.description}` : ""}`;
}

async function appLabel(id: string, context: ToolCallContext): Promise<IamApplication> {
  return context.call((c) => c.iam.applications.get)(id);
}

export const listIamApplications = listTool({
  name: "list_iam_applications",
  toolset: "iam",
  title: "List IAM applications",
  searchHint: "iam applications list service accounts oauth",
  description:
    "Machine service accounts (CI/CD, monitoring, automation) and the system users they run as.",
  sdk: (c) => c.iam.applications.list,
  input: { search: z.string().min(1).max(200).optional().describe("Text in name or description.") },
  rows: "applications",
  row: application,
  line: appLine,
});

export const getIamApplication = defineTool({
  name: "get_iam_application",
  toolset: "iam",
  title: "Get an IAM application",
  searchHint: "iam application detail get service account",
  description: "One application with its service type and bound system users.",
  sdk: (c) => c.iam.applications.get,
  operation: "GET",
  input: { application: appId },
  output: { application },
  notFound: APP_NOT_FOUND,
  run: async (args, { sdk }) => ({ application: await sdk(args.application) }),
  summary: (result) => appLine(result.application),
});

export const createIamApplication = defineTool({
  name: "create_iam_application",
  toolset: "iam",
  title: "Create an IAM application",
  searchHint: "iam application create new service account",
  description: "Creates a machine service account (no access until system users are assigned).",
  sdk: (c) => c.iam.applications.create,
  operation: "POST",
  input: {
    name: z.string().min(1).max(150),
    description: z.string().max(1000).optional().describe("What it is for."),
    serviceType: z
      .enum(["ci_cd", "monitoring", "automation", "integration"])
      .optional()
      .describe("Default integration."),
  },
  output: { application },
  run: async (args, { sdk }) => ({ application: await sdk(apiFields(args)) }),
  summary: (result) => `Created application ${appLine(result.application)}.`,
});

export const updateIamApplication = defineTool({
  name: "update_iam_application",
  toolset: "iam",
  title: "Update an IAM application",
  searchHint: "iam application update modify edit",
  description: "Renames an application or changes its description.",
  sdk: (c) => c.iam.applications.update,
  operation: "PATCH",
  input: {
    application: appId,
    name: z.string().min(1).max(150).optional(),
    description: z.string().max(1000).optional().describe("What it is for."),
  },
  output: { application },
  notFound: APP_NOT_FOUND,
  async confirm({ application: id, ...changes }, context) {
    const body = appChanges(changes);
    const found = await appLabel(id, context);
    return `Change application ${quoted(found.name)}: ${Object.entries(body)
      .map(([field, value]) => `${field} to ${quoted(String(value))}`)
      .join(", ")}?`;
  },
  run: async ({ application: id, ...changes }, { sdk }) => ({
    application: await sdk(id, appChanges(changes)),
  }),
  summary: (result) => `Updated application ${appLine(result.application)}.`,
});

function appChanges(changes: { name?: string | undefined; description?: string | undefined }) {
  const body = apiFields(changes);
  if (Object.keys(body).length === 0) {
    throw new ToolError("no field to change was given", "Pass name or description");
  }
  return body;
}

export const deleteIamApplication = defineTool({
  name: "delete_iam_application",
  toolset: "iam",
  title: "Delete an IAM application",
  searchHint: "iam application delete remove",
  description:
    "Deletes an application for good; its system users are released (they stay on their servers).",
  sdk: (c) => c.iam.applications.delete,
  operation: "DELETE",
  input: { application: appId },
  output: { application: z.string(), deleted: z.boolean() },
  notFound: APP_NOT_FOUND,
  async confirm(args, context) {
    const found = await appLabel(args.application, context);
    const users = found.system_users?.map((u) => u.username) ?? [];
    return `Delete application ${quoted(found.name)} permanently?${users.length ? ` It stops running as ${users.join(", ")}.` : ""}`;
  },
  async run(args, { sdk }) {
    await sdk(args.application);
    return { application: args.application, deleted: true };
  },
  summary: (result) => `Deleted application ${result.application}.`,
});

export const assignApplicationSystemUsers = defineTool({
  name: "assign_application_system_users",
  toolset: "iam",
  title: "Bind system users to an application",
  searchHint: "iam application assign system users service account bind",
  description: "Lets an application run as the given system users (OS accounts on servers).",
  sdk: (c) => c.iam.applications.assignSystemUsers,
  operation: "POST",
  input: { application: appId, systemUserIds },
  output: { application: z.string(), assigned: z.array(systemUser) },
  effect: "grant-access",
  notFound: APP_NOT_FOUND,
  async confirm(args, context) {
    const found = await appLabel(args.application, context);
    return `Let application ${quoted(found.name)}${found.service_type ? ` (${found.service_type})` : ""} run as ${args.systemUserIds.length} system user(s) (${args.systemUserIds.join(", ")}) on their servers?`;
  },
  run: async (args, { sdk }) => ({
    application: args.application,
    assigned: await sdk(args.application, args.systemUserIds),
  }),
  summary: (result) =>
    `Bound ${result.assigned.map((u) => `${u.username} (${u.id})`).join(", ") || "nothing new"} to application ${result.application}.`,
});

export const unassignApplicationSystemUsers = defineTool({
  name: "unassign_application_system_users",
  toolset: "iam",
  title: "Release system users from an application",
  searchHint: "iam application unassign system users service account release",
  description: "Stops an application running as the given system users.",
  sdk: (c) => c.iam.applications.unassignSystemUsers,
  operation: "POST",
  input: { application: appId, systemUserIds },
  output: { application: z.string(), unassigned: z.int(), systemUserIds: z.array(z.string()) },
  effect: "change",
  notFound: APP_NOT_FOUND,
  async confirm(args, context) {
    const found = await appLabel(args.application, context);
    const wanted = new Set(args.systemUserIds);
    const bound = (found.system_users ?? []).filter((u) => wanted.has(u.id));
    if (bound.length === 0) return null;
    return `Stop application ${quoted(found.name)} running as ${bound.map((u) => u.username).join(", ")}?`;
  },
  async run(args, { sdk }) {
    const result = await sdk(args.application, args.systemUserIds);
    return {
      application: args.application,
      unassigned: result.unassigned,
      systemUserIds: result.system_user_ids ?? [],
    };
  },
  summary: (result) =>
    `Released ${result.unassigned} system user(s) from application ${result.application}.`,
});

// --- invitations

export const inviteWorkspaceUser = defineTool({
  name: "invite_workspace_user",
  toolset: "iam",
  title: "Invite someone to the workspace",
  searchHint: "workspace user invite email send",
  description:
    "Emails an invitation to join the workspace (SaaS); accepting makes them a member. Staff only.",
  sdk: (c) => c.iam.invites.create,
  operation: "POST",
  input: { email: z.email().max(254) },
  output: { email: z.string(), detail: z.array(z.string()) },
  effect: "grant-access",
  forbidden: "Inviting takes a staff user; ask a workspace admin",
  notFound: "This deployment has no invitations (SaaS only); create the user with iam_user_create",
  async confirm(args, context) {
    const ttl = await context
      .call((c) => c.workspaces.preferences.get)()
      .then((p) => p.invite_ttl)
      .catch(() => undefined);
    const valid =
      typeof ttl === "number"
        ? ` The invitation stays valid for ${Math.round(ttl / 3600)} hour(s).`
        : "";
    return `Email ${quoted(args.email)} an invitation to join the workspace? Once they accept, they are a member of it.${valid}`;
  },
  run: async (args, { sdk }) => sdk({ email: args.email }),
  summary: (result) =>
    `Invitation sent to ${result.email}: ${result.detail.join(" ") || "(no message)"}`,
});

export const iamAdminTools = [
  updateIamGroup,
  deleteIamGroup,
  listIamApplications,
  getIamApplication,
  createIamApplication,
  updateIamApplication,
  deleteIamApplication,
  assignApplicationSystemUsers,
  unassignApplicationSystemUsers,
  inviteWorkspaceUser,
];
