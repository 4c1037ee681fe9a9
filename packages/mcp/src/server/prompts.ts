import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import * as z from "zod";

const workspace = z
  .string()
  .optional()
  .describe("Workspace to look in; leave empty when only one is configured.");

function inWorkspace(name: string | undefined): string {
  return name ? ` Use workspace "${name}" in every tool call.` : "";
}

function userMessage(text: string) {
  return { messages: [{ role: "user" as const, content: { type: "text" as const, text } }] };
}

/** Prompts chain tools for common jobs; they only ask, the model decides the calls. */
export function registerPrompts(server: McpServer): void {
  server.registerPrompt(
    "diagnose_slow_server",
    {
      title: "Diagnose a slow server",
      description:
        "Find the bottleneck of a server that is slow: CPU, memory, disk, network or a recent change.",
      argsSchema: {
        server: z.string().describe("The server's name or id."),
        workspace,
      },
    },
    ({ server: target, workspace: name }) =>
      userMessage(
        `The server "${target}" is slow. Find out why.${inWorkspace(name)}
1. If "${target}" is not a UUID, find its id with servers_list (name: "${target}").
2. Call get_server_metrics_summary for the last 24 hours. For whatever stands out, drill down with get_cpu_usage, get_memory_usage, get_disk_usage or get_network_traffic (compare the last 2 hours with the last 24).
3. Look for recent changes with list_events for this server, and check server_notes_list for known issues.
4. If it helps, run read-only diagnostics with command_run, one call for all of them, e.g. \`uptime; free -m; df -h; top -bn1 | head -n 20\`. Ask before anything that changes the server.
Report: the bottleneck, the evidence (numbers with times), the likely cause, and the fixes you suggest, most promising first.`,
      ),
  );

  server.registerPrompt(
    "fleet_health_report",
    {
      title: "Fleet health report",
      description: "A short health report of every server of a workspace.",
      argsSchema: { workspace },
    },
    ({ workspace: name }) =>
      userMessage(
        `Write a health report of all servers.${inWorkspace(name)}
1. List every server with servers_list (follow nextPage until it is null).
2. Call get_cpu_top_servers for the busiest machines, and get_server_metrics_summary for those and for every server whose status is not Good.
3. Check list_events for the last day for anything alarming.
Report as a table: server, connected, status, CPU avg/max, memory now, fullest disk. Then list the problems by urgency with a suggested next step each. Keep it under one page.`,
      ),
  );

  server.registerPrompt(
    "audit_server_access",
    {
      title: "Audit access to a server",
      description: "Who can log in to a server, who used a shell or moved files there lately.",
      argsSchema: {
        server: z.string().describe("The server's name or id."),
        workspace,
      },
    },
    ({ server: target, workspace: name }) =>
      userMessage(
        `Audit access to the server "${target}".${inWorkspace(name)}
1. Resolve its id with servers_list if "${target}" is a name.
2. list_system_users with loginEnabledOnly: true, and list_system_groups.
3. websh_sessions_list and webftp_uploads_list / webftp_downloads_list for this server.
4. iam_groups_list to see which groups may use it.
Report who can log in, who did log in (shell) or move files recently, and anything unexpected (unknown accounts, superuser shells, transfers at odd hours).`,
      ),
  );
}
