import { createHash, generateKeyPairSync, type KeyObject, verify } from "node:crypto";

/** One JWT as the API reads it: header and claims decoded, signature checked. */
export interface VerifiedJwt {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
}

/**
 * The sandbox's signing key (RS256), shared by every workspace's identity provider as one Auth0
 * tenant's key is. Generated on first use: most sandboxes never issue a token, and an RSA key
 * costs tens of milliseconds that a cold start (`alpacon-mcp --sandbox`) should not pay.
 */
export class SigningKey {
  private pair: { privateKey: KeyObject; publicKey: KeyObject; kid: string } | null = null;

  private get key() {
    if (this.pair === null) {
      const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
      const der = publicKey.export({ type: "spki", format: "der" });
      const kid = createHash("sha256").update(der).digest("base64url").slice(0, 22);
      this.pair = { privateKey, publicKey, kid };
    }
    return this.pair;
  }

  /** The key id; undefined until a token was issued (no token can carry it before). */
  get kidIfCreated(): string | undefined {
    return this.pair?.kid;
  }

  /** `/.well-known/jwks.json`: the public key as Auth0 publishes it. */
  jwks(): { keys: Record<string, unknown>[] } {
    const { publicKey, kid } = this.key;
    const jwk = publicKey.export({ format: "jwk" });
    return { keys: [{ ...jwk, kid, alg: "RS256", use: "sig" }] };
  }

  async sign(claims: Record<string, unknown>): Promise<string> {
    const { privateKey, kid } = this.key;
    // jose is ESM-only: a dynamic import loads it from the CommonJS build too, and only once a
    // token is issued, so a sandbox that never signs never loads it.
    const { SignJWT } = await import("jose");
    return new SignJWT(claims)
      .setProtectedHeader({ alg: "RS256", typ: "JWT", kid })
      .sign(privateKey);
  }

  /**
   * Checks the signature synchronously (node:crypto), so the API's authentication stays on the
   * same tick as before: RS256 only, our kid only. Claims are the caller's to check.
   */
  verify(token: string): VerifiedJwt | null {
    const pair = this.pair;
    if (pair === null) return null;
    const parts = token.split(".");
    if (parts.length !== 3) return null;
    const [h, p, s] = parts as [string, string, string];
    const header = decodeSegment(h);
    if (header === null || header.alg !== "RS256" || header.kid !== pair.kid) return null;
    const ok = verify(
      "sha256",
      Buffer.from(`${h}.${p}`),
      pair.publicKey,
      Buffer.from(s, "base64url"),
    );
    if (!ok) return null;
    const claims = decodeSegment(p);
    return claims === null ? null : { header, claims };
  }
}

function decodeSegment(segment: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}
