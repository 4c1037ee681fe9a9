import * as z from "zod";
import { compact } from "../server/format.js";
import { namedServer } from "../server/server-refs.js";
import { runAs } from "./commands.js";
import { defineTool, listTool, serverId, serverRef, userSummary } from "./define.js";
import { workSessionField, workSessionOf } from "./work-session.js";

const NO_TRAFFIC =
  "This MCP server carries no TCP traffic: `alpacon tunnel` (the CLI) opens and carries its own tunnel.";

const port = z.int().min(1).max(65535);

export const listWebshTunnels = listTool({
  name: "list_websh_tunnels",
  searchHint: "websh tunnel port forwarding list",
  advanced: true,
  toolset: "websh",
  title: "List TCP tunnels",
  description:
    "TCP tunnel (port forwarding) sessions, newest first: server, port, user, open or closed.",
  sdk: (c) => c.websh.tunnels.list,
  input: {
    server: serverId.optional().describe("Only to this server."),
    username: z.string().min(1).max(64).optional().describe("Only of this system user."),
  },
  rows: "tunnels",
  row: z.looseObject({
    id: z.string(),
    server: serverRef.optional(),
    user: userSummary.optional(),
    username: z.string().optional(),
    target_port: z.int().nullable().optional(),
    closed_at: z.string().nullable().optional(),
  }),
  noun: "websh tunnels",
  line: (item) =>
    `${item.id}: ${item.server?.name ?? item.server?.id ?? "?"} port ${item.target_port ?? "-"}${item.username ? ` as ${item.username}` : ""}, ${item.closed_at ? `closed ${item.closed_at}` : "open"}`,
});

export const createWebshTunnel = defineTool({
  name: "create_websh_tunnel",
  searchHint: "websh tunnel port forwarding create tcp",
  advanced: true,
  toolset: "websh",
  title: "Open a TCP tunnel session",
  description: `Opens a tunnel session to a port on a server (it needs tunnels allowed there). ${NO_TRAFFIC} The tunnel's URL, a single-use credential, is not returned.`,
  sdk: (c) => c.websh.tunnels.create,
  operation: "POST",
  input: {
    server: serverId,
    targetPort: port.optional().describe("The server port to reach; editor tunnels leave it out."),
    username: z.string().min(1).max(64).optional().describe("Default: the token's user."),
    groupname: z.string().min(1).max(64).optional(),
    ...workSessionField,
  },
  output: {
    tunnelId: z.string(),
    server: z.string(),
    targetPort: z.int().nullable(),
    userchannelId: z.string().nullable(),
  },
  effect: "grant-access",
  notFound: "Check the server id with servers_list",
  confirm: (args, context) =>
    `Open a TCP tunnel session to ${args.targetPort === undefined ? "no set port (an editor tunnel)" : `port ${args.targetPort}`} on ${namedServer(context.servers, args.server)}${runAs(args)}? Whoever connects to it reaches that port from the server.`,
  async run(args, context) {
    const tunnel = await context.sdk({
      server: args.server,
      ...compact({
        target_port: args.targetPort,
        username: args.username,
        groupname: args.groupname,
        work_session: workSessionOf(args).workSession,
      }),
    });
    // websocket_url is left out on purpose: it carries the channel's token.
    return {
      tunnelId: tunnel.id,
      server: tunnel.server?.id ?? args.server,
      targetPort: tunnel.target_port ?? args.targetPort ?? null,
      userchannelId: tunnel.userchannel_id ?? null,
    };
  },
  summary: (result, _args, context) =>
    `Opened tunnel session ${result.tunnelId} to ${result.targetPort === null ? "no set port" : `port ${result.targetPort}`} on ${namedServer(context.servers, result.server)}. ${NO_TRAFFIC} Close it with close_websh_tunnel.`,
});

export const closeWebshTunnel = defineTool({
  name: "close_websh_tunnel",
  searchHint: "websh tunnel close port forwarding",
  advanced: true,
  toolset: "websh",
  title: "Close a TCP tunnel session",
  description: "Closes a tunnel session; connections through it end.",
  sdk: (c) => c.websh.tunnels.close,
  operation: "POST",
  input: { tunnelId: z.guid().describe("From list_websh_tunnels.") },
  output: { tunnelId: z.string(), closedAt: z.string().nullable() },
  effect: "change",
  notFound: "Check the tunnel id with list_websh_tunnels",
  confirm: (args) => `Close websh tunnel ${args.tunnelId}? Connections forwarded through it end.`,
  async run(args, context) {
    const tunnel = await context.sdk(args.tunnelId);
    return { tunnelId: args.tunnelId, closedAt: tunnel.closed_at ?? null };
  },
  summary: (result) => `Closed websh tunnel ${result.tunnelId}.`,
});

export const webshTunnelTools = [listWebshTunnels, createWebshTunnel, closeWebshTunnel];
