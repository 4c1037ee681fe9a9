import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";
import { afterAll } from "vitest";

// A minimal Auth0-shaped identity provider on 127.0.0.1 port 0, for the OAuth tests until the
// sandbox's own provider is used: OIDC discovery, JWKS, /authorize (PKCE S256, the person who
// logs in is chosen by the test), /oauth/token (authorization_code, refresh_token), RS256 access
// tokens with iss/aud/sub/exp. Codes are single-use, as RFC 6749 §4.1.2 requires.

export interface TestIdp {
  issuer: string;
  clientId: string;
  audience: string;
  /** Who "logs in" at the next /authorize (the test plays the person at the browser). */
  nextLogin: string;
  /** Access-token lifetime in seconds for the tokens issued from now on. */
  accessTtl: number;
  /** Each access token issued, with its subject (the sandbox is told to accept it). */
  issued: Array<{ token: string; subject: string; mfa: boolean }>;
  /** Grants asked for at /oauth/token, with their answer status. */
  grants: Array<{ grant: string; status: number }>;
  /** Signs any claims with the provider's key (attack tests: other audience, expired). */
  mint(
    claims: Record<string, unknown>,
    options?: { expiresIn?: number; key?: "own" | "foreign" },
  ): Promise<string>;
  close(): Promise<void>;
}

interface PendingCode {
  subject: string;
  redirectUri: string;
  challenge: string;
  scope: string;
  mfa: boolean;
  expiresAt: number;
}

export async function startIdp(
  options: { onIssue?: (token: string, subject: string) => void } = {},
): Promise<TestIdp> {
  const { privateKey, publicKey } = await generateKeyPair("RS256");
  const foreign = await generateKeyPair("RS256");
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: "test-1", alg: "RS256", use: "sig" };
  const codes = new Map<string, PendingCode>();
  const refreshes = new Map<string, { subject: string; scope: string; mfa: boolean }>();
  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      json(response, 500, { error: "server_error", error_description: (error as Error).message });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  const idp: TestIdp = {
    issuer: `http://127.0.0.1:${port}/`,
    clientId: "mcp-server-client",
    audience: "https://alpacon.io/access/",
    nextLogin: "member",
    accessTtl: 3600,
    issued: [],
    grants: [],
    async mint(claims, { expiresIn = 3600, key = "own" } = {}) {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({
        iss: idp.issuer,
        aud: idp.audience,
        iat: now,
        exp: now + expiresIn,
        // Its own id: two logins within one second must not yield the same token.
        jti: randomBytes(8).toString("hex"),
        ...claims,
      })
        .setProtectedHeader({ alg: "RS256", kid: "test-1", typ: "JWT" })
        .sign(key === "own" ? privateKey : foreign.privateKey);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  afterAll(() => idp.close());

  async function issue(
    subject: string,
    scope: string,
    mfa: boolean,
  ): Promise<Record<string, unknown>> {
    const token = await idp.mint(
      { sub: subject, scope, ...(mfa ? { amr: ["mfa"] } : {}) },
      { expiresIn: idp.accessTtl },
    );
    idp.issued.push({ token, subject, mfa });
    options.onIssue?.(token, subject);
    const refresh = randomBytes(24).toString("base64url");
    refreshes.set(refresh, { subject, scope, mfa });
    return {
      access_token: token,
      token_type: "Bearer",
      expires_in: idp.accessTtl,
      scope,
      refresh_token: refresh,
    };
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", idp.issuer);
    if (url.pathname === "/.well-known/openid-configuration") {
      return json(response, 200, {
        issuer: idp.issuer,
        authorization_endpoint: `${idp.issuer}authorize`,
        token_endpoint: `${idp.issuer}oauth/token`,
        jwks_uri: `${idp.issuer}.well-known/jwks.json`,
        response_types_supported: ["code"],
        code_challenge_methods_supported: ["S256"],
      });
    }
    if (url.pathname === "/.well-known/jwks.json") return json(response, 200, { keys: [jwk] });
    if (url.pathname === "/authorize") {
      const q = url.searchParams;
      if (q.get("client_id") !== idp.clientId)
        return json(response, 400, { error: "unauthorized_client" });
      if (q.get("code_challenge_method") !== "S256" || !q.get("code_challenge")) {
        return json(response, 400, {
          error: "invalid_request",
          error_description: "PKCE S256 required",
        });
      }
      const redirectUri = q.get("redirect_uri") ?? "";
      if (!redirectUri.startsWith("http://127.0.0.1:"))
        return json(response, 400, { error: "invalid_request" });
      const code = randomBytes(16).toString("hex");
      codes.set(code, {
        subject: idp.nextLogin,
        redirectUri,
        challenge: q.get("code_challenge")!,
        scope: q.get("scope") ?? "",
        mfa: (q.get("acr_values") ?? "").includes("multi-factor"),
        expiresAt: Date.now() + 60_000,
      });
      const back = new URL(redirectUri);
      back.searchParams.set("code", code);
      back.searchParams.set("state", q.get("state") ?? "");
      response.writeHead(302, { Location: back.href }).end();
      return;
    }
    if (url.pathname === "/oauth/token" && request.method === "POST") {
      const form = new URLSearchParams(await body(request));
      const answer = (status: number, content: Record<string, unknown>) => {
        idp.grants.push({ grant: form.get("grant_type") ?? "", status });
        json(response, status, content);
      };
      if (form.get("client_id") !== idp.clientId) return answer(401, { error: "invalid_client" });
      if (form.get("grant_type") === "authorization_code") {
        const code = form.get("code") ?? "";
        const pending = codes.get(code);
        codes.delete(code); // single use, whatever happens next
        const verifier = form.get("code_verifier") ?? "";
        const digest = createHash("sha256").update(verifier).digest("base64url");
        if (
          !pending ||
          pending.expiresAt < Date.now() ||
          pending.redirectUri !== form.get("redirect_uri") ||
          digest !== pending.challenge
        ) {
          return answer(400, { error: "invalid_grant" });
        }
        return answer(200, await issue(pending.subject, pending.scope, pending.mfa));
      }
      if (form.get("grant_type") === "refresh_token") {
        const old = form.get("refresh_token") ?? "";
        const known = refreshes.get(old);
        if (!known) return answer(400, { error: "invalid_grant" });
        refreshes.delete(old); // rotation
        return answer(200, await issue(known.subject, known.scope, false));
      }
      return answer(400, { error: "unsupported_grant_type" });
    }
    json(response, 404, { error: "not_found" });
  }
  return idp;
}

function json(response: ServerResponse, status: number, content: unknown): void {
  response.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify(content));
}

function body(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

/**
 * Plays the browser: follows redirects from `url` with a cookie jar until one leaves for
 * `stopAt` (the client's callback), and returns that URL, or the last answer when it stops.
 */
export async function browse(
  url: string,
  stopAt: string,
  jar: Map<string, string> = new Map(),
): Promise<{ url: string | undefined; status: number; body: string }> {
  let next = url;
  for (let hop = 0; hop < 10; hop += 1) {
    if (next.startsWith(stopAt)) return { url: next, status: 302, body: "" };
    const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join("; ");
    const response = await fetch(next, { redirect: "manual", headers: cookie ? { cookie } : {} });
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(";");
      const [name, ...value] = pair!.trim().split("=");
      if (attributes.some((item) => /max-age=0/i.test(item.trim()))) jar.delete(name!);
      else jar.set(name!, value.join("="));
    }
    const location = response.headers.get("location");
    if (!location) return { url: undefined, status: response.status, body: await response.text() };
    next = new URL(location, next).href;
  }
  throw new Error("Too many redirects.");
}
