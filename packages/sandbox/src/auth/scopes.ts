import type { Method } from "../http/app.js";

/**
 * The scopes an API token may carry, `<resource>:<action>` (`cli@9483716:api/auth/types.go`
 * `TokenScopesResponse`; `alpacon token create --scopes "server:read,command:create"`). The
 * real catalog is the server's; this one names the sandbox's areas, each with the path prefixes
 * it covers and the ACL kinds that narrow it (deny by default, `cli@9483716:cmd/token/acl.go`).
 */
export interface ScopeResource {
  name: string;
  actions: readonly ScopeAction[];
  acl: readonly AclKind[];
  /** Path prefixes under the workspace base; the first (longest) match wins. */
  prefixes: readonly string[];
}

export type ScopeAction = "read" | "create" | "update" | "delete";
export type AclKind = "command" | "server" | "file";

const CRUD: readonly ScopeAction[] = ["read", "create", "update", "delete"];

export const SCOPE_RESOURCES: readonly ScopeResource[] = [
  { name: "server", actions: CRUD, acl: ["server"], prefixes: ["/api/servers/servers/"] },
  { name: "note", actions: CRUD, acl: [], prefixes: ["/api/servers/notes/"] },
  { name: "metrics", actions: ["read"], acl: [], prefixes: ["/api/metrics/"] },
  { name: "system", actions: ["read"], acl: [], prefixes: ["/api/proc/"] },
  { name: "event", actions: ["read"], acl: [], prefixes: ["/api/events/events/"] },
  {
    name: "command",
    actions: ["read", "create", "delete"],
    acl: ["command", "server"],
    prefixes: ["/api/events/commands/"],
  },
  { name: "websh", actions: CRUD, acl: ["command", "server"], prefixes: ["/api/websh/"] },
  {
    name: "webftp",
    actions: ["read", "create", "delete"],
    acl: ["file", "server"],
    prefixes: ["/api/webftp/"],
  },
  { name: "iam", actions: CRUD, acl: [], prefixes: ["/api/iam/"] },
  { name: "security", actions: CRUD, acl: [], prefixes: ["/api/security/"] },
  { name: "cert", actions: CRUD, acl: [], prefixes: ["/api/cert/"] },
  // On-premise an admin token with this scope reaches the workspace settings
  // (`mcp@22fc34c:docs/api-reference.md`, workspace tools).
  { name: "workspaces", actions: CRUD, acl: [], prefixes: ["/api/workspaces/"] },
  { name: "audit", actions: ["read"], acl: [], prefixes: ["/api/audit/", "/api/history/"] },
];

/** Reached by every token whatever its scopes: the health check and the catalogs to build one. */
const OPEN_PREFIXES = ["/api/status/", "/api/auth/tokens/scopes/", "/api/auth/tokens/presets/"];

/** What `*` stands for (every scope). */
export const SCOPE_WILDCARDS = ["*"] as const;

/** Bundles `presets` expand to on create (`mcp@22fc34c:tests/test_token_tools.py` `file_upload`). */
export const SCOPE_PRESETS: Readonly<Record<string, { name: string; scopes: readonly string[] }>> =
  {
    read_only: {
      name: "Read only",
      scopes: SCOPE_RESOURCES.map((r) => `${r.name}:read`),
    },
    command_execution: {
      name: "Command execution",
      scopes: ["server:read", "command:read", "command:create"],
    },
    file_upload: { name: "File upload", scopes: ["server:read", "webftp:read", "webftp:create"] },
    monitoring: { name: "Monitoring", scopes: ["server:read", "metrics:read", "event:read"] },
  };

const ACTION: Record<Method, ScopeAction> = {
  GET: "read",
  POST: "create",
  PUT: "update",
  PATCH: "update",
  DELETE: "delete",
};

// Longest prefix first, so a nested area never falls under a broader one.
const BY_PREFIX = SCOPE_RESOURCES.flatMap((r) => r.prefixes.map((p) => ({ prefix: p, r }))).sort(
  (a, b) => b.prefix.length - a.prefix.length,
);

/**
 * The scope a request needs: "" for the open paths, null when no resource covers the path (then
 * only `*` reaches it).
 */
export function requiredScope(method: Method, path: string): string | null {
  if (method === "GET" && OPEN_PREFIXES.some((p) => path.startsWith(p))) return "";
  const hit = BY_PREFIX.find(({ prefix }) => path.startsWith(prefix));
  return hit ? `${hit.r.name}:${ACTION[method]}` : null;
}

/** `*` grants all, `server:*` every action on servers, else the exact scope. */
export function scopesAllow(scopes: readonly string[], needed: string | null): boolean {
  if (needed === "" || scopes.includes("*")) return true;
  if (needed === null) return false;
  const resource = needed.slice(0, needed.indexOf(":"));
  return scopes.includes(needed) || scopes.includes(`${resource}:*`);
}

/** Scopes a request may carry: `*`, `<resource>:*` or a known `<resource>:<action>`. */
export function isKnownScope(scope: string): boolean {
  if (scope === "*") return true;
  const [resource, action] = scope.split(":");
  const found = SCOPE_RESOURCES.find((r) => r.name === resource);
  return !!found && (action === "*" || found.actions.includes(action as ScopeAction));
}
