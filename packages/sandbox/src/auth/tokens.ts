import { hashSeed, Rng } from "../data/rng.js";
import type { IamUser } from "../state/model.js";

/** What a credential may do. */
export type TokenAcl =
  /** Everything the user may do. */
  | { kind: "full" }
  /** GET/HEAD/OPTIONS only; any write is 403 `api_token_acl_not_allowed`. */
  | { kind: "read-only" }
  /** Commands only when the line matches a pattern and the server is listed (OSS CommandACL). */
  | { kind: "command"; patterns: string[]; servers: string[] }
  /**
   * A token made through `/api/auth/tokens/`: its record's scopes (and its ACL entries) decide,
   * on every call; deleting, disabling or expiring the record ends it at once.
   */
  | { kind: "scoped"; tokenId: string };

export interface Credential {
  /** How it is presented: `token="…"` (API token), `Bearer …` (JWT) or the agent's `id=…, key=…`. */
  scheme: "api-token" | "jwt" | "agent";
  /** Short label for the journal and the CLI output: `admin`, `readOnly`, `commandAcl`, `jwt`. */
  label: string;
  key: string;
  userId: string;
  acl: TokenAcl;
  /** Set for agent credentials: the server the agent runs on. */
  serverId?: string;
  /**
   * A login's completed MFA, `{method: ISO time}` (the JWT's `https://alpacon.io/completed_mfa_methods`,
   * set for identity-provider tokens only): what the MFA gate checks.
   */
  mfa?: Readonly<Record<string, string>>;
}

/** The tokens a workspace hands out, by role. */
export interface WorkspaceTokens {
  /** Full-access API token of the workspace owner (a superuser). */
  admin: string;
  /** API token whose ACL allows reads only. */
  readOnly: string;
  /** API token with a command ACL (see `control.workspace(…).commandAcl()`). */
  commandAcl: string;
  /** A browser-login JWT of a normal (non-staff) member: subject to MFA and work-session gates. */
  jwt: string;
  /**
   * A browser-login JWT of the workspace owner (a superuser): the person in the web console, the
   * one caller who may approve or reject approval requests (API tokens are refused, ADR 0015).
   */
  ownerJwt: string;
}

export const DEFAULT_COMMAND_PATTERNS = [
  "uptime",
  "hostname",
  "whoami",
  "id",
  "df -h",
  "free -m",
  "ls *",
  "cat /etc/os-release",
  "echo *",
  "systemctl status *",
  "journalctl *",
];

const b64url = (value: string): string => Buffer.from(value).toString("base64url");

/**
 * The credentials of one workspace. Keys are derived from the seed so the same seed prints the
 * same tokens (handy for demos and token files); they mean nothing outside this sandbox.
 */
export class TokenRegistry {
  private readonly byKey = new Map<string, Credential>();
  readonly tokens: WorkspaceTokens;
  private readonly agentSeed: number;

  constructor(
    seed: number,
    region: string,
    workspace: string,
    owner: IamUser,
    member: IamUser,
    commandServers: string[],
  ) {
    const rng = new Rng(hashSeed(seed, "tokens", region, workspace));
    this.agentSeed = hashSeed(seed, "agent-keys", region, workspace);
    const admin = `alpat-${rng.base62(40)}`;
    const readOnly = `alpat-${rng.base62(40)}`;
    const commandAcl = `alpat-${rng.base62(40)}`;
    const now = 1_700_000_000;
    // A browser login of `user`: the claims the real tokens carry, signed by nobody.
    const login = (user: IamUser) =>
      [
        b64url(JSON.stringify({ alg: "RS256", typ: "JWT", kid: `sandbox-${rng.hex(8)}` })),
        b64url(
          JSON.stringify({
            iss: "https://auth.alpacon.io/",
            sub: `auth0|${user.id}`,
            aud: ["https://alpacon.io/access/"],
            iat: now,
            exp: now + 100 * 365 * 86_400,
            "https://alpacon.io/workspaces": [{ schema_name: workspace, region }],
            "https://alpacon.io/username": user.username,
          }),
        ),
        rng.base62(86),
      ].join(".");
    const jwt = login(member);
    // Drawn after the others so every earlier key stays what it was for a given seed.
    const ownerJwt = login(owner);
    this.tokens = { admin, readOnly, commandAcl, jwt, ownerJwt };
    this.add({
      scheme: "api-token",
      label: "admin",
      key: admin,
      userId: owner.id,
      acl: { kind: "full" },
    });
    this.add({
      scheme: "api-token",
      label: "readOnly",
      key: readOnly,
      userId: owner.id,
      acl: { kind: "read-only" },
    });
    this.add({
      scheme: "api-token",
      label: "commandAcl",
      key: commandAcl,
      userId: owner.id,
      acl: { kind: "command", patterns: [...DEFAULT_COMMAND_PATTERNS], servers: commandServers },
    });
    this.add({ scheme: "jwt", label: "jwt", key: jwt, userId: member.id, acl: { kind: "full" } });
    this.add({
      scheme: "jwt",
      label: "ownerJwt",
      key: ownerJwt,
      userId: owner.id,
      acl: { kind: "full" },
    });
  }

  add(credential: Credential): void {
    this.byKey.set(`${credential.scheme}:${credential.key}`, credential);
  }

  remove(scheme: Credential["scheme"], key: string): void {
    this.byKey.delete(`${scheme}:${key}`);
  }

  find(scheme: Credential["scheme"], key: string): Credential | undefined {
    return this.byKey.get(`${scheme}:${key}`);
  }

  commandAclCredential(): Credential & { acl: { kind: "command" } } {
    return this.find("api-token", this.tokens.commandAcl) as Credential & {
      acl: { kind: "command" };
    };
  }

  /** The agent key of a server; agents authenticate with `id="<server>", key="<key>"`. */
  agentKey(serverIndex: number): string {
    return new Rng(hashSeed(this.agentSeed, serverIndex)).base62(32);
  }
}

export type ParsedAuthorization =
  | { kind: "missing" }
  | { kind: "api-token"; key: string }
  | { kind: "jwt"; token: string }
  | { kind: "agent"; id: string; key: string }
  | { kind: "malformed" };

// alpacon-server's parser (`oss:api/apitoken/auth.py`): accepts token="…" and token=….
const TOKEN_RE = /^(\w+)[:=] ?"?([a-zA-Z0-9\-_]+)"?$/;
const AGENT_RE = /^id="?([^",\s]+)"?,\s*key="?([^",\s]+)"?$/;
const JWT_RE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export function parseAuthorization(header: string | undefined): ParsedAuthorization {
  if (header === undefined || header.trim() === "") return { kind: "missing" };
  const value = header.trim();
  if (value.slice(0, 7).toLowerCase() === "bearer ") {
    const token = value.slice(7).trim();
    return JWT_RE.test(token) ? { kind: "jwt", token } : { kind: "malformed" };
  }
  const agent = AGENT_RE.exec(value);
  if (agent) return { kind: "agent", id: agent[1] as string, key: agent[2] as string };
  const token = TOKEN_RE.exec(value);
  if (token && token[1] === "token") return { kind: "api-token", key: token[2] as string };
  // DRF: an Authorization header for another scheme means "no credentials for us".
  if (/^[A-Za-z]+ /.test(value)) return { kind: "missing" };
  return { kind: "malformed" };
}

/** OSS `CommandACL.is_allowed`: the pattern is exact text where `*` matches anything. */
export function commandMatches(pattern: string, line: string): boolean {
  const source = pattern
    .split("*")
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${source}$`, "s").test(line.trim());
}
