import type { App, RequestContext } from "../http/app.js";
import { nonFieldError, notFound, permissionDenied } from "../http/errors.js";
import { type ListSpec, queryList } from "../http/list.js";
import { paginate } from "../http/pagination.js";
import { BodyReader } from "../http/validate.js";
import type { WebshTunnel } from "../state/websh-sessions.js";
import { checkGates, idParam, isStaff, ownOrStaff, readRunAs } from "./common.js";
import { webshTunnelJson, webshTunnelUrl } from "./serialize/websh.js";
import { admitShell } from "./websh.js";
import { recordWork } from "./work-sessions.js";

const CLIENT_TYPES = ["cli", "web", "proxy", "editor"];

const tunnelSpec: ListSpec<WebshTunnel> = {
  filters: {
    server: { kind: "uuid", get: (t) => t.serverId },
    username: { kind: "exact", get: (t) => t.username },
  },
  ordering: { added_at: (t) => t.addedAt },
  defaultOrdering: ["-added_at"],
};

function findTunnel(ctx: RequestContext): WebshTunnel {
  const tunnel = ctx.ws.websh.tunnels.get(idParam(ctx));
  if (!tunnel || !ownOrStaff(ctx, tunnel)) throw notFound();
  return tunnel;
}

/**
 * TCP tunnel sessions (`cli@9483716:api/tunnel/`, `mcp@60d4469:tools/websh_tools.py`): opened
 * with the checks of a websh session (gates, work session, token ACL, connected server, run-as
 * user), listed and closed. The sandbox records them; it carries no traffic.
 */
export function registerWebshTunnels(app: App): void {
  app.route("/api/websh/tunnels/", {
    GET: (ctx) => {
      const mine = [...ctx.ws.websh.tunnels.values()].filter((t) => ownOrStaff(ctx, t));
      const items = queryList(mine, ctx.query, tunnelSpec);
      return { status: 200, body: paginate(items, ctx.query, (t) => webshTunnelJson(ctx.ws, t)) };
    },
    POST: (ctx) => {
      const body = new BodyReader(ctx.body);
      checkGates(ctx, "tunnel", body);
      const server = body.ref("server", (id) => ctx.ws.serverById.get(id), { required: true });
      const targetPort = body.int("target_port", { min: 1, max: 65535, nullable: true }) ?? null;
      const requested = readRunAs(body);
      const clientType = body.string("client_type", { allowBlank: true }) || "cli";
      const workSessionId = body.uuid("work_session", { nullable: true });
      if (!CLIENT_TYPES.includes(clientType)) {
        body.fail("client_type", `"${clientType}" is not a valid choice.`);
      }
      body.done();
      if (!server) throw nonFieldError("Invalid data.");
      const { workSession, runAs } = admitShell(ctx, "tunnel", server, requested, workSessionId);
      const tunnel = ctx.ws.websh.createTunnel({
        serverId: server.id,
        userId: ctx.principal.user.id,
        targetPort,
        clientType,
        ...runAs,
      });
      recordWork(ctx, workSession, "websh_session", tunnel.id, server.id);
      return {
        status: 201,
        body: {
          id: tunnel.id,
          websocket_url: webshTunnelUrl(ctx.ws, ctx.core.wsOrigin, tunnel),
          userchannel_id: tunnel.channelId,
          server: webshTunnelJson(ctx.ws, tunnel).server,
          target_port: tunnel.targetPort,
        },
      };
    },
  });
  app.route("/api/websh/tunnels/:id/close/", {
    POST: (ctx) => {
      const tunnel = findTunnel(ctx);
      if (tunnel.userId !== ctx.principal.user.id && !isStaff(ctx)) throw permissionDenied();
      if (tunnel.closedAt !== null) throw nonFieldError("This tunnel is already closed.");
      ctx.ws.websh.closeTunnel(tunnel);
      return { status: 200, body: webshTunnelJson(ctx.ws, tunnel) };
    },
  });
}
