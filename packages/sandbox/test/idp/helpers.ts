import { createHash, randomBytes } from "node:crypto";

/** A PKCE pair as an OAuth client makes it (RFC 7636, S256). */
export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

/** An authorize URL of `issuer` with the usual parameters, overridable. */
export function authorizeUrl(issuer: string, params: Record<string, string>): string {
  const url = new URL(`${issuer}authorize`);
  url.search = new URLSearchParams({
    response_type: "code",
    scope: "openid profile email offline_access",
    state: "st-123",
    ...params,
  }).toString();
  return url.toString();
}

/** POSTs a form (or JSON when `json`) and returns status and parsed body. */
export async function post(
  url: string,
  body: Record<string, string>,
  options: { json?: boolean; headers?: Record<string, string> } = {},
  // biome-ignore lint/suspicious/noExplicitAny: test convenience; shapes are asserted right after
): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(url, {
    method: "POST",
    redirect: "manual",
    headers: {
      "content-type": options.json ? "application/json" : "application/x-www-form-urlencoded",
      ...options.headers,
    },
    body: options.json ? JSON.stringify(body) : new URLSearchParams(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  if ((res.headers.get("content-type") ?? "").includes("json")) parsed = JSON.parse(text);
  return { status: res.status, body: parsed, headers: res.headers };
}

/** The claims of a JWT, unverified (the tests verify separately where it matters). */
export function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split(".")[1] as string, "base64url").toString("utf8"));
}
