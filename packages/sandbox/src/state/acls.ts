import { Collection } from "../http/list.js";

/**
 * A token's ACL entries (`/api/security/*-acl/`). Deny by default: a token made through the API
 * reaches only the servers, commands and paths its entries name (`cli@9483716:cmd/token/acl.go`).
 */
interface AclBase {
  id: string;
  /** The API token (`ApiTokenRecord.id`) the entry belongs to. */
  tokenId: string;
}

export interface CommandAclRecord extends AclBase {
  command: string;
  /** "" the token's own user only, "*" any user, else that user. */
  username: string;
  /** "" no restriction, "*" any group, else that group. */
  groupname: string;
}

export interface ServerAclRecord extends AclBase {
  serverId: string;
}

export interface FileAclRecord extends AclBase {
  path: string;
  action: "upload" | "download" | "*";
  username: string;
  groupname: string;
}

export class AclStore {
  readonly command = new Collection<CommandAclRecord>();
  readonly server = new Collection<ServerAclRecord>();
  readonly file = new Collection<FileAclRecord>();

  /** Every entry of a deleted token goes with it. */
  removeToken(tokenId: string): void {
    for (const list of [this.command, this.server, this.file] as Collection<AclBase>[]) {
      list.remove((entry) => entry.tokenId === tokenId);
    }
  }

  /** A duplicated token gets copies of the source's entries (`alpacon token duplicate`). */
  copyToken(from: string, to: string, newId: () => string): void {
    for (const list of [this.command, this.server, this.file] as Collection<AclBase>[]) {
      for (const entry of list.all().filter((e) => e.tokenId === from)) {
        list.add({ ...entry, id: newId(), tokenId: to });
      }
    }
  }
}
