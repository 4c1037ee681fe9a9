import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import FindMyWay from "find-my-way";
import { parseJsonBody, readBody } from "../http/body.js";
import { ApiError } from "../http/errors.js";
import { writeJson } from "../http/respond.js";
import type { SandboxControl } from "./control.js";
import type { FaultRule } from "./faults.js";
import type { JournalFilter, JournalOutcome } from "./journal.js";

type ControlHandler = (
  params: Record<string, string | undefined>,
  query: URLSearchParams,
  body: unknown,
) => unknown | Promise<unknown>;

export interface ControlInfo {
  url: string;
  workspaces: {
    region: string;
    workspace: string;
    baseUrl: string;
    tokens: Record<string, string>;
    issuer: string;
  }[];
}

/**
 * `/_sandbox/…`: the control API over HTTP, for tests that run the sandbox in another process.
 * Protected by the control token (`Authorization: Bearer <token>` or `X-Sandbox-Token`).
 */
export function createControlHttp(
  control: SandboxControl,
  controlToken: string,
  info: () => ControlInfo,
): (req: IncomingMessage, res: ServerResponse, path: string, query: string) => void {
  const router = FindMyWay({ ignoreTrailingSlash: true });
  const on = (
    method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE",
    path: string,
    handler: ControlHandler,
  ) => router.on(method, path, () => {}, handler);
  const ws = (p: Record<string, string | undefined>) =>
    control.workspace(p.region ?? "", p.workspace ?? "");

  on("GET", "/_sandbox/info", () => info());
  on("GET", "/_sandbox/journal", (_p, q) => {
    const filter: JournalFilter = {};
    const method = q.get("method");
    const path = q.get("path");
    const pathRegex = q.get("path_regex");
    const workspace = q.get("workspace");
    const outcome = q.get("outcome");
    const since = q.get("since");
    if (method) filter.method = method;
    if (path) filter.path = path;
    if (pathRegex) filter.path = new RegExp(pathRegex);
    if (workspace) filter.workspace = workspace;
    if (outcome) filter.outcome = outcome as JournalOutcome;
    if (since) filter.sinceSeq = Number(since);
    return { entries: control.journal(filter) };
  });
  on("DELETE", "/_sandbox/journal", () => {
    control.clearJournal();
    return null;
  });
  on("GET", "/_sandbox/faults", () => ({ faults: control.faults() }));
  on("POST", "/_sandbox/faults", (_p, _q, body) => ({
    ids: (Array.isArray(body) ? body : [body]).map((rule) => control.addFault(rule as FaultRule)),
  }));
  on("PUT", "/_sandbox/faults", (_p, _q, body) => ({
    ids: control.setFaults((body ?? []) as FaultRule[]),
  }));
  on("DELETE", "/_sandbox/faults", () => {
    control.clearFaults();
    return null;
  });
  on("DELETE", "/_sandbox/faults/:id", (p) => {
    if (!control.removeFault(p.id ?? "")) throw new ApiError(404, { detail: "Not found." });
    return null;
  });
  on("PUT", "/_sandbox/gates", (_p, _q, body) => {
    const b = (body ?? {}) as {
      mfaRequired?: boolean;
      workSessionRequired?: boolean;
      freePlan?: boolean;
      workspace?: string;
    };
    if (b.mfaRequired !== undefined) control.setMfaRequired(b.mfaRequired, b.workspace);
    if (b.workSessionRequired !== undefined)
      control.setWorkSessionRequired(b.workSessionRequired, b.workspace);
    if (b.freePlan !== undefined) control.setFreePlan(b.freePlan, b.workspace);
    return {
      gates: control
        .workspaces()
        .map((w) => ({ workspace: `${w.region}/${w.workspace}`, ...w.state.gates })),
    };
  });
  on("PUT", "/_sandbox/variants", (_p, _q, body) => {
    const { workspace, ...variants } = (body ?? {}) as { workspace?: string };
    try {
      control.setVariants(variants, workspace);
    } catch (error) {
      throw new ApiError(400, { detail: (error as Error).message });
    }
    return {
      variants: control
        .workspaces()
        .map((w) => ({ workspace: `${w.region}/${w.workspace}`, ...w.variants() })),
    };
  });
  on("POST", "/_sandbox/commands/advance", async () => {
    await control.advanceCommands();
    return null;
  });
  on("POST", "/_sandbox/commands/settle", async () => {
    await control.settleCommands();
    return null;
  });
  on("GET", "/_sandbox/workspaces/:region/:workspace/servers", (p) => ({
    servers: ws(p).servers(),
  }));
  on("PATCH", "/_sandbox/workspaces/:region/:workspace/servers/:server", (p, _q, body) => {
    const b = (body ?? {}) as { is_connected?: boolean };
    if (typeof b.is_connected === "boolean")
      ws(p).setServerConnected(p.server ?? "", b.is_connected);
    return ws(p).server(p.server ?? "");
  });
  on("GET", "/_sandbox/workspaces/:region/:workspace/command-acl", (p) => ws(p).commandAcl());
  on("PUT", "/_sandbox/workspaces/:region/:workspace/command-acl", (p, _q, body) => {
    ws(p).setCommandAcl((body ?? {}) as { patterns?: string[]; servers?: string[] });
    return ws(p).commandAcl();
  });
  on("GET", "/_sandbox/workspaces/:region/:workspace/agent-authorization/:server", (p) => ({
    authorization: ws(p).agentAuthorization(p.server ?? ""),
  }));
  // The person in the web console: approve or reject a work session, or its queued change.
  on("POST", "/_sandbox/workspaces/:region/:workspace/work-sessions/:id/decide", (p, _q, body) => {
    const b = (body ?? {}) as {
      decision?: "approve" | "reject" | "approve-modification" | "reject-modification";
      scopes?: string[];
      servers?: string[];
    };
    try {
      return ws(p).decideWorkSession(p.id ?? "", b.decision ?? "approve", {
        ...(b.scopes ? { scopes: b.scopes } : {}),
        ...(b.servers ? { servers: b.servers } : {}),
      });
    } catch (error) {
      throw new ApiError(400, { detail: (error as Error).message });
    }
  });
  on("POST", "/_sandbox/workspaces/:region/:workspace/transfers/:id/stored", (p, _q, body) => {
    ws(p).markUploaded(p.id ?? "", Number((body as { size?: number } | null)?.size ?? 0));
    return null;
  });

  // The identity provider, for tests in another process (`src/idp/`, README "Identity provider").
  const idp = (p: Record<string, string | undefined>) => ws(p).idp();
  const IDP = "/_sandbox/workspaces/:region/:workspace/idp";
  on("GET", IDP, (p) => {
    const i = idp(p);
    return {
      issuer: i.issuer,
      discovery_url: i.discoveryUrl,
      jwks_uri: i.jwksUri,
      authorization_endpoint: i.authorizationEndpoint,
      token_endpoint: i.tokenEndpoint,
      audience: i.audience,
      mfa_audience: i.mfaAudience,
      cli_client_id: i.cliClientId,
    };
  });
  on("POST", `${IDP}/clients`, (p, _q, body) => {
    const b = (body ?? {}) as {
      redirect_uris?: string[];
      confidential?: boolean;
      client_id?: string;
      name?: string;
    };
    const client = idp(p).registerClient({
      redirectUris: b.redirect_uris ?? [],
      ...(b.confidential === undefined ? {} : { confidential: b.confidential }),
      ...(b.client_id === undefined ? {} : { clientId: b.client_id }),
      ...(b.name === undefined ? {} : { name: b.name }),
    });
    return {
      client_id: client.clientId,
      client_secret: client.clientSecret,
      redirect_uris: client.redirectUris,
    };
  });
  on("POST", `${IDP}/login`, (p, _q, body) => {
    const b = (body ?? {}) as {
      username?: string;
      mfa?: string;
      scope?: string;
      audience?: string;
      client_id?: string;
      expires_in?: number;
    };
    return idp(p).login(b.username ?? "", {
      ...(b.mfa ? { mfa: b.mfa } : {}),
      ...(b.scope ? { scope: b.scope } : {}),
      ...(b.audience ? { audience: b.audience } : {}),
      ...(b.client_id ? { clientId: b.client_id } : {}),
      ...(b.expires_in ? { expiresIn: b.expires_in } : {}),
    });
  });
  on("POST", `${IDP}/device/approve`, (p, _q, body) => {
    const b = (body ?? {}) as {
      user_code?: string;
      username?: string;
      mfa?: string;
      deny?: boolean;
    };
    idp(p).approveDevice(b.user_code ?? "", b.username ?? "", {
      ...(b.mfa ? { mfa: b.mfa } : {}),
      ...(b.deny ? { deny: true } : {}),
    });
    return null;
  });
  on("POST", `${IDP}/revoke`, (p, _q, body) => ({
    revoked: idp(p).revoke(((body ?? {}) as { token?: string }).token ?? ""),
  }));
  on("PUT", `${IDP}/lifetimes`, (p, _q, body) => {
    const b = (body ?? {}) as {
      access_token?: number;
      refresh_token?: number;
      device_interval?: number;
    };
    idp(p).setLifetimes({
      ...(b.access_token === undefined ? {} : { accessToken: b.access_token }),
      ...(b.refresh_token === undefined ? {} : { refreshToken: b.refresh_token }),
      ...(b.device_interval === undefined ? {} : { deviceInterval: b.device_interval }),
    });
    return null;
  });

  const expected = Buffer.from(controlToken);
  const authorized = (req: IncomingMessage): boolean => {
    const header = req.headers.authorization ?? "";
    const presented =
      (typeof req.headers["x-sandbox-token"] === "string" ? req.headers["x-sandbox-token"] : "") ||
      (header.toLowerCase().startsWith("bearer ") ? header.slice(7).trim() : "");
    const got = Buffer.from(presented);
    return got.length === expected.length && timingSafeEqual(got, expected);
  };

  return (req, res, path, query) => {
    void (async () => {
      try {
        if (!authorized(req))
          throw new ApiError(401, { detail: "A valid control token is required." });
        const match = router.find((req.method ?? "GET").toUpperCase() as "GET", path);
        if (!match) throw new ApiError(404, { detail: "Not found." });
        const raw = await readBody(req);
        const body =
          raw.length === 0
            ? null
            : parseJsonBody(raw, req.headers["content-type"] ?? "application/json");
        const result = await (match.store as ControlHandler)(
          match.params,
          new URLSearchParams(query),
          body,
        );
        if (result === null || result === undefined) {
          res.statusCode = 204;
          res.end();
        } else {
          writeJson(res, 200, result);
        }
      } catch (err) {
        if (err instanceof ApiError) writeJson(res, err.status, err.body);
        else writeJson(res, 400, { detail: (err as Error).message });
      }
    })();
  };
}
