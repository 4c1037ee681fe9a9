import { randomBytes } from "node:crypto";
import { isKnownScope, SCOPE_PRESETS, SCOPE_RESOURCES, SCOPE_WILDCARDS } from "../auth/scopes.js";
import type { App, RequestContext } from "../http/app.js";
import { ApiError, fieldErrors, notFound, permissionDenied } from "../http/errors.js";
import { type ListSpec, queryList } from "../http/list.js";
import { paginate } from "../http/pagination.js";
import { BodyReader } from "../http/validate.js";
import type { ApiTokenRecord } from "../state/api-tokens.js";
import { idParam } from "./common.js";
import { apiTokenJson } from "./serialize/tokens.js";

const TOKEN_SPEC: ListSpec<ApiTokenRecord> = {
  filters: {
    name: { kind: "exact", get: (t) => t.name },
    enabled: { kind: "bool", get: (t) => t.enabled },
    // The sandbox records no remote IP: the filter exists and matches nothing.
    remote_ip: { kind: "exact", get: () => null },
  },
  search: (t) => `${t.id} ${t.name}`.toLowerCase(),
  ordering: { updated_at: (t) => t.updatedAt, added_at: (t) => t.addedAt },
  defaultOrdering: ["-updated_at"],
};

/**
 * `APITokenObjectPermission`: a caller authenticated with an API token (`source='api'`) may not
 * manage tokens, so a leaked token cannot mint or widen others (`mcp@22fc34c:tools/token_tools.py`).
 */
function requireLogin(ctx: RequestContext): void {
  if (ctx.principal.credential.scheme !== "jwt") throw permissionDenied();
}

function own(ctx: RequestContext): readonly ApiTokenRecord[] {
  return ctx.ws.apiTokens.list.all().filter((t) => t.userId === ctx.principal.user.id);
}

function findOwn(ctx: RequestContext): ApiTokenRecord {
  const token = ctx.ws.apiTokens.byId.get(idParam(ctx));
  if (!token || token.userId !== ctx.principal.user.id) throw notFound();
  return token;
}

const NAME_TAKEN = "API token with this user and name already exists.";

function nameTaken(ctx: RequestContext, name: string, except?: string): boolean {
  return own(ctx).some((t) => t.name === name && t.id !== except);
}

function readScopes(body: BodyReader, name: "scopes" | "presets"): string[] | undefined {
  const list = body.stringList(name);
  if (!list) return undefined;
  const unknown = list.filter((s) => (name === "scopes" ? !isKnownScope(s) : !SCOPE_PRESETS[s]));
  if (unknown.length > 0) {
    body.fail(name, `Unknown ${name === "scopes" ? "scope" : "preset"}: ${unknown.join(", ")}.`);
    return undefined;
  }
  return list;
}

function expiry(value: string | null | undefined, body: BodyReader, now: number): number | null {
  if (value === null || value === undefined) return null;
  const at = Date.parse(value);
  if (at <= now) body.fail("expires_at", "The expiry must be in the future.");
  return at;
}

/** A new secret; random rather than seeded, since the seed of a demo is public. */
const newKey = (): string =>
  `alpat-${randomBytes(30).toString("base64url").replace(/[-_]/g, "x").slice(0, 40)}`;

function issue(
  ctx: RequestContext,
  fields: Omit<ApiTokenRecord, "id" | "key" | "userId" | "addedAt" | "updatedAt">,
): ApiTokenRecord {
  const now = ctx.ws.now();
  const record: ApiTokenRecord = {
    ...fields,
    id: ctx.ws.newId(),
    key: newKey(),
    userId: ctx.principal.user.id,
    addedAt: now,
    updatedAt: now,
  };
  ctx.ws.apiTokens.add(record);
  ctx.ws.tokens.add({
    scheme: "api-token",
    label: `api-token:${record.name}`,
    key: record.key,
    userId: record.userId,
    acl: { kind: "scoped", tokenId: record.id },
  });
  return record;
}

export function registerTokens(app: App): void {
  app.route("/api/auth/tokens/", {
    GET: (ctx) => {
      requireLogin(ctx);
      const items = queryList(own(ctx), ctx.query, TOKEN_SPEC);
      return { status: 200, body: paginate(items, ctx.query, (t) => apiTokenJson(t)) };
    },
    POST: (ctx) => {
      requireLogin(ctx);
      const body = new BodyReader(ctx.body);
      const name = body.string("name", { required: true, max: 255 });
      const expiresAt = body.dateTime("expires_at", { nullable: true });
      const scopes = readScopes(body, "scopes");
      const presets = readScopes(body, "presets");
      const enabled = body.bool("enabled") ?? true;
      const now = ctx.ws.now();
      const expires = expiry(expiresAt, body, now);
      body.done();
      if (typeof name !== "string") throw fieldErrors({ name: ["This field is required."] });
      if (nameTaken(ctx, name)) throw new ApiError(400, [NAME_TAKEN]);
      // No scopes and no presets: full access, as the CLI says ("Omit to default to full access").
      const merged = new Set([
        ...(scopes ?? []),
        ...(presets ?? []).flatMap((p) => SCOPE_PRESETS[p]?.scopes ?? []),
      ]);
      const record = issue(ctx, {
        name,
        enabled,
        scopes: merged.size === 0 ? ["*"] : [...merged],
        expiresAt: expires,
      });
      return { status: 201, body: apiTokenJson(record, true) };
    },
  });
  app.route("/api/auth/tokens/scopes/", {
    GET: () => ({
      status: 200,
      body: {
        resources: SCOPE_RESOURCES.map((r) => ({
          name: r.name,
          actions: [...r.actions],
          acl: [...r.acl],
        })),
        wildcards: [...SCOPE_WILDCARDS],
      },
    }),
  });
  app.route("/api/auth/tokens/presets/", {
    GET: () => ({
      status: 200,
      body: Object.fromEntries(
        Object.entries(SCOPE_PRESETS).map(([key, p]) => [
          key,
          { name: p.name, scopes: [...p.scopes] },
        ]),
      ),
    }),
  });
  app.route("/api/auth/tokens/:id/", {
    GET: (ctx) => {
      requireLogin(ctx);
      return { status: 200, body: apiTokenJson(findOwn(ctx)) };
    },
    PATCH: (ctx) => {
      requireLogin(ctx);
      const token = findOwn(ctx);
      const body = new BodyReader(ctx.body);
      if (body.has("presets")) body.fail("presets", "Presets are not allowed on update.");
      const name = body.string("name", { max: 255 });
      const enabled = body.bool("enabled");
      const expiresAt = body.dateTime("expires_at", { nullable: true });
      const scopes = readScopes(body, "scopes");
      const now = ctx.ws.now();
      const expires = expiry(expiresAt, body, now);
      body.done();
      if (typeof name === "string" && nameTaken(ctx, name, token.id)) {
        throw new ApiError(400, [NAME_TAKEN]);
      }
      if (typeof name === "string") token.name = name;
      if (typeof enabled === "boolean") token.enabled = enabled;
      if (expiresAt !== undefined) token.expiresAt = expires;
      if (scopes) token.scopes = scopes.length === 0 ? ["*"] : scopes;
      token.updatedAt = now;
      ctx.ws.apiTokens.list.touch();
      return { status: 200, body: apiTokenJson(token) };
    },
    DELETE: (ctx) => {
      requireLogin(ctx);
      const token = findOwn(ctx);
      ctx.ws.apiTokens.remove(token.id);
      ctx.ws.acls.removeToken(token.id);
      ctx.ws.tokens.remove("api-token", token.key);
      return { status: 204 };
    },
  });
  app.route("/api/auth/tokens/:id/duplicate/", {
    POST: (ctx) => {
      requireLogin(ctx);
      const source = findOwn(ctx);
      const body = new BodyReader(ctx.body);
      const given = body.string("name", { allowBlank: true, max: 255 });
      body.done();
      const name = given ? given : `${source.name} (copy)`;
      if (nameTaken(ctx, name)) throw new ApiError(400, [NAME_TAKEN]);
      const copy = issue(ctx, {
        name,
        enabled: source.enabled,
        scopes: [...source.scopes],
        expiresAt: source.expiresAt,
      });
      ctx.ws.acls.copyToken(source.id, copy.id, () => ctx.ws.newId());
      return { status: 201, body: apiTokenJson(copy, true) };
    },
  });
}
