import { NotFoundError, type WebshSessionInfo } from "@alpacon/sdk";
import { quoted } from "../server/confirm.js";
import type { ToolContext } from "../server/context.js";
import { ToolError } from "../server/errors.js";
import { isUuid } from "../server/server-refs.js";
import { type ChannelInfo, missingChannel } from "../server/websh-channels.js";
import { clientOf } from "./define.js";

/**
 * The question for a command in a pooled channel: which shell it is, as a person knows it (the
 * server's name, the system user, the workspace) rather than the channel's id. The session is
 * looked up first, so a channel that is gone or a session closed elsewhere fails before asking.
 */
export async function channelQuestion(
  channelId: string,
  command: string,
  context: ToolContext,
): Promise<string> {
  const info = keptChannel(channelId, context);
  if (info.readOnly) {
    throw new ToolError(
      `websh channel ${channelId} is read-only: the server ignores its input, so no command can run in it`,
      "Ask the session's owner for a share or invite that allows writing, or open your own shell with websh_session_create",
    );
  }
  const where = `(channel ${channelId}, workspace ${info.workspace}, region ${info.region})`;
  if (!isUuid(info.sessionId)) {
    return `Run ${quoted(command)} in the shell attached from a websh URL ${where}?`;
  }
  const { client } = context.runtime.workspaces.client({
    workspace: info.workspace,
    region: info.region,
  });
  let session: WebshSessionInfo;
  try {
    session = await client.websh.sessions.get(info.sessionId, { signal: context.signal });
  } catch (error) {
    // Someone else's session, joined through a share or invite: its record is its owner's.
    if (error instanceof NotFoundError) {
      return `Run ${quoted(command)} in the shared websh session ${info.sessionId} you joined ${where}?`;
    }
    throw error;
  }
  if (session.closed_at) {
    throw new ToolError(
      `the websh session behind channel ${channelId} was closed at ${session.closed_at}`,
      "Open a new shell with websh_session_create",
    );
  }
  return `Run ${quoted(command)} in the open shell of ${quoted(session.username)} on server ${session.server.name} ${where}?`;
}

/** A channel this server keeps, or the refusal that says how to find one. */
export function keptChannel(channelId: string, context: ToolContext): ChannelInfo {
  const info = context.runtime.channels.list().find((item) => item.channelId === channelId);
  if (!info) throw missingChannel(channelId);
  return info;
}

/** An open session (the API then checks it is the caller's), or a refusal that says why. */
export async function openOwnSession(sessionId: string, context: ToolContext) {
  const session = await clientOf(context).websh.sessions.get(sessionId, {
    signal: context.signal,
  });
  if (session.closed_at) {
    throw new ToolError(
      `websh session ${sessionId} was closed at ${session.closed_at}`,
      "Open a new shell with websh_session_create",
    );
  }
  return session;
}
