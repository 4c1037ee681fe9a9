import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { ResourceTemplate } from "@modelcontextprotocol/sdk/server/mcp.js";
import { ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";
import type { Runtime } from "./context.js";
import type { LoadedTools } from "./register.js";

/**
 * A read-only tool as a resource, for clients that would rather attach a view than call: the
 * URI (the reference server's `alpacon://<area>/{region}/{workspace}[/…]`), the tool, and the
 * tool's arguments the URI's other variables fill (`server_id` → `server`). Filters keep the
 * tool's defaults.
 */
interface ReadView {
  uri: string;
  tool: string;
  title: string;
  /** The tool's argument for each URI variable besides region and workspace. */
  args?: Readonly<Record<string, string>>;
}

const SERVER = { server_id: "server" };

export const READ_VIEWS: readonly ReadView[] = [
  { uri: "servers/{region}/{workspace}", tool: "servers_list", title: "Servers" },
  {
    uri: "servers/{region}/{workspace}/{server_id}",
    tool: "server_get",
    title: "Server",
    args: SERVER,
  },
  {
    uri: "servers/{region}/{workspace}/{server_id}/overview",
    tool: "get_server_overview",
    title: "Server overview",
    args: SERVER,
  },
  {
    uri: "servers/{region}/{workspace}/{server_id}/notes",
    tool: "server_notes_list",
    title: "Server notes",
    args: SERVER,
  },
  {
    uri: "metrics/{region}/{workspace}/{server_id}/summary",
    tool: "get_server_metrics_summary",
    title: "Metrics summary",
    args: SERVER,
  },
  {
    uri: "metrics/{region}/{workspace}/{server_id}/cpu",
    tool: "get_cpu_usage",
    title: "CPU usage",
    args: SERVER,
  },
  {
    uri: "metrics/{region}/{workspace}/{server_id}/memory",
    tool: "get_memory_usage",
    title: "Memory usage",
    args: SERVER,
  },
  {
    uri: "metrics/{region}/{workspace}/{server_id}/disk",
    tool: "get_disk_usage",
    title: "Disk usage",
    args: SERVER,
  },
  {
    uri: "metrics/{region}/{workspace}/{server_id}/disk-io",
    tool: "get_disk_io",
    title: "Disk I/O",
    args: SERVER,
  },
  {
    uri: "metrics/{region}/{workspace}/{server_id}/network",
    tool: "get_network_traffic",
    title: "Network traffic",
    args: SERVER,
  },
  { uri: "metrics/{region}/{workspace}/top", tool: "get_top_servers", title: "Busiest servers" },
  {
    uri: "system/{region}/{workspace}/{server_id}/info",
    tool: "get_system_info",
    title: "Hardware",
    args: SERVER,
  },
  {
    uri: "system/{region}/{workspace}/{server_id}/os-version",
    tool: "get_os_version",
    title: "OS version",
    args: SERVER,
  },
  {
    uri: "system/{region}/{workspace}/{server_id}/users",
    tool: "list_system_users",
    title: "Local users",
    args: SERVER,
  },
  {
    uri: "system/{region}/{workspace}/{server_id}/groups",
    tool: "list_system_groups",
    title: "Local groups",
    args: SERVER,
  },
  {
    uri: "system/{region}/{workspace}/{server_id}/packages",
    tool: "list_system_packages",
    title: "Installed packages",
    args: SERVER,
  },
  {
    uri: "system/{region}/{workspace}/{server_id}/network-interfaces",
    tool: "get_network_interfaces",
    title: "Network interfaces",
    args: SERVER,
  },
  {
    uri: "system/{region}/{workspace}/{server_id}/disk-info",
    tool: "get_disk_info",
    title: "Disks and partitions",
    args: SERVER,
  },
  {
    uri: "system/{region}/{workspace}/{server_id}/time",
    tool: "get_system_time",
    title: "System time",
    args: SERVER,
  },
  { uri: "alerts/{region}/{workspace}", tool: "list_alerts", title: "Alerts" },
  { uri: "alert-rules/{region}/{workspace}", tool: "get_alert_rules", title: "Alert rules" },
  { uri: "events/{region}/{workspace}", tool: "list_events", title: "Events" },
  { uri: "commands/{region}/{workspace}", tool: "list_commands", title: "Commands" },
  { uri: "work-sessions/{region}/{workspace}", tool: "work_session_list", title: "Work sessions" },
  {
    uri: "work-sessions/{region}/{workspace}/{session_id}",
    tool: "work_session_get",
    title: "Work session",
    args: { session_id: "session" },
  },
  { uri: "iam/users/{region}/{workspace}", tool: "iam_users_list", title: "IAM users" },
  { uri: "iam/groups/{region}/{workspace}", tool: "iam_groups_list", title: "IAM groups" },
  {
    uri: "iam/memberships/{region}/{workspace}",
    tool: "list_iam_memberships",
    title: "IAM memberships",
  },
  {
    uri: "iam/applications/{region}/{workspace}",
    tool: "list_iam_applications",
    title: "IAM applications",
  },
  {
    uri: "iam/applications/{region}/{workspace}/{app_id}",
    tool: "get_iam_application",
    title: "IAM application",
    args: { app_id: "application" },
  },
  { uri: "current-user/{region}/{workspace}", tool: "get_current_user", title: "Current user" },
  {
    uri: "workspace-settings/access-control/{region}/{workspace}",
    tool: "get_workspace_access_control",
    title: "Workspace access control",
  },
  {
    uri: "workspace-settings/security/{region}/{workspace}",
    tool: "get_workspace_security",
    title: "Workspace MFA settings",
  },
  {
    uri: "workspace-settings/mfa-methods/{region}/{workspace}",
    tool: "list_workspace_mfa_methods",
    title: "Allowed MFA methods",
  },
  {
    uri: "workspace-settings/preferences/{region}/{workspace}",
    tool: "get_workspace_preferences",
    title: "Workspace preferences",
  },
  {
    uri: "webftp/sessions/{region}/{workspace}",
    tool: "webftp_sessions_list",
    title: "WebFTP sessions",
  },
  { uri: "webftp/uploads/{region}/{workspace}", tool: "webftp_uploads_list", title: "Uploads" },
  {
    uri: "webftp/downloads/{region}/{workspace}",
    tool: "webftp_downloads_list",
    title: "Downloads",
  },
  { uri: "tokens/{region}/{workspace}", tool: "list_api_tokens", title: "API tokens" },
  { uri: "acls/command/{region}/{workspace}", tool: "list_command_acls", title: "Command ACLs" },
  { uri: "acls/server/{region}/{workspace}", tool: "list_server_acls", title: "Server ACLs" },
  { uri: "acls/file/{region}/{workspace}", tool: "list_file_acls", title: "File ACLs" },
  {
    uri: "registration-tokens/{region}/{workspace}",
    tool: "list_registration_tokens",
    title: "Registration tokens",
  },
  // alpacon-mcp@22fc34c tools/resources.py.
  { uri: "approvals/{region}/{workspace}", tool: "list_approval_requests", title: "Approvals" },
  {
    uri: "approvals/{region}/{workspace}/{request_id}",
    tool: "get_approval_request",
    title: "Approval request",
    args: { request_id: "request" },
  },
  { uri: "sudo-policies/{region}/{workspace}", tool: "list_sudo_policies", title: "Sudo policies" },
];

/**
 * Registers a resource template per read view whose tool is offered (so `--toolsets` and
 * `--read-only` hold for resources too). A read runs the tool's own handler, so it is checked,
 * redacted, logged and audited as a call is; the resource is the tool's `structuredContent`.
 * Views of one workspace are listed for every configured workspace; views of one item are
 * templates only.
 */
export function registerReadViews(
  server: McpServer,
  runtime: Runtime,
  offered: ReadonlySet<string>,
  tools: Promise<LoadedTools>,
): void {
  for (const view of READ_VIEWS) {
    if (!offered.has(view.tool)) continue;
    const uri = `alpacon://${view.uri}`;
    const perWorkspace = !view.args;
    const template = new ResourceTemplate(uri, {
      list: perWorkspace
        ? () => ({
            resources: runtime.workspaces.list().map((target) => ({
              uri: uri.replace("{region}", target.region).replace("{workspace}", target.workspace),
              name: `${target.workspace}/${view.uri.split("/{")[0]}`,
              title: `${view.title} (${target.workspace}, ${target.region})`,
              mimeType: "application/json",
            })),
          })
        : undefined,
    });
    server.registerResource(
      `${view.tool}-view`,
      template,
      {
        title: view.title,
        description: `${view.title}, as ${view.tool} returns it.`,
        mimeType: "application/json",
      },
      async (address, variables, extra) => {
        const value = (name: string) => {
          const raw = variables[name];
          return String(Array.isArray(raw) ? raw[0] : raw);
        };
        const args: Record<string, unknown> = {
          region: value("region"),
          workspace: value("workspace"),
        };
        for (const [variable, argument] of Object.entries(view.args ?? {})) {
          args[argument] = decodeURIComponent(value(variable));
        }
        const route = (await tools).routes.get(view.tool);
        if (!route) {
          // Only if the tool catalog (src/generated/) is older than the tools.
          throw new McpError(ErrorCode.InternalError, `${view.tool} is not loaded in this server.`);
        }
        const result = await route.handler(args, extra);
        if (result.isError) {
          const text = result.content
            .map((part) => (part.type === "text" ? part.text : ""))
            .join("\n");
          throw new McpError(ErrorCode.InvalidParams, text);
        }
        return {
          contents: [
            {
              uri: address.href,
              mimeType: "application/json",
              text: JSON.stringify(result.structuredContent, null, 2),
            },
          ],
        };
      },
    );
  }
}
