import { randomUUID } from "node:crypto";
import { checkWebshCommand, type ExecResult, sharedChannelId, WebshSession } from "@alpacon/sdk";
import * as z from "zod";
import { quoted } from "../server/confirm.js";
import type { ToolContext } from "../server/context.js";
import { ToolError } from "../server/errors.js";
import { compact, listLines, tail, withoutWebsocketUrls } from "../server/format.js";
import { serverLabel } from "../server/server-refs.js";
import { commandLine, maxOutputChars, runAs } from "./commands.js";
import { clientOf, defineTool, listTool, serverId, serverSummary, userSummary } from "./define.js";
import { channelQuestion, keptChannel, openOwnSession } from "./websh-questions.js";
import { workSessionField, workSessionOf } from "./work-session.js";

// The name says it: seconds to wait for the command.
const timeoutSeconds = z.int().min(1).max(600).default(30);

const shellUser = {
  username: z.string().min(1).max(64).optional().describe("Default: the token's user."),
  groupname: z.string().min(1).max(64).optional(),
};

/** A command line typed into a terminal: no control characters (they would edit the line). */
const webshCommand = commandLine.superRefine((value, issues) => {
  try {
    checkWebshCommand(value);
  } catch (error) {
    issues.addIssue({ code: "custom", message: (error as Error).message });
  }
});

const websocketUrl = z
  .url({ protocol: /^wss?$/ })
  .max(2048)
  .refine((value) => new URL(value).pathname.includes("/ws/websh/"), {
    message: "must be a websh WebSocket URL (…/ws/websh/…)",
  })
  .describe("wss://…/ws/websh/… URL of a session or channel.");

const execOutput = {
  output: z.string(),
  exitCode: z.int().nullable().describe("Null on timeout."),
  durationMs: z.int(),
  timedOut: z.boolean(),
  outputTruncated: z.boolean(),
  omittedChars: z.int().describe("Cut from the start of output."),
};

/** The options every exec takes, from the tool's arguments. */
function execOptions(
  args: { timeoutSeconds: number; maxOutputChars: number },
  context: ToolContext,
) {
  return {
    timeoutMs: args.timeoutSeconds * 1000,
    signal: context.signal,
    // Bytes, not characters: leave room for multi-byte text before the character cap applies.
    maxOutputBytes: args.maxOutputChars * 4,
  };
}

function execFields(result: ExecResult, maxChars: number) {
  const output = tail(result.output, maxChars);
  return {
    output: output.text,
    exitCode: result.exitCode,
    durationMs: Math.round(result.durationMs),
    timedOut: result.timedOut,
    outputTruncated: output.truncated || result.truncated,
    omittedChars: output.omittedChars,
  };
}

function execSummary(
  result: z.output<z.ZodObject<typeof execOutput>>,
  command: string,
  where: string,
): string {
  const state = result.timedOut
    ? "did not finish in time (it may still be running in the shell)"
    : `exit ${result.exitCode ?? "?"}`;
  const cut = result.outputTruncated
    ? ` [output cut: only the last part is shown; redirect to a file and read it in parts, e.g. \`sed -n 1,200p\`]`
    : "";
  return `\`${command}\` on ${where}: ${state} after ${result.durationMs} ms.${cut}${result.output ? `\n${result.output}` : ""}`;
}

/**
 * Connects a shell and holds it in the pool for the websh_channel_* tools. The API may leave
 * out the channel or session id; the channel still needs a key, and the session shows as unknown.
 */
function openChannel(
  context: ToolContext,
  connect: () => Promise<WebshSession>,
  origin: { server: string | null; owned: boolean; channelId?: string | undefined },
) {
  return context.runtime.channels.open(
    connect,
    (shell) => ({
      channelId: shell.channelId ?? origin.channelId ?? randomUUID(),
      sessionId: shell.id ?? "unknown",
      server: origin.server,
      readOnly: shell.readOnly ?? false,
      ...context.target!,
    }),
    origin.owned,
    origin.channelId,
  );
}

/**
 * The session and channel ids a websh URL carries (`…/ws/websh/{session}/{channel}/{token}/`),
 * checked against the ids given with it. The URL's ids are what the channel is kept under, so
 * a made-up channelId cannot take the place of an open channel.
 */
function urlIds(args: {
  websocketUrl: string;
  sessionId?: string | undefined;
  channelId?: string | undefined;
}) {
  const path = new URL(args.websocketUrl).pathname;
  const parts = path.slice(path.indexOf("/ws/websh/") + "/ws/websh/".length).split("/");
  const [session, channel, token] = parts;
  const fromUrl = session && channel && token && parts.slice(3).join("") === "";
  const sessionId = fromUrl ? session : args.sessionId;
  const channelId = fromUrl ? channel : args.channelId;
  for (const [name, given, found] of [
    ["sessionId", args.sessionId, sessionId],
    ["channelId", args.channelId, channelId],
  ] as const) {
    if (given !== undefined && given !== found) {
      throw new ToolError(
        `${name} ${given} does not match the websh URL, which is for ${name} ${found}`,
        `Leave ${name} out: it is read from the URL`,
      );
    }
  }
  return { sessionId, channelId };
}

/** Refuses a URL that is not one of the workspace's websh endpoints (before anyone is asked). */
function checkWebshUrl(args: { websocketUrl: string }, context: ToolContext): void {
  clientOf(context).websh.checkUrl(args.websocketUrl);
}

const channelInfo = z.object({
  channelId: z.string(),
  sessionId: z.string(),
  workspace: z.string(),
  region: z.string(),
  server: z.string().nullable(),
  readOnly: z.boolean().describe("Input is ignored: no command runs in it."),
  openedAt: z.string(),
  lastUsedAt: z.string(),
  busy: z.boolean(),
});

export const webshSessionCreate = defineTool({
  name: "websh_session_create",
  searchHint: "websh shell session open terminal interactive",
  toolset: "websh",
  title: "Open a shell session",
  description:
    "Opens a shell on a server and keeps it, so websh_channel_execute calls share state (directory, env, jobs). Returns a channelId; it closes after 30 idle minutes.",
  sdk: (c) => c.websh.open,
  operation: "POST",
  input: {
    server: serverId,
    ...shellUser,
    rows: z.int().min(10).max(500).default(24),
    cols: z.int().min(40).max(1000).default(200),
    ...workSessionField,
  },
  output: { channel: channelInfo },
  effect: "open-shell",
  notFound: "Check the server id with servers_list",
  confirm: (args, context) =>
    `Open a shell on server ${serverLabel(context.servers, args.server)}${runAs(args)}, kept open for later commands (websh_channel_execute) until closed or idle for 30 minutes?`,
  async run(args, context) {
    const channel = await openChannel(
      context,
      () =>
        clientOf(context).websh.open({
          server: args.server,
          rows: args.rows,
          cols: args.cols,
          ...compact({ username: args.username, groupname: args.groupname }),
          ...workSessionOf(args),
          signal: context.signal,
        }),
      { server: args.server, owned: true },
    );
    return { channel };
  },
  summary: ({ channel }, _args, context) =>
    `Opened websh session ${channel.sessionId} on server ${serverLabel(context.servers, channel.server ?? "?")}; run commands with websh_channel_execute channelId: ${channel.channelId}.`,
});

export const webshCommandExecute = defineTool({
  name: "websh_command_execute",
  searchHint: "websh shell run command terminal",
  toolset: "websh",
  title: "Run one command in a shell",
  description:
    "Runs one command in a shell on a server. The shell is kept a few minutes per server and user, so state carries over. Needs websh access, not a command ACL.",
  sdk: (c) => c.websh.exec,
  operation: "exec",
  input: {
    server: serverId,
    command: webshCommand,
    ...shellUser,
    timeoutSeconds,
    maxOutputChars,
    ...workSessionField,
  },
  output: { server: z.string(), ...execOutput },
  notFound: "Check the server id with servers_list",
  confirm: (args, context) =>
    `Run ${quoted(args.command)} in a shell on server ${serverLabel(context.servers, args.server)}${runAs(args)}?`,
  async run(args, context) {
    const result = await clientOf(context).websh.exec({
      server: args.server,
      command: args.command,
      ...compact({ username: args.username, groupname: args.groupname }),
      ...workSessionOf(args),
      ...execOptions(args, context),
    });
    return { server: args.server, ...execFields(result, args.maxOutputChars) };
  },
  summary: (result, args, context) =>
    execSummary(result, args.command, `server ${serverLabel(context.servers, result.server)}`),
});

export const webshWebsocketExecute = defineTool({
  name: "websh_websocket_execute",
  searchHint: "websh websocket url run command",
  toolset: "websh",
  title: "Run one command over a websh URL",
  description:
    "Runs one command over a websh URL of this workspace you were given (usable once). Otherwise use websh_command_execute.",
  sdk: (c) => c.websh.execOnce,
  operation: "exec",
  input: { websocketUrl, command: webshCommand, timeoutSeconds, maxOutputChars },
  output: execOutput,
  confirm: (args, context) => {
    checkWebshUrl(args, context);
    return `Run ${quoted(args.command)} in the websh session behind a URL you were given (host ${quoted(new URL(args.websocketUrl).host)})?`;
  },
  async run(args, context) {
    // The session belongs to whoever made the URL, so execOnce leaves it open.
    const result = await clientOf(context).websh.execOnce({
      websocketUrl: args.websocketUrl,
      command: args.command,
      ...execOptions(args, context),
    });
    return execFields(result, args.maxOutputChars);
  },
  summary: (result, args) => execSummary(result, args.command, "the websh session"),
});

export const webshChannelConnect = defineTool({
  name: "websh_channel_connect",
  searchHint: "websh channel connect persistent shell",
  toolset: "websh",
  title: "Attach to a websh channel",
  description:
    "Attaches to a websh session of this workspace by its URL and keeps it, like websh_session_create.",
  sdk: (c) => c.websh.connect,
  operation: "POST",
  input: {
    websocketUrl,
    sessionId: z
      .guid()
      .optional()
      .describe("If known; must match the URL's. For listing and closing."),
    channelId: z.string().min(1).max(128).optional().describe("If known; must match the URL's."),
  },
  output: { channel: channelInfo },
  effect: "open-shell",
  // Refused before the question: another host, ids that do not match the URL, an open channel.
  confirm: (args, context) => {
    checkWebshUrl(args, context);
    const { sessionId, channelId } = urlIds(args);
    context.runtime.channels.assertRoom(channelId);
    return `Attach to websh session ${sessionId ?? "(unknown)"} at ${quoted(new URL(args.websocketUrl).host)} and keep its shell open here (channel ${channelId ?? "(new)"}), so websh_channel_execute can run commands in it?`;
  },
  async run(args, context) {
    const ids = urlIds(args);
    const channel = await openChannel(
      context,
      () =>
        clientOf(context).websh.connect({
          websocketUrl: args.websocketUrl,
          ...compact(ids),
          signal: context.signal,
        }),
      { server: null, owned: false, channelId: ids.channelId },
    );
    return { channel };
  },
  summary: ({ channel }) =>
    `Attached to websh session ${channel.sessionId}; run commands with websh_channel_execute channelId: ${channel.channelId}.`,
});

export const webshChannelExecute = defineTool({
  name: "websh_channel_execute",
  searchHint: "websh channel run command persistent shell state",
  toolset: "websh",
  title: "Run a command in an open shell",
  description:
    "Runs a command in an open shell channel. State persists between calls (cd, exports).",
  sdk: { WebshSession },
  operation: "exec",
  scope: "local",
  input: {
    channelId: z
      .string()
      .min(1)
      .max(128)
      .describe("From websh_session_create or websh_channels_list."),
    command: webshCommand,
    timeoutSeconds,
    maxOutputChars,
  },
  output: { channelId: z.string(), sessionId: z.string(), ...execOutput },
  confirm: (args, context) => channelQuestion(args.channelId, args.command, context),
  async run(args, context) {
    return context.runtime.channels.use(args.channelId, async (shell, info) => ({
      channelId: info.channelId,
      sessionId: info.sessionId,
      ...execFields(
        await shell.exec(args.command, execOptions(args, context)),
        args.maxOutputChars,
      ),
    }));
  },
  summary: (result, args) => execSummary(result, args.command, `channel ${result.channelId}`),
});

export const webshChannelsList = defineTool({
  name: "websh_channels_list",
  searchHint: "websh channels open list",
  toolset: "websh",
  title: "List open shell channels",
  description: "The shell channels this MCP server holds open.",
  sdk: [],
  operation: "local-read",
  scope: "local",
  input: {},
  output: { channels: z.array(channelInfo) },
  async run(_args, context) {
    return { channels: context.runtime.channels.list() };
  },
  summary: ({ channels }) =>
    channels.length === 0
      ? "No websh channels are open. Open one with websh_session_create."
      : `${channels.length} open websh channel(s):${listLines(channels, (item) => `${item.channelId} (session ${item.sessionId}, ${item.workspace}${item.server ? `, server ${item.server}` : ""}${item.busy ? ", busy" : ""})`)}`,
});

export const webshSessionTerminate = defineTool({
  name: "websh_session_terminate",
  searchHint: "websh session close terminate end",
  toolset: "websh",
  title: "Close a shell session",
  description: "Closes a websh session and all its channels, other people's too.",
  sdk: (c) => c.websh.sessions.close,
  operation: "POST",
  input: {
    sessionId: z.guid().describe("From websh_session_create or websh_sessions_list."),
  },
  output: { sessionId: z.string(), closedChannels: z.array(z.string()) },
  effect: "change",
  notFound: "Check the session id with websh_sessions_list",
  confirm: async (args, context) => {
    const session = await context.call((c) => c.websh.sessions.get)(args.sessionId);
    return `Close the shell of ${session.user.name} as ${quoted(session.username)} on server ${session.server.name} (websh session ${args.sessionId}) for everyone attached to it?`;
  },
  async run(args, context) {
    await context.sdk(args.sessionId);
    const closedChannels = await context.runtime.channels.dropSession(args.sessionId);
    return { sessionId: args.sessionId, closedChannels };
  },
  summary: (result) =>
    `Closed websh session ${result.sessionId}${result.closedChannels.length ? ` and ${result.closedChannels.length} local channel(s)` : ""}.`,
});

export const webshSessionsList = listTool({
  name: "websh_sessions_list",
  searchHint: "websh sessions list history shell",
  toolset: "websh",
  title: "List shell sessions",
  description: "Shell sessions, newest first: who opened a shell where, as whom, when.",
  sdk: (c) => c.websh.sessions.list,
  input: {
    server: serverId.optional().describe("Only on this server."),
    username: z.string().min(1).max(64).optional().describe("Only shells of this system user."),
  },
  query: (args) => ({ ...args, ordering: "-added_at" }),
  rows: "sessions",
  row: z.looseObject({
    id: z.string(),
    server: serverSummary,
    user: userSummary,
    username: z.string(),
    added_at: z.string(),
    closed_at: z.string().nullable(),
  }),
  map: withoutWebsocketUrls,
  noun: "websh sessions",
  line: (item) =>
    `${item.id}: ${item.user.name} as ${item.username} on ${item.server.name}, ${item.closed_at ? `closed ${item.closed_at}` : "open"}`,
});

export const webshSessionReconnect = defineTool({
  name: "websh_session_reconnect",
  searchHint: "websh session reconnect resume channel master",
  advanced: true,
  toolset: "websh",
  title: "Reconnect to your open shell",
  description:
    "Opens a new master channel on one of your open websh sessions (after a lost or disconnected channel) and keeps it, like websh_session_create.",
  sdk: (c) => c.websh.attach,
  operation: "POST",
  input: { sessionId: z.guid().describe("From websh_sessions_list.") },
  output: { channel: channelInfo },
  effect: "open-shell",
  notFound: "Check the session id with websh_sessions_list",
  confirm: async (args, context) => {
    const session = await openOwnSession(args.sessionId, context);
    context.runtime.channels.assertRoom();
    return `Reconnect to your open shell as ${quoted(session.username)} on server ${session.server.name} (websh session ${args.sessionId}) with a new read-write master channel, kept here for websh_channel_execute?`;
  },
  async run(args, context) {
    const session = await openOwnSession(args.sessionId, context);
    const channel = await openChannel(
      context,
      () =>
        clientOf(context).websh.attach(args.sessionId, {
          readOnly: false,
          signal: context.signal,
        }),
      { server: session.server.id, owned: false },
    );
    return { channel };
  },
  summary: ({ channel }) =>
    `Reconnected to websh session ${channel.sessionId}; run commands with websh_channel_execute channelId: ${channel.channelId}.`,
});

export const joinSharedSession = defineTool({
  name: "join_shared_session",
  searchHint: "websh join shared session link password invite collaborate",
  advanced: true,
  toolset: "websh",
  title: "Join a shared shell",
  description:
    "Joins someone's shared websh session with its share link (or channel id) and password, or an invite token, and keeps the channel for websh_channel_execute. Read-only shares cannot run commands.",
  sdk: (c) => c.websh.join,
  operation: "POST",
  input: {
    sharedUrl: z
      .url({ protocol: /^https?$/ })
      .max(2048)
      .optional()
      .describe("The share link (…/websh/shared/…?channel=…)."),
    channelId: z.string().min(1).max(128).optional().describe("The link's channel, instead."),
    password: z.string().min(1).max(256).optional().describe("The share's password."),
    inviteToken: z.string().min(1).max(256).optional().describe("An invite link's token, instead."),
  },
  output: { channel: channelInfo },
  effect: "open-shell",
  notFound: "The share link or invite may be wrong, or from another workspace: check it",
  confirm: (args, context) => {
    const target = joinTarget(args, context);
    context.runtime.channels.assertRoom();
    return `Join the shared websh session of ${target.what} with ${args.inviteToken ? "its invite token" : "its password"}, and keep a channel to it here for websh_channel_execute? It is read-only or read-write as its owner shared it; the result says which.`;
  },
  async run(args, context) {
    const target = joinTarget(args, context);
    const channel = await openChannel(
      context,
      () =>
        clientOf(context).websh.join({
          channelId: target.channelId,
          ...(args.inviteToken ? { token: args.inviteToken } : { password: args.password }),
          signal: context.signal,
        }),
      { server: null, owned: false },
    );
    return { channel };
  },
  summary: ({ channel }) =>
    channel.readOnly
      ? `Joined websh session ${channel.sessionId} read-only (channel ${channel.channelId}): its owner allows watching only, so websh_channel_execute cannot run commands in it. Disconnect it with websh_channel_disconnect.`
      : `Joined websh session ${channel.sessionId}; run commands with websh_channel_execute channelId: ${channel.channelId}.`,
});

export const webshChannelDisconnect = defineTool({
  name: "websh_channel_disconnect",
  searchHint: "websh channel disconnect close connection",
  toolset: "websh",
  title: "Disconnect a kept shell channel",
  description:
    "Disconnects a channel this MCP server keeps. Local only: its websh session stays open on the server (websh_session_terminate ends it).",
  sdk: { WebshSession },
  operation: "local-write",
  scope: "local",
  input: {
    channelId: z.string().min(1).max(128).describe("From websh_channels_list."),
  },
  output: { channel: channelInfo },
  confirm: (args, context) => {
    const info = keptChannel(args.channelId, context);
    return `Disconnect websh channel ${info.channelId} (session ${info.sessionId}, workspace ${info.workspace}) from this MCP server? Only the local connection ends: the session stays open on the server.`;
  },
  async run(args, context) {
    return { channel: await context.runtime.channels.disconnect(args.channelId) };
  },
  summary: ({ channel }) =>
    `Disconnected channel ${channel.channelId} here. Websh session ${channel.sessionId} is still open on the server: reconnect with websh_session_reconnect, or end it with websh_session_terminate.`,
});

/**
 * The channel a join names: the share link's `channel` (a link of this workspace's host) or the
 * id given, with exactly one of a password and an invite token.
 */
function joinTarget(
  args: {
    sharedUrl?: string | undefined;
    channelId?: string | undefined;
    password?: string | undefined;
    inviteToken?: string | undefined;
  },
  context: ToolContext,
): { channelId: string; what: string } {
  if (!args.password === !args.inviteToken) {
    throw new ToolError(
      "a join needs exactly one of password and inviteToken",
      "Pass the share's password, or the token of an invite link",
    );
  }
  if (args.sharedUrl === undefined) {
    if (!args.channelId) {
      throw new ToolError(
        "no share link or channel id was given",
        "Pass sharedUrl (the share link) or channelId",
      );
    }
    return { channelId: args.channelId, what: `channel ${quoted(args.channelId)}` };
  }
  const link = new URL(args.sharedUrl);
  const channelId = sharedChannelId(args.sharedUrl);
  if (!channelId) {
    throw new ToolError(
      "the share link has no `channel` query parameter",
      "Pass the whole link as the session's owner got it (…/websh/shared/<session>?channel=<id>), or its channelId",
    );
  }
  if (args.channelId !== undefined && args.channelId !== channelId) {
    throw new ToolError(
      `channelId ${args.channelId} does not match the share link, which is for channel ${channelId}`,
      "Leave channelId out: it is read from the link",
    );
  }
  const home = new URL(clientOf(context).baseUrl).host;
  if (link.host !== home) {
    throw new ToolError(
      `the share link is for ${link.host}, but this workspace is at ${home}`,
      "Pass the workspace (and region) the link belongs to",
    );
  }
  return {
    channelId,
    what: `link ${quoted(`${link.host}${link.pathname}`)} (channel ${channelId})`,
  };
}

export const webshTools = [
  webshSessionCreate,
  webshCommandExecute,
  webshWebsocketExecute,
  webshChannelConnect,
  webshChannelExecute,
  webshChannelsList,
  webshSessionTerminate,
  webshSessionsList,
  webshSessionReconnect,
  joinSharedSession,
  webshChannelDisconnect,
];
