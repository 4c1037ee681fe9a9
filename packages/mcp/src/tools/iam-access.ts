/**
 * The reference's role and permission tools on Alpacon's real access model: there are no role or
 * permission endpoints; access comes from a user's role in each group (member, manager, owner via
 * /api/iam/memberships/), the is_staff / is_superuser flags, and each API token's ACL.
 */
import {
  ACCOUNT_FLAGS,
  type IamGroup,
  type IamMembership,
  type IamUser,
  MEMBERSHIP_ROLES,
  type MembershipRole,
} from "@alpacon/sdk";
import * as z from "zod";
import { ToolError } from "../server/errors.js";
import { listLines } from "../server/format.js";
import { clientOf, defineTool, listTool, type ToolCallContext } from "./define.js";

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const NAME = /^[a-z][a-z0-9_-]*$/;
const ROLE_NAMES = MEMBERSHIP_ROLES.map((item) => item.role) as [
  MembershipRole,
  ...MembershipRole[],
];

export const userRef = z
  .string()
  .min(1)
  .max(150)
  .refine((value) => value === "-" || UUID.test(value) || NAME.test(value), {
    error:
      "Give a user id from iam_users_list, - for the token's own user, or a username (lowercase letters, digits, - and _, starting with a letter)",
  })
  .describe("Username, user id, or - for the token's own user.");

export const groupRef = z
  .string()
  .min(1)
  .max(150)
  .refine((value) => UUID.test(value) || NAME.test(value), {
    error:
      "Give a group id or name from iam_groups_list (names use lowercase letters, digits, - and _, starting with a letter)",
  })
  .describe("Group name or id, from iam_groups_list.");

const role = z.enum(ROLE_NAMES);

// --- resolving what a person types to the API's objects

async function findUser(context: ToolCallContext, ref: string): Promise<IamUser> {
  if (ref === "-" || UUID.test(ref)) return context.call((c) => c.iam.users.get)(ref);
  const page = await context.call((c) => c.iam.users.list)({ username: ref });
  const user = page.results.find((item) => item.username === ref);
  if (!user) {
    throw new ToolError(`no user is named "${ref}"`, "Check the username with iam_users_list");
  }
  return user;
}

export async function findGroup(context: ToolCallContext, ref: string): Promise<IamGroup> {
  if (UUID.test(ref)) return context.call((c) => c.iam.groups.get)(ref);
  const page = await context.call((c) => c.iam.groups.list)({ name: ref });
  const group = page.results.find((item) => item.name === ref);
  if (!group) {
    throw new ToolError(`no group is named "${ref}"`, "Check the group name with iam_groups_list");
  }
  return group;
}

export async function allMemberships(
  context: ToolCallContext,
  query: { user?: string; group?: string },
): Promise<IamMembership[]> {
  const out: IamMembership[] = [];
  const { signal } = context;
  for await (const item of clientOf(context).iam.memberships.iterate(query, {
    signal,
    pageSize: 100,
  })) {
    out.push(item);
  }
  return out;
}

function userName(user: IamUser): string {
  const full = [user.first_name, user.last_name].filter(Boolean).join(" ");
  return `${user.username ?? user.id}${full ? ` (${full})` : ""}`;
}

export function groupName(group: IamGroup): string {
  const servers = group.servers.map((server) => server.name);
  const shown = servers.slice(0, 5).join(", ") + (servers.length > 5 ? ", …" : "");
  const display = group.display_name && group.display_name !== group.name ? group.display_name : "";
  const details = [display, `${servers.length} server(s)${servers.length ? `: ${shown}` : ""}`]
    .filter(Boolean)
    .join(", ");
  return `${group.name} (${details})`;
}

function roleInfo(name: MembershipRole) {
  return MEMBERSHIP_ROLES.find((item) => item.role === name)!;
}

/** What a role adds over the one below it, in one sentence. */
function roleGrants(name: MembershipRole): string {
  return roleInfo(name)
    .allows.filter((item) => !item.startsWith("everything"))
    .join("; ");
}

// --- iam_user_assign_role

interface Assignment {
  user: IamUser;
  group: IamGroup;
  current: IamMembership | undefined;
}

// The confirmation looks the names up; the call that follows reuses them (same arguments object).
const planned = new WeakMap<object, Promise<Assignment>>();

function plan(args: { user: string; group: string }, context: ToolCallContext) {
  let found = planned.get(args);
  if (!found) {
    found = (async () => {
      const [user, group] = await Promise.all([
        findUser(context, args.user),
        findGroup(context, args.group),
      ]);
      if (group.name === "alpacon") {
        throw new ToolError(
          'memberships of the default group "alpacon" cannot be changed (every user is a member)',
          "Pick another group; iam_groups_list shows them",
        );
      }
      const [current] = await allMemberships(context, { user: user.id, group: group.id });
      return { user, group, current };
    })();
    planned.set(args, found);
  }
  return found;
}

const membershipOut = z.object({
  id: z.string(),
  user: z.object({ id: z.string(), username: z.string().nullable() }),
  group: z.object({ id: z.string(), name: z.string() }),
  role,
});

export const iamUserAssignRole = defineTool({
  name: "iam_user_assign_role",
  searchHint: "iam member add group user membership",
  toolset: "iam",
  title: "Give a user a role in a group",
  description:
    "Gives a user a role in a group (iam_roles_list says what each allows), adding them to it or changing their role. This grants access to the group's servers.",
  sdk: [(c) => c.iam.memberships.create, (c) => c.iam.memberships.update],
  operation: "POST",
  input: {
    user: userRef,
    group: groupRef,
    role,
  },
  output: {
    membership: membershipOut,
    previousRole: z
      .string()
      .nullable()
      .describe("member, manager or owner; null when the user was not in the group."),
    changed: z.boolean(),
  },
  effect: "grant-access",
  notFound: "Check the user with iam_users_list and the group with iam_groups_list",
  forbidden:
    "Adding a member takes the manager or owner role in the group; adding a manager or owner, or changing a role, takes the owner role (or a superuser). Ask an owner of the group",
  async confirm(args, context) {
    const { user, group, current } = await plan(args, context);
    if (current?.role === args.role) return null;
    const grants = `A ${args.role} may: ${roleGrants(args.role)}.`;
    if (!current) {
      return `Add user ${userName(user)} to group ${groupName(group)} as ${args.role}? ${grants}`;
    }
    return `Change the role of user ${userName(user)} in group ${groupName(group)} from ${current.role} to ${args.role}? ${grants}`;
  },
  async run(args, context) {
    const { user, group, current } = await plan(args, context);
    const result =
      current === undefined
        ? await context.call((c) => c.iam.memberships.create)({
            group: group.id,
            user: user.id,
            role: args.role,
          })
        : current.role === args.role
          ? current
          : await context.call((c) => c.iam.memberships.update)(current.id, { role: args.role });
    return {
      membership: {
        id: result.id,
        user: { id: user.id, username: user.username },
        group: { id: group.id, name: group.name },
        role: result.role,
      },
      previousRole: current?.role ?? null,
      changed: current?.role !== result.role,
    };
  },
  summary: ({ membership, previousRole, changed }) => {
    const who = `User ${membership.user.username ?? membership.user.id}`;
    if (!changed)
      return `${who} already is ${membership.role} of group ${membership.group.name}; nothing changed.`;
    return previousRole === null
      ? `${who} is now ${membership.role} of group ${membership.group.name} (added to the group).`
      : `${who} is now ${membership.role} of group ${membership.group.name} (was ${previousRole}).`;
  },
});

// --- remove_iam_member, get_iam_group, list_iam_memberships

export const removeIamMember = defineTool({
  name: "remove_iam_member",
  searchHint: "iam member remove group user membership delete",
  toolset: "iam",
  title: "Remove a user from a group",
  description: "Removes a user from a group, with the access the group gives to its servers.",
  sdk: (c) => c.iam.memberships.delete,
  operation: "DELETE",
  input: { user: userRef, group: groupRef },
  output: { user: z.string(), group: z.string(), removedRole: role },
  notFound: "Check the user with iam_users_list and the group with iam_groups_list",
  forbidden:
    "Removing a member takes the manager or owner role in the group (owners: the owner role). Ask an owner of the group",
  async confirm(args, context) {
    const { user, group, current } = await membershipOf(args, context);
    return `Remove user ${userName(user)} (${current.role}) from group ${groupName(group)}? They lose what the group gives on its servers.`;
  },
  async run(args, context) {
    const { user, group, current } = await membershipOf(args, context);
    await context.sdk(current.id);
    return { user: user.username ?? user.id, group: group.name, removedRole: current.role };
  },
  summary: (result) =>
    `Removed user ${result.user} (${result.removedRole}) from group ${result.group}.`,
});

async function membershipOf(args: { user: string; group: string }, context: ToolCallContext) {
  const { user, group, current } = await plan(args, context);
  if (!current) {
    throw new ToolError(
      `user ${userName(user)} is not a member of group ${group.name}`,
      "Nothing to remove; iam_user_permissions_get lists the user's groups",
    );
  }
  return { user, group, current };
}

export const getIamGroup = defineTool({
  name: "get_iam_group",
  searchHint: "iam group detail get",
  toolset: "iam",
  title: "Get an IAM group",
  description: "A group with its servers and members (and their roles).",
  sdk: [(c) => c.iam.groups.get, (c) => c.iam.memberships.iterate],
  operation: "GET",
  input: { group: groupRef },
  output: {
    group: z.looseObject({ id: z.string(), name: z.string() }),
    members: z.array(z.object({ id: z.string(), name: z.string(), role })),
  },
  notFound: "Check the group with iam_groups_list",
  async run(args, context) {
    const group = await findGroup(context, args.group);
    const members = await allMemberships(context, { group: group.id });
    return {
      group,
      members: members.map((item) => ({ id: item.user.id, name: item.user.name, role: item.role })),
    };
  },
  summary: ({ group, members }) =>
    `Group ${groupName(group as IamGroup)}, ${members.length} member(s):${listLines(members, (item) => `${item.name || item.id}: ${item.role}`)}`,
});

export const listIamMemberships = listTool({
  name: "list_iam_memberships",
  searchHint: "iam memberships list group members",
  toolset: "iam",
  title: "List IAM memberships",
  description: "Who has which role in which group, filtered by user or group id.",
  sdk: (c) => c.iam.memberships.list,
  input: {
    user: z.guid().optional().describe("Only this user's."),
    group: z.guid().optional().describe("Only this group's."),
  },
  rows: "memberships",
  row: z.looseObject({
    id: z.string(),
    group: z.string(),
    user: z.looseObject({ id: z.string(), name: z.string() }),
    role,
  }),
  line: (item) =>
    `${item.user.name || item.user.id} is ${item.role} of ${typeof item.group_name === "string" ? item.group_name : item.group}`,
});

// --- iam_roles_list

const roleOut = z.object({
  role,
  summary: z.string(),
  allows: z.array(z.string()),
  holders: z
    .array(z.object({ id: z.string(), name: z.string(), membership: z.string() }))
    .optional()
    .describe("With group: who has the role there."),
});

export const iamRolesList = defineTool({
  name: "iam_roles_list",
  searchHint: "iam roles membership role owner manager member",
  toolset: "iam",
  title: "List IAM roles",
  description:
    "The roles a user can have in a group and what each allows; with group, also who has each role there. Staff and superuser rights are user flags (iam_user_update).",
  sdk: [{ MEMBERSHIP_ROLES }, (c) => c.iam.memberships.iterate],
  operation: "GET",
  input: { group: groupRef.optional() },
  output: {
    group: z.object({ id: z.string(), name: z.string() }).nullable(),
    roles: z.array(roleOut),
  },
  notFound: "Check the group with iam_groups_list",
  async run(args, context) {
    const roles = MEMBERSHIP_ROLES.map((item) => ({ ...item, allows: [...item.allows] }));
    if (!args.group) return { group: null, roles };
    const group = await findGroup(context, args.group);
    const members = await allMemberships(context, { group: group.id });
    return {
      group: { id: group.id, name: group.name },
      roles: roles.map((item) => ({
        ...item,
        holders: members
          .filter((member) => member.role === item.role)
          .map((member) => ({ id: member.user.id, name: member.user.name, membership: member.id })),
      })),
    };
  },
  summary: ({ group, roles }) =>
    `Roles in ${group ? `group ${group.name}` : "an Alpacon group"} (each includes the ones above it):${listLines(
      roles,
      (item) =>
        `${item.role}: ${item.summary}; may ${roleGrants(item.role)}${
          item.holders
            ? `. Held by ${item.holders.length ? item.holders.map((holder) => holder.name || holder.id).join(", ") : "nobody"}`
            : ""
        }`,
    )}`,
});

// --- iam_permissions_list

export const iamPermissionsList = defineTool({
  name: "iam_permissions_list",
  searchHint: "iam permissions access model capabilities",
  toolset: "iam",
  title: "List IAM permissions",
  description:
    "What each source of access allows (Alpacon has no permission codenames): group roles, staff and superuser flags, API token ACLs. iam_user_permissions_get applies it to a user.",
  sdk: { MEMBERSHIP_ROLES, ACCOUNT_FLAGS },
  operation: "local-read",
  scope: "local",
  input: {},
  output: {
    roles: z.array(roleOut.omit({ holders: true })),
    flags: z.array(
      z.object({
        flag: z.enum(["is_staff", "is_superuser"]),
        summary: z.string(),
        allows: z.array(z.string()),
      }),
    ),
    tokens: z.string(),
  },
  async run() {
    return {
      roles: MEMBERSHIP_ROLES.map((item) => ({ ...item, allows: [...item.allows] })),
      flags: ACCOUNT_FLAGS.map((item) => ({ ...item, allows: [...item.allows] })),
      tokens: TOKEN_ACL,
    };
  },
  summary: ({ roles, flags, tokens }) =>
    `Group roles (per group; each includes the ones above it):${listLines(
      roles,
      (item) => `${item.role}: ${item.allows.join("; ")}`,
    )}\nUser flags (whole workspace):${listLines(
      flags,
      (item) => `${item.flag}: ${item.allows.join("; ")}`,
    )}\nAPI tokens: ${tokens}`,
});

const TOKEN_ACL =
  "a call made with an API token is also limited by that token's ACL (the commands, servers and paths an admin allowed it, in the web console's API Token page); a refusal says api_token_acl_not_allowed";

// --- iam_user_permissions_get

export const iamUserPermissionsGet = defineTool({
  name: "iam_user_permissions_get",
  searchHint: "iam user permissions access effective groups",
  toolset: "iam",
  title: "Get what a user may do",
  description:
    "What a user may do, from their flags and their role in each group (with its servers). API tokens are further limited by their ACLs.",
  sdk: [(c) => c.iam.users.get, (c) => c.iam.memberships.iterate, (c) => c.iam.groups.iterate],
  operation: "GET",
  input: { user: userRef },
  output: {
    user: z.looseObject({
      id: z.string(),
      username: z.string().nullable(),
      is_active: z.boolean(),
      is_staff: z.boolean(),
      is_superuser: z.boolean(),
    }),
    memberships: z.array(
      z.object({
        membership: z.string(),
        group: z.object({ id: z.string(), name: z.string() }),
        role,
        servers: z.array(z.object({ id: z.string(), name: z.string() })),
      }),
    ),
    may: z.array(z.string()).describe("What the flags and roles allow, one sentence each."),
  },
  notFound: "Check the user with iam_users_list",
  async run(args, context) {
    const user = await findUser(context, args.user);
    const memberships = await allMemberships(context, { user: user.id });
    const groups = new Map<string, IamGroup>();
    if (memberships.length > 0) {
      const { signal } = context;
      for await (const group of clientOf(context).iam.groups.iterate(
        {},
        { signal, pageSize: 100 },
      )) {
        groups.set(group.id, group);
      }
    }
    const rows = memberships.map((item) => ({
      membership: item.id,
      group: {
        id: item.group,
        name: groups.get(item.group)?.name ?? item.group_name ?? item.group,
      },
      role: item.role,
      servers: (groups.get(item.group)?.servers ?? []).map((server) => ({
        id: server.id,
        name: server.name,
      })),
    }));
    return {
      user: {
        id: user.id,
        username: user.username,
        first_name: user.first_name,
        last_name: user.last_name,
        email: user.email,
        is_active: user.is_active,
        is_staff: user.is_staff,
        is_superuser: user.is_superuser,
      },
      memberships: rows,
      may: access(user, rows),
    };
  },
  summary: ({ user, memberships, may }) => {
    const flags = [
      user.is_superuser && "superuser",
      user.is_staff && "staff",
      !user.is_active && "inactive",
    ]
      .filter(Boolean)
      .join(", ");
    const groups = listLines(
      memberships,
      (row) =>
        `${row.role} of ${row.group.name}: ${row.servers.length} server(s)${
          row.servers.length
            ? ` (${row.servers
                .slice(0, 8)
                .map((server) => server.name)
                .join(", ")}${row.servers.length > 8 ? ", …" : ""})`
            : ""
        }`,
    );
    return `User ${user.username ?? user.id}${flags ? ` [${flags}]` : ""} is in ${memberships.length} group(s):${groups}\nMay:${listLines(may, (line) => line)}`;
  },
});

type Row = { group: { name: string }; role: MembershipRole };

/** The user's access in sentences: flags first (they cover every server), then roles per group. */
function access(user: IamUser, rows: readonly Row[]): string[] {
  const may: string[] = [];
  if (!user.is_active) may.push("nothing while the account is inactive (they cannot sign in)");
  for (const info of ACCOUNT_FLAGS) {
    if (user[info.flag]) may.push(...info.allows.filter((item) => !item.startsWith("everything")));
  }
  for (const info of MEMBERSHIP_ROLES) {
    const groups = rows.filter((row) => row.role === info.role).map((row) => row.group.name);
    if (groups.length === 0) continue;
    const upTo = MEMBERSHIP_ROLES.slice(0, MEMBERSHIP_ROLES.indexOf(info) + 1);
    const allows = upTo.flatMap((item) =>
      item.allows.filter((text) => !text.startsWith("everything")),
    );
    may.push(`in group(s) ${groups.join(", ")} (${info.role}): ${allows.join("; ")}`);
  }
  if (may.length === 0) may.push("sign in and see their own account only: they are in no group");
  may.push(`with an API token: only what that token's ACL allows on top of the above`);
  return may;
}
