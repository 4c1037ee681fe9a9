import * as z from "zod";
import { quoted } from "../server/confirm.js";
import { defineTool } from "./define.js";
import { openOwnSession } from "./websh-questions.js";

const sessionId = z.guid().describe("One of your open sessions (websh_sessions_list).");
const readOnly = z
  .boolean()
  .default(true)
  .describe("Guests only watch; false lets them type commands.");

/** What guests may do, as the question and the summary say it. */
function access(readOnlyShare: boolean, username: string): string {
  return readOnlyShare
    ? "watch it (read-only)"
    : `type commands into it as ${quoted(username)} (read-write)`;
}

export const shareWebshSession = defineTool({
  name: "share_websh_session",
  searchHint: "websh share session link password collaborate",
  advanced: true,
  toolset: "websh",
  title: "Share a shell by link",
  description:
    "Creates a password-protected link to one of your open websh sessions, for a colleague to join (join_shared_session or `alpacon websh join`) until it expires. Returns the link and password.",
  sdk: (c) => c.websh.sessions.share,
  operation: "POST",
  input: { sessionId, readOnly },
  output: {
    sessionId: z.string(),
    sharedUrl: z.string(),
    password: z.string().describe("Needed to join; give it only to the guest."),
    readOnly: z.boolean(),
    expiration: z.string(),
  },
  effect: "grant-access",
  notFound: "Check the session id with websh_sessions_list",
  forbidden: "Only the session's owner can share it",
  confirm: async (args, context) => {
    const session = await openOwnSession(args.sessionId, context);
    return `Create a share link for your shell as ${quoted(session.username)} on server ${session.server.name} (websh session ${args.sessionId})? Anyone in the workspace with the link and its password can ${access(args.readOnly, session.username)} until the link expires.`;
  },
  async run(args, context) {
    const share = await context.sdk(args.sessionId, { read_only: args.readOnly });
    return {
      sessionId: args.sessionId,
      sharedUrl: share.shared_url,
      password: share.password,
      readOnly: share.read_only,
      expiration: share.expiration,
    };
  },
  summary: (result) =>
    `Shared websh session ${result.sessionId} ${result.readOnly ? "read-only" : "read-write"} until ${result.expiration}.\nLink: ${result.sharedUrl}\nPassword: ${result.password}\nGive both to the person joining, and only to them.`,
});

export const inviteToWebshSession = defineTool({
  name: "invite_to_websh_session",
  searchHint: "websh invite email collaborate session",
  advanced: true,
  toolset: "websh",
  title: "Invite people to a shell",
  description:
    "Emails each address a link to join one of your open websh sessions (read-only unless readOnly is false).",
  sdk: (c) => c.websh.sessions.invite,
  operation: "POST",
  input: {
    sessionId,
    emails: z.array(z.email().max(254)).min(1).max(50).describe("Who to invite."),
    readOnly,
  },
  output: { sessionId: z.string(), emails: z.array(z.string()), readOnly: z.boolean() },
  effect: "grant-access",
  notFound: "Check the session id with websh_sessions_list",
  forbidden: "Only the session's owner can invite to it",
  confirm: async (args, context) => {
    const session = await openOwnSession(args.sessionId, context);
    return `Email an invitation to ${args.emails.map(quoted).join(", ")} for your shell as ${quoted(session.username)} on server ${session.server.name} (websh session ${args.sessionId})? Each invitee can ${access(args.readOnly, session.username)}.`;
  },
  async run(args, context) {
    await context.sdk(args.sessionId, { emails: args.emails, read_only: args.readOnly });
    return { sessionId: args.sessionId, emails: args.emails, readOnly: args.readOnly };
  },
  summary: (result) =>
    `Invited ${result.emails.length} address(es) to websh session ${result.sessionId} ${result.readOnly ? "read-only" : "read-write"}: ${result.emails.join(", ")}. Each gets a link by email.`,
});

export const webshSharingTools = [shareWebshSession, inviteToWebshSession];
