import { type IamGroup, type IamUser, iso, isoOrNull, type Membership } from "../../state/model.js";
import type { WorkspaceState } from "../../state/workspace.js";
import { serverRef, userRef } from "./refs.js";

export function iamUserJson(
  ws: WorkspaceState,
  u: IamUser,
  detail = false,
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: u.id,
    username: u.username,
    first_name: u.first_name,
    last_name: u.last_name,
    email: u.email,
    phone: u.phone,
    tags: u.tags,
    num_groups: ws.groupsOfUser(u.id).length,
    uid: u.uid,
    is_active: u.is_active,
    is_staff: u.is_staff,
    is_superuser: u.is_superuser,
    is_ldap_user: u.is_ldap_user,
    date_joined: iso(u.date_joined),
  };
  if (detail) {
    out.description = u.description;
    out.shell = u.shell;
    out.home_directory = u.home_directory;
    out.last_login = isoOrNull(u.last_login);
    out.last_login_ip = u.last_login_ip;
    out.added_at = iso(u.added_at);
    out.updated_at = iso(u.updated_at);
  }
  return out;
}

export function iamGroupJson(ws: WorkspaceState, g: IamGroup): Record<string, unknown> {
  const members = ws.membersOf(g.id);
  return {
    id: g.id,
    name: g.name,
    display_name: g.display_name,
    description: g.description,
    tags: g.tags,
    num_members: members.length,
    members_names: members.map((id) => ws.userById.get(id)?.username ?? "").filter((n) => n !== ""),
    gid: g.gid,
    is_ldap_group: g.is_ldap_group,
    servers: g.serverIds.map((id) => serverRef(ws, id)),
    added_at: iso(g.added_at),
    updated_at: iso(g.updated_at),
  };
}

export function membershipJson(ws: WorkspaceState, m: Membership): Record<string, unknown> {
  const common = { id: m.id, group: m.group, group_name: ws.groupById.get(m.group)?.name ?? "" };
  if (ws.membershipShape === "nested")
    return { ...common, user: userRef(ws, m.user), role: m.role };
  return { ...common, user: m.user, user_name: userRef(ws, m.user).name, role: m.role };
}
