import type { App, RequestContext } from "../http/app.js";
import { ApiError, fieldErrors } from "../http/errors.js";
import { BodyReader } from "../http/validate.js";
import type { WorkspaceState } from "../state/workspace.js";
import { MFA_ACTIONS } from "../state/workspace-settings.js";
import { requireStaff } from "./common.js";

const TIMEZONES = new Set<string>([...Intl.supportedValuesOf("timeZone"), "UTC"]);
const DOMAIN_RE = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

function validUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

/**
 * The security view authenticates browser sessions only: it has no API-token authentication, so
 * an API token is anonymous there and DRF answers 403 (`mcp@259d66c`: "a static API token … got a
 * raw 403").
 */
function requireBrowserSession(ctx: RequestContext): void {
  if (ctx.principal.credential.scheme !== "jwt") {
    throw new ApiError(403, { detail: "Authentication credentials were not provided." });
  }
}

function preferencesJson(ctx: RequestContext): Record<string, unknown> {
  const p = ctx.ws.settings.preferences;
  return { ...p, front_url: p.front_url ?? ctx.ws.baseUrl };
}

function mfaMethods(ws: WorkspaceState) {
  const { allowed_mfa_methods, passkey_as_mfa } = ws.settings.mfa;
  return { allowed_mfa_methods: [...allowed_mfa_methods], passkey_as_mfa };
}

/** A workspace's MFA settings; also served by the account service (`src/idp/idp-http.ts`). */
export function securityJson(ws: WorkspaceState): Record<string, unknown> {
  const required = ws.gates.mfaRequired;
  return {
    mfa_required: required,
    mfa_timeout: ws.settings.mfa.mfa_timeout,
    // What the gate actually covers: commands, websh and webftp when it is on.
    mfa_required_actions: required ? [...MFA_ACTIONS] : [],
    ...mfaMethods(ws),
  };
}

export function registerWorkspace(app: App): void {
  app.route("/api/workspaces/access-control/-/", {
    GET: (ctx) => ({ status: 200, body: { ...ctx.ws.settings.accessControl } }),
  });
  app.route("/api/workspaces/security/-/", {
    GET: (ctx) => {
      requireBrowserSession(ctx);
      return { status: 200, body: securityJson(ctx.ws) };
    },
  });
  app.route("/api/workspaces/security/-/mfa-methods/", {
    GET: (ctx) => {
      requireBrowserSession(ctx);
      return { status: 200, body: mfaMethods(ctx.ws) };
    },
  });
  app.route("/api/workspaces/preferences/-/", {
    GET: (ctx) => ({ status: 200, body: preferencesJson(ctx) }),
    PATCH: (ctx) => {
      requireStaff(ctx);
      const p = ctx.ws.settings.preferences;
      const body = new BodyReader(ctx.body);
      const frontUrl = body.string("front_url", { max: 200 });
      const country = body.string("country", { max: 2 });
      const language = body.string("language", { max: 10 });
      const timezone = body.string("timezone", { max: 64 });
      const inviteTtl = body.int("invite_ttl", { min: 1 });
      const extensions = body.stringList("enabled_extensions");
      const webshTimeout = body.int("websh_session_timeout", { min: 0 });
      const autoUpgrade = body.bool("auto_agent_upgrade");
      const proxy = body.string("package_proxy", { nullable: true, allowBlank: true, max: 200 });
      const billing = body.email("billing_email", { nullable: true, allowBlank: true });
      const domains = body.stringList("allowed_domains");
      if (typeof frontUrl === "string" && !validUrl(frontUrl))
        body.fail("front_url", "Enter a valid URL.");
      if (typeof country === "string" && !/^[A-Z]{2}$/.test(country)) {
        body.fail("country", `"${country}" is not a valid choice.`);
      }
      if (typeof timezone === "string" && !TIMEZONES.has(timezone)) {
        body.fail("timezone", `"${timezone}" is not a valid choice.`);
      }
      if (typeof proxy === "string" && proxy !== "" && !validUrl(proxy)) {
        body.fail("package_proxy", "Enter a valid URL.");
      }
      for (const domain of domains ?? []) {
        if (!DOMAIN_RE.test(domain))
          body.fail("allowed_domains", `"${domain}" is not a valid domain.`);
      }
      body.done();
      // Plans below enterprise may add extensions but not turn any off (`mcp@259d66c`).
      if (extensions && ctx.ws.gates.freePlan) {
        const dropped = p.enabled_extensions.filter((name) => !extensions.includes(name));
        if (dropped.length > 0) {
          throw new ApiError(402, {
            detail: "Your plan does not include disabling extensions.",
          });
        }
      }
      if (typeof frontUrl === "string") p.front_url = frontUrl;
      if (typeof country === "string") p.country = country;
      if (typeof language === "string") p.language = language;
      if (typeof timezone === "string") p.timezone = timezone;
      if (typeof inviteTtl === "number") p.invite_ttl = inviteTtl;
      if (extensions) p.enabled_extensions = [...new Set(extensions)];
      if (typeof webshTimeout === "number") p.websh_session_timeout = webshTimeout;
      if (typeof autoUpgrade === "boolean") p.auto_agent_upgrade = autoUpgrade;
      if (proxy !== undefined) p.package_proxy = proxy || null;
      if (billing !== undefined) p.billing_email = billing || null;
      if (domains) p.allowed_domains = [...new Set(domains.map((d) => d.toLowerCase()))];
      return { status: 200, body: preferencesJson(ctx) };
    },
  });
  app.route("/api/workspaces/users/invite/", {
    POST: (ctx) => {
      requireStaff(ctx);
      const ws = ctx.ws;
      const body = new BodyReader(ctx.body);
      const email = body.email("email", { required: true });
      body.done();
      if (typeof email !== "string") throw fieldErrors({ email: ["This field is required."] });
      const address = email.toLowerCase();
      const domain = address.slice(address.lastIndexOf("@") + 1);
      const allowed = ws.settings.preferences.allowed_domains;
      if (allowed.length > 0 && !allowed.includes(domain)) {
        throw fieldErrors({
          email: [`Invitations may only go to these domains: ${allowed.join(", ")}.`],
        });
      }
      if (ws.users.all().some((u) => u.email.toLowerCase() === address)) {
        throw fieldErrors({ email: ["A user with this email is already in the workspace."] });
      }
      const now = ws.now();
      if (ws.settings.pendingInvitations(now).some((i) => i.email === address)) {
        throw fieldErrors({ email: ["An invitation to this email is still pending."] });
      }
      ws.settings.invitations.push({
        id: ws.newId(),
        email: address,
        invitedBy: ctx.principal.user.id,
        addedAt: now,
        expiresAt: now + ws.settings.preferences.invite_ttl * 1000,
      });
      return { status: 200, body: { detail: ["User invitation sent."] } };
    },
  });
}
