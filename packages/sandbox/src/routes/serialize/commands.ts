import type { CommandRecord } from "../../state/commands.js";
import { iso, isoOrNull } from "../../state/model.js";
import type { WorkspaceState } from "../../state/workspace.js";
import { serverRef, userRef } from "./refs.js";

export function commandCreatedJson(ws: WorkspaceState, c: CommandRecord): Record<string, unknown> {
  return {
    id: c.id,
    shell: c.shell,
    line: c.line,
    data: c.data,
    username: c.username,
    groupname: c.groupname,
    added_at: iso(c.addedAt),
    scheduled_at: iso(c.scheduledAt),
    server: serverRef(ws, c.serverId),
    requested_by: userRef(ws, c.requestedBy),
    run_after: c.runAfter,
  };
}

/** What the CLI's `EventDetails` models; the `cli` variant serves only these. */
const CLI_COMMAND_FIELDS = new Set([
  "id",
  "shell",
  "line",
  "success",
  "exit_code",
  "error_phase",
  "result",
  "status",
  "cancellable",
  "response_delay",
  "elapsed_time",
  "added_at",
  "server",
  "requested_by",
]);

export function commandJson(
  ws: WorkspaceState,
  c: CommandRecord,
  detail = false,
  shape: "full" | "cli" = "full",
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: c.id,
    shell: c.shell,
    line: c.line,
    success: c.success,
    exit_code: c.exitCode,
    error_phase: c.errorPhase,
    result: c.result,
    status: c.status,
    cancellable: c.status === "queued" || c.status === "scheduled",
    response_delay: c.responseDelay,
    elapsed_time: c.elapsedTime,
    added_at: iso(c.addedAt),
    server: serverRef(ws, c.serverId),
    requested_by: userRef(ws, c.requestedBy),
    username: c.username,
    groupname: c.groupname,
  };
  if (detail) {
    out.data = c.data;
    out.scheduled_at = iso(c.scheduledAt);
    out.delivered_at = isoOrNull(c.deliveredAt);
    out.acked_at = isoOrNull(c.ackedAt);
    out.handled_at = isoOrNull(c.handledAt);
    out.run_after = c.runAfter;
  }
  if (shape === "cli") {
    for (const key of Object.keys(out)) if (!CLI_COMMAND_FIELDS.has(key)) delete out[key];
  }
  return out;
}
