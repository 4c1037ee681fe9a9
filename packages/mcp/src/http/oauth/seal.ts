import { createHash, hkdfSync } from "node:crypto";
import { decodeProtectedHeader, EncryptJWT, type JWTPayload, jwtDecrypt } from "jose";

// Every piece of OAuth state this server hands out (client ids, the upstream `state`,
// authorization codes, refresh tokens) is a JWE sealed under a key all instances share: any
// instance behind a load balancer can open what another sealed, with no store between them.

/** What each sealed value is for; opening it as anything else fails (`aud` is checked). */
export type SealPurpose = "client" | "flow" | "code" | "refresh";

const MIN_KEY_BYTES = 32;

interface SealKey {
  kid: string;
  secret: Uint8Array;
}

/**
 * The keys from `ALPACON_MCP_OAUTH_KEY`: comma-separated, the first seals, every one opens (key
 * rotation: put the new key first, drop the old one once what it sealed has expired).
 */
export class SealKeys {
  private readonly keys: SealKey[];

  constructor(raw: readonly string[]) {
    if (raw.length === 0) {
      throw new Error(
        "OAuth needs a sealing key shared by every instance: set ALPACON_MCP_OAUTH_KEY (make one with: openssl rand -hex 32).",
      );
    }
    this.keys = raw.map(parseKey);
  }

  /** Seals `claims` for `purpose`; `ttlSeconds` undefined means no expiry (registrations). */
  async seal(purpose: SealPurpose, claims: JWTPayload, ttlSeconds?: number): Promise<string> {
    const key = this.keys[0]!;
    const jwt = new EncryptJWT(claims)
      .setProtectedHeader({ alg: "dir", enc: "A256GCM", kid: key.kid })
      .setAudience(audience(purpose))
      .setIssuedAt();
    if (ttlSeconds !== undefined) jwt.setExpirationTime(`${ttlSeconds}s`);
    return jwt.encrypt(key.secret);
  }

  /** The claims of a value this deployment sealed for `purpose`, or undefined (forged, expired, other purpose, unknown key). */
  async open(purpose: SealPurpose, sealed: string): Promise<JWTPayload | undefined> {
    if (sealed.length > 8192) return undefined;
    let kid: unknown;
    try {
      kid = decodeProtectedHeader(sealed).kid;
    } catch {
      return undefined;
    }
    const key = this.keys.find((item) => item.kid === kid);
    if (!key) return undefined;
    try {
      const { payload } = await jwtDecrypt(sealed, key.secret, {
        audience: audience(purpose),
        keyManagementAlgorithms: ["dir"],
        contentEncryptionAlgorithms: ["A256GCM"],
      });
      return payload;
    } catch {
      return undefined;
    }
  }
}

function audience(purpose: SealPurpose): string {
  return `alpacon-mcp-oauth:${purpose}`;
}

function parseKey(text: string): SealKey {
  const trimmed = text.trim();
  const bytes = /^[0-9a-f]+$/i.test(trimmed)
    ? Buffer.from(trimmed, "hex")
    : Buffer.from(trimmed, "base64url");
  if (bytes.length < MIN_KEY_BYTES) {
    throw new Error(
      `Each ALPACON_MCP_OAUTH_KEY entry must be at least ${MIN_KEY_BYTES} bytes (64 hex digits); make one with: openssl rand -hex 32.`,
    );
  }
  // Derived, so the same secret used elsewhere never seals with its raw bytes here.
  const secret = new Uint8Array(hkdfSync("sha256", bytes, "", "alpacon-mcp-oauth-seal-v1", 32));
  const kid = createHash("sha256").update(secret).digest("base64url").slice(0, 12);
  return { kid, secret };
}
