import { createHash, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { LogLevel } from "../../server/log.js";
import type { StepUpKind } from "../../server/step-up.js";
import {
  type ClientPolicy,
  clientDigest,
  DEFAULT_REDIRECT_URIS,
  MetadataDocuments,
  OAuthFailure,
  registerClient,
  resolveClient,
} from "./clients.js";
import { MemoryReplayGuard, type ReplayGuard } from "./replay.js";
import { SealKeys } from "./seal.js";
import { TokenRejected, Upstream, type UpstreamOptions } from "./upstream.js";

export { MemoryReplayGuard, type ReplayGuard } from "./replay.js";

/** `--auth oauth`: this server as an OAuth protected resource and authorization server front. */
export interface OAuthOptions extends UpstreamOptions {
  /**
   * The URL clients reach this server at (`https://mcp.example.com`), behind TLS termination.
   * Required off loopback: Host and X-Forwarded-* headers are not trusted to build it.
   */
  publicUrl?: string | undefined;
  /** Sealing keys, newest first (`ALPACON_MCP_OAUTH_KEY`, comma-separated). */
  keys: readonly string[];
  /** Non-loopback redirect URIs clients may register; default the reference server's list. */
  redirectUris?: readonly string[] | undefined;
  /** Spent authorization codes; default in memory (one instance's view, see README). */
  replayGuard?: ReplayGuard | undefined;
  /**
   * Accept client ID metadata documents (URL client ids), default true. The server then fetches
   * the https URL a client names: turn it off where that reach into the network is unwanted.
   */
  clientMetadataDocuments?: boolean | undefined;
  /** Accept http client ID metadata documents from loopback (tests, local development). */
  insecureLoopbackMetadata?: boolean | undefined;
}

/** The person behind a request: verified once per request, their token used for every API call. */
export interface Caller {
  subject: string;
  token: string;
  expiresAt: number;
}

export interface OAuth {
  /** The paths `route` serves. */
  paths: ReadonlySet<string>;
  /** Serves the metadata and authorization endpoints; false when `path` is none of them. */
  route(request: IncomingMessage, response: ServerResponse, path: string): Promise<boolean>;
  /** The verified caller, or undefined after answering 401 with the RFC 9728 challenge. */
  authenticate(request: IncomingMessage, response: ServerResponse): Promise<Caller | undefined>;
  /** The 401 challenge for a step-up to MFA (reference: auth_error_middleware.py `_send_401`). */
  stepUpChallenge(request: IncomingMessage, kind: StepUpKind): string;
}

/** Scopes passed on to the identity provider; `mfa` is the reference's step-up pseudo-scope. */
const BASE_SCOPES = ["openid", "profile", "email", "offline_access"];
const MFA_SCOPE = "mfa";
// OpenID PAPE multi-factor: what Auth0 (and the sandbox provider) read as "ask for MFA now".
const MFA_ACR = "http://schemas.openid.net/pape/policies/2007/06/multi-factor";
const FLOW_TTL = 600; // a login plus MFA (the reference's _STATE_TTL_SECONDS)
const CODE_TTL = 120;
const PKCE_CHALLENGE = /^[A-Za-z0-9\-._~]{43}$/; // a base64url SHA-256, RFC 7636 §4.2
const PKCE_VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

export function createOAuth(
  options: OAuthOptions,
  log: (level: LogLevel, message: string) => void,
): OAuth {
  const keys = new SealKeys(options.keys);
  const upstream = new Upstream(options);
  const replay = options.replayGuard ?? new MemoryReplayGuard();
  const documents = new MetadataDocuments();
  const policy: ClientPolicy = {
    redirectUris: options.redirectUris ?? DEFAULT_REDIRECT_URIS,
    insecureLoopbackMetadata: options.insecureLoopbackMetadata,
    metadataDocuments: options.clientMetadataDocuments ?? true,
  };
  const fixedBase = options.publicUrl?.replace(/\/+$/, "");

  /** The public base URL; from the (already checked, loopback) Host only without publicUrl. */
  function base(request: IncomingMessage): string {
    return fixedBase ?? `http://${request.headers.host}`;
  }
  const cookieName = (secure: boolean) =>
    secure ? "__Host-alpacon_mcp_oauth" : "alpacon_mcp_oauth";

  const routes: Record<
    string,
    (request: IncomingMessage, response: ServerResponse) => Promise<void>
  > = {
    "/.well-known/oauth-protected-resource": async (request, response) =>
      json(response, 200, resourceMetadata(base(request)), PUBLIC),
    "/.well-known/oauth-protected-resource/mcp": async (request, response) =>
      json(response, 200, resourceMetadata(base(request)), PUBLIC),
    "/.well-known/oauth-authorization-server": async (request, response) =>
      json(response, 200, serverMetadata(base(request)), PUBLIC),
    "/register": async (request, response) => {
      if (request.method !== "POST") throw new OAuthFailure("invalid_request", "Use POST.", 405);
      const body = await readBody(request, "json");
      const registered = await registerClient(body, keys, policy);
      log(
        "info",
        `oauth: registered a client${registered.client_name ? ` (${String(registered.client_name).slice(0, 60)})` : ""}`,
      );
      json(response, 201, registered, NO_STORE);
    },
    "/authorize": async (request, response) => authorize(request, response),
    "/oauth/callback": async (request, response) => callback(request, response),
    "/token": async (request, response) => {
      if (request.method !== "POST") throw new OAuthFailure("invalid_request", "Use POST.", 405);
      const params = (await readBody(request, "form")) as Record<string, string>;
      json(response, 200, await token(request, params), NO_STORE);
    },
  };

  async function authorize(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const query = new URL(request.url ?? "/", "http://localhost").searchParams;
    const one = (name: string) =>
      query.getAll(name).length > 1 ? undefined : (query.get(name) ?? undefined);
    const client = await resolveClient(one("client_id") ?? "", keys, policy, documents);
    const redirectUri = one("redirect_uri");
    // Exact string match (RFC 9700 §4.1.3): no prefix, port or path leeway. Until it matches,
    // errors are shown here, never sent to the URI (an open redirect otherwise).
    if (!redirectUri || !client.redirectUris.includes(redirectUri)) {
      throw new OAuthFailure(
        "invalid_request",
        "redirect_uri is missing or is not one the client registered (exact match).",
      );
    }
    const state = one("state");
    const back = (error: string, description: string) =>
      redirect(
        response,
        withParams(redirectUri, {
          error,
          error_description: description,
          state,
          iss: base(request),
        }),
      );
    if (one("response_type") !== "code")
      return back("unsupported_response_type", "Only response_type=code is supported.");
    const challenge = one("code_challenge");
    if (!challenge || one("code_challenge_method") !== "S256") {
      return back(
        "invalid_request",
        "PKCE is required, with code_challenge_method=S256 (plain is refused).",
      );
    }
    if (!PKCE_CHALLENGE.test(challenge))
      return back("invalid_request", "code_challenge is not a base64url SHA-256 digest.");
    if (state !== undefined && state.length > 1024)
      return back("invalid_request", "state is longer than 1024 characters.");
    const resource = one("resource");
    if (
      resource !== undefined &&
      resource !== `${base(request)}/mcp` &&
      resource !== base(request)
    ) {
      return back("invalid_target", `resource must be ${base(request)}/mcp.`);
    }
    const requested = (one("scope") ?? "").split(" ").filter(Boolean);
    const mfa = requested.includes(MFA_SCOPE);
    const scope = [
      ...new Set([...BASE_SCOPES, ...requested.filter((item) => BASE_SCOPES.includes(item))]),
    ];
    // Browser binding: the callback must come back to the browser that started here.
    const nonce = randomBytes(32).toString("base64url");
    const flow = await keys.seal(
      "flow",
      {
        cid: clientDigest(client.clientId),
        ru: redirectUri,
        cc: challenge,
        st: state,
        nh: digest(nonce),
      },
      FLOW_TTL,
    );
    const meta = await upstream.metadata();
    const target = withParams(meta.authorization_endpoint, {
      response_type: "code",
      client_id: options.clientId,
      redirect_uri: `${base(request)}/oauth/callback`,
      scope: scope.join(" "),
      audience: options.audience,
      state: flow,
      // The client's own challenge: the provider checks its verifier at /token (see README).
      code_challenge: challenge,
      code_challenge_method: "S256",
      acr_values: mfa ? MFA_ACR : undefined,
      prompt: mfa ? "login" : undefined,
    });
    const secure = base(request).startsWith("https:");
    response.setHeader("Set-Cookie", cookie(cookieName(secure), nonce, FLOW_TTL, secure));
    log(
      "info",
      `oauth: login started for a client${client.clientName ? ` (${client.clientName.slice(0, 60)})` : ""}${mfa ? " with MFA step-up" : ""}`,
    );
    redirect(response, target);
  }

  async function callback(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const query = new URL(request.url ?? "/", "http://localhost").searchParams;
    const flow = await keys.open("flow", query.get("state") ?? "");
    const secure = base(request).startsWith("https:");
    const nonce = readCookie(request, cookieName(secure));
    if (!flow || typeof flow.nh !== "string" || !nonce || !sameText(flow.nh, digest(nonce))) {
      log(
        "notice",
        "oauth: refused a callback with an invalid or expired state, or from another browser",
      );
      throw new OAuthFailure(
        "invalid_request",
        "Invalid or expired state, or this browser did not start the login. Start again from your MCP client.",
      );
    }
    response.setHeader("Set-Cookie", cookie(cookieName(secure), "", 0, secure));
    const redirectUri = String(flow.ru);
    const state = typeof flow.st === "string" ? flow.st : undefined;
    const error = query.get("error");
    const upstreamCode = query.get("code");
    if (error || !upstreamCode) {
      return redirect(
        response,
        withParams(redirectUri, {
          error: error ?? "server_error",
          error_description: (
            query.get("error_description") ?? "The identity provider returned no code."
          ).slice(0, 300),
          state,
          iss: base(request),
        }),
      );
    }
    const code = await keys.seal(
      "code",
      { uc: upstreamCode, cid: flow.cid, ru: redirectUri, cc: flow.cc, jti: randomUUID() },
      CODE_TTL,
    );
    redirect(response, withParams(redirectUri, { code, state, iss: base(request) }));
  }

  async function token(
    request: IncomingMessage,
    params: Record<string, string>,
  ): Promise<Record<string, unknown>> {
    const clientId = params.client_id;
    if (!clientId)
      throw new OAuthFailure(
        "invalid_client",
        "client_id is required (public clients send it in the body).",
        401,
      );
    // invalid_client (a registration sealed under a retired key) makes SDK clients register again.
    await resolveClient(clientId, keys, policy, documents);
    const cid = clientDigest(clientId);
    if (params.grant_type === "authorization_code") {
      const code = await keys.open("code", params.code ?? "");
      if (!code || code.cid !== cid)
        throw new OAuthFailure(
          "invalid_grant",
          "The authorization code is invalid, expired or for another client.",
        );
      if (params.redirect_uri !== code.ru)
        throw new OAuthFailure(
          "invalid_grant",
          "redirect_uri does not match the authorization request.",
        );
      const verifier = params.code_verifier ?? "";
      if (!PKCE_VERIFIER.test(verifier) || !sameText(digest(verifier), String(code.cc))) {
        throw new OAuthFailure("invalid_grant", "code_verifier does not match the code_challenge.");
      }
      if (!(await replay.claim(String(code.jti), (code.exp ?? 0) * 1000))) {
        log("notice", "oauth: refused an authorization code used a second time");
        throw new OAuthFailure("invalid_grant", "The authorization code was already used.");
      }
      return exchange(cid, {
        grant_type: "authorization_code",
        code: String(code.uc),
        redirect_uri: `${base(request)}/oauth/callback`,
        code_verifier: verifier,
      });
    }
    if (params.grant_type === "refresh_token") {
      const sealed = await keys.open("refresh", params.refresh_token ?? "");
      if (!sealed || sealed.cid !== cid)
        throw new OAuthFailure(
          "invalid_grant",
          "The refresh token is invalid or was issued to another client.",
        );
      return exchange(
        cid,
        { grant_type: "refresh_token", refresh_token: String(sealed.rt) },
        String(sealed.rt),
      );
    }
    throw new OAuthFailure(
      "unsupported_grant_type",
      "grant_type must be authorization_code or refresh_token.",
    );
  }

  /** Trades a grant at the provider; returns its access token (the Alpacon JWT) as is. */
  async function exchange(
    cid: string,
    grant: Record<string, string>,
    previousRefresh?: string,
  ): Promise<Record<string, unknown>> {
    let answer: Awaited<ReturnType<Upstream["token"]>>;
    try {
      answer = await upstream.token(grant);
    } catch (error) {
      log(
        "error",
        `oauth: the identity provider's token endpoint failed: ${(error as Error).message}`,
      );
      throw new OAuthFailure(
        "temporarily_unavailable",
        "The identity provider could not be reached; retry shortly.",
        503,
      );
    }
    const { status, body } = answer;
    if (status !== 200 || typeof body.access_token !== "string") {
      const error = typeof body.error === "string" ? body.error : "server_error";
      log(
        "notice",
        `oauth: the identity provider refused a ${grant.grant_type} grant (HTTP ${status}, ${error})`,
      );
      if (error === "invalid_grant")
        throw new OAuthFailure(
          "invalid_grant",
          "The identity provider refused the grant (expired, revoked or already used): sign in again.",
        );
      throw new OAuthFailure(
        "server_error",
        `The identity provider answered HTTP ${status} (${error}).`,
        502,
      );
    }
    // Only tokens this server would accept later go out: a misconfigured audience shows here.
    await upstream.verify(body.access_token).catch((error: unknown) => {
      log(
        "error",
        `oauth: the identity provider issued a token this server refuses: ${(error as Error).message}`,
      );
      throw new OAuthFailure(
        "server_error",
        "The identity provider issued an access token for another audience or issuer.",
        502,
      );
    });
    const refresh = typeof body.refresh_token === "string" ? body.refresh_token : previousRefresh;
    return {
      access_token: body.access_token,
      token_type: "Bearer",
      ...(typeof body.expires_in === "number" ? { expires_in: body.expires_in } : {}),
      ...(typeof body.scope === "string" ? { scope: body.scope } : {}),
      // Sealed and bound to the client: useless to another client, or outside this deployment.
      ...(refresh ? { refresh_token: await keys.seal("refresh", { rt: refresh, cid }) } : {}),
    };
  }

  function resourceMetadata(root: string): Record<string, unknown> {
    return {
      resource: `${root}/mcp`,
      authorization_servers: [root],
      bearer_methods_supported: ["header"],
      scopes_supported: BASE_SCOPES,
      resource_name: "Alpacon MCP server",
    };
  }

  function serverMetadata(root: string): Record<string, unknown> {
    return {
      issuer: root,
      authorization_endpoint: `${root}/authorize`,
      token_endpoint: `${root}/token`,
      registration_endpoint: `${root}/register`,
      response_types_supported: ["code"],
      grant_types_supported: ["authorization_code", "refresh_token"],
      code_challenge_methods_supported: ["S256"],
      token_endpoint_auth_methods_supported: ["none"],
      scopes_supported: BASE_SCOPES,
      client_id_metadata_document_supported: policy.metadataDocuments,
      authorization_response_iss_parameter_supported: true,
    };
  }

  function challenge(request: IncomingMessage, extra: string): string {
    return `Bearer ${extra}resource_metadata="${base(request)}/.well-known/oauth-protected-resource/mcp"`;
  }

  return {
    paths: new Set(Object.keys(routes)),

    async route(request, response, path) {
      const serve = Object.hasOwn(routes, path) ? routes[path] : undefined;
      if (!serve) return false;
      // Browser-based clients call the JSON endpoints cross-origin; none of them reads a cookie.
      if (path !== "/authorize" && path !== "/oauth/callback") {
        response.setHeader("Access-Control-Allow-Origin", "*");
        if (request.method === "OPTIONS") {
          response.writeHead(204, {
            "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
            "Access-Control-Allow-Headers": "Authorization, Content-Type, Mcp-Protocol-Version",
            "Access-Control-Max-Age": "3600",
          });
          response.end();
          return true;
        }
      }
      try {
        await serve(request, response);
      } catch (error) {
        if (!(error instanceof OAuthFailure)) throw error;
        json(
          response,
          error.status,
          { error: error.error, error_description: error.message },
          NO_STORE,
        );
      }
      return true;
    },

    async authenticate(request, response) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? "");
      if (!match) {
        log("notice", `refused ${request.method} ${request.url}: no bearer token`);
        response.setHeader("WWW-Authenticate", challenge(request, ""));
        json(
          response,
          401,
          rpcError("Sign in: this server requires an OAuth access token (Authorization: Bearer)."),
        );
        return undefined;
      }
      try {
        const verified = await upstream.verify(match[1]!);
        return { subject: verified.subject, token: match[1]!, expiresAt: verified.expiresAt };
      } catch (error) {
        if (!(error instanceof TokenRejected)) {
          log("error", `cannot check tokens: ${(error as Error).message}`);
          json(
            response,
            503,
            rpcError("The identity provider cannot be reached to check the token; retry shortly."),
            { "Retry-After": "5" },
          );
          return undefined;
        }
        const why = error.message;
        log("notice", `refused ${request.method} ${request.url}: ${why}`);
        response.setHeader(
          "WWW-Authenticate",
          challenge(
            request,
            `error="invalid_token", error_description="${why.replaceAll('"', "'")}", `,
          ),
        );
        json(response, 401, rpcError(`The access token was refused: ${why}. Sign in again.`));
        return undefined;
      }
    },

    stepUpChallenge(request, kind) {
      const scope = kind === "mfa" ? [...BASE_SCOPES, MFA_SCOPE] : BASE_SCOPES;
      const why =
        kind === "mfa" ? "multi-factor authentication required" : "Alpacon refused the token";
      return challenge(
        request,
        `error="invalid_token", error_description="${why}", scope="${scope.join(" ")}", `,
      );
    },
  };
}

const PUBLIC = { "Cache-Control": "public, max-age=3600" };
const NO_STORE = { "Cache-Control": "no-store", Pragma: "no-cache" };

function json(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { "Content-Type": "application/json", ...headers });
  response.end(JSON.stringify(body));
}

function rpcError(message: string): unknown {
  return { jsonrpc: "2.0", error: { code: -32001, message }, id: null };
}

function redirect(response: ServerResponse, location: string): void {
  response.writeHead(302, { Location: location, "Cache-Control": "no-store" });
  response.end();
}

function withParams(url: string, params: Record<string, string | undefined>): string {
  const target = new URL(url);
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined) target.searchParams.set(name, value);
  }
  return target.href;
}

function digest(text: string): string {
  return createHash("sha256").update(text).digest("base64url");
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function cookie(name: string, value: string, maxAge: number, secure: boolean): string {
  // Lax: the return from the identity provider is a top-level GET navigation.
  return `${name}=${value}; Path=/; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`;
}

function readCookie(request: IncomingMessage, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? "").split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return rest.join("=");
  }
  return undefined;
}

/** Reads a small request body as JSON or as a form (JSON accepted too, as the reference does). */
function readBody(request: IncomingMessage, kind: "json" | "form"): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > 65_536) {
        request.destroy();
        reject(new OAuthFailure("invalid_request", "The request body is too large.", 413));
        return;
      }
      chunks.push(chunk);
    });
    request.on("error", reject);
    request.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const type = request.headers["content-type"] ?? "";
      try {
        if (kind === "json" || type.includes("application/json")) {
          const parsed: unknown = JSON.parse(text);
          if (kind === "form") {
            const values = Object.fromEntries(
              Object.entries((parsed ?? {}) as Record<string, unknown>).filter(
                ([, value]) => typeof value === "string",
              ),
            );
            resolve(values);
            return;
          }
          resolve(parsed);
          return;
        }
        resolve(Object.fromEntries(new URLSearchParams(text)));
      } catch {
        reject(
          new OAuthFailure(
            kind === "json" ? "invalid_client_metadata" : "invalid_request",
            "The body is not valid JSON.",
          ),
        );
      }
    });
  });
}
