/**
 * Other names for tools: the names the reference server gives the same tools, at its latest
 * revision (alpacax/alpacon-mcp@22fc34c) and at the older one some configs still use (60d4469),
 * so prompts and client configs written for it keep working. An alias is accepted by `--tools`
 * / `--exclude-tools` and by `tools/call`, and never listed by `tools/list` (that would double
 * what a model reads). A call by alias takes this server's arguments, as tools/list shows them
 * under the tool's own name.
 */
export const TOOL_ALIASES: Readonly<Record<string, string>> = {
  list_servers: "servers_list",
  get_server: "server_get",
  list_server_notes: "server_notes_list",
  create_server_note: "server_note_create",
  list_iam_users: "iam_users_list",
  get_iam_user: "iam_user_get",
  create_iam_user: "iam_user_create",
  update_iam_user: "iam_user_update",
  delete_iam_user: "iam_user_delete",
  list_iam_groups: "iam_groups_list",
  create_iam_group: "iam_group_create",
  add_iam_member: "iam_user_assign_role",
  list_workspaces: "workspaces_list",
  execute_command: "command_run",
  // Seed-only names of the same call: the ACL, the waiting and the fan-out are command_run's own.
  execute_command_with_acl: "command_run",
  execute_command_sync: "command_run",
  execute_command_multi_server: "command_run",
  get_command_result: "command_get",
  // The released reference's name; PR #192 replaced its `mute/` call with `acknowledge/`.
  mute_alert: "acknowledge_alert",
};

/** The tool's own name for a name or an alias; unknown names come back unchanged. */
export function canonicalName(name: string): string {
  return TOOL_ALIASES[name] ?? name;
}

/** The aliases of one tool. */
export function aliasesOf(name: string): string[] {
  return Object.keys(TOOL_ALIASES).filter((alias) => TOOL_ALIASES[alias] === name);
}
