import type { App, RequestContext } from "../http/app.js";
import { ApiError, coded, nonFieldError, notFound, permissionDenied } from "../http/errors.js";
import { type ListSpec, queryList } from "../http/list.js";
import { paginate } from "../http/pagination.js";
import { BodyReader } from "../http/validate.js";
import type { IamGroup, IamUser, Membership, MembershipRole } from "../state/model.js";
import type { WorkspaceState } from "../state/workspace.js";
import { idParam, requireStaff } from "./common.js";
import { registerIamApplications } from "./iam-applications.js";
import { iamGroupJson, iamUserJson, membershipJson } from "./serialize/iam.js";

const NAME_RE = /^[a-z][a-z0-9_-]*$/;

/** Names the server keeps for system accounts (`oss:iam` reserved names, abridged). */
const RESERVED = new Set([
  "root",
  "admin",
  "alpacon",
  "alpamon",
  "ubuntu",
  "debian",
  "centos",
  "ec2-user",
  "cloud-user",
  "daemon",
  "bin",
  "sys",
  "sync",
  "games",
  "man",
  "lp",
  "mail",
  "news",
  "uucp",
  "proxy",
  "www-data",
  "backup",
  "list",
  "irc",
  "gnats",
  "nobody",
  "nogroup",
  "sshd",
  "systemd-network",
  "systemd-resolve",
  "messagebus",
  "syslog",
  "postgres",
  "mysql",
  "redis",
  "nginx",
  "docker",
  "sudo",
  "wheel",
  "adm",
  "operator",
  "shutdown",
  "halt",
  "ftp",
  "dbus",
  "polkitd",
  "chrony",
  "staff",
  "users",
  "administrator",
]);

const ROLES: readonly MembershipRole[] = ["member", "manager", "owner"];

const USER_LIST: ListSpec<IamUser> = {
  filters: {
    username: { kind: "exact", get: (u) => u.username },
    is_active: { kind: "bool", get: (u) => u.is_active },
    is_staff: { kind: "bool", get: (u) => u.is_staff },
    is_superuser: { kind: "bool", get: (u) => u.is_superuser },
    is_ldap_user: { kind: "bool", get: (u) => u.is_ldap_user },
    shell: { kind: "exact", get: (u) => u.shell },
  },
  search: (u) =>
    `${u.id} ${u.username} ${u.first_name} ${u.last_name} ${u.email} ${u.phone} ${u.tags} ${u.description} ${u.uid}`.toLowerCase(),
  ordering: {
    username: (u) => u.username,
    first_name: (u) => u.first_name,
    last_name: (u) => u.last_name,
    email: (u) => u.email,
    uid: (u) => u.uid,
    date_joined: (u) => u.date_joined,
    is_staff: (u) => u.is_staff,
    is_superuser: (u) => u.is_superuser,
  },
  defaultOrdering: ["-is_superuser", "-is_staff", "first_name"],
};

function groupSpec(ws: WorkspaceState): ListSpec<IamGroup> {
  return {
    filters: {
      name: { kind: "exact", get: (g) => g.name },
      is_ldap_group: { kind: "bool", get: (g) => g.is_ldap_group },
    },
    search: (g) =>
      `${g.id} ${g.name} ${g.display_name} ${g.tags} ${g.description} ${g.gid} ${g.serverIds
        .slice(0, 200)
        .map((id) => ws.serverById.get(id)?.name ?? "")
        .join(" ")}`.toLowerCase(),
    ordering: { name: (g) => g.name, display_name: (g) => g.display_name, gid: (g) => g.gid },
    defaultOrdering: ["display_name"],
  };
}

function membershipSpec(ws: WorkspaceState): ListSpec<Membership> {
  return {
    filters: {
      group: { kind: "uuid", get: (m) => m.group },
      user: { kind: "uuid", get: (m) => m.user },
      role: { kind: "exact", get: (m) => m.role },
    },
    ordering: {
      group: (m) => ws.groupById.get(m.group)?.name,
      user: (m) => ws.userById.get(m.user)?.username,
      role: (m) => m.role,
      added_at: (m) => m.added_at,
    },
    defaultOrdering: ["group", "user"],
  };
}

function findUser(ctx: RequestContext): IamUser {
  if (ctx.params.id === "-") return ctx.principal.user;
  const user = ctx.ws.userById.get(idParam(ctx));
  if (!user) throw notFound();
  return user;
}

/** The username checks, with the SaaS codes the CLI turns into prompts. */
function checkUsername(ws: WorkspaceState, username: string): void {
  if (!NAME_RE.test(username) || username.length > 32) {
    throw coded(
      400,
      "user_username_invalid",
      "username",
      "Usernames start with a lowercase letter and use only a-z, 0-9, '-' and '_'.",
    );
  }
  if (RESERVED.has(username)) {
    throw coded(
      400,
      "user_username_disallowed",
      "username",
      `"${username}" is reserved for system use.`,
    );
  }
  const taken =
    ws.users.all().some((u) => u.username === username) ||
    ws.groups.all().some((g) => g.name === username);
  if (taken)
    throw coded(400, "user_username_in_use", "username", `"${username}" is already in use.`);
}

function roleInGroup(ws: WorkspaceState, userId: string, groupId: string): MembershipRole | null {
  return ws.memberships.all().find((m) => m.user === userId && m.group === groupId)?.role ?? null;
}

function ownerCount(ws: WorkspaceState, groupId: string): number {
  return ws.memberships.all().filter((m) => m.group === groupId && m.role === "owner").length;
}

function findMembership(ctx: RequestContext): Membership {
  const id = idParam(ctx);
  const m = ctx.ws.memberships.all().find((x) => x.id === id);
  if (!m) throw notFound();
  return m;
}

function findGroup(ctx: RequestContext): IamGroup {
  const group = ctx.ws.groupById.get(idParam(ctx));
  if (!group) throw notFound();
  return group;
}

function requireGroupRole(
  ctx: RequestContext,
  group: IamGroup,
  roles: readonly MembershipRole[],
): void {
  if (ctx.principal.user.is_superuser) return;
  const mine = roleInGroup(ctx.ws, ctx.principal.user.id, group.id);
  if (mine === null || !roles.includes(mine)) throw permissionDenied();
}

/** Which servers a group's members may use: both sides of the link change together. */
function setGroupServers(ws: WorkspaceState, group: IamGroup, serverIds: string[]): void {
  for (const id of group.serverIds) {
    const server = ws.serverById.get(id);
    if (server) server.groupIds = server.groupIds.filter((g) => g !== group.id);
  }
  for (const id of serverIds) ws.serverById.get(id)?.groupIds.push(group.id);
  group.serverIds = serverIds;
  ws.servers.touch();
}

function superuserCount(ws: WorkspaceState): number {
  return ws.users.all().filter((u) => u.is_superuser && u.is_active).length;
}

export function registerIam(app: App): void {
  app.route("/api/iam/users/", {
    GET: (ctx) => {
      const items = queryList(ctx.ws.users, ctx.query, USER_LIST);
      return { status: 200, body: paginate(items, ctx.query, (u) => iamUserJson(ctx.ws, u)) };
    },
    POST: (ctx) => {
      requireStaff(ctx);
      const ws = ctx.ws;
      const body = new BodyReader(ctx.body);
      const username = body.string("username", { required: true, max: 150 });
      body.string("password", { allowBlank: true });
      const first = body.string("first_name", { allowBlank: true, max: 150 }) ?? "";
      const last = body.string("last_name", { allowBlank: true, max: 150 }) ?? "";
      const email = body.email("email", { allowBlank: true }) ?? "";
      const phone = body.string("phone", { allowBlank: true, max: 32 }) ?? "";
      const tags = body.string("tags", { allowBlank: true, max: 128 }) ?? "";
      const description = body.string("description", { allowBlank: true }) ?? "";
      const shell = body.string("shell", { allowBlank: true, max: 64 }) || "/bin/bash";
      const isActive = body.bool("is_active") ?? true;
      const isStaff = body.bool("is_staff") ?? false;
      const isSuperuser = body.bool("is_superuser") ?? false;
      const isLdap = body.bool("is_ldap_user") ?? false;
      body.done();
      if (typeof username !== "string") throw nonFieldError("Invalid data.");
      checkUsername(ws, username);
      if ((isStaff || isSuperuser) && !ctx.principal.user.is_superuser) throw permissionDenied();
      const now = ws.now();
      const uid = Math.max(2000, ...ws.users.all().map((u) => u.uid)) + 1;
      const user: IamUser = {
        id: ws.newId(),
        username,
        first_name: first,
        last_name: last,
        email,
        phone,
        tags,
        description,
        uid,
        shell,
        home_directory: `/home/${username}`,
        is_active: isActive,
        is_staff: isStaff || isSuperuser,
        is_superuser: isSuperuser,
        is_ldap_user: isLdap,
        date_joined: now,
        last_login: null,
        last_login_ip: null,
        added_at: now,
        updated_at: now,
      };
      ws.users.add(user);
      ws.userById.set(user.id, user);
      // Every member belongs to the default group, which is what provisions server accounts.
      const alpacon = ws.groups.all().find((g) => g.name === "alpacon");
      if (alpacon)
        ws.memberships.add({
          id: ws.newId(),
          group: alpacon.id,
          user: user.id,
          role: "member",
          added_at: now,
        });
      ws.invalidateDetails();
      return { status: 201, body: iamUserJson(ws, user, true) };
    },
  });
  app.route("/api/iam/users/:id/", {
    GET: (ctx) => ({ status: 200, body: iamUserJson(ctx.ws, findUser(ctx), true) }),
    PATCH: (ctx) => {
      const user = findUser(ctx);
      const me = ctx.principal.user;
      const self = user.id === me.id;
      if (!self && !me.is_staff && !me.is_superuser) throw permissionDenied();
      const body = new BodyReader(ctx.body);
      const first = body.string("first_name", { allowBlank: true, max: 150 });
      const last = body.string("last_name", { allowBlank: true, max: 150 });
      const email = body.email("email", { allowBlank: true });
      const phone = body.string("phone", { allowBlank: true, max: 32 });
      const tags = body.string("tags", { allowBlank: true, max: 128 });
      const description = body.string("description", { allowBlank: true });
      const shell = body.string("shell", { max: 64 });
      const isActive = body.bool("is_active");
      const isStaff = body.bool("is_staff");
      const isSuperuser = body.bool("is_superuser");
      body.done();
      const privileged =
        (typeof isStaff === "boolean" && isStaff !== user.is_staff) ||
        (typeof isSuperuser === "boolean" && isSuperuser !== user.is_superuser) ||
        (typeof isActive === "boolean" && isActive !== user.is_active);
      if (
        privileged &&
        !me.is_superuser &&
        !(me.is_staff && !user.is_staff && isStaff !== true && isSuperuser !== true)
      ) {
        throw permissionDenied();
      }
      const losesSuper = user.is_superuser && (isSuperuser === false || isActive === false);
      if (losesSuper && superuserCount(ctx.ws) <= 1) {
        throw nonFieldError("There should be at least a superuser in the system.");
      }
      if (typeof first === "string") user.first_name = first;
      if (typeof last === "string") user.last_name = last;
      if (typeof email === "string") user.email = email;
      if (typeof phone === "string") user.phone = phone;
      if (typeof tags === "string") user.tags = tags;
      if (typeof description === "string") user.description = description;
      if (typeof shell === "string") user.shell = shell;
      if (typeof isActive === "boolean") user.is_active = isActive;
      if (typeof isStaff === "boolean") user.is_staff = isStaff;
      if (typeof isSuperuser === "boolean") user.is_superuser = isSuperuser;
      user.updated_at = ctx.ws.now();
      ctx.ws.users.touch();
      ctx.ws.invalidateDetails();
      return { status: 200, body: iamUserJson(ctx.ws, user, true) };
    },
    DELETE: (ctx) => {
      requireStaff(ctx);
      const ws = ctx.ws;
      const user = findUser(ctx);
      if ((user.is_staff || user.is_superuser) && !ctx.principal.user.is_superuser) {
        throw new ApiError(403, { detail: "Requires superuser to delete staff or above." });
      }
      if (user.is_superuser && superuserCount(ws) <= 1) {
        throw nonFieldError("There should be at least a superuser in the system.");
      }
      for (const m of ws.memberships.all()) {
        if (m.user !== user.id || m.role !== "owner") continue;
        const owners = ws.memberships
          .all()
          .filter((o) => o.group === m.group && o.role === "owner");
        if (owners.length <= 1) {
          const group = ws.groupById.get(m.group)?.name ?? m.group;
          throw nonFieldError(
            `The user is the only owner of group "${group}". Assign another owner first.`,
          );
        }
      }
      ws.users.remove((u) => u.id === user.id);
      ws.userById.delete(user.id);
      ws.memberships.remove((m) => m.user === user.id);
      ws.invalidateDetails();
      return { status: 204 };
    },
  });
  app.route("/api/iam/groups/", {
    GET: (ctx) => {
      const items = queryList(ctx.ws.groups, ctx.query, groupSpec(ctx.ws));
      return { status: 200, body: paginate(items, ctx.query, (g) => iamGroupJson(ctx.ws, g)) };
    },
    POST: (ctx) => {
      requireStaff(ctx);
      const ws = ctx.ws;
      const body = new BodyReader(ctx.body);
      const name = body.string("name", { required: true, max: 32 });
      const displayName = body.string("display_name", { allowBlank: true, max: 64 });
      const description = body.string("description", { allowBlank: true }) ?? "";
      const tags = body.string("tags", { allowBlank: true, max: 128 }) ?? "";
      const isLdap = body.bool("is_ldap_group") ?? false;
      const servers = body.uuidList("servers") ?? [];
      for (const id of servers) {
        if (!ws.serverById.has(id))
          body.fail("servers", `Invalid pk "${id}" - object does not exist.`);
      }
      if (typeof name === "string") {
        if (!NAME_RE.test(name)) {
          body.fail(
            "name",
            "Enter a valid name: a lowercase letter, then lowercase letters, digits, '-' or '_'.",
          );
        } else if (RESERVED.has(name) || ws.groups.all().some((g) => g.name === name)) {
          body.fail("name", "group with this name already exists.");
        } else if (ws.users.all().some((u) => u.username === name)) {
          body.fail("name", "This name is already used by a user.");
        }
      }
      body.done();
      if (typeof name !== "string") throw nonFieldError("Invalid data.");
      const now = ws.now();
      const group: IamGroup = {
        id: ws.newId(),
        name,
        display_name: displayName || name,
        description,
        tags,
        gid: Math.max(2000, ...ws.groups.all().map((g) => g.gid)) + 1,
        is_ldap_group: isLdap,
        serverIds: servers,
        added_at: now,
        updated_at: now,
      };
      ws.groups.add(group);
      ws.groupById.set(group.id, group);
      for (const id of servers) ws.serverById.get(id)?.groupIds.push(group.id);
      ws.memberships.add({
        id: ws.newId(),
        group: group.id,
        user: ctx.principal.user.id,
        role: "owner",
        added_at: now,
      });
      ws.invalidateDetails();
      return { status: 201, body: iamGroupJson(ws, group) };
    },
  });
  app.route("/api/iam/groups/:id/", {
    GET: (ctx) => ({ status: 200, body: iamGroupJson(ctx.ws, findGroup(ctx)) }),
    // `oss@4ac35c6:iam/api/permissions.py` `GroupObjectPermission`: managers and owners edit.
    PATCH: (ctx) => {
      const ws = ctx.ws;
      const group = findGroup(ctx);
      requireGroupRole(ctx, group, ["manager", "owner"]);
      const body = new BodyReader(ctx.body);
      const displayName = body.string("display_name", { allowBlank: true, max: 64 });
      const description = body.string("description", { allowBlank: true });
      const tags = body.string("tags", { allowBlank: true, max: 128 });
      const servers = body.uuidList("servers");
      for (const id of servers ?? []) {
        if (!ws.serverById.has(id))
          body.fail("servers", `Invalid pk "${id}" - object does not exist.`);
      }
      body.done();
      if (typeof displayName === "string") group.display_name = displayName || group.name;
      if (typeof description === "string") group.description = description;
      if (typeof tags === "string") group.tags = tags;
      if (servers) setGroupServers(ws, group, [...new Set(servers)]);
      group.updated_at = ws.now();
      ws.groups.touch();
      ws.invalidateDetails();
      return { status: 200, body: iamGroupJson(ws, group) };
    },
    // Owners delete; the members lose the group's servers with its memberships.
    DELETE: (ctx) => {
      const ws = ctx.ws;
      const group = findGroup(ctx);
      requireGroupRole(ctx, group, ["owner"]);
      if (group.name === "alpacon") {
        throw nonFieldError('Default group "alpacon" cannot be removed.');
      }
      setGroupServers(ws, group, []);
      ws.memberships.remove((m) => m.group === group.id);
      ws.groups.remove((g) => g.id === group.id);
      ws.groupById.delete(group.id);
      ws.invalidateDetails();
      return { status: 204 };
    },
  });

  app.route("/api/iam/memberships/", {
    GET: (ctx) => {
      const items = queryList(ctx.ws.memberships, ctx.query, membershipSpec(ctx.ws));
      // The 2024 server disabled pagination on this view (`pagination_class = None`).
      if (ctx.ws.membershipShape === "oss") {
        return { status: 200, body: items.map((m) => membershipJson(ctx.ws, m)) };
      }
      return { status: 200, body: paginate(items, ctx.query, (m) => membershipJson(ctx.ws, m)) };
    },
    POST: (ctx) => {
      const ws = ctx.ws;
      const body = new BodyReader(ctx.body);
      const group = body.ref("group", (id) => ws.groupById.get(id), { required: true });
      const user = body.ref("user", (id) => ws.userById.get(id), { required: true });
      const role = body.choice("role", ROLES) ?? "member";
      body.done();
      if (!group || !user) throw nonFieldError("Invalid data.");
      if (group.name === "alpacon") throw nonFieldError("The default group cannot be changed.");
      const mine = roleInGroup(ws, ctx.principal.user.id, group.id);
      const allowed =
        ctx.principal.user.is_superuser ||
        mine === "owner" ||
        (mine === "manager" && role === "member");
      if (!allowed) throw permissionDenied();
      if (roleInGroup(ws, user.id, group.id) !== null) {
        throw nonFieldError("The fields group, user must make a unique set.");
      }
      const m: Membership = {
        id: ws.newId(),
        group: group.id,
        user: user.id,
        role,
        added_at: ws.now(),
      };
      ws.memberships.add(m);
      ws.invalidateDetails();
      return { status: 201, body: membershipJson(ws, m) };
    },
  });
  app.route("/api/iam/memberships/:id/", {
    GET: (ctx) => ({ status: 200, body: membershipJson(ctx.ws, findMembership(ctx)) }),
    // `oss@4ac35c6:iam/api/views.py` `perform_update`: only `role` changes, owners only.
    PATCH: (ctx) => {
      const ws = ctx.ws;
      const m = findMembership(ctx);
      const body = new BodyReader(ctx.body);
      const role = body.choice("role", ROLES, { required: true });
      body.done();
      if (!role) throw nonFieldError("Invalid data.");
      if (ws.groupById.get(m.group)?.name === "alpacon") {
        throw nonFieldError('Memberships for default group "alpacon" cannot be changed.');
      }
      const mine = roleInGroup(ws, ctx.principal.user.id, m.group);
      if (!ctx.principal.user.is_superuser && mine !== "owner") {
        throw new ApiError(403, { detail: "Requires group owner." });
      }
      if (m.role === "owner" && role !== "owner" && ownerCount(ws, m.group) <= 1) {
        throw nonFieldError(
          "This user is the only owner of the group. Add another owner to proceed.",
        );
      }
      m.role = role;
      ws.memberships.touch();
      ws.invalidateDetails();
      return { status: 200, body: membershipJson(ws, m) };
    },
    DELETE: (ctx) => {
      const ws = ctx.ws;
      const m = findMembership(ctx);
      const group = ws.groupById.get(m.group);
      if (group?.name === "alpacon") throw nonFieldError("The default group cannot be changed.");
      const mine = roleInGroup(ws, ctx.principal.user.id, m.group);
      const allowed =
        ctx.principal.user.is_superuser ||
        mine === "owner" ||
        (mine === "manager" && m.role === "member") ||
        m.user === ctx.principal.user.id;
      if (!allowed) throw permissionDenied();
      if (m.role === "owner" && ownerCount(ws, m.group) <= 1) {
        throw nonFieldError("A group needs at least one owner.");
      }
      ws.memberships.remove((x) => x.id === m.id);
      ws.invalidateDetails();
      return { status: 204 };
    },
  });
  registerIamApplications(app);
}
