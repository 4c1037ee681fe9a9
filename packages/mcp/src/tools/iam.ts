import * as z from "zod";
import { quoted } from "../server/confirm.js";
import { ToolError } from "../server/errors.js";
import { serverLabel } from "../server/server-refs.js";
import { apiFields, defineTool, listTool, serverId, type ToolCallContext } from "./define.js";
import {
  getIamGroup,
  iamPermissionsList,
  iamRolesList,
  iamUserAssignRole,
  iamUserPermissionsGet,
  listIamMemberships,
  removeIamMember,
} from "./iam-access.js";
import { iamAdminTools } from "./iam-admin.js";

const userId = z
  .string()
  .regex(/^(-|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$/)
  .describe("From iam_users_list, or - for the token's own user.");

const accountName = /^[a-z][a-z0-9_-]*$/;
const ACCOUNT_RULE =
  "must start with a lowercase letter and contain only lowercase letters, digits, - and _ (it also names the account on servers)";

const user = z.looseObject({
  id: z.string(),
  username: z.string().nullable(),
  email: z.string(),
  first_name: z.string(),
  last_name: z.string(),
  is_active: z.boolean(),
  is_staff: z.boolean(),
  is_superuser: z.boolean(),
});

const USER_NOT_FOUND = "Check the user id with iam_users_list";

/** "user alice (Alice Smith)": looked up before asking, so a wrong id fails first. */
async function userLabel(id: string, context: ToolCallContext): Promise<string> {
  const found = await context.call((c) => c.iam.users.get)(id);
  const name = [found.first_name, found.last_name].filter(Boolean).join(" ");
  return `user ${quoted(found.username ?? found.email)}${name ? ` (${name})` : ""}${id === "-" ? " (the token's own user)" : ""}`;
}

function userLine(item: z.output<typeof user>): string {
  const name = [item.first_name, item.last_name].filter(Boolean).join(" ");
  const flags = [
    !item.is_active && "inactive",
    item.is_staff && "staff",
    item.is_superuser && "superuser",
  ]
    .filter(Boolean)
    .join(", ");
  return `${item.username ?? "(no username)"} (${item.id})${name ? `, ${name}` : ""}${item.email ? ` <${item.email}>` : ""}${flags ? ` [${flags}]` : ""}`;
}

export const iamUsersList = listTool({
  name: "iam_users_list",
  searchHint: "iam users list workspace identity access",
  toolset: "iam",
  title: "List IAM users",
  description: "Lists the workspace's users (Alpacon accounts) with their flags.",
  sdk: (c) => c.iam.users.list,
  input: {
    search: z.string().min(1).max(200).optional().describe("Text in names or email."),
    username: z.string().min(1).max(150).optional().describe("Exact username."),
    isActive: z.boolean().optional().describe("Only (in)active users."),
  },
  rows: "users",
  row: user,
  line: userLine,
});

export const iamUserGet = defineTool({
  name: "iam_user_get",
  searchHint: "iam user detail profile",
  toolset: "iam",
  title: "Get an IAM user",
  description:
    "One user with every field: names, email, phone, flags, uid, shell, home, last login and IP. The id - means the token's own user (who am I).",
  sdk: (c) => c.iam.users.get,
  operation: "GET",
  input: { user: userId },
  output: { user },
  notFound: USER_NOT_FOUND,
  run: async (args, { sdk }) => ({ user: await sdk(args.user) }),
  summary: (result) => userLine(result.user),
});

export const iamUserCreate = defineTool({
  name: "iam_user_create",
  searchHint: "iam user create add new account",
  toolset: "iam",
  title: "Create an IAM user",
  description:
    "Creates a workspace user; the username also names their system account on servers. Staff and superuser rights are set with iam_user_update.",
  sdk: (c) => c.iam.users.create,
  operation: "POST",
  input: {
    username: z.string().min(1).max(150).regex(accountName, ACCOUNT_RULE).describe("Login name."),
    email: z.email().max(254).optional(),
    firstName: z.string().max(150).optional(),
    lastName: z.string().max(150).optional(),
    isActive: z.boolean().default(true).describe("Can log in."),
  },
  output: { user },
  effect: "grant-access",
  confirm: (args) =>
    `Create workspace user ${quoted(args.username)}${args.email ? ` <${args.email}>` : ""}${args.isActive ? ", able to log in" : ", inactive"}?`,
  run: async (args, { sdk }) => ({ user: await sdk(apiFields(args)) }),
  summary: (result) => `Created user ${userLine(result.user)}.`,
});

const updateFields = {
  email: z.email().max(254).optional(),
  firstName: z.string().max(150).optional(),
  lastName: z.string().max(150).optional(),
  phone: z.string().max(32).optional(),
  shell: z.string().min(1).max(255).optional().describe("Login shell, e.g. /bin/bash."),
  isActive: z.boolean().optional().describe("false locks them out."),
  isStaff: z.boolean().optional().describe("Staff users manage the workspace."),
  isSuperuser: z.boolean().optional().describe("Superusers have every permission."),
};

type UpdateArgs = { [K in keyof typeof updateFields]?: z.output<(typeof updateFields)[K]> };

/**
 * The API's field names for the changes asked for; absent arguments stay absent. None at all is
 * refused (before the question, which would otherwise ask about nothing).
 */
function changes({ user: _user, ...args }: UpdateArgs & { user: string }) {
  const body = apiFields(args);
  if (Object.keys(body).length === 0) {
    throw new ToolError("no field to change was given", "Pass at least one field, e.g. isActive");
  }
  return body;
}

export const iamUserUpdate = defineTool({
  name: "iam_user_update",
  searchHint: "iam user update modify edit",
  toolset: "iam",
  title: "Update an IAM user",
  description: "Changes the given fields of a workspace user.",
  sdk: (c) => c.iam.users.update,
  operation: "PATCH",
  input: { user: userId, ...updateFields },
  output: { user },
  effect: "grant-access",
  notFound: USER_NOT_FOUND,
  confirm: async (args, context) =>
    `Change ${Object.entries(changes(args))
      .map(([field, value]) => `${field} to ${quoted(JSON.stringify(value))}`)
      .join(", ")} for workspace ${await userLabel(args.user, context)}?`,
  run: async (args, { sdk }) => ({ user: await sdk(args.user, changes(args)) }),
  summary: (result) => `Updated user ${userLine(result.user)}.`,
});

export const iamUserDelete = defineTool({
  name: "iam_user_delete",
  searchHint: "iam user delete remove",
  toolset: "iam",
  title: "Delete an IAM user",
  description:
    "Deletes a workspace user for good, with their access to its servers. iam_user_update with isActive: false only locks them out.",
  sdk: (c) => c.iam.users.delete,
  operation: "DELETE",
  input: { user: userId },
  output: { user: z.string(), deleted: z.boolean() },
  notFound: USER_NOT_FOUND,
  confirm: async (args, context) =>
    `Delete workspace ${await userLabel(args.user, context)} permanently?`,
  async run(args, { sdk }) {
    await sdk(args.user);
    return { user: args.user, deleted: true };
  },
  summary: (result) => `Deleted user ${result.user}.`,
});

const group = z.looseObject({
  id: z.string(),
  name: z.string(),
  display_name: z.string(),
  description: z.string(),
  num_members: z.int(),
});

export const iamGroupsList = listTool({
  name: "iam_groups_list",
  searchHint: "iam groups list workspace",
  toolset: "iam",
  title: "List IAM groups",
  description:
    "Lists the workspace's groups, their members and servers (groups grant server access).",
  sdk: (c) => c.iam.groups.list,
  input: {
    search: z.string().min(1).max(200).optional().describe("Text in names."),
    name: z.string().min(1).max(150).optional().describe("Exact group name."),
  },
  rows: "groups",
  row: group,
  line: (item) =>
    `${item.name} (${item.id}): ${item.num_members} member(s)${item.description ? `, ${item.description}` : ""}`,
});

export const iamGroupCreate = defineTool({
  name: "iam_group_create",
  searchHint: "iam group create add new",
  toolset: "iam",
  title: "Create an IAM group",
  description:
    "Creates a workspace group, optionally with the servers its members may use; the name also names the system group on servers.",
  sdk: (c) => c.iam.groups.create,
  operation: "POST",
  input: {
    name: z.string().min(1).max(150).regex(accountName, ACCOUNT_RULE),
    displayName: z.string().max(150).optional().describe("Shown in the web console."),
    description: z.string().max(1000).optional().describe("What the group is for."),
    servers: z
      .array(serverId)
      .max(500)
      .optional()
      .describe("Names or ids of servers its members may use."),
  },
  output: { group },
  effect: "grant-access",
  confirm: (args, context) =>
    `Create group ${quoted(args.name)}${args.servers?.length ? `, giving its future members access to ${args.servers.length} server(s) (${args.servers.map((id) => serverLabel(context.servers, id)).join(", ")})` : ""}, with you (the token's user) as its owner?`,
  run: async (args, { sdk }) => ({ group: await sdk(apiFields(args)) }),
  summary: (result) => `Created group ${result.group.name} (${result.group.id}).`,
});

export const iamTools = [
  iamUsersList,
  iamUserGet,
  iamUserCreate,
  iamUserUpdate,
  iamUserDelete,
  iamUserPermissionsGet,
  iamUserAssignRole,
  iamGroupsList,
  iamGroupCreate,
  iamRolesList,
  iamPermissionsList,
  getIamGroup,
  listIamMemberships,
  removeIamMember,
  ...iamAdminTools,
];
