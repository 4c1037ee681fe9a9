import { type IterateOptions, iteratePages, type Page } from "../core/pagination.js";
import { type ClientContext, data, Resource } from "../core/resource.js";
import type { RequestOptions } from "../core/transport.js";
import type { QueryOf, Schemas } from "../core/types.js";
import { mapPage } from "./shapes.js";

/**
 * The workspace's private PKI (`/api/cert/`): certificate authorities run by a server's agent,
 * sign requests they approve and sign, the certificates they issued, and revocation requests.
 */
export type CertificateAuthority = Schemas["CertificateAuthority"];
export type CreateCertificateAuthorityBody = Schemas["CertificateAuthorityCreateRequest"];
export type UpdateCertificateAuthorityBody = Schemas["CertificateAuthorityUpdateRequest"];
export type CertificateRevocationList = Schemas["CertificateRevocationList"];
export type ListCertificateAuthoritiesQuery = QueryOf<"listCertificateAuthorities">;

/** A sign request; `status` is read in the MCP's names (see `SIGN_REQUEST_STATUS_ALIASES`). */
export type SignRequest = Schemas["SignRequest"];
export type CreateSignRequestBody = Schemas["SignRequestCreateRequest"];
export type ListSignRequestsQuery = QueryOf<"listSignRequests">;

export type Certificate = Schemas["Certificate"];
export type ListCertificatesQuery = QueryOf<"listCertificates">;

/** A revocation request; `status` is read in the MCP's names (see `REVOKE_REQUEST_STATUS_ALIASES`). */
export type RevokeRequest = Schemas["RevokeRequest"];
export type CreateRevokeRequestBody = Schemas["RevokeRequestCreateRequest"];
export type ListRevokeRequestsQuery = QueryOf<"listRevokeRequests">;

/** The answer of approve, deny and retry: whatever the server said (possibly nothing). */
export type CertRequestActionResult = Schemas["CertRequestActionResult"];

/**
 * Other names for the same states (`alpacon csr ls --help`, `alpacon revoke ls --help`),
 * read as the MCP's (`mcp@22fc34c:tools/cert_tools.py`), which the server source backs.
 * `approved` is left alone: the sources use it for different states.
 */
export const SIGN_REQUEST_STATUS_ALIASES: Readonly<Record<string, string>> = {
  processing: "signing",
  issued: "signed",
  pending: "requested",
};
export const REVOKE_REQUEST_STATUS_ALIASES: Readonly<Record<string, string>> = {
  pending: "requested",
};

function withStatus<T extends { status: string }>(aliases: Readonly<Record<string, string>>) {
  return (item: T): T => ({ ...item, status: aliases[item.status] ?? item.status });
}

const toSignRequest = withStatus<SignRequest>(SIGN_REQUEST_STATUS_ALIASES);
const toRevokeRequest = withStatus<RevokeRequest>(REVOKE_REQUEST_STATUS_ALIASES);

/** A 200 without a body (the CLI's tests) reads as `{}`; a status is normalised like the lists'. */
function toActionResult(
  body: CertRequestActionResult | undefined | null | string,
  aliases: Readonly<Record<string, string>>,
): CertRequestActionResult {
  if (!body || typeof body !== "object") return {};
  const status = body.status;
  return typeof status === "string" ? { ...body, status: aliases[status] ?? status } : body;
}

export class CertificateAuthorities extends Resource {
  /** One page of authorities: `listCertificateAuthorities`. */
  list(
    query: ListCertificateAuthoritiesQuery = {},
    options?: RequestOptions,
  ): Promise<Page<CertificateAuthority>> {
    return data(
      this.http.GET("/api/cert/authorities/", { params: { query }, ...this.request(options) }),
    );
  }

  iterate(
    query: ListCertificateAuthoritiesQuery = {},
    options: IterateOptions & RequestOptions = {},
  ): AsyncGenerator<CertificateAuthority> {
    return iteratePages((page) => this.list(page, options), query, options);
  }

  /**
   * `createCertificateAuthority`: the CA runs on `agent` (a server id) and belongs to `owner`;
   * the answer's `instruction` says how to install it. Never retried.
   */
  create(
    body: CreateCertificateAuthorityBody,
    options?: RequestOptions,
  ): Promise<CertificateAuthority> {
    return data(this.http.POST("/api/cert/authorities/", { body, ...this.request(options) }));
  }

  /** `getCertificateAuthority`, with the root certificate in `crt_text`. */
  get(id: string, options?: RequestOptions): Promise<CertificateAuthority> {
    return data(
      this.http.GET("/api/cert/authorities/{id}/", {
        params: { path: { id } },
        ...this.request(options),
      }),
    );
  }

  /** `updateCertificateAuthority` (PATCH): `default_valid_days`, `max_valid_days`, `owner`. */
  update(
    id: string,
    body: UpdateCertificateAuthorityBody,
    options?: RequestOptions,
  ): Promise<CertificateAuthority> {
    return data(
      this.http.PATCH("/api/cert/authorities/{id}/", {
        params: { path: { id } },
        body,
        ...this.request(options),
      }),
    );
  }

  /** `deleteCertificateAuthority`: irreversible; what it issued can no longer be verified. */
  async delete(id: string, options?: RequestOptions): Promise<void> {
    await this.http.DELETE("/api/cert/authorities/{id}/", {
      params: { path: { id } },
      ...this.request(options),
    });
  }

  /** `getCertificateRevocationList`: the CA's current CRL in PEM. */
  crl(id: string, options?: RequestOptions): Promise<CertificateRevocationList> {
    return data(
      this.http.GET("/api/cert/authorities/{id}/crl/", {
        params: { path: { id } },
        ...this.request(options),
      }),
    );
  }
}

type ActionPath =
  | "/api/cert/sign-requests/{id}/approve/"
  | "/api/cert/sign-requests/{id}/deny/"
  | "/api/cert/sign-requests/{id}/retry/"
  | "/api/cert/revoke-requests/{id}/approve/"
  | "/api/cert/revoke-requests/{id}/deny/"
  | "/api/cert/revoke-requests/{id}/retry/";

/** Approve, deny and retry of sign and revoke requests: a POST of `{}`, whatever comes back. */
abstract class CertRequests extends Resource {
  protected abstract readonly aliases: Readonly<Record<string, string>>;

  protected async action(
    path: ActionPath,
    id: string,
    options?: RequestOptions,
  ): Promise<CertRequestActionResult> {
    const body = await data(
      this.http.POST(path, { params: { path: { id } }, body: {}, ...this.request(options) }),
    );
    return toActionResult(body, this.aliases);
  }
}

export class SignRequests extends CertRequests {
  protected readonly aliases = SIGN_REQUEST_STATUS_ALIASES;

  /** One page of sign requests: `listSignRequests`. */
  async list(
    query: ListSignRequestsQuery = {},
    options?: RequestOptions,
  ): Promise<Page<SignRequest>> {
    const page = await data(
      this.http.GET("/api/cert/sign-requests/", { params: { query }, ...this.request(options) }),
    );
    return mapPage(page, toSignRequest);
  }

  iterate(
    query: ListSignRequestsQuery = {},
    options: IterateOptions & RequestOptions = {},
  ): AsyncGenerator<SignRequest> {
    return iteratePages((page) => this.list(page, options), query, options);
  }

  /**
   * `createSignRequest`: at least one name in `domain_list` or `ip_list`; the server picks the
   * CA whose domain covers them. Send the CSR now (`csr_text`) or later with `submitCsr`.
   */
  async create(body: CreateSignRequestBody, options?: RequestOptions): Promise<SignRequest> {
    const names = (body.domain_list?.length ?? 0) + (body.ip_list?.length ?? 0);
    if (names === 0) {
      throw new TypeError("A sign request needs at least one name in domain_list or ip_list.");
    }
    return toSignRequest(
      await data(this.http.POST("/api/cert/sign-requests/", { body, ...this.request(options) })),
    );
  }

  /** `getSignRequest`; once `signed`, `crt_text` holds the certificate. */
  async get(id: string, options?: RequestOptions): Promise<SignRequest> {
    return toSignRequest(
      await data(
        this.http.GET("/api/cert/sign-requests/{id}/", {
          params: { path: { id } },
          ...this.request(options),
        }),
      ),
    );
  }

  /** `deleteSignRequest`: cancels a `requested` request (it stays listed as `canceled`). */
  async delete(id: string, options?: RequestOptions): Promise<void> {
    await this.http.DELETE("/api/cert/sign-requests/{id}/", {
      params: { path: { id } },
      ...this.request(options),
    });
  }

  /** `submitSignRequestCsr` (PATCH): the PEM CSR for a `requested` request. */
  async submitCsr(id: string, csrText: string, options?: RequestOptions): Promise<void> {
    await this.http.PATCH("/api/cert/sign-requests/{id}/submit/", {
      params: { path: { id } },
      body: { csr_text: csrText },
      ...this.request(options),
    });
  }

  /** `approveSignRequest`: `requested` → `signing`; the CA then signs. */
  approve(id: string, options?: RequestOptions): Promise<CertRequestActionResult> {
    return this.action("/api/cert/sign-requests/{id}/approve/", id, options);
  }

  /** `denySignRequest`. */
  deny(id: string, options?: RequestOptions): Promise<CertRequestActionResult> {
    return this.action("/api/cert/sign-requests/{id}/deny/", id, options);
  }

  /** `retrySignRequest`: re-sends a request stuck in `signing` to the CA's agent. */
  retry(id: string, options?: RequestOptions): Promise<CertRequestActionResult> {
    return this.action("/api/cert/sign-requests/{id}/retry/", id, options);
  }
}

export class RevokeRequests extends CertRequests {
  protected readonly aliases = REVOKE_REQUEST_STATUS_ALIASES;

  /** One page of revocation requests: `listRevokeRequests`. */
  async list(
    query: ListRevokeRequestsQuery = {},
    options?: RequestOptions,
  ): Promise<Page<RevokeRequest>> {
    const page = await data(
      this.http.GET("/api/cert/revoke-requests/", { params: { query }, ...this.request(options) }),
    );
    return mapPage(page, toRevokeRequest);
  }

  iterate(
    query: ListRevokeRequestsQuery = {},
    options: IterateOptions & RequestOptions = {},
  ): AsyncGenerator<RevokeRequest> {
    return iteratePages((page) => this.list(page, options), query, options);
  }

  /**
   * `createRevokeRequest`: asks for a certificate's revocation (`reason` an RFC 5280 code). A CA
   * owner's or an admin's request is approved at once. Never retried.
   */
  async create(body: CreateRevokeRequestBody, options?: RequestOptions): Promise<RevokeRequest> {
    return toRevokeRequest(
      await data(this.http.POST("/api/cert/revoke-requests/", { body, ...this.request(options) })),
    );
  }

  /** `getRevokeRequest`. */
  async get(id: string, options?: RequestOptions): Promise<RevokeRequest> {
    return toRevokeRequest(
      await data(
        this.http.GET("/api/cert/revoke-requests/{id}/", {
          params: { path: { id } },
          ...this.request(options),
        }),
      ),
    );
  }

  /** `cancelRevokeRequest` (DELETE): withdraws a `requested` revocation. */
  async cancel(id: string, options?: RequestOptions): Promise<void> {
    await this.http.DELETE("/api/cert/revoke-requests/{id}/", {
      params: { path: { id } },
      ...this.request(options),
    });
  }

  /** `approveRevokeRequest`: the certificate is revoked and put on the CA's CRL. */
  approve(id: string, options?: RequestOptions): Promise<CertRequestActionResult> {
    return this.action("/api/cert/revoke-requests/{id}/approve/", id, options);
  }

  /** `denyRevokeRequest`: the certificate stays valid. */
  deny(id: string, options?: RequestOptions): Promise<CertRequestActionResult> {
    return this.action("/api/cert/revoke-requests/{id}/deny/", id, options);
  }

  /** `retryRevokeRequest`: re-sends a request stuck in `revoking` to the CA's agent. */
  retry(id: string, options?: RequestOptions): Promise<CertRequestActionResult> {
    return this.action("/api/cert/revoke-requests/{id}/retry/", id, options);
  }
}

/** `client.certificates`: issued certificates, with the PKI's other parts beside them. */
export class Certificates extends Resource {
  readonly authorities: CertificateAuthorities;
  readonly signRequests: SignRequests;
  readonly revokeRequests: RevokeRequests;

  constructor(context: ClientContext) {
    super(context);
    this.authorities = new CertificateAuthorities(context);
    this.signRequests = new SignRequests(context);
    this.revokeRequests = new RevokeRequests(context);
  }

  /** One page of issued certificates: `listCertificates` (`csr__authority__id` narrows by CA). */
  list(query: ListCertificatesQuery = {}, options?: RequestOptions): Promise<Page<Certificate>> {
    return data(
      this.http.GET("/api/cert/certificates/", { params: { query }, ...this.request(options) }),
    );
  }

  iterate(
    query: ListCertificatesQuery = {},
    options: IterateOptions & RequestOptions = {},
  ): AsyncGenerator<Certificate> {
    return iteratePages((page) => this.list(page, options), query, options);
  }

  /** `getCertificate`, with the PEM in `crt_text`. */
  get(id: string, options?: RequestOptions): Promise<Certificate> {
    return data(
      this.http.GET("/api/cert/certificates/{id}/", {
        params: { path: { id } },
        ...this.request(options),
      }),
    );
  }
}
