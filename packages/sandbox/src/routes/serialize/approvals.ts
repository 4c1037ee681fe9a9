import type { ApprovalRecord, WorkspaceSudoPolicy } from "../../state/approvals.js";
import { iso, isoOrNull } from "../../state/model.js";
import type { WorkspaceState } from "../../state/workspace.js";
import { userRef } from "./refs.js";

/** `cli@9483716:api/approval/types.go` `ApprovalRequest`; `requestor` as the MCP's fixture has it. */
export function approvalJson(ws: WorkspaceState, r: ApprovalRecord): Record<string, unknown> {
  return {
    id: r.id,
    request_type: r.subject.kind,
    request_data: r.requestData,
    description: r.description,
    status: ws.approvals.statusOf(r),
    requested_by: userRef(ws, r.requestedBy),
    reviewed_by: r.reviewedBy === null ? null : userRef(ws, r.reviewedBy),
    reviewed_at: isoOrNull(r.reviewedAt),
    added_at: iso(r.addedAt),
    ...(ws.variants.approvals === "full"
      ? { requestor: ws.userById.get(r.requestedBy)?.username ?? "" }
      : {}),
  };
}

export function sudoPolicyJson(p: WorkspaceSudoPolicy): Record<string, unknown> {
  return {
    id: p.id,
    name: p.name,
    commands: p.commands,
    users: p.users,
    groups: p.groups,
    servers: p.servers,
    run_as: p.runAs,
    no_password: p.noPassword,
    description: p.description,
  };
}
