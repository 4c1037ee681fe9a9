import { createHash } from "node:crypto";
import type { SealKeys } from "./seal.js";

// Who may start a login here: clients registered by RFC 7591 (their client_id is the sealed
// registration itself, so no instance stores anything) or named by a client ID metadata document
// (an https URL whose JSON lists the redirect URIs).

/** A client as /authorize and /token see it. */
export interface OAuthClient {
  clientId: string;
  redirectUris: string[];
  clientName: string | undefined;
}

/** An OAuth error answer: `error` code and a description for people. */
export class OAuthFailure extends Error {
  constructor(
    readonly error: string,
    description: string,
    readonly status = 400,
  ) {
    super(description);
  }
}

const MAX_REDIRECT_URIS = 20;
const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * The reference server's default callbacks (alpacax/alpacon-mcp@22fc34c utils/oauth.py
 * `_DEFAULT_REDIRECT_URIS`): registration is open, so only these (or a deployment's own list)
 * and loopback may receive a code; anything else would let whoever registers a URI collect the
 * codes of people who follow their link.
 */
export const DEFAULT_REDIRECT_URIS = [
  "https://claude.ai/api/mcp/auth_callback",
  "https://claude.com/api/mcp/auth_callback",
  "https://chatgpt.com/connector_platform_oauth_redirect",
  "https://www.cursor.com/agents/mcp/oauth/callback",
  "https://vscode.dev/redirect/",
  "https://antigravity.google/oauth-callback",
];

export interface ClientPolicy {
  /** Non-loopback redirect URIs allowed, exactly (`ALPACON_MCP_OAUTH_REDIRECT_URIS`). */
  redirectUris: readonly string[];
  /** Whether URL client ids (client ID metadata documents) are accepted. */
  metadataDocuments: boolean;
  /** Accept client ID metadata documents served over http from loopback (tests, local dev). */
  insecureLoopbackMetadata?: boolean | undefined;
}

/** Why a redirect URI may not receive codes, or undefined when it may. */
export function redirectUriProblem(uri: string, policy: ClientPolicy): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return `${uri} is not an absolute URL`;
  }
  if (url.hash || uri.includes("#")) return `${uri} has a fragment`;
  // RFC 8252 §7.3: native apps listen on loopback; the browser binding guards what comes back.
  if (LOOPBACK.has(url.hostname) && (url.protocol === "http:" || url.protocol === "https:")) {
    return undefined;
  }
  if (policy.redirectUris.includes(uri)) return undefined;
  return `${uri} is neither a loopback URL nor one of this server's allowed callbacks (ALPACON_MCP_OAUTH_REDIRECT_URIS)`;
}

/** RFC 7591 registration: checks the metadata and returns the client_id that seals it. */
export async function registerClient(
  body: unknown,
  keys: SealKeys,
  policy: ClientPolicy,
): Promise<Record<string, unknown>> {
  if (!body || typeof body !== "object" || Array.isArray(body)) {
    throw new OAuthFailure(
      "invalid_client_metadata",
      "The body must be a JSON object of client metadata.",
    );
  }
  const metadata = body as Record<string, unknown>;
  const redirectUris = checkedRedirectUris(metadata.redirect_uris, policy, "invalid_redirect_uri");
  for (const [field, allowed] of [
    ["grant_types", ["authorization_code", "refresh_token"]],
    ["response_types", ["code"]],
  ] as const) {
    const value = metadata[field];
    if (value === undefined) continue;
    if (
      !Array.isArray(value) ||
      value.some((item) => !(allowed as readonly string[]).includes(item))
    ) {
      throw new OAuthFailure(
        "invalid_client_metadata",
        `${field} may only contain ${allowed.join(", ")}.`,
      );
    }
  }
  const clientName =
    typeof metadata.client_name === "string" ? metadata.client_name.slice(0, 200) : undefined;
  const clientId = await keys.seal("client", {
    ru: redirectUris,
    ...(clientName ? { cn: clientName } : {}),
  });
  return {
    client_id: clientId,
    client_id_issued_at: Math.floor(Date.now() / 1000),
    redirect_uris: redirectUris,
    ...(clientName ? { client_name: clientName } : {}),
    grant_types: ["authorization_code", "refresh_token"],
    response_types: ["code"],
    // Public clients: PKCE, not a secret, proves the code's owner.
    token_endpoint_auth_method: "none",
  };
}

/** The client a `client_id` names: a sealed registration, or a metadata document's URL. */
export async function resolveClient(
  clientId: string,
  keys: SealKeys,
  policy: ClientPolicy,
  documents: MetadataDocuments,
): Promise<OAuthClient> {
  if (/^https?:\/\//.test(clientId)) {
    if (!policy.metadataDocuments) {
      throw new OAuthFailure(
        "invalid_client",
        "This server does not accept URL client ids; register the client (POST /register).",
        401,
      );
    }
    return documents.get(clientId, policy);
  }
  const claims = await keys.open("client", clientId);
  const uris = claims?.ru;
  if (!Array.isArray(uris) || uris.some((uri) => typeof uri !== "string")) {
    throw new OAuthFailure(
      "invalid_client",
      "Unknown client_id: register the client again (POST /register).",
      401,
    );
  }
  return {
    clientId,
    redirectUris: uris as string[],
    clientName: typeof claims!.cn === "string" ? claims!.cn : undefined,
  };
}

/** A short, fixed-length stand-in for a client_id inside other sealed values. */
export function clientDigest(clientId: string): string {
  return createHash("sha256").update(clientId).digest("base64url");
}

/**
 * Client ID metadata documents (draft-ietf-oauth-client-id-metadata-document): fetched, checked
 * and kept for five minutes per instance. Only https (loopback http when the policy allows it for
 * tests), no redirects followed, small bodies only.
 */
export class MetadataDocuments {
  private readonly cache = new Map<string, { client: OAuthClient; until: number }>();

  async get(url: string, policy: ClientPolicy): Promise<OAuthClient> {
    const cached = this.cache.get(url);
    if (cached && cached.until > Date.now()) return cached.client;
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new OAuthFailure("invalid_client", "client_id is not a valid URL.", 401);
    }
    const loopback = LOOPBACK.has(parsed.hostname);
    const secure =
      parsed.protocol === "https:" || (policy.insecureLoopbackMetadata === true && loopback);
    if (!secure || parsed.pathname === "/" || parsed.hash || parsed.username || parsed.password) {
      throw new OAuthFailure(
        "invalid_client",
        "A URL client_id must be an https URL with a path, no fragment and no credentials.",
        401,
      );
    }
    let document: unknown;
    try {
      const response = await fetch(url, {
        headers: { Accept: "application/json" },
        redirect: "error",
        signal: AbortSignal.timeout(5_000),
      });
      const text = await response.text();
      if (!response.ok || text.length > 65_536) throw new Error(`HTTP ${response.status}`);
      document = JSON.parse(text);
    } catch (error) {
      throw new OAuthFailure(
        "invalid_client",
        `The client metadata document at ${url} could not be read (${(error as Error).message}).`,
        401,
      );
    }
    const metadata = (document ?? {}) as Record<string, unknown>;
    if (metadata.client_id !== url) {
      throw new OAuthFailure(
        "invalid_client",
        "The client metadata document names another client_id.",
        401,
      );
    }
    const client: OAuthClient = {
      clientId: url,
      redirectUris: checkedRedirectUris(metadata.redirect_uris, policy, "invalid_client"),
      clientName: typeof metadata.client_name === "string" ? metadata.client_name : undefined,
    };
    this.cache.set(url, { client, until: Date.now() + 5 * 60_000 });
    if (this.cache.size > 1000) this.cache.delete(this.cache.keys().next().value!);
    return client;
  }
}

function checkedRedirectUris(value: unknown, policy: ClientPolicy, error: string): string[] {
  // invalid_client answers 401 (RFC 6749 §5.2); a registration's bad metadata 400 (RFC 7591).
  const status = error === "invalid_client" ? 401 : 400;
  if (
    !Array.isArray(value) ||
    value.length === 0 ||
    value.length > MAX_REDIRECT_URIS ||
    value.some((uri) => typeof uri !== "string" || uri.length > 2000)
  ) {
    throw new OAuthFailure(
      error,
      `redirect_uris must be an array of 1 to ${MAX_REDIRECT_URIS} URLs.`,
      status,
    );
  }
  for (const uri of value as string[]) {
    const problem = redirectUriProblem(uri, policy);
    if (problem) throw new OAuthFailure(error, `redirect_uris: ${problem}.`, status);
  }
  return value as string[];
}
