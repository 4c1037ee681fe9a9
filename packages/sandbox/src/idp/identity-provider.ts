import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Credential } from "../auth/tokens.js";
import type { IamUser } from "../state/model.js";
import type { WorkspaceState } from "../state/workspace.js";
import type { SigningKey } from "./signing-key.js";

/** The Alpacon API's audience (`alpacon-mcp@22fc34c:utils/oauth.py`, `AUTH0_AUDIENCE`). */
export const ALPACON_AUDIENCE = "https://alpacon.io/access/";
/** Custom-claim namespace (`AUTH0_NAMESPACE`, `utils/security_settings.py`). */
export const CLAIM_NAMESPACE = "https://alpacon.io/";
/** `{method: ISO time}` of the MFA the login completed (`check_mfa_completed`). */
export const MFA_CLAIM = `${CLAIM_NAMESPACE}completed_mfa_methods`;
/** OIDC's multi-factor policy, the `acr_values` Auth0 honours to demand MFA. */
export const MFA_ACR = "http://schemas.openid.net/pape/policies/2007/06/multi-factor";
export const DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

/** An application registered with the identity provider (Auth0's "Applications"). */
export interface IdpClient {
  clientId: string;
  /** null: a public client (PKCE required on the authorization-code grant). */
  clientSecret: string | null;
  /** Compared exactly, as Auth0's "Allowed Callback URLs" without wildcards. */
  redirectUris: string[];
  name: string;
}

export interface IdpClientInput {
  redirectUris: string[];
  /** Default: a confidential client with a generated secret. */
  confidential?: boolean;
  clientId?: string;
  name?: string;
}

/** What one login granted: who, to which client, what scope and audience, with which MFA. */
interface Grant {
  userId: string;
  clientId: string;
  scope: string[];
  audience: string;
  /** `{method: ISO time}`; empty when the login did not complete MFA. */
  mfa: Record<string, string>;
  authTime: number;
  nonce?: string;
}

interface AuthorizationCode {
  grant: Grant;
  redirectUri: string;
  codeChallenge: string | null;
  expiresAt: number;
  used: boolean;
  /** What was issued for it, revoked if the code is replayed (RFC 6749 §4.1.2). */
  issued: { jti: string | null; family: string | null };
}

interface DeviceRequest {
  deviceCode: string;
  userCode: string;
  clientId: string;
  scope: string[];
  audience: string;
  expiresAt: number;
  status: "pending" | "approved" | "denied" | "consumed";
  grant?: Grant;
}

interface RefreshToken {
  family: string;
  grant: Grant;
  expiresAt: number;
  used: boolean;
}

export interface TokenSet {
  access_token: string;
  token_type: "Bearer";
  expires_in: number;
  scope: string;
  refresh_token?: string;
  id_token?: string;
}

export interface LoginOptions {
  /** Completed MFA method (`otp`, `email`, `webauthn-roaming` …): adds the MFA claim. */
  mfa?: string;
  /** Default `openid profile email offline_access`. */
  scope?: string;
  /** Default the Alpacon API audience. */
  audience?: string;
  /** Default the CLI client. */
  clientId?: string;
  /** Access-token lifetime for this login in seconds (default the provider's). */
  expiresIn?: number;
}

/** An OAuth error as the token endpoint answers it (`{error, error_description}`). */
export class OAuthError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
    readonly status = 400,
  ) {
    super(`${error}: ${description}`);
  }
}

const DEFAULT_SCOPE = ["openid", "profile", "email", "offline_access"];
// Auth0's user codes: consonants only, so no word can be spelled.
const USER_CODE_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ";
const CODE_CHALLENGE_RE = /^[A-Za-z0-9_-]{43,128}$/;

const token = (bytes = 32): string => randomBytes(bytes).toString("base64url");
const sha256 = (value: string): string => createHash("sha256").update(value).digest("base64url");

/** Constant-time comparison of two secrets of any length. */
export function secretEquals(a: string, b: string): boolean {
  const x = createHash("sha256").update(a).digest();
  const y = createHash("sha256").update(b).digest();
  return timingSafeEqual(x, y) && a.length === b.length;
}

/**
 * An Auth0-shaped identity provider for one workspace: OIDC discovery, JWKS, authorization code
 * with PKCE, refresh-token rotation with reuse detection, the device flow the CLI uses, and
 * revocation. Its access tokens are RS256 JWTs the workspace's API accepts as `Bearer`, for the
 * member they name. Nothing here talks to the network; `idp-http.ts` serves it.
 */
export class IdentityProvider {
  readonly issuer: string;
  readonly audience = ALPACON_AUDIENCE;
  /** Auth0's MFA API audience (`https://{domain}/mfa/`): tokens for it never reach the API. */
  readonly mfaAudience: string;
  /** The public client `/api/auth/env` names (the CLI's device flow and PKCE logins). */
  readonly cliClient: IdpClient;
  /** Organisation id (`org_…`), as the workspace list's `auth0_id`. */
  readonly orgId: string;
  accessTokenTtl = 3600;
  refreshTokenTtl = 30 * 86_400;
  /** Seconds a device-flow client waits between polls (Auth0: 5). */
  deviceInterval = 5;

  private readonly clients = new Map<string, IdpClient>();
  private readonly codes = new Map<string, AuthorizationCode>();
  private readonly devices = new Map<string, DeviceRequest>();
  private readonly userCodes = new Map<string, string>();
  private readonly refreshTokens = new Map<string, RefreshToken>();
  private readonly revokedFamilies = new Set<string>();
  private readonly revokedJtis = new Set<string>();
  /** Browser sessions (Auth0's SSO cookie): silent re-authorization while one lives. */
  private readonly sessions = new Map<string, { userId: string; mfa: Record<string, string> }>();

  constructor(
    private readonly ws: WorkspaceState,
    private readonly key: SigningKey,
    origin: string,
  ) {
    this.issuer = `${origin}/idp/${ws.region}/${ws.name}/`;
    this.mfaAudience = `${this.issuer}mfa/`;
    this.orgId = `org_${sha256(`${ws.key}`).replace(/[-_]/g, "").slice(0, 16)}`;
    this.cliClient = this.registerClient({
      redirectUris: [],
      confidential: false,
      clientId: `cli-${sha256(`cli:${ws.key}`).replace(/[-_]/g, "").slice(0, 24)}`,
      name: "Alpacon CLI",
    });
  }

  /** `host:port/path` as `/api/auth/env`'s `auth0.domain` (Auth0 gives a bare host; see README). */
  get domain(): string {
    return this.issuer.replace(/^https?:\/\//, "").replace(/\/$/, "");
  }

  /** `region/workspace`. */
  get workspace(): string {
    return this.ws.key;
  }

  jwks(): { keys: Record<string, unknown>[] } {
    return this.key.jwks();
  }

  user(id: string): IamUser | undefined {
    return this.ws.userById.get(id);
  }

  userinfo(user: IamUser): Record<string, unknown> {
    return {
      sub: subjectOf(user),
      email: user.email,
      email_verified: true,
      name: displayName(user),
      nickname: user.username,
    };
  }

  registerClient(input: IdpClientInput): IdpClient {
    for (const uri of input.redirectUris) {
      let url: URL;
      try {
        url = new URL(uri);
      } catch {
        throw new Error(`Redirect URI "${uri}" is not an absolute URL.`);
      }
      if (url.hash !== "") throw new Error(`Redirect URI "${uri}" must not have a fragment.`);
    }
    const client: IdpClient = {
      clientId: input.clientId ?? token(18),
      clientSecret: input.confidential === false ? null : token(32),
      redirectUris: [...input.redirectUris],
      name: input.name ?? "Application",
    };
    if (this.clients.has(client.clientId))
      throw new Error(`Client "${client.clientId}" exists already.`);
    this.clients.set(client.clientId, client);
    return client;
  }

  client(clientId: string): IdpClient | undefined {
    return this.clients.get(clientId);
  }

  /** Finds a workspace member by username or email (the test login's "who"). */
  member(login: string): IamUser | undefined {
    const wanted = login.trim().toLowerCase();
    return this.ws.users
      .all()
      .find((u) => u.username.toLowerCase() === wanted || u.email.toLowerCase() === wanted);
  }

  private nowSeconds(): number {
    return Math.floor(this.ws.now() / 1000);
  }

  // ---- authorization code ------------------------------------------------------------------

  /** Checks what `/authorize` checks after the client and redirect URI (those never redirect). */
  checkAuthorizeRequest(client: IdpClient, params: URLSearchParams): void {
    if (params.get("response_type") !== "code")
      throw new OAuthError("unsupported_response_type", "Only response_type=code is supported.");
    const challenge = params.get("code_challenge");
    const method = params.get("code_challenge_method");
    if (challenge !== null) {
      if (method !== "S256")
        throw new OAuthError("invalid_request", "code_challenge_method must be S256.");
      if (!CODE_CHALLENGE_RE.test(challenge))
        throw new OAuthError("invalid_request", "code_challenge is not a S256 challenge.");
    } else if (client.clientSecret === null) {
      throw new OAuthError("invalid_request", "PKCE (code_challenge, S256) is required.");
    }
    this.checkAudience(params.get("audience"));
    this.checkOrganization(splitScope(params.get("scope")));
  }

  private checkAudience(audience: string | null): string {
    const value = audience ?? this.audience;
    if (value !== this.audience && value !== this.mfaAudience)
      throw new OAuthError("access_denied", `Service not found: ${value}`, 403);
    return value;
  }

  /** The CLI's `org:<schema name>` scope must name this workspace (Auth0 organisations). */
  private checkOrganization(scope: string[]): void {
    const org = scope.find((s) => s.startsWith("org:"));
    if (org !== undefined && org.slice(4) !== this.ws.name)
      throw new OAuthError("access_denied", `Not a member of organization ${org.slice(4)}.`, 403);
  }

  /** Whether this authorize request demands MFA: the MFA audience, `acr_values` or `mfa` scope. */
  demandsMfa(params: URLSearchParams): boolean {
    return (
      params.get("audience") === this.mfaAudience ||
      (params.get("acr_values") ?? "").split(" ").includes(MFA_ACR) ||
      splitScope(params.get("scope")).includes("mfa")
    );
  }

  /** A browser session after a successful login: its id goes in the SSO cookie. */
  openSession(user: IamUser, mfaMethod: string | undefined): string {
    const id = token();
    this.sessions.set(id, { userId: user.id, mfa: this.mfaRecord(mfaMethod) });
    return id;
  }

  session(id: string | undefined): { user: IamUser; mfa: Record<string, string> } | undefined {
    const found = id === undefined ? undefined : this.sessions.get(id);
    const user = found && this.ws.userById.get(found.userId);
    return found && user?.is_active ? { user, mfa: found.mfa } : undefined;
  }

  private mfaRecord(method: string | undefined): Record<string, string> {
    return method ? { [method]: new Date(this.ws.now()).toISOString() } : {};
  }

  /** Issues the code `/authorize` redirects with, once the person logged in and agreed. */
  issueCode(
    client: IdpClient,
    params: URLSearchParams,
    user: IamUser,
    mfa: Record<string, string>,
  ): string {
    const code = token();
    const nonce = params.get("nonce");
    this.codes.set(code, {
      grant: {
        userId: user.id,
        clientId: client.clientId,
        scope: grantedScope(params.get("scope")),
        audience: this.checkAudience(params.get("audience")),
        mfa: { ...mfa },
        authTime: this.nowSeconds(),
        ...(nonce ? { nonce } : {}),
      },
      redirectUri: params.get("redirect_uri") ?? "",
      codeChallenge: params.get("code_challenge"),
      expiresAt: this.ws.now() + 600_000,
      used: false,
      issued: { jti: null, family: null },
    });
    return code;
  }

  async exchangeCode(client: IdpClient, params: URLSearchParams): Promise<TokenSet> {
    const code = this.codes.get(params.get("code") ?? "");
    if (!code || code.grant.clientId !== client.clientId)
      throw new OAuthError("invalid_grant", "Invalid authorization code");
    if (code.used) {
      // A replayed code: whatever the first exchange issued is no longer trusted.
      if (code.issued.jti) this.revokedJtis.add(code.issued.jti);
      if (code.issued.family) this.revokedFamilies.add(code.issued.family);
      throw new OAuthError("invalid_grant", "Invalid authorization code");
    }
    if (this.ws.now() > code.expiresAt)
      throw new OAuthError("invalid_grant", "Invalid authorization code");
    if ((params.get("redirect_uri") ?? "") !== code.redirectUri)
      throw new OAuthError("invalid_grant", "redirect_uri does not match the authorize request.");
    const verifier = params.get("code_verifier");
    if (code.codeChallenge !== null) {
      if (verifier === null || sha256(verifier) !== code.codeChallenge)
        throw new OAuthError("invalid_grant", "Failed to verify code verifier");
    } else if (verifier !== null) {
      throw new OAuthError("invalid_grant", "code_verifier without a code_challenge.");
    }
    code.used = true;
    const result = await this.issue(code.grant, null);
    code.issued = { jti: result.jti, family: result.family };
    return result.tokens;
  }

  // ---- device flow ---------------------------------------------------------------------------

  startDevice(
    client: IdpClient,
    scopeParam: string | null,
    audienceParam: string | null,
  ): Record<string, string | number> {
    const scope = grantedScope(scopeParam);
    const audience = this.checkAudience(audienceParam);
    this.checkOrganization(scope);
    const deviceCode = token();
    let userCode: string;
    do {
      const bytes = randomBytes(8);
      const chars = [...bytes].map((b) => USER_CODE_ALPHABET[b % USER_CODE_ALPHABET.length]);
      userCode = `${chars.slice(0, 4).join("")}-${chars.slice(4).join("")}`;
    } while (this.userCodes.has(userCode));
    const expiresIn = 900;
    this.devices.set(deviceCode, {
      deviceCode,
      userCode,
      clientId: client.clientId,
      scope,
      audience,
      expiresAt: this.ws.now() + expiresIn * 1000,
      status: "pending",
    });
    this.userCodes.set(userCode, deviceCode);
    const verification = `${this.issuer}activate`;
    return {
      device_code: deviceCode,
      user_code: userCode,
      verification_uri: verification,
      expires_in: expiresIn,
      interval: this.deviceInterval,
      verification_uri_complete: `${verification}?user_code=${userCode}`,
    };
  }

  /** The person's answer on the activation page (or `approveDevice` in tests). */
  decideDevice(
    userCode: string,
    login: string,
    decision: "allow" | "deny",
    mfaMethod?: string,
  ): void {
    const request = this.devices.get(
      this.userCodes.get(
        userCode
          .trim()
          .toUpperCase()
          .replace(/^(\w{4})(\w{4})$/, "$1-$2"),
      ) ?? "",
    );
    if (request?.status !== "pending" || this.ws.now() > request.expiresAt)
      throw new Error("Unknown, used or expired user code.");
    const user = this.member(login);
    if (!user?.is_active) throw new Error(`No active member "${login}" in ${this.ws.key}.`);
    if (decision === "deny") {
      request.status = "denied";
      return;
    }
    request.status = "approved";
    request.grant = {
      userId: user.id,
      clientId: request.clientId,
      scope: request.scope,
      audience: request.audience,
      mfa: this.mfaRecord(mfaMethod),
      authTime: this.nowSeconds(),
    };
  }

  async pollDevice(client: IdpClient, deviceCode: string): Promise<TokenSet> {
    const request = this.devices.get(deviceCode);
    if (!request || request.clientId !== client.clientId || request.status === "consumed")
      throw new OAuthError("invalid_grant", "Invalid or expired device code.");
    if (this.ws.now() > request.expiresAt)
      throw new OAuthError("expired_token", "The device code has expired.", 403);
    if (request.status === "pending")
      throw new OAuthError("authorization_pending", "User has yet to authorize device code.", 403);
    if (request.status === "denied")
      throw new OAuthError("access_denied", "User has denied the request.", 403);
    request.status = "consumed";
    return (await this.issue(request.grant as Grant, null)).tokens;
  }

  // ---- refresh -------------------------------------------------------------------------------

  async refresh(client: IdpClient, refreshToken: string, scopeParam: string | null) {
    const record = this.refreshTokens.get(refreshToken);
    if (!record || record.grant.clientId !== client.clientId)
      throw new OAuthError("invalid_grant", "Unknown or invalid refresh token.", 403);
    if (this.revokedFamilies.has(record.family) || this.ws.now() > record.expiresAt)
      throw new OAuthError("invalid_grant", "Unknown or invalid refresh token.", 403);
    if (record.used) {
      // Rotation's reuse detection: a used token coming back means it leaked; end the family.
      this.revokedFamilies.add(record.family);
      throw new OAuthError("invalid_grant", "Unknown or invalid refresh token.", 403);
    }
    const user = this.ws.userById.get(record.grant.userId);
    if (!user?.is_active) throw new OAuthError("invalid_grant", "User is blocked.", 403);
    let scope = record.grant.scope;
    if (scopeParam !== null && scopeParam.trim() !== "") {
      const asked = splitScope(scopeParam);
      // RFC 6749 §6: a refresh may narrow the grant, never widen it.
      const extra = asked.filter((s) => !record.grant.scope.includes(s));
      if (extra.length > 0)
        throw new OAuthError("invalid_scope", `Scope not granted: ${extra.join(" ")}`, 403);
      scope = asked;
    }
    record.used = true;
    return (await this.issue({ ...record.grant, scope }, record.family, record.grant.scope)).tokens;
  }

  // ---- issuing and checking ------------------------------------------------------------------

  /** Issues tokens straight away, as if the member had logged in (tests, no browser). */
  async login(login: string, options: LoginOptions = {}): Promise<TokenSet> {
    const user = this.member(login);
    if (!user?.is_active) throw new Error(`No active member "${login}" in ${this.ws.key}.`);
    const clientId = options.clientId ?? this.cliClient.clientId;
    if (!this.clients.has(clientId)) throw new Error(`Unknown client "${clientId}".`);
    const scope = options.scope === undefined ? DEFAULT_SCOPE : grantedScope(options.scope);
    this.checkOrganization(scope);
    const grant: Grant = {
      userId: user.id,
      clientId,
      scope,
      audience: options.audience ?? this.audience,
      mfa: this.mfaRecord(options.mfa),
      authTime: this.nowSeconds(),
    };
    return (await this.issue(grant, null, undefined, options.expiresIn)).tokens;
  }

  private async issue(
    grant: Grant,
    family: string | null,
    familyScope: string[] = grant.scope,
    expiresIn = this.accessTokenTtl,
  ): Promise<{ tokens: TokenSet; jti: string; family: string | null }> {
    const user = this.ws.userById.get(grant.userId) as IamUser;
    const iat = this.nowSeconds();
    const jti = token(16);
    const openid = grant.scope.includes("openid");
    const claims: Record<string, unknown> = {
      iss: this.issuer,
      sub: subjectOf(user),
      // Auth0 adds its userinfo audience when `openid` is asked for.
      aud: openid ? [grant.audience, `${this.issuer}userinfo`] : grant.audience,
      iat,
      exp: iat + expiresIn,
      scope: grant.scope.join(" "),
      azp: grant.clientId,
      jti,
      org_id: this.orgId,
      org_name: this.ws.name,
      [`${CLAIM_NAMESPACE}workspaces`]: [
        { schema_name: this.ws.name, auth0_id: this.orgId, region: this.ws.region },
      ],
      [`${CLAIM_NAMESPACE}username`]: user.username,
      [`${CLAIM_NAMESPACE}email`]: user.email,
    };
    if (Object.keys(grant.mfa).length > 0) claims[MFA_CLAIM] = { ...grant.mfa };
    const tokens: TokenSet = {
      access_token: await this.key.sign(claims),
      token_type: "Bearer",
      expires_in: expiresIn,
      scope: grant.scope.join(" "),
    };
    let issuedFamily: string | null = null;
    if (familyScope.includes("offline_access")) {
      issuedFamily = family ?? token(12);
      const refresh = `v1.${token(48)}`;
      this.refreshTokens.set(refresh, {
        family: issuedFamily,
        grant: { ...grant, scope: familyScope },
        expiresAt: this.ws.now() + this.refreshTokenTtl * 1000,
        used: false,
      });
      tokens.refresh_token = refresh;
    }
    if (openid) {
      tokens.id_token = await this.key.sign({
        iss: this.issuer,
        sub: subjectOf(user),
        aud: grant.clientId,
        iat,
        exp: iat + 36_000,
        auth_time: grant.authTime,
        email: user.email,
        email_verified: true,
        name: displayName(user),
        nickname: user.username,
        org_id: this.orgId,
        ...(Object.keys(grant.mfa).length > 0 ? { amr: ["mfa"] } : {}),
        ...(grant.nonce ? { nonce: grant.nonce } : {}),
      });
    }
    return { tokens, jti, family: issuedFamily };
  }

  /**
   * Revokes what is presented: an access token (its `jti` is refused from now on, as the API's
   * blacklist does at logout) or a refresh token (its whole rotation family). Unknown, or another
   * client's when `clientId` is given: false.
   */
  revoke(value: string, clientId?: string): boolean {
    // RFC 7009 §2.1: a client revokes its own tokens only (`clientId` given on /oauth/revoke).
    const record = this.refreshTokens.get(value);
    if (record) {
      if (clientId !== undefined && record.grant.clientId !== clientId) return false;
      this.revokedFamilies.add(record.family);
      return true;
    }
    const verified = this.key.verify(value);
    const jti = verified?.claims.jti;
    if (clientId !== undefined && verified?.claims.azp !== clientId) return false;
    if (typeof jti === "string" && verified?.claims.iss === this.issuer) {
      this.revokedJtis.add(jti);
      return true;
    }
    return false;
  }

  /** Refuses one access token from now on (the API's blacklist at logout). */
  revokeJti(jti: string): void {
    this.revokedJtis.add(jti);
  }

  /**
   * The API's side: a `Bearer` JWT this provider signed, for this workspace's issuer and the
   * Alpacon audience, unexpired and not revoked, naming an active member. Else undefined (401).
   */
  authenticate(jwt: string): Credential | undefined {
    const verified = this.key.verify(jwt);
    if (verified === null) return undefined;
    const c = verified.claims;
    const aud = Array.isArray(c.aud) ? c.aud : [c.aud];
    if (c.iss !== this.issuer || !aud.includes(this.audience)) return undefined;
    if (typeof c.exp !== "number" || c.exp <= this.ws.now() / 1000) return undefined;
    if (typeof c.jti !== "string" || this.revokedJtis.has(c.jti)) return undefined;
    const sub = typeof c.sub === "string" ? c.sub : "";
    const user = this.ws.userById.get(sub.replace(/^auth0\|/, ""));
    if (!user || subjectOf(user) !== sub) return undefined;
    const mfa = c[MFA_CLAIM];
    return {
      scheme: "jwt",
      label: "idp",
      key: c.jti,
      userId: user.id,
      acl: { kind: "full" },
      ...(mfa && typeof mfa === "object" && !Array.isArray(mfa)
        ? { mfa: mfa as Record<string, string> }
        : {}),
    };
  }
}

const subjectOf = (user: IamUser): string => `auth0|${user.id}`;
const displayName = (user: IamUser): string =>
  [user.first_name, user.last_name].filter(Boolean).join(" ") || user.username;

function splitScope(scope: string | null): string[] {
  return (scope ?? "").split(" ").filter((s) => s !== "");
}

/** The scope a grant keeps: what was asked, without the `mfa` pseudo-scope of a step-up. */
function grantedScope(scope: string | null): string[] {
  const asked = splitScope(scope).filter((s) => s !== "mfa");
  return asked.length === 0 ? [...DEFAULT_SCOPE] : [...new Set(asked)];
}
