import {
  AlpaconApiError,
  type AlpaconClient,
  type ServerAction,
  type ServerActionResult,
} from "@alpacon/sdk";
import * as z from "zod";
import { quoted } from "../server/confirm.js";
import type { ToolContext } from "../server/context.js";
import { ToolError } from "../server/errors.js";
import { namedServer } from "../server/server-refs.js";
import { type AnyTool, apiFields, defineTool, listTool, type Shape, serverId } from "./define.js";

type ActionArgs = { server: string; force?: boolean };

/** "server `web-1` (id 1f…)": the name a person knows, and the id that is certain. */
function named(context: ToolContext, id: string): string {
  return namedServer(context.servers, id);
}

/** The busy guard's refusal, whatever its status (409 assumed; the CLI keys on the code). */
function busyGuard(error: unknown, server: string, context: ToolContext, forced: boolean): unknown {
  if (!(error instanceof AlpaconApiError) || error.code !== "server_busy_with_user_work") {
    return error;
  }
  return new ToolError(
    `${named(context, server)} is busy with user work (open websh/webftp sessions or running commands)${forced ? " even though force was passed" : ""}`,
    forced
      ? "Retry when the server is idle"
      : "Retry when the server is idle, or pass force: true to interrupt that work (ask the user first)",
  );
}

const actionOutput = {
  server: z.string(),
  action: z.string(),
  commandId: z.string().nullable().describe("Follow it with command_get."),
  status: z.string().nullable().describe("The API's acknowledgement, when it sent one."),
};

function actionFields(server: string, result: ServerActionResult) {
  return {
    server,
    action: result.action,
    commandId: result.command?.id ?? null,
    status: result.command?.status ?? result.status,
  };
}

interface ActionSpec {
  name: string;
  searchHint: string;
  action: ServerAction;
  title: string;
  description: string;
  /**
   * Set for actions that change what runs on the host: the question's verb, before the server
   * ("Reboot", "Restart the agent on"), and what happens to the server (after "…? ").
   */
  asks?: { verb: string; consequence: string };
  /** The busy guard applies: the tool takes `force`. */
  guarded?: boolean;
  done: string;
}

/**
 * One agent or system action as a tool: every one but `update_information` changes what runs
 * on the host, so those ask first, naming the server and what happens to it.
 */
function actionTool(spec: ActionSpec): AnyTool {
  const force = z
    .boolean()
    .default(false)
    .describe("Run even if the server has open sessions or running commands.");
  const input: Shape = spec.guarded ? { server: serverId, force } : { server: serverId };
  const asks = spec.asks;
  return defineTool<Shape, typeof actionOutput, AlpaconClient["servers"]["action"]>({
    name: spec.name,
    searchHint: spec.searchHint,
    toolset: "server-admin",
    title: spec.title,
    description: spec.description,
    sdk: (c) => c.servers.action,
    operation: "POST",
    // Restarts, shutdowns and upgrades act on the real host, beyond Alpacon's own records.
    ...(asks ? { effect: "change" as const, annotations: { openWorldHint: true } } : {}),
    input,
    output: actionOutput,
    ...(asks
      ? {
          confirm: (input: Record<string, unknown>, context: ToolContext) => {
            const args = input as ActionArgs;
            return `${asks.verb} ${named(context, args.server)}? ${asks.consequence}${args.force ? " Forced: open websh/webftp sessions and running commands on it are cut off." : ""}`;
          },
        }
      : {}),
    async run(input, context) {
      const args = input as ActionArgs;
      const forced = args.force === true;
      try {
        return actionFields(
          args.server,
          await context.sdk(args.server, spec.action, forced ? { force: true } : {}),
        );
      } catch (error) {
        throw busyGuard(error, args.server, context, forced);
      }
    },
    summary: (result, _args, context) =>
      `${spec.done} ${named(context, result.server)}${result.commandId ? `: command ${result.commandId}` : ""}${result.status ? ` (${result.status})` : ""}.`,
  });
}

export const restartAgent = actionTool({
  name: "restart_agent",
  searchHint: "agent restart alpacon process",
  action: "restart_agent",
  title: "Restart the agent",
  description:
    "Restarts the Alpacon agent (alpamon) on a server; it disconnects briefly and reconnects by itself.",
  asks: {
    verb: "Restart the agent on",
    consequence: "Its agent restarts: the server disconnects briefly and reconnects by itself.",
  },
  done: "Asked the agent to restart on",
});

export const shutdownAgent = actionTool({
  name: "shutdown_agent",
  searchHint: "agent shutdown stop process",
  action: "shutdown_agent",
  title: "Shut the agent down",
  description:
    "Stops the Alpacon agent on a server. Remote access (commands, websh, webftp) is lost until someone starts it on the host.",
  asks: {
    verb: "Stop the agent on",
    consequence:
      "Its agent stops: the server stays disconnected, with no remote access, until someone starts the agent on the host.",
  },
  done: "Asked the agent to stop on",
});

export const upgradeAgent = actionTool({
  name: "upgrade_agent",
  searchHint: "agent upgrade update version",
  action: "upgrade_agent",
  title: "Upgrade the agent",
  description:
    "Upgrades the Alpacon agent on a server to the latest release; it restarts and reconnects. server_get shows the version.",
  asks: {
    verb: "Upgrade the agent on",
    consequence:
      "Its agent is upgraded to the latest release and restarts: the server disconnects briefly.",
  },
  done: "Asked the agent to upgrade on",
});

export const rebootSystem = actionTool({
  name: "reboot_system",
  searchHint: "server reboot restart machine",
  action: "reboot_system",
  title: "Reboot the server",
  description:
    "Reboots a server's host. It is disconnected until it has booted, then reconnects with a new boot time. Refused while it has open sessions or running commands unless force.",
  asks: {
    verb: "Reboot",
    consequence:
      "The host reboots: every process on it stops and it stays disconnected until it has booted.",
  },
  guarded: true,
  done: "Asked to reboot",
});

export const shutdownSystem = actionTool({
  name: "shutdown_system",
  searchHint: "server shutdown power off halt",
  action: "shutdown_system",
  title: "Shut the server down",
  description:
    "Powers a server's host off. It does NOT come back by itself: someone must power it on. Use reboot_system to have it back.",
  asks: {
    verb: "Power off",
    consequence:
      "The host powers off and stays off: nobody can reach it until someone powers it on by hand.",
  },
  guarded: true,
  done: "Asked to shut down",
});

export const upgradeSystem = actionTool({
  name: "upgrade_system",
  searchHint: "system packages upgrade apt yum update all",
  action: "upgrade_system",
  title: "Upgrade the system packages",
  description:
    "Upgrades every OS package of a server (apt/yum). May take minutes; a kernel update may need reboot_system.",
  asks: {
    verb: "Upgrade every OS package on",
    consequence: "Every OS package on the host is upgraded (apt/yum); services may restart.",
  },
  guarded: true,
  done: "Asked to upgrade the packages of",
});

export const updateInformation = actionTool({
  name: "update_information",
  searchHint: "refresh system info hardware OS rescan",
  action: "update_information",
  title: "Refresh the system inventory",
  description:
    "Has the agent report the server's hardware, OS, users and packages again (after changes made outside Alpacon).",
  done: "Asked for fresh system information from",
});

const serverRow = z.looseObject({ id: z.string(), name: z.string() });

/** The fields to change; none at all is refused before the question (it would ask nothing). */
function serverChanges(args: { name?: string | undefined; description?: string | undefined }) {
  const body = apiFields({ name: args.name, description: args.description });
  if (Object.keys(body).length === 0) {
    throw new ToolError("no field to change was given", "Pass name or description");
  }
  return body;
}

export const updateServer = defineTool({
  name: "update_server",
  searchHint: "server update edit modify rename relabel",
  toolset: "server-admin",
  title: "Rename or describe a server",
  description: "Changes a server's name (unique in the workspace) or description in Alpacon.",
  sdk: (c) => c.servers.update,
  operation: "PATCH",
  input: {
    server: serverId,
    name: z.string().min(1).max(128).optional().describe("New name."),
    description: z.string().max(1000).optional().describe("Shown in the web console."),
  },
  output: { server: serverRow },
  confirm: (args, context) => {
    const { name, description } = serverChanges(args);
    const changes = [
      name !== undefined && `rename it to ${quoted(name)}`,
      description !== undefined && `set its description to ${quoted(description)}`,
    ].filter(Boolean);
    return `For ${named(context, args.server)}: ${changes.join(" and ")}?`;
  },
  run: async (args, { sdk }) => ({ server: await sdk(args.server, serverChanges(args)) }),
  summary: (result) => `Updated server ${result.server.name} (${result.server.id}).`,
});

export const starServer = defineTool({
  name: "star_server",
  searchHint: "server star pin favorite bookmark personalization",
  toolset: "server-admin",
  title: "Star or unstar a server",
  description:
    "Stars a server for you (starred: false unstars it): a personal flag for servers_list's starred filter, at most 5.",
  sdk: (c) => c.servers.star,
  operation: "POST",
  input: { server: serverId, starred: z.boolean().default(true).describe("false unstars it.") },
  output: { server: z.string(), starred: z.boolean() },
  run: async (args, { sdk }) => ({
    server: args.server,
    starred: await sdk(args.server, args.starred),
  }),
  summary: (result, _args, context) =>
    `${result.starred ? "Starred" : "Unstarred"} ${named(context, result.server)}.`,
});

export const unregisterServer = defineTool({
  name: "unregister_server",
  searchHint: "server unregister deregister delete remove",
  toolset: "server-admin",
  title: "Unregister a server",
  description:
    "Removes a server from the workspace for good: it leaves every list and cannot be reached. The agent keeps running on the host; enrolling it again needs a registration token.",
  sdk: (c) => c.servers.unregister,
  operation: "DELETE",
  input: { server: serverId },
  output: { server: z.string(), unregistered: z.boolean() },
  confirm: (args, context) =>
    `Unregister ${named(context, args.server)} from the workspace? It leaves every list, its commands, websh and webftp stop working, and enrolling it again needs the install script and a registration token.`,
  async run(args, { sdk }) {
    await sdk(args.server);
    return { server: args.server, unregistered: true };
  },
  summary: (result, _args, context) => `Unregistered ${named(context, result.server)}.`,
});

const token = z.looseObject({
  id: z.string(),
  name: z.string(),
  enabled: z.boolean().optional(),
  expires_at: z.string().nullable().optional(),
});

const tokenId = z.uuid().describe("From list_registration_tokens or create_registration_token.");

const TOKEN_NOT_FOUND = "Check the token id with list_registration_tokens";

export const listRegistrationTokens = listTool({
  name: "list_registration_tokens",
  searchHint: "registration token list alpamon install",
  toolset: "server-admin",
  title: "List registration tokens",
  description:
    "Tokens an install script uses to enrol new hosts (never their keys): ids, names, expiry.",
  sdk: (c) => c.servers.registrationTokens.list,
  input: { search: z.string().min(1).max(200).optional().describe("Text in the name.") },
  rows: "tokens",
  row: token,
  line: (item) =>
    `${item.name} (${item.id})${item.enabled === false ? ", disabled" : ""}${item.expires_at ? `, expires ${item.expires_at}` : ", never expires"}`,
});

export const createRegistrationToken = defineTool({
  name: "create_registration_token",
  searchHint: "registration token create mint issue alpamon install new host",
  toolset: "server-admin",
  title: "Create a registration token",
  description:
    "Creates a token that lets a new host enrol in the workspace; its key is shown once, here. get_registration_guide turns it into install commands.",
  sdk: (c) => c.servers.registrationTokens.create,
  operation: "POST",
  effect: "grant-access",
  input: {
    name: z.string().min(1).max(128).describe("Per batch, e.g. prod-web-2026-q2."),
    expiresAt: z.iso.datetime({ offset: true }).optional().describe("Omit: never expires."),
    allowedGroups: z.array(z.uuid()).max(100).optional().describe("IAM group ids hosts join."),
  },
  output: { token: token.extend({ key: z.string().optional() }) },
  confirm: (args, context) =>
    `Create registration token ${quoted(args.name)} in workspace ${context.target?.workspace}? Anyone holding its key can enrol a host${args.allowedGroups?.length ? ` into ${args.allowedGroups.length} IAM group(s) (${args.allowedGroups.join(", ")})` : ""} ${args.expiresAt ? `until ${args.expiresAt}` : "with no expiry"}.`,
  run: async (args, { sdk }) => ({ token: await sdk(apiFields(args)) }),
  summary: ({ token: created }) =>
    `Created registration token ${created.name} (${created.id})${created.key ? `; its key, shown only now: ${created.key}` : ""}.`,
});

export const deleteRegistrationToken = defineTool({
  name: "delete_registration_token",
  searchHint: "registration token delete revoke rotate invalidate",
  toolset: "server-admin",
  title: "Delete a registration token",
  description:
    "Deletes a registration token: no new host can enrol with it; hosts already enrolled keep working.",
  sdk: (c) => c.servers.registrationTokens.delete,
  operation: "DELETE",
  input: { tokenId },
  output: { token: z.string(), deleted: z.boolean() },
  notFound: TOKEN_NOT_FOUND,
  confirm: (args, context) =>
    `Delete registration token ${args.tokenId} in workspace ${context.target?.workspace}? Install scripts using it stop working; enrolled hosts are not affected.`,
  async run(args, { sdk }) {
    await sdk(args.tokenId);
    return { token: args.tokenId, deleted: true };
  },
  summary: (result) => `Deleted registration token ${result.token}.`,
});

export const getRegistrationGuide = defineTool({
  name: "get_registration_guide",
  searchHint: "registration guide install script alpamon setup operator",
  toolset: "server-admin",
  title: "Get install commands for a new host",
  description:
    "The commands that install the agent on a new host and enrol it with a registration token (its key filled in).",
  sdk: (c) => c.servers.registrationTokens.installGuide,
  operation: "POST",
  // The answer carries the token's key: whoever runs it enrols a host.
  effect: "grant-access",
  input: {
    tokenId,
    platform: z
      .enum(["debian", "rhel", "darwin", "windows"])
      .default("debian")
      .describe("The new host's OS family."),
    serverName: z.string().min(1).max(128).optional().describe("Name the new server takes."),
  },
  output: {
    platform: z.string(),
    installCommands: z.array(z.string()),
    registerCommand: z.string().nullable(),
  },
  notFound: TOKEN_NOT_FOUND,
  confirm: (args, context) =>
    `Show the install commands with the key of registration token ${args.tokenId} (workspace ${context.target?.workspace}, ${args.platform})? Whoever runs them enrols a host${args.serverName ? ` named ${quoted(args.serverName)}` : ""}.`,
  async run(args, { sdk }) {
    const guide = await sdk({
      token: args.tokenId,
      platform: args.platform,
      ...(args.serverName ? { serverName: args.serverName } : {}),
    });
    return {
      platform: guide.platform,
      installCommands: guide.install_commands ?? [],
      registerCommand: guide.register_command ?? null,
    };
  },
  summary: (result) =>
    [...result.installCommands, result.registerCommand].filter(Boolean).join("\n"),
});

export const serverAdminTools = [
  updateServer,
  starServer,
  unregisterServer,
  restartAgent,
  shutdownAgent,
  upgradeAgent,
  rebootSystem,
  shutdownSystem,
  upgradeSystem,
  updateInformation,
  listRegistrationTokens,
  createRegistrationToken,
  deleteRegistrationToken,
  getRegistrationGuide,
];
