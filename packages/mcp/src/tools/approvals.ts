import * as z from "zod";
import { quoted } from "../server/confirm.js";
import { serverLabel } from "../server/server-refs.js";
import { apiFields, defineTool, listTool, serverId, type ToolCallContext } from "./define.js";

/**
 * Approval requests and sudo policies (alpacon-mcp@22fc34c tools/approval_tools.py). Deciding a
 * request is a person's, out of band (web console or Slack): the service refuses approve and
 * reject to agents and API tokens with 403 (ADR 0015), so there is deliberately no tool for
 * them; `explain_approval_decision` says so and what to tell the person.
 */

const STATUSES = ["pending", "approved", "rejected", "cancelled", "expired"] as const;
const requestId = z.guid().describe("From list_approval_requests.");

// Every field the API sends travels in the result; the schema names the few a caller acts on.
const request = z.looseObject({
  id: z.string(),
  status: z.string().optional(),
  request_type: z.string().optional(),
  request_data: z.string().optional(),
  requested_by: z.looseObject({ name: z.string().optional() }).nullable().optional(),
  requestor: z.string().optional(),
  added_at: z.string().optional(),
});

const policy = z.looseObject({
  id: z.string(),
  name: z.string().optional(),
  commands: z.array(z.string()).optional(),
  run_as: z.string().nullable().optional(),
  no_password: z.boolean().optional(),
});

const HUMAN_ONLY =
  "Only a person approves or rejects it, out of band (Alpacon web console or Slack); you cannot, and no tool does.";

/**
 * The sudo plugin's terminal line in a command's output (`cli@9483716:cmd/exec/sudo_hint.go`,
 * `mcp@22fc34c:tools/command_tools.py` `_SUDO_DENIAL_LINE_RE`): the whole line, closing period
 * included, so a command that merely prints a code cannot forge a hint.
 */
const SUDO_DENIAL = /Alpacon denied this sudo (?:command|invocation) \(([A-Z0-9_]{1,63})\)\./;

/** What a person can resolve; other codes are hard denials with nothing to wait for. */
const SUDO_HINTS: Record<string, string> = {
  SUDO_APPROVAL_REQUIRED:
    "sudo needs a person's approval: an approval request was created (list_approval_requests). Tell the person; they decide in the web console or Slack, you cannot. Re-run after it is approved; do not resubmit meanwhile.",
  SUDO_INTENT_DEVIATION:
    "sudo was judged off-purpose for the work session and an approval request was created (list_approval_requests). Wait for a person's decision, then re-run.",
  SUDO_POLICY_MFA_REQUIRED:
    "a work-session sudo policy covers this command but does not bypass MFA, which a command cannot supply: a person must set allow_bypass_mfa on it.",
  SUDO_NO_WORKSESSION_POLICY:
    "no sudo policy of the work session covers this command: a person must add it (work_session_update may queue that for approval).",
  WORK_SESSION_SCOPE_NOT_ALLOWED:
    "the work session has no sudo scope: add it with work_session_update (may need approval), then re-run.",
};

/** Guidance for a sudo denial in `output` that a person can resolve, else null. */
export function sudoDenialHint(output: string): string | null {
  const code = SUDO_DENIAL.exec(output)?.[1];
  const hint = code === undefined ? undefined : SUDO_HINTS[code];
  return hint ? `${code}: ${hint}` : null;
}

function requestLine(r: z.output<typeof request>): string {
  const who = r.requested_by?.name ?? r.requestor;
  return `${r.id} [${r.status ?? "?"}] ${r.request_type ?? "request"}${r.request_data ? `: ${r.request_data}` : ""}${who ? ` by ${who}` : ""}${r.added_at ? ` at ${r.added_at}` : ""}`;
}

function policyLine(p: z.output<typeof policy>): string {
  const how = p.no_password === true ? "runs at once" : "each run waits for a person's approval";
  return `${p.name ?? p.id} (${p.id}): ${p.commands?.join("; ") ?? "(commands not sent)"} as ${p.run_as ?? "root"}, ${how}`;
}

export const listApprovalRequests = listTool({
  name: "list_approval_requests",
  toolset: "approvals",
  title: "List approval requests",
  // The reference's hint (alpacon-mcp@22fc34c tools/approval_tools.py).
  searchHint: "approval requests pending review",
  description:
    "Lists approval requests (work sessions, sudo runs …), newest first: id, type, status, requester. Superusers see everyone's, others their own. Observe only: a person decides them.",
  sdk: (c) => c.approvals.list,
  input: {
    status: z.enum(STATUSES).optional().describe("Only requests in this state."),
    requestType: z.string().min(1).max(50).optional().describe('e.g. "sudo", "work_session".'),
  },
  rows: "requests",
  row: request,
  line: requestLine,
});

export const getApprovalRequest = defineTool({
  name: "get_approval_request",
  toolset: "approvals",
  title: "Get an approval request",
  searchHint: "approval request detail",
  description:
    "One approval request: type, what it asks (request_data), status, requester, reviewer and times.",
  sdk: (c) => c.approvals.get,
  operation: "GET",
  input: { request: requestId },
  output: { request },
  notFound: "Check the id with list_approval_requests",
  run: async (args, { sdk }) => ({ request: await sdk(args.request) }),
  summary: ({ request: r }) =>
    `${requestLine(r)}.${r.status === "pending" ? ` ${HUMAN_ONLY}` : ""}`,
});

export const explainApprovalDecision = defineTool({
  name: "explain_approval_decision",
  toolset: "approvals",
  title: "How an approval gets decided",
  searchHint: "approve reject approval decision human out-of-band",
  description:
    "Explains who decides a pending approval request (a sudo run held with SUDO_APPROVAL_REQUIRED, a pending work session): a person, out of band, never you; and what to tell them. Contacts no server.",
  sdk: [],
  operation: "local-read",
  scope: "local",
  input: {
    request: z.string().max(100).optional().describe("The request this is about, if known."),
  },
  output: {
    status: z.literal("pending_approval"),
    category: z.literal("APPROVAL_DECISION_HUMAN_ONLY"),
    requiresHumanApproval: z.literal(true),
    approvableByAgent: z.literal(false),
    request: z.string().optional(),
    message: z.string(),
    nextAction: z.string(),
  },
  // The reference's wording (utils/common.py `APPROVAL_DECISION_HUMAN_ONLY`), with our tool names.
  run: async (args) => ({
    status: "pending_approval" as const,
    category: "APPROVAL_DECISION_HUMAN_ONLY" as const,
    requiresHumanApproval: true as const,
    approvableByAgent: false as const,
    ...(args.request ? { request: args.request } : {}),
    message:
      "Approval requests can only be approved or rejected by a person, out of band (Alpacon web console or Slack). As an AI agent you cannot approve or reject this request, and no tool can do it for you.",
    nextAction: `Tell the person what is waiting${args.request ? ` (request ${args.request})` : ""}, what it allows and why you need it, and ask them to decide in the web console or Slack. Then wait: check with get_approval_request, and re-run the held command once it is approved. Do not resubmit it meanwhile.`,
  }),
  summary: (result) => `${result.message} ${result.nextAction}`,
});

export const listSudoPolicies = listTool({
  name: "list_sudo_policies",
  toolset: "approvals",
  title: "List sudo policies",
  searchHint: "sudo policy privilege elevation rules",
  description:
    "Lists the workspace's sudo policies: allowed commands, run-as user, users, groups and servers (empty means all), and whether a covered run needs a person's approval.",
  sdk: (c) => c.sudoPolicies.list,
  input: {},
  rows: "policies",
  row: policy,
  line: policyLine,
});

/** Who a policy covers, by name where the lookup works. */
async function coveredPeople(
  args: { users?: string[] | undefined; groups?: string[] | undefined },
  context: ToolCallContext,
): Promise<string> {
  const users = await Promise.all(
    (args.users ?? []).map((id) =>
      context
        .call((c) => c.iam.users.get)(id)
        .then((u) => u.username ?? id),
    ),
  );
  const groups = (args.groups ?? []).map((id) => `group ${id}`);
  const all = [...users.map((name) => quoted(name)), ...groups];
  return all.length ? all.join(", ") : "every user of the workspace";
}

export const createSudoPolicy = defineTool({
  name: "create_sudo_policy",
  toolset: "approvals",
  title: "Create a sudo policy",
  searchHint: "sudo policy create privilege elevation",
  description:
    "Creates a sudo policy: lets users or groups (empty: everyone) run these commands with sudo on these servers (empty: all). Without noPassword each run waits for a person's approval. Superusers only; asks the user first.",
  sdk: (c) => c.sudoPolicies.create,
  operation: "POST",
  effect: "grant-access",
  input: {
    name: z.string().min(1).max(255),
    commands: z
      .array(z.string().min(1).max(1000))
      .min(1)
      .max(100)
      .describe("Allowed command lines; * matches anything (/usr/bin/systemctl restart *)."),
    users: z.array(z.guid()).max(500).optional().describe("IAM user ids (iam_users_list)."),
    groups: z.array(z.guid()).max(500).optional().describe("IAM group ids (iam_groups_list)."),
    servers: z.array(serverId).max(500).optional().describe("Server names or ids."),
    runAs: z.string().min(1).max(64).optional().describe("Target user (sudo -u); default root."),
    noPassword: z.boolean().optional().describe("true: runs at once, no approval per run."),
    description: z.string().max(1000).optional().describe("What the policy is for."),
  },
  output: { policy },
  async confirm(args, context) {
    const people = await coveredPeople(args, context);
    const where = args.servers?.length
      ? args.servers.map((id) => serverLabel(context.servers, id)).join(", ")
      : "every server";
    const how = args.noPassword
      ? "at once, without a password or approval"
      : "each time after a person approves the run";
    return `Create sudo policy ${quoted(args.name)}, letting ${people} run ${args.commands.map((c) => quoted(c)).join(", ")} as ${quoted(args.runAs ?? "root")} on ${where}, ${how}?`;
  },
  run: async (args, { sdk }) => ({
    policy: await sdk({ ...apiFields(args), no_password: args.noPassword ?? false }),
  }),
  summary: (result) => `Created sudo policy ${policyLine(result.policy)}.`,
});

export const approvalTools = [
  listApprovalRequests,
  getApprovalRequest,
  explainApprovalDecision,
  listSudoPolicies,
  createSudoPolicy,
];
