import { createRemoteJWKSet, type JWTPayload, errors as joseErrors, jwtVerify } from "jose";

// The workspace's identity provider (Auth0 in production, the sandbox's in tests), reached only
// through OIDC discovery: its issuer URL is all the configuration names.

export interface UpstreamOptions {
  /** The issuer URL; discovery reads `<issuer>/.well-known/openid-configuration`. */
  issuer: string;
  /** This server's client at the identity provider. */
  clientId: string;
  /** Its secret, when the provider registered it as a confidential client. */
  clientSecret?: string | undefined;
  /** The `aud` Alpacon access tokens carry (Auth0: `https://alpacon.io/access/`). */
  audience: string;
}

interface Discovery {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
}

/** A verified access token: who it is for and until when. */
export interface VerifiedToken {
  subject: string;
  expiresAt: number;
  claims: JWTPayload;
}

/** Why a bearer token was refused, in words safe to log and to send (never the token). */
export class TokenRejected extends Error {}

export class Upstream {
  private discovery: Promise<Discovery> | undefined;
  private jwks: ReturnType<typeof createRemoteJWKSet> | undefined;

  constructor(readonly options: UpstreamOptions) {}

  /** The discovery document, fetched once (again after a failure). */
  metadata(): Promise<Discovery> {
    this.discovery ??= this.discover().catch((error: unknown) => {
      this.discovery = undefined;
      throw error;
    });
    return this.discovery;
  }

  /** Checks signature (the provider's JWKS, cached by jose), issuer, audience and expiry. */
  async verify(token: string): Promise<VerifiedToken> {
    const meta = await this.metadata();
    this.jwks ??= createRemoteJWKSet(new URL(meta.jwks_uri));
    try {
      const { payload } = await jwtVerify(token, this.jwks, {
        issuer: meta.issuer,
        audience: this.options.audience,
        algorithms: ["RS256", "PS256", "ES256"],
        requiredClaims: ["sub", "exp"],
      });
      return { subject: payload.sub!, expiresAt: payload.exp! * 1000, claims: payload };
    } catch (error) {
      // The provider's keys out of reach is no verdict on the token: no re-login for that.
      if (error instanceof joseErrors.JWKSTimeout || !(error instanceof joseErrors.JOSEError)) {
        throw new Error(
          `the identity provider's keys could not be fetched (${(error as Error).message})`,
        );
      }
      throw new TokenRejected(rejection(error));
    }
  }

  /** POSTs a grant to the provider's token endpoint with this server's client credentials. */
  async token(
    grant: Record<string, string>,
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const meta = await this.metadata();
    const form = new URLSearchParams({ ...grant, client_id: this.options.clientId });
    if (this.options.clientSecret) form.set("client_secret", this.options.clientSecret);
    const response = await fetch(meta.token_endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
      body: form,
      redirect: "error",
      signal: AbortSignal.timeout(15_000),
    });
    const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    return { status: response.status, body: body && typeof body === "object" ? body : {} };
  }

  private async discover(): Promise<Discovery> {
    const base = this.options.issuer.replace(/\/+$/, "");
    const url = `${base}/.well-known/openid-configuration`;
    const response = await fetch(url, {
      headers: { Accept: "application/json" },
      redirect: "error",
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) {
      throw new Error(
        `The identity provider's discovery document (${url}) answered HTTP ${response.status}.`,
      );
    }
    const doc = (await response.json()) as Partial<Discovery>;
    for (const field of [
      "issuer",
      "authorization_endpoint",
      "token_endpoint",
      "jwks_uri",
    ] as const) {
      if (typeof doc[field] !== "string") {
        throw new Error(`The identity provider's discovery document (${url}) has no ${field}.`);
      }
    }
    // OIDC Discovery §4.3: the document must name the issuer it was fetched for.
    if (doc.issuer!.replace(/\/+$/, "") !== base) {
      throw new Error(`The identity provider at ${url} names another issuer (${doc.issuer}).`);
    }
    return doc as Discovery;
  }
}

function rejection(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return "the access token has expired";
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    return `the access token's ${error.claim} claim is not accepted here (${error.reason})`;
  }
  if (error instanceof joseErrors.JWKSNoMatchingKey) {
    return "the access token is not signed by a key of the identity provider";
  }
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) {
    return "the access token's signature is not valid";
  }
  if (error instanceof joseErrors.JOSEAlgNotAllowed) {
    return "the access token uses a signing algorithm not accepted here";
  }
  return "the access token is not a valid JWT";
}
