import {
  type AlpaconClient,
  type CertRequestActionResult,
  NotFoundError,
  PermissionDeniedError,
} from "@alpacon/sdk";
import * as z from "zod";
import { quoted } from "../server/confirm.js";
import { ToolError } from "../server/errors.js";
import { serverLabel } from "../server/server-refs.js";
import {
  type AnyTool,
  apiFields,
  defineTool,
  listTool,
  serverId,
  serverRef,
  type ToolCallContext,
  userSummary,
} from "./define.js";

/**
 * The workspace's private PKI (`/api/cert/`): certificate authorities run by a server's agent,
 * sign requests they approve and sign, issued certificates, revocations. A CA can sign
 * certificates for every name under its domain and an approval issues one, so those ask first;
 * so do revoking (irreversible once done) and every deletion or cancellation.
 */

const caId = z.guid().describe("The authority's id (list_certificate_authorities).");
const csrId = z.guid().describe("The sign request's id (list_sign_requests).");
const certificateId = z.guid().describe("The certificate's id (list_certificates).");
const revokeId = z.guid().describe("The revocation request's id (list_revoke_requests).");
const days = z.int().min(1).max(36_500);
const REASONS = [0, 1, 2, 3, 4, 5, 6, 9, 10] as const;
const CA_FORBIDDEN = "Only admins and the authority's owner may do this: ask one of them";

const authorityRef = z.looseObject({ id: z.string().optional(), name: z.string().optional() });
const authority = z.looseObject({
  id: z.string(),
  name: z.string(),
  domain: z.string(),
  organization: z.string().optional(),
  default_valid_days: z.int().optional(),
  max_valid_days: z.int().optional(),
  agent: serverRef.optional(),
  owner: userSummary.partial().optional(),
  instruction: z.string().optional(),
  crt_text: z.string().optional(),
});
const signRequest = z.looseObject({
  id: z.string(),
  status: z.string(),
  common_name: z.string().optional(),
  domain_list: z.array(z.string()).nullable().optional(),
  ip_list: z.array(z.string()).nullable().optional(),
  valid_days: z.int().optional(),
  authority: authorityRef.optional(),
  crt_text: z.string().optional(),
});
const certificate = z.looseObject({
  id: z.string(),
  common_name: z.string().optional(),
  serial_number: z.string().optional(),
  status: z.string().optional(),
  is_revoked: z.boolean().optional(),
  expires_at: z.string().optional(),
  authority: authorityRef.optional(),
  crt_text: z.string().optional(),
});
const revokeRequest = z.looseObject({
  id: z.string(),
  status: z.string(),
  certificate: z.string().optional(),
  common_name: z.string().optional(),
  serial_number: z.string().optional(),
  reason: z.int().optional(),
});
const actionOutput = { id: z.string(), status: z.string().nullable() };

type Context = ToolCallContext<unknown>;

const caLine = (a: z.output<typeof authority>) => `${a.name} (${a.id}): *.${a.domain}`;
const names = (r: z.output<typeof signRequest>) =>
  [...(r.domain_list ?? []), ...(r.ip_list ?? [])].join(", ") || r.common_name || "?";
const csrLine = (r: z.output<typeof signRequest>) => `${names(r)} (${r.id}): ${r.status}`;
const certLine = (c: z.output<typeof certificate>) =>
  `${c.common_name ?? "?"} (${c.id}): ${c.status ?? (c.is_revoked ? "revoked" : "?")}, serial ${c.serial_number ?? "?"}`;
const revokeLine = (r: z.output<typeof revokeRequest>) =>
  `${r.common_name || r.certificate || "?"} (${r.id}): ${r.status}`;

/** "authority `Acme CA` (domain acme.test)", looked up before asking. */
async function caText(context: Context, id: string): Promise<string> {
  const ca = await context.call((c) => c.certificates.authorities.get)(id);
  return `certificate authority ${quoted(ca.name)} (domain ${ca.domain})`;
}

/** "the sign request for `api.acme.test`, `10.0.0.7` (authority `Acme CA`, 365 days)". */
async function csrText(context: Context, id: string): Promise<string> {
  const r = await context.call((c) => c.certificates.signRequests.get)(id);
  const all = [...(r.domain_list ?? []), ...(r.ip_list ?? [])].map(quoted).join(", ");
  const by = r.authority?.name ? `authority ${quoted(r.authority.name)}` : "its authority";
  return `the sign request for ${all || quoted(r.common_name ?? id)} (${by}, ${r.valid_days ?? "?"} days)`;
}

/** "certificate `api.acme.test` (serial 4F…, authority `Acme CA`)". */
async function certText(context: Context, id: string): Promise<string> {
  const c = await context.call((client) => client.certificates.get)(id);
  const by = c.authority?.name ? `, authority ${quoted(c.authority.name)}` : "";
  return `certificate ${quoted(c.common_name ?? id)} (serial ${c.serial_number ?? "?"}${by})`;
}

async function revokeText(context: Context, id: string): Promise<string> {
  const r = await context.call((c) => c.certificates.revokeRequests.get)(id);
  return r.certificate ? certText(context, r.certificate) : `revocation request ${id}`;
}

/** The owner by name when the caller may read users; their id otherwise. */
async function ownerText(context: Context, id: string): Promise<string> {
  try {
    const user = await context.call((c) => c.iam.users.get)(id);
    return `user ${quoted(user.username ?? id)}`;
  } catch (error) {
    if (error instanceof PermissionDeniedError) return `user ${id}`;
    if (error instanceof NotFoundError) {
      throw new ToolError(`no user ${id}`, "Find the owner's id with iam_users_list");
    }
    throw error;
  }
}

// ------------------------------------------------------------------------- authorities

export const listCertificateAuthorities = listTool({
  name: "list_certificate_authorities",
  searchHint: "certificate CA authority TLS SSL PKI",
  toolset: "certs",
  title: "List certificate authorities",
  description:
    "Certificate authorities (CAs) of the workspace: name, domain, validity, key. Sign requests go to the CA whose domain covers their names.",
  sdk: (c) => c.certificates.authorities.list,
  input: {},
  rows: "authorities",
  row: authority,
  line: caLine,
});

export const getCertificateAuthority = defineTool({
  name: "get_certificate_authority",
  searchHint: "certificate CA authority details get",
  toolset: "certs",
  title: "Get a certificate authority",
  description: "One CA: configuration, its agent's status, and the root certificate (PEM).",
  sdk: (c) => c.certificates.authorities.get,
  operation: "GET",
  input: { caId },
  output: { authority },
  notFound: "Check the id with list_certificate_authorities",
  run: async (args, { sdk }) => ({ authority: await sdk(args.caId) }),
  summary: (result) => caLine(result.authority),
});

export const createCertificateAuthority = defineTool({
  name: "create_certificate_authority",
  searchHint: "certificate CA authority create TLS SSL",
  toolset: "certs",
  title: "Create a certificate authority",
  description:
    "Creates a CA run by a server's agent, owned by a user. It can then sign certificates for every name under its domain (unique). Keys: rsa 2048/4096 or ecdsa 256/384.",
  sdk: (c) => c.certificates.authorities.create,
  operation: "POST",
  effect: "grant-access",
  input: {
    name: z.string().min(1).max(128).describe("The CA's name, e.g. Acme Root CA."),
    domain: z.string().min(1).max(253).describe("Root domain, e.g. internal.example.com."),
    organization: z.string().min(1).max(128).describe("Organization of the issued certificates."),
    server: serverId.describe("The server whose agent runs the CA: name or id."),
    owner: z.guid().describe("The owning user's id (iam_users_list)."),
    rootValidDays: days.optional().describe("Root certificate validity (3650)."),
    defaultValidDays: days.optional().describe("Default for issued certificates (365)."),
    maxValidDays: days.optional().describe("Longest a request may ask for (730)."),
    keyAlgorithm: z.enum(["rsa", "ecdsa"]).optional().describe("Key type (rsa)."),
    keySize: z.int().min(256).max(8192).optional().describe("2048/4096 (rsa) or 256/384 (ecdsa)."),
    install: z.boolean().optional().describe("Install the CA on the agent at once."),
  },
  output: { authority },
  forbidden: "Only workspace admins may create certificate authorities: ask one",
  confirm: async (args, context) =>
    `Create certificate authority ${quoted(args.name)} (organization ${quoted(args.organization)}) on server ${quoted(serverLabel(context.servers, args.server))}, owned by ${await ownerText(context, args.owner)}? It can then sign certificates for ${quoted(args.domain)} and every name under it.`,
  run: async ({ server, ...args }, { sdk }) => ({
    authority: await sdk({
      ...(apiFields(args) as Omit<
        Parameters<AlpaconClient["certificates"]["authorities"]["create"]>[0],
        "agent"
      >),
      agent: server,
    }),
  }),
  summary: (result) =>
    `Created ${caLine(result.authority)}.${result.authority.instruction ? ` ${result.authority.instruction}` : ""}`,
});

export const updateCertificateAuthority = defineTool({
  name: "update_certificate_authority",
  searchHint: "certificate CA authority update patch",
  toolset: "certs",
  title: "Change a certificate authority",
  description:
    "Changes a CA's default or maximum validity, or its owner. Name, domain, agent and key are fixed.",
  sdk: (c) => c.certificates.authorities.update,
  operation: "PATCH",
  input: {
    caId,
    defaultValidDays: days.optional().describe("Validity of certificates by default."),
    maxValidDays: days.optional().describe("Longest validity a request may ask for."),
    owner: z.guid().optional().describe("The new owner's user id; they may then approve requests."),
  },
  output: { authority },
  notFound: "Check the id with list_certificate_authorities",
  forbidden: CA_FORBIDDEN,
  confirm: async ({ caId: id, ...args }, context) => {
    const fields = apiFields(args);
    if (Object.keys(fields).length === 0) {
      throw new ToolError("no field to change was given", "Pass at least one field to change");
    }
    const change = Object.entries(fields)
      .map(([field, value]) => `${field} to ${quoted(String(value))}`)
      .join(", ");
    return `Change ${change} of ${await caText(context, id)}?`;
  },
  run: async ({ caId: id, ...args }, { sdk }) => ({ authority: await sdk(id, apiFields(args)) }),
  summary: (result) => `Changed ${caLine(result.authority)}.`,
});

export const deleteCertificateAuthority = defineTool({
  name: "delete_certificate_authority",
  searchHint: "certificate CA authority delete remove",
  toolset: "certs",
  title: "Delete a certificate authority",
  description:
    "Deletes a CA for good: certificates it issued can no longer be verified, its requests go with it.",
  sdk: (c) => c.certificates.authorities.delete,
  operation: "DELETE",
  input: { caId },
  output: { caId: z.string(), deleted: z.boolean() },
  notFound: "Check the id with list_certificate_authorities",
  forbidden: CA_FORBIDDEN,
  confirm: async (args, context) => {
    const issued = await context.call((c) => c.certificates.list)({
      csr__authority__id: args.caId,
      page_size: 1,
    });
    return `Delete ${await caText(context, args.caId)}? Irreversible: the ${issued.count} certificate(s) it issued can no longer be verified, and its sign and revocation requests are deleted with it.`;
  },
  async run(args, { sdk }) {
    await sdk(args.caId);
    return { caId: args.caId, deleted: true };
  },
  summary: (result) => `Deleted certificate authority ${result.caId}.`,
});

// ------------------------------------------------------------------------- sign requests

export const listSignRequests = listTool({
  name: "list_sign_requests",
  searchHint: "certificate CSR signing request",
  toolset: "certs",
  title: "List certificate sign requests",
  description:
    "Certificate sign requests (CSRs): names, status (requested, signing, signed, failed, canceled, denied), authority.",
  sdk: (c) => c.certificates.signRequests.list,
  input: { status: z.string().max(32).optional().describe("Only requests in this status.") },
  rows: "signRequests",
  row: signRequest,
  noun: "sign requests",
  line: csrLine,
});

export const getSignRequest = defineTool({
  name: "get_sign_request",
  searchHint: "certificate CSR signing request details get",
  toolset: "certs",
  title: "Get a certificate sign request",
  description: "One sign request: status, names, authority; once signed, the certificate (PEM).",
  sdk: (c) => c.certificates.signRequests.get,
  operation: "GET",
  input: { csrId },
  output: { signRequest },
  notFound: "Check the id with list_sign_requests",
  run: async (args, { sdk }) => ({ signRequest: await sdk(args.csrId) }),
  summary: (result) => csrLine(result.signRequest),
});

export const createSignRequest = defineTool({
  name: "create_sign_request",
  searchHint: "certificate CSR signing request create",
  toolset: "certs",
  title: "Request a certificate",
  description:
    "Requests a certificate for DNS names and/or IPs (at least one). The CA whose domain covers them is chosen; the first name is the common name. An admin or the CA owner approves it.",
  sdk: (c) => c.certificates.signRequests.create,
  operation: "POST",
  input: {
    domainList: z
      .array(z.string().min(1).max(253))
      .max(100)
      .optional()
      .describe("DNS names (subject alternative names)."),
    ipList: z.array(z.string().min(1).max(45)).max(100).optional().describe("IP addresses."),
    validDays: days.optional().describe("Validity; the CA's default when left out."),
  },
  output: { signRequest },
  run: async (args, { sdk }) => {
    const domains = args.domainList ?? [];
    const ips = args.ipList ?? [];
    if (domains.length + ips.length === 0) {
      throw new ToolError(
        "no name was given",
        "Pass at least one DNS name in domainList or one address in ipList",
      );
    }
    return {
      signRequest: await sdk({
        domain_list: domains,
        ip_list: ips,
        ...(args.validDays === undefined ? {} : { valid_days: args.validDays }),
      }),
    };
  },
  summary: (result) =>
    `Requested ${csrLine(result.signRequest)}. An admin or the CA owner approves it (approve_sign_request).`,
});

export const deleteSignRequest = defineTool({
  name: "delete_sign_request",
  searchHint: "certificate CSR signing request delete remove",
  toolset: "certs",
  title: "Cancel a certificate sign request",
  description:
    "Cancels a sign request still in requested state (it stays listed as canceled). Admins, the CA owner or the requester.",
  sdk: (c) => c.certificates.signRequests.delete,
  operation: "DELETE",
  input: { csrId },
  output: { csrId: z.string(), canceled: z.boolean() },
  notFound: "Check the id with list_sign_requests",
  forbidden: "Only admins, the CA's owner and the requester may cancel it",
  confirm: async (args, context) =>
    `Cancel ${await csrText(context, args.csrId)}? No certificate will be issued for it.`,
  async run(args, { sdk }) {
    await sdk(args.csrId);
    return { csrId: args.csrId, canceled: true };
  },
  summary: (result) => `Canceled sign request ${result.csrId}.`,
});

interface ActionToolSpec {
  name: string;
  searchHint: string;
  title: string;
  description: string;
  sdk: (c: AlpaconClient) => (id: string) => Promise<CertRequestActionResult>;
  input: { csrId: typeof csrId } | { revokeId: typeof revokeId };
  effect: "change" | "grant-access";
  notFound: string;
  ask: (context: Context, id: string) => Promise<string>;
  done: string;
}

/** Approve, deny or retry of a sign or revocation request: admins or the CA owner, asked first. */
function requestAction(spec: ActionToolSpec): AnyTool {
  const key = Object.keys(spec.input)[0] as "csrId" | "revokeId";
  return defineTool({
    name: spec.name,
    searchHint: spec.searchHint,
    toolset: "certs",
    title: spec.title,
    description: spec.description,
    sdk: spec.sdk,
    operation: "POST",
    effect: spec.effect,
    input: spec.input as { csrId: typeof csrId },
    output: actionOutput,
    notFound: spec.notFound,
    forbidden: CA_FORBIDDEN,
    confirm: (args, context) =>
      spec.ask(context as Context, (args as Record<string, string>)[key] as string),
    async run(args, { sdk }) {
      const id = (args as Record<string, string>)[key] as string;
      const answer = await (sdk as (id: string) => Promise<CertRequestActionResult>)(id);
      return { id, status: answer.status ?? null };
    },
    summary: (result) =>
      `${spec.done} ${result.id}${result.status ? ` (now ${result.status})` : ""}.`,
  });
}

export const approveSignRequest = requestAction({
  name: "approve_sign_request",
  searchHint: "certificate CSR signing request approve",
  title: "Approve a certificate sign request",
  description:
    "Approves a requested sign request: the CA's agent then signs and issues the certificate (list_certificates). Admins or the CA owner.",
  sdk: (c) => c.certificates.signRequests.approve,
  input: { csrId },
  effect: "grant-access",
  notFound: "Check the id with list_sign_requests",
  ask: async (context, id) =>
    `Approve ${await csrText(context, id)}? The CA will sign and issue a certificate for these names to the requester.`,
  done: "Approved sign request",
});

export const denySignRequest = requestAction({
  name: "deny_sign_request",
  searchHint: "certificate CSR signing request deny reject",
  title: "Deny a certificate sign request",
  description:
    "Denies a sign request that is not finished (even while signing). Admins or the CA owner.",
  sdk: (c) => c.certificates.signRequests.deny,
  input: { csrId },
  effect: "change",
  notFound: "Check the id with list_sign_requests",
  ask: async (context, id) =>
    `Deny ${await csrText(context, id)}? No certificate will be issued for it.`,
  done: "Denied sign request",
});

export const retrySignRequest = requestAction({
  name: "retry_sign_request",
  searchHint: "certificate CSR signing request retry",
  title: "Retry signing",
  description:
    "Re-sends a sign request stuck in signing to the CA's agent (e.g. after it reconnected). Admins or the CA owner.",
  sdk: (c) => c.certificates.signRequests.retry,
  input: { csrId },
  effect: "change",
  notFound: "Check the id with list_sign_requests",
  ask: async (context, id) =>
    `Re-send ${await csrText(context, id)} to the CA's agent? Each retry dispatches a new signing command.`,
  done: "Re-sent sign request",
});

// ------------------------------------------------------------------------- certificates

export const listCertificates = listTool({
  name: "list_certificates",
  searchHint: "certificate issued TLS SSL list",
  toolset: "certs",
  title: "List issued certificates",
  description:
    "Certificates issued through sign requests: common name, serial, status, expiry, revocation.",
  sdk: (c) => c.certificates.list,
  input: { authorityId: z.guid().optional().describe("Only those this CA issued.") },
  query: (args) => ({ csr__authority__id: args.authorityId }),
  rows: "certificates",
  row: certificate,
  line: certLine,
});

export const getCertificate = defineTool({
  name: "get_certificate",
  searchHint: "certificate issued details get TLS SSL",
  toolset: "certs",
  title: "Get a certificate",
  description: "One issued certificate: PEM, names, serial, validity and revocation status.",
  sdk: (c) => c.certificates.get,
  operation: "GET",
  input: { certificateId },
  output: { certificate },
  notFound: "Check the id with list_certificates",
  run: async (args, { sdk }) => ({ certificate: await sdk(args.certificateId) }),
  summary: (result) => certLine(result.certificate),
});

export const revokeCertificate = defineTool({
  name: "revoke_certificate",
  searchHint: "certificate revoke invalidate",
  toolset: "certs",
  title: "Revoke a certificate",
  description:
    "Asks for a certificate's revocation (reason: RFC 5280 code 0-6, 9, 10). A CA owner's or admin's request is carried out at once; others wait for approval.",
  sdk: (c) => c.certificates.revokeRequests.create,
  operation: "POST",
  effect: "change",
  input: {
    certificateId,
    reason: z
      .int()
      .min(0)
      .max(10)
      .refine((r) => (REASONS as readonly number[]).includes(r), "must be 0-6, 9 or 10")
      .optional()
      .describe("0 unspecified, 1 key compromise, 4 superseded, 5 cessation of operation …"),
    requestedReason: z.string().max(1000).optional().describe("Free text."),
  },
  output: { revokeRequest },
  notFound: "Check the id with list_certificates",
  confirm: async (args, context) =>
    `Revoke ${await certText(context, args.certificateId)}? Irreversible once carried out: it goes on the CA's revocation list. As the CA owner or an admin this happens at once; otherwise it waits for approval.`,
  run: async (args, { sdk }) => ({
    revokeRequest: await sdk({
      certificate: args.certificateId,
      ...apiFields({
        reason: args.reason as (typeof REASONS)[number] | undefined,
        requestedReason: args.requestedReason,
      }),
    }),
  }),
  summary: (result) => `Revocation ${revokeLine(result.revokeRequest)}.`,
});

// ------------------------------------------------------------------------- revocations

export const listRevokeRequests = listTool({
  name: "list_revoke_requests",
  searchHint: "certificate revoke request list",
  toolset: "certs",
  title: "List revocation requests",
  description:
    "Certificate revocation requests and their status (requested, revoking, revoked, failed, denied, canceled).",
  sdk: (c) => c.certificates.revokeRequests.list,
  input: {
    status: z.string().max(32).optional().describe("Only requests in this status."),
    certificateId: z.guid().optional().describe("Only requests for this certificate."),
  },
  query: (args) => ({ status: args.status, certificate: args.certificateId }),
  rows: "revokeRequests",
  row: revokeRequest,
  noun: "revocation requests",
  line: revokeLine,
});

export const getRevokeRequest = defineTool({
  name: "get_revoke_request",
  searchHint: "certificate revoke request details get",
  toolset: "certs",
  title: "Get a revocation request",
  description: "One revocation request: certificate, reason, status, who handled it.",
  sdk: (c) => c.certificates.revokeRequests.get,
  operation: "GET",
  input: { revokeId },
  output: { revokeRequest },
  notFound: "Check the id with list_revoke_requests",
  run: async (args, { sdk }) => ({ revokeRequest: await sdk(args.revokeId) }),
  summary: (result) => revokeLine(result.revokeRequest),
});

export const cancelRevokeRequest = defineTool({
  name: "cancel_revoke_request",
  searchHint: "certificate revoke request cancel withdraw",
  toolset: "certs",
  title: "Cancel a revocation request",
  description:
    "Withdraws a revocation still in requested state; the certificate stays valid. Admins, the CA owner or the requester.",
  sdk: (c) => c.certificates.revokeRequests.cancel,
  operation: "DELETE",
  input: { revokeId },
  output: { revokeId: z.string(), canceled: z.boolean() },
  notFound: "Check the id with list_revoke_requests",
  forbidden: "Only admins, the CA's owner and the requester may cancel it",
  confirm: async (args, context) =>
    `Withdraw the revocation request for ${await revokeText(context, args.revokeId)}? The certificate stays valid.`,
  async run(args, { sdk }) {
    await sdk(args.revokeId);
    return { revokeId: args.revokeId, canceled: true };
  },
  summary: (result) => `Canceled revocation request ${result.revokeId}.`,
});

export const approveRevokeRequest = requestAction({
  name: "approve_revoke_request",
  searchHint: "certificate revoke request approve",
  title: "Approve a revocation request",
  description:
    "Approves a requested revocation: the certificate is revoked and put on the CA's revocation list. Admins or the CA owner.",
  sdk: (c) => c.certificates.revokeRequests.approve,
  input: { revokeId },
  effect: "change",
  notFound: "Check the id with list_revoke_requests",
  ask: async (context, id) =>
    `Approve revoking ${await revokeText(context, id)}? Irreversible: it is revoked and put on the CA's revocation list.`,
  done: "Approved revocation request",
});

export const denyRevokeRequest = requestAction({
  name: "deny_revoke_request",
  searchHint: "certificate revoke request deny reject",
  title: "Deny a revocation request",
  description:
    "Denies a requested revocation; the certificate stays valid. Admins or the CA owner.",
  sdk: (c) => c.certificates.revokeRequests.deny,
  input: { revokeId },
  effect: "change",
  notFound: "Check the id with list_revoke_requests",
  ask: async (context, id) =>
    `Deny the revocation of ${await revokeText(context, id)}? It stays valid.`,
  done: "Denied revocation request",
});

export const retryRevokeRequest = requestAction({
  name: "retry_revoke_request",
  searchHint: "certificate revoke request retry",
  title: "Retry a revocation",
  description: "Re-sends a revocation stuck in revoking to the CA's agent. Admins or the CA owner.",
  sdk: (c) => c.certificates.revokeRequests.retry,
  input: { revokeId },
  effect: "change",
  notFound: "Check the id with list_revoke_requests",
  ask: async (context, id) =>
    `Re-send the revocation of ${await revokeText(context, id)} to the CA's agent? Each retry dispatches a new revoke command.`,
  done: "Re-sent revocation request",
});

export const certTools: readonly AnyTool[] = [
  listCertificateAuthorities,
  getCertificateAuthority,
  createCertificateAuthority,
  updateCertificateAuthority,
  deleteCertificateAuthority,
  listSignRequests,
  getSignRequest,
  createSignRequest,
  deleteSignRequest,
  approveSignRequest,
  denySignRequest,
  retrySignRequest,
  listCertificates,
  getCertificate,
  revokeCertificate,
  listRevokeRequests,
  getRevokeRequest,
  cancelRevokeRequest,
  approveRevokeRequest,
  denyRevokeRequest,
  retryRevokeRequest,
];
