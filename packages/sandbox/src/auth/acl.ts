import type { RequestContext } from "../http/app.js";
import { coded } from "../http/errors.js";
import type { ServerRecord } from "../state/model.js";
import { commandMatches } from "./tokens.js";

/** What a request does on a server, as the token ACLs weigh it. */
export interface AclRequest {
  /** A command line (Command API). */
  command?: string;
  /** A remote path and the direction (webftp). */
  file?: { path: string; action: "upload" | "download" };
  /** The run-as user and group as requested ("" = the token's own user / no group). */
  username?: string;
  groupname?: string;
}

/** "" = the token's own user only, "*" = anyone, else that user (`acl_command_add.go`). */
function userAllowed(rule: string, requested: string, owner: string): boolean {
  if (rule === "*") return true;
  const asked = requested === "" ? owner : requested;
  return asked === (rule === "" ? owner : rule);
}

/** "" = no restriction, "*" = any group, else that group. */
function groupAllowed(rule: string, requested: string): boolean {
  return rule === "" || rule === "*" || rule === requested;
}

/**
 * The ACLs of a token made through the API, deny by default: the server must have a server
 * entry, a command a command entry, a transfer a file entry (403 `api_token_acl_not_allowed`
 * with the kind as `source`). Other credentials keep their own rules.
 */
export function checkTokenAcl(
  ctx: RequestContext,
  server: ServerRecord,
  request: AclRequest,
): void {
  const acl = ctx.principal.credential.acl;
  if (acl.kind !== "scoped") return;
  const { tokenId } = acl;
  const acls = ctx.ws.acls;
  const owner = ctx.principal.user.username;
  const username = request.username ?? "";
  const groupname = request.groupname ?? "";
  if (!acls.server.all().some((e) => e.tokenId === tokenId && e.serverId === server.id)) {
    throw coded(403, "api_token_acl_not_allowed", "server");
  }
  const { command, file } = request;
  if (
    command !== undefined &&
    !acls.command
      .all()
      .some(
        (e) =>
          e.tokenId === tokenId &&
          commandMatches(e.command, command) &&
          userAllowed(e.username, username, owner) &&
          groupAllowed(e.groupname, groupname),
      )
  ) {
    throw coded(403, "api_token_acl_not_allowed", "command");
  }
  if (
    file !== undefined &&
    !acls.file
      .all()
      .some(
        (e) =>
          e.tokenId === tokenId &&
          (e.action === "*" || e.action === file.action) &&
          commandMatches(e.path, file.path) &&
          userAllowed(e.username, username, owner) &&
          groupAllowed(e.groupname, groupname),
      )
  ) {
    throw coded(403, "api_token_acl_not_allowed", "file");
  }
}
