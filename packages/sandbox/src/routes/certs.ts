import { isIP } from "node:net";
import type { App, RequestContext } from "../http/app.js";
import {
  type ApiError,
  fieldErrors,
  nonFieldError,
  notFound,
  permissionDenied,
} from "../http/errors.js";
import { type ListSpec, queryList } from "../http/list.js";
import { paginate } from "../http/pagination.js";
import { BodyReader } from "../http/validate.js";
import type {
  AuthorityRecord,
  CertificateRecord,
  RevokeRequestRecord,
  SignRequestRecord,
} from "../state/certs.js";
import { parseCsr } from "../state/pki.js";
import { idParam, isStaff } from "./common.js";
import {
  authorityJson,
  certActionJson,
  certificateJson,
  revokeRequestJson,
  revokeStatusFilter,
  revokeStatusName,
  signRequestJson,
  signStatusFilter,
  signStatusName,
} from "./serialize/certs.js";

const REASONS = [0, 1, 2, 3, 4, 5, 6, 9, 10];
/** Key sizes the MCP documents for each algorithm (`mcp@22fc34c:tools/cert_tools.py`). */
const KEY_SIZES = { rsa: [2048, 4096], ecdsa: [256, 384] } as const;
const DOMAIN_RE =
  /^(?=.{1,253}$)(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;

function byId<T extends { id: string }>(list: { all(): readonly T[] }, ctx: RequestContext): T {
  const id = idParam(ctx);
  const found = list.all().find((item) => item.id === id);
  if (!found) throw notFound();
  return found;
}

const authorityOf = (ctx: RequestContext, id: string): AuthorityRecord | undefined =>
  ctx.ws.certs.authorities.all().find((a) => a.id === id);

/** Admins or the CA's owner (the server's CA permission, per mcp commit `73e4495`). */
function requireCaAdmin(ctx: RequestContext, authorityId: string): void {
  if (isStaff(ctx) || authorityOf(ctx, authorityId)?.ownerId === ctx.principal.user.id) return;
  throw permissionDenied();
}

/** Admins, the CA's owner or the requester (cancelling). */
function requireCaAdminOrRequester(ctx: RequestContext, authorityId: string, by: string): void {
  if (by === ctx.principal.user.id) return;
  requireCaAdmin(ctx, authorityId);
}

/** A request in the wrong state for an action: DRF's `ValidationError` in a view. */
const wrongState = (what: string, status: string): ApiError =>
  nonFieldError(`Cannot ${what} a request in status "${status}".`);

interface CertRequest {
  id: string;
  authorityId: string;
  status: string;
}

/**
 * `POST <base>:id/<action>/` of a sign or revoke request: admins or the CA's owner; the answer
 * is the new status in the workspace's variant.
 */
function requestAction<T extends CertRequest>(
  app: App,
  base: string,
  list: (ctx: RequestContext) => { all(): readonly T[]; touch(): void },
  statusName: (ctx: RequestContext, status: T["status"]) => string,
  actions: Record<string, (ctx: RequestContext, request: T) => void>,
): void {
  for (const [action, run] of Object.entries(actions)) {
    app.route(`${base}:id/${action}/`, {
      POST: (ctx) => {
        const request = byId(list(ctx), ctx);
        requireCaAdmin(ctx, request.authorityId);
        run(ctx, request);
        list(ctx).touch();
        const status = statusName(ctx, request.status);
        return { status: 200, body: certActionJson(ctx.ws, request.id, status) };
      },
    });
  }
}

function page<T>(ctx: RequestContext, items: readonly T[], json: (item: T) => unknown) {
  return { status: 200, body: paginate(items, ctx.query, json) };
}

function registerAuthorities(app: App): void {
  app.route("/api/cert/authorities/", {
    GET: (ctx) =>
      page(ctx, queryList(ctx.ws.certs.authorities, ctx.query, {}), (a) =>
        authorityJson(ctx.ws, a),
      ),
    POST: async (ctx) => {
      if (!isStaff(ctx)) throw permissionDenied();
      const body = new BodyReader(ctx.body);
      const name = body.string("name", { required: true, max: 128 });
      const domain = body.string("domain", { required: true, max: 253 });
      const organization = body.string("organization", { required: true, max: 128 });
      const agent = body.ref("agent", (id) => ctx.ws.serverById.get(id), { required: true });
      const owner = body.ref("owner", (id) => ctx.ws.userById.get(id), { required: true });
      const days = (field: string) => body.int(field, { min: 1, max: 36_500 }) ?? undefined;
      const rootValidDays = days("root_valid_days") ?? 3650;
      const defaultValidDays = days("default_valid_days") ?? 365;
      const maxValidDays = days("max_valid_days") ?? 730;
      const keyAlgorithm = body.choice("key_algorithm", ["rsa", "ecdsa"] as const) ?? "rsa";
      const keySize = body.int("key_size") ?? KEY_SIZES[keyAlgorithm][0];
      const install = body.bool("install") ?? false;
      if (!(KEY_SIZES[keyAlgorithm] as readonly number[]).includes(keySize)) {
        body.fail(
          "key_size",
          `Must be one of ${KEY_SIZES[keyAlgorithm].join(", ")} for ${keyAlgorithm}.`,
        );
      }
      if (domain && !DOMAIN_RE.test(domain)) body.fail("domain", "Enter a valid domain name.");
      const taken = (d: string) =>
        ctx.ws.certs.authorities.all().some((a) => a.domain.toLowerCase() === d.toLowerCase());
      if (domain && taken(domain)) {
        body.fail("domain", "certificate authority with this domain already exists.");
      }
      if (defaultValidDays > maxValidDays) {
        body.fail("default_valid_days", "Must not exceed max_valid_days.");
      }
      body.done();
      const created = await ctx.ws.certs.createAuthority({
        name: name as string,
        organization: organization as string,
        domain: (domain as string).toLowerCase(),
        rootValidDays,
        defaultValidDays,
        maxValidDays,
        keyAlgorithm,
        keySize,
        agentId: (agent as { id: string }).id,
        ownerId: (owner as { id: string }).id,
        install,
      });
      return { status: 201, body: authorityJson(ctx.ws, created, "create") };
    },
  });
  app.route("/api/cert/authorities/:id/", {
    GET: (ctx) => ({
      status: 200,
      body: authorityJson(ctx.ws, byId(ctx.ws.certs.authorities, ctx), "detail"),
    }),
    // The three writable fields; anything else the CLI sends with them is read-only (ignored).
    PATCH: (ctx) => {
      const authority = byId(ctx.ws.certs.authorities, ctx);
      requireCaAdmin(ctx, authority.id);
      const body = new BodyReader(ctx.body);
      const defaultValidDays = body.int("default_valid_days", { min: 1, max: 36_500 });
      const maxValidDays = body.int("max_valid_days", { min: 1, max: 36_500 });
      const owner = body.ref("owner", (id) => ctx.ws.userById.get(id));
      if (
        (defaultValidDays ?? authority.defaultValidDays) > (maxValidDays ?? authority.maxValidDays)
      ) {
        body.fail("default_valid_days", "Must not exceed max_valid_days.");
      }
      body.done();
      if (defaultValidDays) authority.defaultValidDays = defaultValidDays;
      if (maxValidDays) authority.maxValidDays = maxValidDays;
      if (owner) authority.ownerId = owner.id;
      authority.updatedAt = ctx.ws.now();
      ctx.ws.certs.authorities.touch();
      return { status: 200, body: authorityJson(ctx.ws, authority, "detail") };
    },
    DELETE: (ctx) => {
      const authority = byId(ctx.ws.certs.authorities, ctx);
      requireCaAdmin(ctx, authority.id);
      ctx.ws.certs.deleteAuthority(authority.id);
      return { status: 204 };
    },
  });
  app.route("/api/cert/authorities/:id/crl/", {
    GET: async (ctx) => {
      const { crlText, updatedAt } = await ctx.ws.certs.crl(byId(ctx.ws.certs.authorities, ctx));
      return {
        status: 200,
        body: { crl_text: crlText, updated_at: new Date(updatedAt).toISOString() },
      };
    },
  });
}

/** Names of a create body: `[]` or null for none (the CLI's interactive mode sends null). */
function readNames(body: BodyReader): { domains: string[]; ips: string[] } {
  const domains = (body.stringList("domain_list", { nullable: true }) ?? []).map((d) =>
    d.trim().toLowerCase(),
  );
  const ips = (body.stringList("ip_list", { nullable: true }) ?? []).map((ip) => ip.trim());
  if (domains.some((d) => !DOMAIN_RE.test(d)))
    body.fail("domain_list", "Enter a valid domain name.");
  if (ips.some((ip) => isIP(ip) === 0)) body.fail("ip_list", "Enter a valid IPv4 or IPv6 address.");
  if (domains.length + ips.length === 0) {
    body.fail("non_field_errors", "At least one entry in domain_list or ip_list is required.");
  }
  return { domains, ips };
}

/** The CA for a request: the one whose domain covers its DNS names (or the only one, for IPs). */
function matchAuthority(ctx: RequestContext, domains: string[]): AuthorityRecord {
  const certs = ctx.ws.certs;
  const authority =
    domains.length > 0
      ? certs.authorityFor(domains[0] as string)
      : certs.authorities.size === 1
        ? certs.authorities.all()[0]
        : undefined;
  if (!authority || domains.some((d) => certs.authorityFor(d) !== authority)) {
    throw fieldErrors({
      domain_list: ["No certificate authority covers every requested name."],
    });
  }
  return authority;
}

async function readCsr(body: BodyReader, required: boolean) {
  const text = body.string("csr_text", { required, allowBlank: !required });
  if (!text) return null;
  const parsed = await parseCsr(text);
  if (!parsed) body.fail("csr_text", "Not a valid PEM certificate signing request.");
  return parsed ? { text, parsed } : null;
}

const signSpec: ListSpec<SignRequestRecord> = {
  filters: {
    status: { kind: "custom", test: (r, v) => r.status === signStatusFilter(v) },
    authority: { kind: "uuid", get: (r) => r.authorityId },
  },
  search: (r) => `${r.commonName} ${r.domainList.join(" ")} ${r.ipList.join(" ")}`.toLowerCase(),
  ordering: { added_at: (r) => r.addedAt },
  defaultOrdering: ["-added_at"],
};

function registerSignRequests(app: App): void {
  app.route("/api/cert/sign-requests/", {
    GET: (ctx) =>
      page(ctx, queryList(ctx.ws.certs.signRequests, ctx.query, signSpec), (r) =>
        signRequestJson(ctx.ws, r),
      ),
    POST: async (ctx) => {
      const body = new BodyReader(ctx.body);
      const { domains, ips } = readNames(body);
      const validDays = body.int("valid_days", { min: 1 });
      body.string("requested_by", { allowBlank: true, nullable: true });
      const csr = await readCsr(body, false);
      body.done();
      const authority = matchAuthority(ctx, domains);
      const days = validDays ?? authority.defaultValidDays;
      if (days > authority.maxValidDays) {
        throw fieldErrors({
          valid_days: [`Ensure this value is less than or equal to ${authority.maxValidDays}.`],
        });
      }
      const request: SignRequestRecord = {
        id: ctx.ws.newId(),
        authorityId: authority.id,
        commonName: (domains[0] ?? ips[0]) as string,
        domainList: domains,
        ipList: ips,
        validDays: days,
        status: "requested",
        requestedIp: ctx.req.socket.remoteAddress ?? "",
        requestedById: ctx.principal.user.id,
        csrText: csr?.text ?? null,
        publicKey: csr?.parsed.publicKey ?? null,
        certificateId: null,
        approvedById: null,
        errorMessage: "",
        addedAt: ctx.ws.now(),
        attempt: 0,
      };
      ctx.ws.certs.signRequests.add(request);
      return { status: 201, body: signRequestJson(ctx.ws, request, "create") };
    },
  });
  app.route("/api/cert/sign-requests/:id/", {
    GET: (ctx) => ({
      status: 200,
      body: signRequestJson(ctx.ws, byId(ctx.ws.certs.signRequests, ctx), "detail"),
    }),
    DELETE: (ctx) => {
      const request = byId(ctx.ws.certs.signRequests, ctx);
      requireCaAdminOrRequester(ctx, request.authorityId, request.requestedById);
      if (request.status !== "requested") {
        throw wrongState("cancel", signStatusName(ctx.ws, request.status));
      }
      request.status = "canceled";
      ctx.ws.certs.signRequests.touch();
      return { status: 204 };
    },
  });
  app.route("/api/cert/sign-requests/:id/submit/", {
    PATCH: async (ctx) => {
      const request = byId(ctx.ws.certs.signRequests, ctx);
      requireCaAdminOrRequester(ctx, request.authorityId, request.requestedById);
      const body = new BodyReader(ctx.body);
      const csr = await readCsr(body, true);
      body.done();
      if (request.status !== "requested") {
        throw wrongState("submit a CSR for", signStatusName(ctx.ws, request.status));
      }
      request.csrText = csr?.text ?? null;
      request.publicKey = csr?.parsed.publicKey ?? null;
      return { status: 200, body: signRequestJson(ctx.ws, request, "detail") };
    },
  });
  const name = (ctx: RequestContext, status: SignRequestRecord["status"]) =>
    signStatusName(ctx.ws, status);
  requestAction<SignRequestRecord>(
    app,
    "/api/cert/sign-requests/",
    (ctx) => ctx.ws.certs.signRequests,
    name,
    {
      approve: (ctx, request) => {
        if (request.status !== "requested") throw wrongState("approve", name(ctx, request.status));
        ctx.ws.certs.approveSign(request, ctx.principal.user.id);
      },
      // No status guard (mcp commit `73e4495`), except that a finished request stays finished.
      deny: (ctx, request) => {
        if (["signed", "canceled", "denied"].includes(request.status)) {
          throw wrongState("deny", name(ctx, request.status));
        }
        request.status = "denied";
      },
      retry: (ctx, request) => {
        if (request.status !== "signing") throw wrongState("retry", name(ctx, request.status));
        ctx.ws.certs.dispatchSign(request);
      },
    },
  );
}

const certificateSpec: ListSpec<CertificateRecord> = {
  filters: {
    csr__authority__id: { kind: "uuid", get: (c) => c.authorityId },
  },
  search: (c) => `${c.commonName} ${c.serialNumber}`.toLowerCase(),
  ordering: { signed_at: (c) => c.signedAt, expires_at: (c) => c.expiresAt },
  defaultOrdering: ["-signed_at"],
};

const revokeSpec: ListSpec<RevokeRequestRecord> = {
  filters: {
    status: { kind: "custom", test: (r, v) => r.status === revokeStatusFilter(v) },
    certificate: { kind: "uuid", get: (r) => r.certificateId },
  },
  ordering: { added_at: (r) => r.addedAt },
  defaultOrdering: ["-added_at"],
};

function registerCertificates(app: App): void {
  app.route("/api/cert/certificates/", {
    GET: (ctx) =>
      page(ctx, queryList(ctx.ws.certs.certificates, ctx.query, certificateSpec), (c) =>
        certificateJson(ctx.ws, c),
      ),
  });
  app.route("/api/cert/certificates/:id/", {
    GET: (ctx) => ({
      status: 200,
      body: certificateJson(ctx.ws, byId(ctx.ws.certs.certificates, ctx)),
    }),
  });
}

function registerRevokeRequests(app: App): void {
  app.route("/api/cert/revoke-requests/", {
    GET: (ctx) =>
      page(ctx, queryList(ctx.ws.certs.revokeRequests, ctx.query, revokeSpec), (r) =>
        revokeRequestJson(ctx.ws, r),
      ),
    POST: (ctx) => {
      const certs = ctx.ws.certs;
      const body = new BodyReader(ctx.body);
      const certificate = body.ref(
        "certificate",
        (id) => certs.certificates.all().find((c) => c.id === id),
        { required: true },
      );
      const reason = body.int("reason") ?? 0;
      if (!REASONS.includes(reason)) body.fail("reason", `"${reason}" is not a valid choice.`);
      const requestedReason = body.string("requested_reason", { allowBlank: true }) ?? "";
      body.done();
      const cert = certificate as CertificateRecord;
      if (cert.revokedAt !== null) throw nonFieldError("This certificate is already revoked.");
      if (certs.openRevocation(cert.id)) {
        throw nonFieldError("A revocation request for this certificate is already pending.");
      }
      const request: RevokeRequestRecord = {
        id: ctx.ws.newId(),
        certificateId: cert.id,
        authorityId: cert.authorityId,
        reason,
        requestedReason,
        status: "requested",
        requestedById: ctx.principal.user.id,
        approvedById: null,
        deniedById: null,
        errorMessage: "",
        addedAt: ctx.ws.now(),
        handledAt: null,
        attempt: 0,
      };
      certs.revokeRequests.add(request);
      // The CA owner's or an admin's own request needs nobody else's approval.
      const owner = authorityOf(ctx, cert.authorityId)?.ownerId === ctx.principal.user.id;
      if (isStaff(ctx) || owner) certs.approveRevoke(request, ctx.principal.user.id);
      return { status: 201, body: revokeRequestJson(ctx.ws, request) };
    },
  });
  app.route("/api/cert/revoke-requests/:id/", {
    GET: (ctx) => ({
      status: 200,
      body: revokeRequestJson(ctx.ws, byId(ctx.ws.certs.revokeRequests, ctx)),
    }),
    DELETE: (ctx) => {
      const request = byId(ctx.ws.certs.revokeRequests, ctx);
      requireCaAdminOrRequester(ctx, request.authorityId, request.requestedById);
      if (request.status !== "requested") {
        throw wrongState("cancel", revokeStatusName(ctx.ws, request.status));
      }
      request.status = "canceled";
      request.handledAt = ctx.ws.now();
      ctx.ws.certs.revokeRequests.touch();
      return { status: 204 };
    },
  });
  const name = (ctx: RequestContext, status: RevokeRequestRecord["status"]) =>
    revokeStatusName(ctx.ws, status);
  requestAction<RevokeRequestRecord>(
    app,
    "/api/cert/revoke-requests/",
    (ctx) => ctx.ws.certs.revokeRequests,
    name,
    {
      approve: (ctx, request) => {
        if (request.status !== "requested") throw wrongState("approve", name(ctx, request.status));
        ctx.ws.certs.approveRevoke(request, ctx.principal.user.id);
      },
      deny: (ctx, request) => {
        if (request.status !== "requested") throw wrongState("deny", name(ctx, request.status));
        request.status = "denied";
        request.deniedById = ctx.principal.user.id;
        request.handledAt = ctx.ws.now();
      },
      retry: (ctx, request) => {
        if (request.status !== "revoking") throw wrongState("retry", name(ctx, request.status));
        ctx.ws.certs.dispatchRevoke(request);
      },
    },
  );
}

/** `/api/cert/`: authorities, sign requests, certificates and revocations. */
export function registerCerts(app: App): void {
  registerAuthorities(app);
  registerSignRequests(app);
  registerCertificates(app);
  registerRevokeRequests(app);
}
