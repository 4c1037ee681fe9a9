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

/** Where a prompt names a tool of an opt-in toolset, what to tell the user. */
function optIn(toolset: string): string {
  return `(toolset \`${toolset}\`; if the tool is missing, the user adds it with \`--toolsets default,${toolset}\`)`;
}

/**
 * Prompts chain tools for common jobs; they only ask, the model decides the calls. The first
 * three are this server's; the last four adapt the reference server's (alpacon-mcp
 * tools/prompts.py) to this server's tools: every tool they name exists (a test checks).
 */
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

  server.registerPrompt(
    "work_session_workflow",
    {
      title: "Open a work session first",
      description:
        "Scope and request a work session before commands, shells or transfers, and wait for a person to approve it.",
      argsSchema: {
        intent: z.string().describe("What you are going to do, and why."),
        servers: z.string().optional().describe("The servers concerned, names or ids."),
        workspace,
      },
    },
    ({ intent, servers, workspace: name }) =>
      userMessage(
        `Goal: ${intent}${servers ? `\nServers: ${servers}` : ""}${inWorkspace(name)}
Workspaces that require work sessions refuse commands, shells and transfers outside one. Do this first:
1. Request one with \`work_session_create\`: \`description\` says the goal above in prose for the person who approves it (never a list of commands: nothing in it runs); \`scopes\` only what the work needs (\`command\`, \`webftp\`, \`websh\`, \`tunnel\`; \`sudo\` only if it truly needs root); \`servers\` only the target servers; \`expiresAt\` no later than the work needs.
2. It starts \`pending\`: a person approves it in the web console or Slack. You cannot approve it, and must not try. Tell the user what you asked for and why; \`explain_approval_decision\` ${optIn("approvals")} says what to tell them. Check with \`work_session_get\` now and then, not in a loop.
3. A refusal names its reason (\`work_session_required\`, a scope or server not allowed, expired): read the "What to do" line, narrow or fix the request, and ask again deliberately.
4. Once \`work_session_get\` shows it \`active\`, follow the \`guarded_execution\` prompt with its id.
Reading (servers, metrics, events, inventory) needs no session.`,
      ),
  );

  server.registerPrompt(
    "guarded_execution",
    {
      title: "Work inside a work session",
      description:
        "Run commands and transfers inside an approved work session, handling confirmations, refusals and unknown outcomes.",
      argsSchema: {
        workSession: z.string().describe("The work session's id."),
        workspace,
      },
    },
    ({ workSession, workspace: name }) =>
      userMessage(
        `You are working inside work session ${workSession}.${inWorkspace(name)}
1. Check it is \`active\` with \`work_session_get\`. Any other state (pending, approved, rejected, expired, revoked, completed): stop and tell the user.
2. Pass \`workSession: "${workSession}"\` on every \`command_run\`, \`websh_command_execute\`, \`websh_session_create\`, \`webftp_upload_file\` and \`webftp_download_file\` call.
3. The user is asked to confirm what changes a server; a declined confirmation means: do not do it, and do not retry.
4. A command whose outcome is unknown (may_have_run) must not be sent again: read it with \`command_get\` first. Never resend a command that may have run.
5. A refusal says why and what to do: a missing scope or server can be asked for with \`work_session_update\` (a person approves that change too); do not run the same refused command in a loop. Use \`sudo\` only when the command needs root: it may wait on a person.
6. When the work is done, end the session with \`work_session_close\` and report what you did, with \`work_session_timeline\` as the record.`,
      ),
  );

  server.registerPrompt(
    "incident_response",
    {
      title: "Respond to an incident",
      description:
        "Triage an incident read-only first, then remediate within a work session, then report.",
      argsSchema: {
        server: z.string().optional().describe("The affected server's name or id, if known."),
        workspace,
      },
    },
    ({ server: target, workspace: name }) =>
      userMessage(
        `Respond to an incident${target ? ` on the server "${target}"` : " in the workspace"}.${inWorkspace(name)} Triage before you change anything.
1. Triage, read-only: ${target ? `\`get_server_overview\` and \`get_server_metrics_summary\` for "${target}"` : "`servers_list`, `get_cpu_top_servers` and `get_top_servers` to find the affected servers, then `get_server_metrics_summary` for each"}; firing alerts with \`list_alerts\` ${optIn("alerts")}; recent changes with \`list_events\` and \`search_events\`; recent commands with \`list_commands\`. Name the likely cause, with the evidence (numbers and times), before acting.
2. If the fix needs commands, a shell or a transfer, propose it to the user first, then open a work session scoped to the affected servers only (the \`work_session_workflow\` prompt) where the workspace requires one.
3. Remediate following the \`guarded_execution\` prompt: smallest change first, verify after each step with the same metrics or a read-only command.
4. Report: what happened, the cause, what you changed and when, and what to watch next. Close the work session with \`work_session_close\`.`,
      ),
  );

  server.registerPrompt(
    "security_audit",
    {
      title: "Audit privileged activity",
      description:
        "Pick the right audit view for the question: one session, one server, decisions, changes, or AI analyses.",
      argsSchema: {
        workSession: z.string().optional().describe("A work session's id to start from."),
        server: z.string().optional().describe("A server's name or id to start from."),
        workspace,
      },
    },
    ({ workSession, server: target, workspace: name }) =>
      userMessage(
        `Audit privileged activity${workSession ? ` of work session ${workSession}` : target ? ` on the server "${target}"` : " in the workspace"}.${inWorkspace(name)} Choose the view that answers the question:
- What happened in one session: \`work_session_timeline\` (commands, transfers and risk, in order) and \`work_session_get\`.
- Every command, shell or transfer on a server, across sessions: \`list_commands\`, \`websh_sessions_list\`, \`webftp_uploads_list\`, \`webftp_downloads_list\`, \`search_events\`; the server and transfer logs with \`list_server_logs\` and \`list_webftp_logs\` ${optIn("audit")}.
- Why access was granted, who approved it: \`list_approval_requests\` and \`get_approval_request\` ${optIn("approvals")}.
- What changed in the workspace (users, groups, tokens, policies): \`list_activity_logs\` and \`get_activity_log\` ${optIn("audit")}; who may do what now: \`iam_users_list\`, \`list_iam_memberships\`.
- AI analyses of sessions (risk, MITRE ATT&CK): \`list_session_analyses\` and \`get_session_analysis_detail\` ${optIn("audit")}.
Link every finding to the work session it belongs to, and report findings by severity with the evidence.`,
      ),
  );
}
