import type { IdentityProvider, IdpClient, LoginOptions, TokenSet } from "./identity-provider.js";

export type { LoginOptions, TokenSet } from "./identity-provider.js";

/** A registered application: `clientSecret` is null for a public client. */
export interface SandboxIdpClient {
  clientId: string;
  clientSecret: string | null;
  redirectUris: string[];
}

/** How the test "browser" answers the login form. */
export interface BrowserLogin {
  /** Username or email of a workspace member. */
  username: string;
  /** An MFA method the login completes (`otp`, `email` …); required when the request asks for MFA. */
  mfa?: string;
  /** Press "Deny" instead. */
  deny?: boolean;
  /**
   * Stop at the first redirect whose URL starts with this (the client's redirect URI) and return
   * it. Default: the first redirect that leaves this identity provider.
   */
  stopAt?: string;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/**
 * A workspace's identity provider as tests see it (`sandbox.idp("ap1/acme")`): where it is,
 * clients, logins without a browser, device approval and revocation.
 */
export class SandboxIdp {
  constructor(private readonly idp: IdentityProvider) {}

  /** `http://127.0.0.1:PORT/idp/{region}/{workspace}/` (trailing slash, as Auth0's). */
  get issuer(): string {
    return this.idp.issuer;
  }
  get discoveryUrl(): string {
    return `${this.idp.issuer}.well-known/openid-configuration`;
  }
  get jwksUri(): string {
    return `${this.idp.issuer}.well-known/jwks.json`;
  }
  get authorizationEndpoint(): string {
    return `${this.idp.issuer}authorize`;
  }
  get tokenEndpoint(): string {
    return `${this.idp.issuer}oauth/token`;
  }
  /** `https://alpacon.io/access/`: the only audience the API accepts. */
  get audience(): string {
    return this.idp.audience;
  }
  /** Auth0's MFA API audience (`{issuer}mfa/`); asking for it makes the login demand MFA. */
  get mfaAudience(): string {
    return this.idp.mfaAudience;
  }
  /**
   * The account service (`ALPACON_ACCOUNT_URL`): `{accountUrl}/api/workspaces/security/` lists
   * the MFA settings of the login's workspace, as the reference's MFA pre-check reads them.
   */
  get accountUrl(): string {
    return `${new URL(this.idp.issuer).origin}/account`;
  }
  /** The public client `/api/auth/env` names (device flow, or PKCE with registered URIs). */
  get cliClientId(): string {
    return this.idp.cliClient.clientId;
  }

  /** Registers an application; confidential (with a secret) unless `confidential: false`. */
  registerClient(input: {
    redirectUris: string[];
    confidential?: boolean;
    clientId?: string;
    name?: string;
  }): SandboxIdpClient {
    return clientJson(this.idp.registerClient(input));
  }

  /** Adds redirect URIs to a client (the CLI's public client included). */
  addRedirectUris(clientId: string, uris: string[]): SandboxIdpClient {
    const client = this.idp.client(clientId);
    if (!client) throw new Error(`Unknown client "${clientId}".`);
    for (const uri of uris) if (!client.redirectUris.includes(uri)) client.redirectUris.push(uri);
    return clientJson(client);
  }

  /** Tokens for a member as if they had logged in: no browser, no client round trip. */
  login(username: string, options: LoginOptions = {}): Promise<TokenSet> {
    return this.idp.login(username, options);
  }

  /** The person's answer on the device activation page. */
  approveDevice(
    userCode: string,
    username: string,
    options: { mfa?: string; deny?: boolean } = {},
  ): void {
    this.idp.decideDevice(userCode, username, options.deny ? "deny" : "allow", options.mfa);
  }

  /** Revokes an access token (refused by the API from now on) or a refresh token (its family). */
  revoke(token: string): boolean {
    return this.idp.revoke(token);
  }

  /** Lifetimes in seconds; a short access token makes expiry testable. */
  setLifetimes(lifetimes: {
    accessToken?: number;
    refreshToken?: number;
    deviceInterval?: number;
  }): void {
    if (lifetimes.accessToken !== undefined) this.idp.accessTokenTtl = lifetimes.accessToken;
    if (lifetimes.refreshToken !== undefined) this.idp.refreshTokenTtl = lifetimes.refreshToken;
    if (lifetimes.deviceInterval !== undefined) this.idp.deviceInterval = lifetimes.deviceInterval;
  }

  /**
   * A browser for tests: opens `url` (an authorize URL of this provider, or of a server that
   * redirects to it), follows redirects on loopback only, keeps each origin's cookies (the
   * provider's session, and the binding cookie an MCP server sets before sending the browser
   * here, which its callback needs), fills the login form as `as.username`, and returns the redirect URL that leaves the provider
   * (or the first one starting with `as.stopAt`). Throws with the page's message when the login
   * is refused, and never follows an address other than loopback.
   */
  async authorize(url: string, as: BrowserLogin): Promise<string> {
    let next = new URL(url);
    let form: URLSearchParams | null = null;
    // Per origin, stricter than a browser (per host): the servers on loopback share a host.
    const jar = new Map<string, Map<string, string>>();
    for (let hop = 0; hop < 20; hop++) {
      if (!LOOPBACK.has(next.hostname) || next.protocol !== "http:")
        throw new Error(`Refusing to follow ${next.origin}: the test browser stays on loopback.`);
      const ours = next.href.startsWith(this.idp.issuer);
      const cookies = jar.get(next.origin) ?? new Map<string, string>();
      jar.set(next.origin, cookies);
      const headers: Record<string, string> = {};
      if (cookies.size > 0) headers.cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join("; ");
      const response = await fetch(
        next,
        form
          ? {
              method: "POST",
              body: form,
              redirect: "manual",
              headers: { ...headers, "content-type": "application/x-www-form-urlencoded" },
            }
          : { redirect: "manual", headers },
      );
      form = null;
      const text = await response.text();
      for (const set of response.headers.getSetCookie()) {
        const [pair] = set.split(";");
        const [k, ...v] = (pair ?? "").split("=");
        if (k) cookies.set(k.trim(), v.join("="));
      }
      const location = response.headers.get("location");
      if (response.status >= 300 && response.status < 400 && location) {
        const target = new URL(location, next);
        if (
          as.stopAt
            ? target.href.startsWith(as.stopAt)
            : ours && !target.href.startsWith(this.idp.issuer)
        )
          return target.href;
        next = target;
        continue;
      }
      if (ours && response.status === 200 && next.pathname.endsWith("/authorize")) {
        // The login form: post its fields back, as a person pressing the button would.
        form = new URLSearchParams(next.searchParams);
        form.set("username", as.username);
        if (as.mfa) form.set("mfa", as.mfa);
        form.set("decision", as.deny ? "deny" : "allow");
        continue;
      }
      const alert = /<p role="alert">([^<]*)<\/p>/.exec(text)?.[1];
      throw new Error(
        `Login stopped at ${next.pathname} (${response.status})${alert ? `: ${alert}` : ""}`,
      );
    }
    throw new Error("Too many redirects.");
  }
}

function clientJson(client: IdpClient): SandboxIdpClient {
  return {
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    redirectUris: [...client.redirectUris],
  };
}
