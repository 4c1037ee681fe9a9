import type {
  AuthorityRecord,
  CertificateRecord,
  RevokeRequestRecord,
  RevokeStatus,
  SignRequestRecord,
  SignStatus,
} from "../../state/certs.js";
import { iso, isoOrNull } from "../../state/model.js";
import type { WorkspaceState } from "../../state/workspace.js";
import { serverRef, userRef } from "./refs.js";

/** `cli@9483716:cmd/csr/csr_list.go` and `cmd/revoke/revoke_list.go` help texts' names. */
const CLI_HELP_SIGN: Partial<Record<SignStatus, string>> = {
  signing: "processing",
  signed: "issued",
};
const CLI_HELP_REVOKE: Partial<Record<RevokeStatus, string>> = {
  requested: "pending",
  revoked: "approved",
};

export function signStatusName(ws: WorkspaceState, status: SignStatus): string {
  return ws.variants.certStatus === "cli-help" ? (CLI_HELP_SIGN[status] ?? status) : status;
}

export function revokeStatusName(ws: WorkspaceState, status: RevokeStatus): string {
  return ws.variants.certStatus === "cli-help" ? (CLI_HELP_REVOKE[status] ?? status) : status;
}

/** A `status` filter value in either naming, as the internal status. */
export function signStatusFilter(value: string): string {
  return Object.entries(CLI_HELP_SIGN).find(([, name]) => name === value)?.[0] ?? value;
}

export function revokeStatusFilter(value: string): string {
  return Object.entries(CLI_HELP_REVOKE).find(([, name]) => name === value)?.[0] ?? value;
}

function authoritySummary(ws: WorkspaceState, id: string): Record<string, unknown> {
  const authority = ws.certs.authorities.all().find((a) => a.id === id);
  return {
    id,
    name: authority?.name ?? "(deleted)",
    ...(authority ? { owner: userRef(ws, authority.ownerId) } : {}),
  };
}

/**
 * `cli@9483716:api/cert/types.go` `AuthorityResponse` (list), plus `AuthorityDetails`' fields
 * (`detail`) and the create answer's `instruction`.
 */
export function authorityJson(
  ws: WorkspaceState,
  a: AuthorityRecord,
  view: "list" | "detail" | "create" = "list",
): Record<string, unknown> {
  const base: Record<string, unknown> = {
    id: a.id,
    name: a.name,
    organization: a.organization,
    domain: a.domain,
    root_valid_days: a.rootValidDays,
    default_valid_days: a.defaultValidDays,
    max_valid_days: a.maxValidDays,
    key_algorithm: a.keyAlgorithm,
    key_size: a.keySize,
    agent: serverRef(ws, a.agentId),
    owner: userRef(ws, a.ownerId),
    updated_at: iso(a.updatedAt),
    signed_at: iso(a.signedAt),
    expires_at: iso(a.expiresAt),
  };
  if (view === "create") {
    base.instruction = `Run on ${serverRef(ws, a.agentId).name}: sudo alpamon ca install ${a.id}`;
  }
  if (view === "detail") {
    const agent = ws.serverById.get(a.agentId);
    base.storage = "agent";
    base.crt_text = a.crtText;
    base.remote_ip = agent?.remoteIp ?? "";
    base.is_connected = agent?.isConnected ?? false;
    base.status = agent?.isConnected ? "running" : "disconnected";
  }
  return base;
}

export function signRequestJson(
  ws: WorkspaceState,
  r: SignRequestRecord,
  view: "list" | "detail" | "create" = "list",
): Record<string, unknown> {
  const authority = ws.certs.authorities.all().find((a) => a.id === r.authorityId);
  const certificate = r.certificateId
    ? ws.certs.certificates.all().find((c) => c.id === r.certificateId)
    : undefined;
  return {
    id: r.id,
    authority: authoritySummary(ws, r.authorityId),
    organization: authority?.organization ?? "",
    common_name: r.commonName,
    domain_list: [...r.domainList],
    ip_list: [...r.ipList],
    valid_days: r.validDays,
    status: signStatusName(ws, r.status),
    requested_ip: r.requestedIp,
    requested_by: userRef(ws, r.requestedById),
    added_at: iso(r.addedAt),
    ...(view === "create" ? { submit_url: `/api/cert/sign-requests/${r.id}/submit/` } : {}),
    ...(view === "detail" && certificate ? { crt_text: certificate.crtText } : {}),
  };
}

export function certificateJson(ws: WorkspaceState, c: CertificateRecord): Record<string, unknown> {
  const expired = c.expiresAt <= ws.now();
  return {
    id: c.id,
    authority: authoritySummary(ws, c.authorityId),
    csr: c.csrId,
    crt_text: c.crtText,
    common_name: c.commonName,
    serial_number: c.serialNumber,
    valid_days: c.validDays,
    status: c.revokedAt !== null ? "revoked" : expired ? "expired" : "active",
    is_revoked: c.revokedAt !== null,
    revoked_at: isoOrNull(c.revokedAt),
    can_revoke: c.revokedAt === null && !expired && !ws.certs.openRevocation(c.id),
    signed_at: iso(c.signedAt),
    expires_at: iso(c.expiresAt),
    signed_by: c.signedBy,
    renewed_by: "",
  };
}

export function revokeRequestJson(ws: WorkspaceState, r: RevokeRequestRecord) {
  const certificate = ws.certs.certificates.all().find((c) => c.id === r.certificateId);
  return {
    id: r.id,
    certificate: r.certificateId,
    authority: authoritySummary(ws, r.authorityId),
    common_name: certificate?.commonName ?? "",
    serial_number: certificate?.serialNumber ?? "",
    reason: r.reason,
    status: revokeStatusName(ws, r.status),
    requested_reason: r.requestedReason,
    requested_by: userRef(ws, r.requestedById),
    approved_by: r.approvedById ? userRef(ws, r.approvedById) : null,
    denied_by: r.deniedById ? userRef(ws, r.deniedById) : null,
    error_message: r.errorMessage,
    added_at: iso(r.addedAt),
    handled_at: isoOrNull(r.handledAt),
  };
}

/** The answer of approve, deny and retry, in the workspace's variant. */
export function certActionJson(ws: WorkspaceState, id: string, status: string) {
  return ws.variants.certAction === "id-status" ? { id, status } : { status };
}
