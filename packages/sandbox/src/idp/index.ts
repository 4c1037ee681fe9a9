import type { PluginContext } from "../server/sandbox.js";
import { createIdpHttp } from "./idp-http.js";

export {
  ALPACON_AUDIENCE,
  CLAIM_NAMESPACE,
  IdentityProvider,
  MFA_ACR,
  MFA_CLAIM,
} from "./identity-provider.js";
export { SigningKey } from "./signing-key.js";

/**
 * The identity provider of every workspace (`/idp/{region}/{workspace}/…`), the workspace's
 * `/api/auth/env` that tells a client where it is (`alpacon-cli@9483716:api/auth0/auth0.go`
 * `FetchAuthEnv`), and the API's token blacklist the CLI calls at logout (`cmd/logout.go`).
 */
export function idpPlugin({ app, core }: PluginContext): void {
  app.idpHandler = createIdpHttp(core);
  // Unauthenticated, without a trailing slash, as the CLI asks for it before any login.
  app.rawRoute("GET", "/api/auth/env", (_req, res, ctx) => {
    const idp = ctx.ws.idp;
    const body = idp
      ? {
          auth0: {
            method: "auth0",
            client_id: idp.cliClient.clientId,
            domain: idp.domain,
            audience: idp.audience,
            schema_name: ctx.ws.name,
          },
          language: "en",
        }
      : { auth0: { method: "legacy" }, language: "en" };
    const buf = Buffer.from(JSON.stringify(body));
    res.writeHead(200, { "Content-Type": "application/json", "Content-Length": buf.length });
    res.end(buf);
  });
  app.route("/api/auth0/token/blacklist/", {
    POST: (ctx) => {
      if (ctx.principal.credential.scheme !== "jwt")
        return {
          status: 403,
          body: { detail: "You do not have permission to perform this action." },
        };
      // The presented login ends here; the sandbox's fixed `jwt`/`ownerJwt` tokens are not ours.
      if (ctx.principal.credential.label === "idp")
        ctx.ws.idp?.revokeJti(ctx.principal.credential.key);
      return { status: 200, body: {} };
    },
  });
}
