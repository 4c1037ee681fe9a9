import type { IncomingMessage, ServerResponse } from "node:http";
import { readBody } from "../http/body.js";
import { writeJson } from "../http/respond.js";
import { securityJson } from "../routes/workspace.js";
import type { SandboxCore } from "../server/core.js";
import {
  DEVICE_GRANT,
  type IdentityProvider,
  type IdpClient,
  OAuthError,
  secretEquals,
} from "./identity-provider.js";
import { activatePage, errorPage, loginPage } from "./pages.js";

const MAX_FORM_BODY = 64 * 1024;
const SESSION_COOKIE = "idp_session";
const NO_STORE = { "Cache-Control": "no-store", Pragma: "no-cache" };
// Browser-based MCP clients read discovery and call the token endpoint with fetch.
const CORS = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Headers": "Authorization, Content-Type",
  "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
};
const WELL_KNOWN_RE = /^\/\.well-known\/(openid-configuration|oauth-authorization-server)(\/.*)$/;

/** The provider a path belongs to and the rest of the path, or null when none matches. */
function resolve(
  core: SandboxCore,
  fullPath: string,
): { idp: IdentityProvider; rest: string } | null {
  // RFC 8414 §3.1 puts the well-known segment before the issuer's path: serve that form too.
  const inserted = WELL_KNOWN_RE.exec(fullPath);
  if (inserted) {
    const found = resolve(core, inserted[2] as string);
    return found && found.rest === "/"
      ? { ...found, rest: "/.well-known/openid-configuration" }
      : null;
  }
  const parts = fullPath.split("/");
  if (parts[1] !== "idp" || parts.length < 4) return null;
  const ws = core.workspaces.get(`${parts[2]}/${parts[3]}`);
  if (!ws?.idp) return null;
  return { idp: ws.idp, rest: `/${parts.slice(4).join("/")}` };
}

/** Whether `/idp/…` or a well-known path should go to the identity provider. */
export function isIdpPath(fullPath: string): boolean {
  return (
    fullPath.startsWith("/idp/") ||
    fullPath.startsWith("/.well-known/") ||
    fullPath.startsWith("/account/")
  );
}

/**
 * The account service's `GET /api/workspaces/security/` (`ALPACON_ACCOUNT_URL`, read by the
 * reference's MFA pre-check, `alpacon-mcp@22fc34c:utils/security_settings.py`): the MFA settings
 * of the workspaces the Bearer login belongs to, as a list.
 */
function accountSecurity(core: SandboxCore, req: IncomingMessage, res: ServerResponse): void {
  const header = req.headers.authorization ?? "";
  const jwt = header.toLowerCase().startsWith("bearer ") ? header.slice(7).trim() : "";
  for (const ws of core.workspaces.values()) {
    if (jwt !== "" && ws.idp?.authenticate(jwt)) {
      writeJson(res, 200, [
        { workspace: ws.name, schema_name: ws.name, region: ws.region, ...securityJson(ws) },
      ]);
      return;
    }
  }
  writeJson(res, 401, { detail: "Invalid token." }, { "WWW-Authenticate": 'Bearer realm="api"' });
}

/** Serves every workspace's identity provider under `/idp/{region}/{workspace}/`. */
export function createIdpHttp(
  core: SandboxCore,
): (req: IncomingMessage, res: ServerResponse, fullPath: string, rawQuery: string) => void {
  return (req, res, fullPath, rawQuery) => {
    void (async () => {
      const method = (req.method ?? "GET").toUpperCase();
      if (fullPath.startsWith("/account/")) {
        if (method === "GET" && fullPath === "/account/api/workspaces/security/")
          return accountSecurity(core, req, res);
        return writeJson(res, 404, { detail: "Not found." });
      }
      const found = resolve(core, fullPath);
      if (!found) return writeJson(res, 404, { detail: "Not found." });
      const { idp, rest } = found;
      if (method === "OPTIONS") {
        res.writeHead(204, CORS).end();
        return;
      }
      const query = new URLSearchParams(rawQuery);
      try {
        const route = `${method} ${rest}`;
        switch (route) {
          case "GET /.well-known/openid-configuration":
            return writeJson(res, 200, discovery(idp), CORS);
          case "GET /.well-known/jwks.json":
            return writeJson(res, 200, idp.jwks(), CORS);
          case "GET /authorize":
            return authorize(idp, req, res, query, false);
          case "POST /authorize":
            return authorize(idp, req, res, await readForm(req), true);
          case "GET /activate":
            return html(
              res,
              200,
              activatePage({ workspace: idp.workspace, userCode: query.get("user_code") ?? "" }),
            );
          case "POST /activate":
            return activate(idp, res, await readForm(req));
          case "POST /oauth/token":
            return writeJson(res, 200, await tokenEndpoint(idp, req, await readForm(req)), {
              ...NO_STORE,
              ...CORS,
            });
          case "POST /oauth/device/code": {
            const params = await readForm(req);
            const client = authenticateClient(idp, req, params);
            const answer = idp.startDevice(client, params.get("scope"), params.get("audience"));
            return writeJson(res, 200, answer, { ...NO_STORE, ...CORS });
          }
          case "POST /oauth/revoke": {
            const params = await readForm(req);
            const client = authenticateClient(idp, req, params);
            const value = params.get("token");
            if (!value) throw new OAuthError("invalid_request", "token is required.");
            // RFC 7009 §2.2: unknown tokens (and other clients') are not an error.
            idp.revoke(value, client.clientId);
            return writeJson(res, 200, {}, CORS);
          }
          case "GET /userinfo": {
            const header = req.headers.authorization ?? "";
            const credential = header.toLowerCase().startsWith("bearer ")
              ? idp.authenticate(header.slice(7).trim())
              : undefined;
            const user = credential && idp.user(credential.userId);
            if (!user) {
              res.setHeader("WWW-Authenticate", 'Bearer error="invalid_token"');
              return writeJson(res, 401, { error: "invalid_token" });
            }
            return writeJson(res, 200, idp.userinfo(user), CORS);
          }
          default:
            return writeJson(res, 404, { detail: "Not found." });
        }
      } catch (err) {
        if (err instanceof OAuthError) {
          return writeJson(
            res,
            err.status,
            { error: err.error, error_description: err.description },
            { ...NO_STORE, ...CORS },
          );
        }
        writeJson(res, 400, {
          error: "invalid_request",
          error_description: (err as Error).message,
        });
      }
    })();
  };
}

function discovery(idp: IdentityProvider): Record<string, unknown> {
  const base = idp.issuer;
  return {
    issuer: base,
    authorization_endpoint: `${base}authorize`,
    token_endpoint: `${base}oauth/token`,
    device_authorization_endpoint: `${base}oauth/device/code`,
    revocation_endpoint: `${base}oauth/revoke`,
    userinfo_endpoint: `${base}userinfo`,
    jwks_uri: `${base}.well-known/jwks.json`,
    response_types_supported: ["code"],
    response_modes_supported: ["query"],
    grant_types_supported: ["authorization_code", "refresh_token", DEVICE_GRANT],
    code_challenge_methods_supported: ["S256"],
    token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post", "none"],
    revocation_endpoint_auth_methods_supported: [
      "client_secret_basic",
      "client_secret_post",
      "none",
    ],
    scopes_supported: ["openid", "profile", "email", "offline_access"],
    claims_supported: ["sub", "iss", "aud", "exp", "iat", "email", "name", "nickname", "amr"],
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: ["RS256"],
    acr_values_supported: ["http://schemas.openid.net/pape/policies/2007/06/multi-factor"],
  };
}

/** The request body as parameters: form-encoded (OAuth clients) or JSON (the CLI). */
async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const raw = (await readBody(req, MAX_FORM_BODY)).toString("utf8");
  const type = (req.headers["content-type"] ?? "").toLowerCase();
  if (!type.includes("json")) return new URLSearchParams(raw);
  let value: unknown;
  try {
    value = raw === "" ? {} : JSON.parse(raw);
  } catch {
    throw new OAuthError("invalid_request", "The body is not valid JSON.");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new OAuthError("invalid_request", "The body must be a JSON object.");
  const params = new URLSearchParams();
  for (const [name, v] of Object.entries(value)) {
    if (typeof v === "string" || typeof v === "number" || typeof v === "boolean")
      params.set(name, String(v));
  }
  return params;
}

/** `client_secret_basic`, `client_secret_post`, or `none` for a public client. */
function authenticateClient(
  idp: IdentityProvider,
  req: IncomingMessage,
  params: URLSearchParams,
): IdpClient {
  let clientId = params.get("client_id");
  let secret = params.get("client_secret");
  const header = req.headers.authorization ?? "";
  if (header.toLowerCase().startsWith("basic ")) {
    const decoded = Buffer.from(header.slice(6).trim(), "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon !== -1) {
      clientId = decodeURIComponent(decoded.slice(0, colon));
      secret = decodeURIComponent(decoded.slice(colon + 1));
    }
  }
  const client = clientId ? idp.client(clientId) : undefined;
  if (!client) throw new OAuthError("invalid_client", "Unknown client.", 401);
  if (
    client.clientSecret !== null &&
    (secret === null || !secretEquals(secret, client.clientSecret))
  )
    throw new OAuthError("invalid_client", "Client authentication failed.", 401);
  return client;
}

async function tokenEndpoint(
  idp: IdentityProvider,
  req: IncomingMessage,
  params: URLSearchParams,
): Promise<unknown> {
  const client = authenticateClient(idp, req, params);
  switch (params.get("grant_type")) {
    case "authorization_code":
      return idp.exchangeCode(client, params);
    case "refresh_token":
      return idp.refresh(client, params.get("refresh_token") ?? "", params.get("scope"));
    case DEVICE_GRANT:
      return idp.pollDevice(client, params.get("device_code") ?? "");
    default:
      throw new OAuthError("unsupported_grant_type", "Unsupported grant type.");
  }
}

function html(res: ServerResponse, status: number, body: string, headers = {}): void {
  const buf = Buffer.from(body);
  res.writeHead(status, {
    "Content-Type": "text/html; charset=utf-8",
    "Content-Length": buf.length,
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    ...headers,
  });
  res.end(buf);
}

function redirect(res: ServerResponse, to: URL, headers: Record<string, string> = {}): void {
  res.writeHead(302, { Location: to.toString(), "Cache-Control": "no-store", ...headers });
  res.end();
}

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return v.join("=");
  }
  return undefined;
}

/**
 * `/authorize`: an unknown client or a redirect URI that is not registered exactly gets an error
 * page and never a redirect (no open redirector); other errors go back to the client with
 * `state`. GET shows the login form, or with a live session (`idp_session` cookie) and no
 * `prompt=login` issues the code at once; POST is the form's answer.
 */
function authorize(
  idp: IdentityProvider,
  req: IncomingMessage,
  res: ServerResponse,
  params: URLSearchParams,
  submitted: boolean,
) {
  const client = idp.client(params.get("client_id") ?? "");
  if (!client) return html(res, 400, errorPage("Unknown client_id."));
  const redirectUri = params.get("redirect_uri") ?? "";
  if (!client.redirectUris.includes(redirectUri))
    return html(res, 400, errorPage("redirect_uri is not registered for this client."));
  const back = (answer: Record<string, string>, headers: Record<string, string> = {}) => {
    const url = new URL(redirectUri);
    for (const [name, value] of Object.entries(answer)) url.searchParams.set(name, value);
    const state = params.get("state");
    if (state !== null) url.searchParams.set("state", state);
    redirect(res, url, headers);
  };
  try {
    idp.checkAuthorizeRequest(client, params);
  } catch (err) {
    if (err instanceof OAuthError)
      return back({ error: err.error, error_description: err.description });
    throw err;
  }
  const mfaRequired = idp.demandsMfa(params);
  const form = (status: number, error?: string) =>
    html(
      res,
      status,
      loginPage({
        workspace: idp.workspace,
        clientName: client.name,
        params,
        mfaRequired,
        ...(error ? { error } : {}),
      }),
    );
  if (!submitted) {
    const session = idp.session(cookie(req, SESSION_COOKIE));
    const usable = session && (!mfaRequired || Object.keys(session.mfa).length > 0);
    const prompt = (params.get("prompt") ?? "").split(" ");
    if (usable && !prompt.includes("login"))
      return back({ code: idp.issueCode(client, params, session.user, session.mfa) });
    if (prompt.includes("none"))
      return back({ error: "login_required", error_description: "Login required" });
    return form(200);
  }
  if (params.get("decision") === "deny")
    return back({
      error: "access_denied",
      error_description: "User did not authorize the request",
    });
  const user = idp.member(params.get("username") ?? "");
  if (!user?.is_active) return form(400, "No active member with that username or email.");
  const mfa = params.get("mfa") || undefined;
  if (mfaRequired && !mfa) return form(400, "This login requires MFA: choose a method.");
  const sessionId = idp.openSession(user, mfa);
  const session = idp.session(sessionId);
  const path = new URL(idp.issuer).pathname;
  back(
    { code: idp.issueCode(client, params, user, session?.mfa ?? {}) },
    {
      "Set-Cookie": `${SESSION_COOKIE}=${sessionId}; Path=${path}; HttpOnly; SameSite=Lax`,
    },
  );
}

function activate(idp: IdentityProvider, res: ServerResponse, params: URLSearchParams) {
  const userCode = params.get("user_code") ?? "";
  const decision = params.get("decision") === "deny" ? "deny" : "allow";
  try {
    idp.decideDevice(
      userCode,
      params.get("username") ?? "",
      decision,
      params.get("mfa") || undefined,
    );
  } catch (err) {
    return html(
      res,
      400,
      activatePage({ workspace: idp.workspace, userCode, error: (err as Error).message }),
    );
  }
  html(
    res,
    200,
    activatePage({
      workspace: idp.workspace,
      userCode,
      done: decision === "allow" ? "Your device is connected." : "The request was denied.",
    }),
  );
}
