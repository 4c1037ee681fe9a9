import { quoted } from "../server/confirm.js";
import type { ToolContext } from "../server/context.js";
import { ToolError } from "../server/errors.js";
import { isUuid } from "../server/server-refs.js";

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
  const info = context.runtime.channels.list().find((item) => item.channelId === channelId);
  if (!info) {
    throw new ToolError(
      `no websh channel ${channelId} is open in this server`,
      "List the open ones with websh_channels_list, or open one with websh_session_create; channels do not survive a server restart",
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
  const session = await client.websh.sessions.get(info.sessionId, { signal: context.signal });
  if (session.closed_at) {
    throw new ToolError(
      `the websh session behind channel ${channelId} was closed at ${session.closed_at}`,
      "Open a new shell with websh_session_create",
    );
  }
  return `Run ${quoted(command)} in the open shell of ${quoted(session.username)} on server ${session.server.name} ${where}?`;
}
