import { iso, isoOrNull } from "../../state/model.js";
import type { TimelineEntry, WorkSessionRecord } from "../../state/work-sessions.js";
import type { WorkspaceState } from "../../state/workspace.js";
import { serverRef, userRef } from "./refs.js";

export function workSessionJson(ws: WorkspaceState, s: WorkSessionRecord): Record<string, unknown> {
  const servers = (ids: string[]) => ids.map((id) => serverRef(ws, id));
  const adjustments = s.adjustments && {
    ...(s.adjustments.scopes ? { scopes: s.adjustments.scopes } : {}),
    ...(s.adjustments.servers
      ? {
          servers: {
            old: servers(s.adjustments.servers.old),
            new: servers(s.adjustments.servers.new),
          },
        }
      : {}),
  };
  return {
    id: s.id,
    title: s.title,
    description: s.description,
    status: s.status,
    requester_type: s.requesterType,
    scopes: s.scopes,
    servers: servers(s.servers),
    created_by: userRef(ws, s.createdBy),
    assigned_user: userRef(ws, s.assignedUser),
    approval_request_id: ws.approvals.ofWorkSession(s.id)?.id ?? null,
    starts_at: isoOrNull(s.startsAt),
    expires_at: iso(s.expiresAt),
    started_at: isoOrNull(s.startedAt),
    completed_at: isoOrNull(s.completedAt),
    added_at: iso(s.addedAt),
    updated_at: iso(s.updatedAt),
    sudo_policies: s.sudoPolicies.map((p) => ({
      id: p.id,
      commands: p.commands,
      reason: p.reason,
      allow_bypass_mfa: p.allowBypassMfa,
    })),
    adjustments,
    recommendations: [],
    pending_modification_request: s.pendingModification && {
      id: s.pendingModification.id,
      changes: s.pendingModification.changes,
      added_at: iso(s.pendingModification.addedAt),
    },
  };
}

/** One timeline line as the CLI's `TimelineItem` reads it; activity shows its record's outcome. */
export function timelineItemJson(ws: WorkspaceState, e: TimelineEntry): Record<string, unknown> {
  const base = { type: e.type, timestamp: iso(e.at), server_id: e.serverId ?? null };
  switch (e.type) {
    case "status":
      return { ...base, status: e.status };
    case "command": {
      const c = ws.commands.get(e.ref ?? "");
      return {
        ...base,
        id: e.ref,
        line: c?.line ?? "",
        shell: c?.shell ?? "system",
        username: c?.username ?? "",
        groupname: c?.groupname ?? "",
        success: c?.success ?? null,
        denied: false,
        elapsed_time: c?.elapsedTime ?? 0,
      };
    }
    case "websh_session":
    case "websh_record": {
      const s = ws.websh.all().find((w) => w.id === e.ref);
      const session = {
        ...base,
        id: e.ref,
        username: s?.username ?? "",
        groupname: s?.groupname ?? "",
        closed_at: isoOrNull(s?.closedAt),
        client_type: s?.clientType ?? "",
      };
      return e.type === "websh_session" ? session : { ...session, session_id: e.ref };
    }
    default: {
      const t = ws.transfers.get(e.ref ?? "");
      return {
        ...base,
        id: e.ref,
        name: t?.name ?? "",
        size: t?.size ?? 0,
        username: t?.username ?? "",
        success: t?.success ?? null,
      };
    }
  }
}
