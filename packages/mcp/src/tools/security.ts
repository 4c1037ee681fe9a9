import { PermissionDeniedError } from "@alpacon/sdk";
import * as z from "zod";
import { quoted } from "../server/confirm.js";
import { ToolError } from "../server/errors.js";
import { serverLabel } from "../server/server-refs.js";
import { apiFields, defineTool, listTool, serverId, type ToolCallContext } from "./define.js";

/**
 * Token ACLs (`/api/security/`): deny by default, an API or service token reaches only the
 * servers, commands and paths its entries name. Adding or changing an entry grants access and
 * removing one takes it away, so every write asks first.
 */

const aclId = z.guid().describe("The entry's id, from the list tool.");
const binding = {
  token: z.guid().optional().describe("API token id (list_api_tokens); or serviceToken."),
  serviceToken: z.guid().optional().describe("Service token id; or token."),
};
const runAs = {
  username: z
    .string()
    .max(150)
    .optional()
    .describe('Run-as user: empty = the token\'s own user, "*" = any.'),
  groupname: z.string().max(150).optional(),
};
const filters = {
  token: z.guid().optional().describe("Only this API token's entries."),
  serviceToken: z.guid().optional().describe("Only this service token's entries."),
};
const FORBIDDEN =
  "Token ACLs are managed by the token's owner: use the login (JWT) that made the token";

const tokenBound = {
  id: z.string(),
  token: z.string().nullable().optional(),
  service_token: z.string().nullable().optional(),
  token_name: z.string().optional(),
};
const commandAcl = z.looseObject({
  ...tokenBound,
  command: z.string().optional(),
  username: z.string().optional(),
  groupname: z.string().optional(),
});
const serverAcl = z.looseObject({
  ...tokenBound,
  server: z.looseObject({ id: z.string(), name: z.string().optional() }).optional(),
});
const fileAcl = z.looseObject({
  ...tokenBound,
  path: z.string().optional(),
  action: z.string().optional(),
  username: z.string().optional(),
  groupname: z.string().optional(),
});

type Bound = z.output<z.ZodObject<typeof tokenBound>>;

function owner(entry: Bound): string {
  return entry.token_name || entry.token || entry.service_token || "?";
}

function who(entry: { username?: string | undefined; groupname?: string | undefined }): string {
  const user = !entry.username
    ? "the token's user"
    : entry.username === "*"
      ? "any user"
      : entry.username;
  const group = !entry.groupname
    ? ""
    : entry.groupname === "*"
      ? ", any group"
      : `, group ${entry.groupname}`;
  return `as ${user}${group}`;
}

/** Exactly one binding, as the service requires, in the API's field names. */
function bindingOf(args: { token?: string | undefined; serviceToken?: string | undefined }) {
  if (!args.token === !args.serviceToken) {
    throw new ToolError(
      "exactly one of token and serviceToken is needed",
      "Pass the API token's id as token (from list_api_tokens), or a service token's as serviceToken",
    );
  }
  return args.token ? { token: args.token } : { service_token: args.serviceToken! };
}

/** "API token `ci`": the name a person knows, looked up before asking. */
async function tokenLabel(
  args: { token?: string | undefined; serviceToken?: string | undefined },
  context: ToolCallContext,
): Promise<string> {
  const bound = bindingOf(args);
  if ("service_token" in bound) return `service token ${bound.service_token}`;
  try {
    const found = await context.call((c) => c.apiTokens.get)(bound.token);
    return `API token ${quoted(found.name)}`;
  } catch (error) {
    // A caller that may not read tokens may still own ACLs: name the id then.
    if (error instanceof PermissionDeniedError) return `API token ${bound.token}`;
    throw error;
  }
}

function changes(args: Record<string, unknown>, except: readonly string[]) {
  const body = apiFields(
    Object.fromEntries(Object.entries(args).filter(([key]) => !except.includes(key))),
  );
  if (Object.keys(body).length === 0) {
    throw new ToolError("no field to change was given", "Pass at least one field to change");
  }
  return body;
}

const changeText = (body: Record<string, unknown>) =>
  Object.entries(body)
    .map(([field, value]) => `${field} to ${quoted(JSON.stringify(value))}`)
    .join(", ");

// ------------------------------------------------------------------------- command ACLs

const commandLine = (e: z.output<typeof commandAcl>) =>
  `${e.command ?? "?"} (${e.id}) for ${owner(e)}, ${who(e)}`;

export const listCommandAcls = listTool({
  name: "list_command_acls",
  searchHint: "command acl permission rules security",
  toolset: "security",
  title: "List command ACL entries",
  description: "Commands API or service tokens may run (patterns, * matches anything).",
  sdk: (c) => c.security.commandAcls.list,
  input: filters,
  query: (args) => ({ token: args.token, service_token: args.serviceToken }),
  rows: "acls",
  row: commandAcl,
  noun: "command ACL entries",
  line: commandLine,
  forbidden: FORBIDDEN,
});

export const createCommandAcl = defineTool({
  name: "create_command_acl",
  searchHint: "command acl create permission allow deny",
  toolset: "security",
  title: "Add a command ACL entry",
  description:
    "Lets a token run commands matching a pattern (exact text, * matches anything), on the servers its server ACL allows.",
  sdk: (c) => c.security.commandAcls.create,
  operation: "POST",
  effect: "grant-access",
  input: { ...binding, command: z.string().min(1).max(1024), ...runAs },
  output: { acl: commandAcl },
  forbidden: FORBIDDEN,
  confirm: async (args, context) =>
    `Let ${await tokenLabel(args, context)} run commands matching ${quoted(args.command)} ${who(args)}?`,
  run: async ({ token, serviceToken, ...args }, { sdk }) => ({
    acl: await sdk({ ...bindingOf({ token, serviceToken }), ...apiFields(args) }),
  }),
  summary: (result) => `Added ${commandLine(result.acl)}.`,
});

export const updateCommandAcl = defineTool({
  name: "update_command_acl",
  searchHint: "command acl update modify",
  toolset: "security",
  title: "Change a command ACL entry",
  description: "Changes the pattern, user or group of a command ACL entry.",
  sdk: (c) => c.security.commandAcls.update,
  operation: "PATCH",
  effect: "grant-access",
  input: { acl: aclId, command: z.string().min(1).max(1024).optional(), ...runAs },
  output: { acl: commandAcl },
  notFound: "Check the entry's id with list_command_acls",
  forbidden: FORBIDDEN,
  confirm: (args) =>
    `Change ${changeText(changes(args, ["acl"]))} of command ACL entry ${args.acl}?`,
  run: async (args, { sdk }) => ({ acl: await sdk(args.acl, changes(args, ["acl"])) }),
  summary: (result) => `Changed ${commandLine(result.acl)}.`,
});

export const deleteCommandAcl = defineTool({
  name: "delete_command_acl",
  searchHint: "command acl delete remove",
  toolset: "security",
  title: "Remove a command ACL entry",
  description: "Removes a command ACL entry: its token may no longer run those commands.",
  sdk: (c) => c.security.commandAcls.delete,
  operation: "DELETE",
  input: { acl: aclId },
  output: { acl: z.string(), deleted: z.boolean() },
  notFound: "Check the entry's id with list_command_acls",
  forbidden: FORBIDDEN,
  confirm: (args) =>
    `Remove command ACL entry ${args.acl}? Its token loses those commands at once.`,
  async run(args, { sdk }) {
    await sdk(args.acl);
    return { acl: args.acl, deleted: true };
  },
  summary: (result) => `Removed command ACL entry ${result.acl}.`,
});

// ------------------------------------------------------------------------- server ACLs

const serverLine = (e: z.output<typeof serverAcl>) =>
  `${e.server?.name || e.server?.id || "?"} (${e.id}) for ${owner(e)}`;

export const listServerAcls = listTool({
  name: "list_server_acls",
  searchHint: "server acl access permission rules",
  toolset: "security",
  title: "List server ACL entries",
  description: "Servers API or service tokens may reach; without an entry a token reaches none.",
  sdk: (c) => c.security.serverAcls.list,
  input: filters,
  query: (args) => ({ token: args.token, service_token: args.serviceToken }),
  rows: "acls",
  row: serverAcl,
  noun: "server ACL entries",
  line: serverLine,
  forbidden: FORBIDDEN,
});

export const createServerAcl = defineTool({
  name: "create_server_acl",
  searchHint: "server acl create permission allow access",
  toolset: "security",
  title: "Add a server ACL entry",
  description: "Lets a token reach one server. bulk_server_acl does many at once.",
  sdk: (c) => c.security.serverAcls.create,
  operation: "POST",
  effect: "grant-access",
  input: { ...binding, server: serverId },
  output: { acl: serverAcl },
  forbidden: FORBIDDEN,
  confirm: async (args, context) =>
    `Let ${await tokenLabel(args, context)} reach server ${serverLabel(context.servers, args.server)}?`,
  run: async ({ token, serviceToken, server }, { sdk }) => ({
    acl: await sdk({ ...bindingOf({ token, serviceToken }), server }),
  }),
  summary: (result) => `Added ${serverLine(result.acl)}.`,
});

export const updateServerAcl = defineTool({
  name: "update_server_acl",
  searchHint: "server acl update modify",
  toolset: "security",
  title: "Change a server ACL entry",
  description:
    "Moves a server ACL entry to another server, or to another token (token or serviceToken).",
  sdk: (c) => c.security.serverAcls.update,
  operation: "PATCH",
  effect: "grant-access",
  input: { acl: aclId, server: serverId.optional(), ...binding },
  output: { acl: serverAcl },
  notFound: "Check the entry's id with list_server_acls",
  forbidden: FORBIDDEN,
  confirm: (args, context) =>
    `Change server ACL entry ${args.acl}: ${[
      args.server && `server to ${serverLabel(context.servers, args.server)}`,
      (args.token || args.serviceToken) &&
        `token to ${args.token ? `API token ${args.token}` : `service token ${args.serviceToken}`}`,
    ]
      .filter(Boolean)
      .join(", ")}?`,
  run: async ({ acl, server, token, serviceToken }, { sdk }) => {
    // The service checks exactly one binding, and a PATCH keeps the old one otherwise.
    const rebind = token
      ? { token, service_token: null }
      : serviceToken
        ? { service_token: serviceToken, token: null }
        : {};
    const body = { ...(server ? { server } : {}), ...rebind };
    if (Object.keys(body).length === 0) {
      throw new ToolError("no field to change was given", "Pass server, token or serviceToken");
    }
    return { acl: await sdk(acl, body) };
  },
  summary: (result) => `Changed ${serverLine(result.acl)}.`,
});

export const deleteServerAcl = defineTool({
  name: "delete_server_acl",
  searchHint: "server acl delete remove",
  toolset: "security",
  title: "Remove a server ACL entry",
  description: "Removes a server ACL entry: its token can no longer reach that server.",
  sdk: (c) => c.security.serverAcls.delete,
  operation: "DELETE",
  input: { acl: aclId },
  output: { acl: z.string(), deleted: z.boolean() },
  notFound: "Check the entry's id with list_server_acls",
  forbidden: FORBIDDEN,
  confirm: (args) => `Remove server ACL entry ${args.acl}? Its token loses that server at once.`,
  async run(args, { sdk }) {
    await sdk(args.acl);
    return { acl: args.acl, deleted: true };
  },
  summary: (result) => `Removed server ACL entry ${result.acl}.`,
});

export const bulkServerAcl = defineTool({
  name: "bulk_server_acl",
  searchHint: "server acl bulk add remove multiple",
  toolset: "security",
  title: "Add or remove server ACL entries in bulk",
  description: "Lets a token reach (add) or no longer reach (remove) up to 100 servers at once.",
  sdk: [(c) => c.security.serverAcls.bulkCreate, (c) => c.security.serverAcls.bulkDelete],
  operation: "POST",
  effect: "grant-access",
  input: {
    ...binding,
    servers: z.array(serverId).min(1).max(100).describe("Names or ids, at most 100."),
    action: z.enum(["add", "remove"]).describe("add grants, remove takes away."),
  },
  output: { action: z.enum(["add", "remove"]), added: z.array(serverAcl), removed: z.int() },
  forbidden: FORBIDDEN,
  confirm: async (args, context) =>
    `${args.action === "add" ? "Let" : "Stop"} ${await tokenLabel(args, context)} ${args.action === "add" ? "reach" : "reaching"} ${args.servers.length} server(s): ${args.servers.map((id) => serverLabel(context.servers, id)).join(", ")}?`,
  async run({ token, serviceToken, servers, action }, { call }) {
    const body = { ...bindingOf({ token, serviceToken }), servers };
    if (action === "add") {
      const added = await call((c) => c.security.serverAcls.bulkCreate)(body);
      return { action, added, removed: 0 };
    }
    const result = await call((c) => c.security.serverAcls.bulkDelete)(body);
    return { action, added: [], removed: result.deleted ?? 0 };
  },
  summary: (result) =>
    result.action === "add"
      ? `Added ${result.added.length} server ACL entr${result.added.length === 1 ? "y" : "ies"}.`
      : `Removed ${result.removed} server ACL entr${result.removed === 1 ? "y" : "ies"}.`,
});

// ------------------------------------------------------------------------- file ACLs

const fileLine = (e: z.output<typeof fileAcl>) =>
  `${e.action ?? "?"} ${e.path ?? "?"} (${e.id}) for ${owner(e)}, ${who(e)}`;
const fileAction = z.enum(["upload", "download", "*"]).describe("* allows both.");

export const listFileAcls = listTool({
  name: "list_file_acls",
  searchHint: "file acl access permission rules path",
  toolset: "security",
  title: "List file ACL entries",
  description: "Paths API or service tokens may upload to or download from.",
  sdk: (c) => c.security.fileAcls.list,
  input: filters,
  query: (args) => ({ token: args.token, service_token: args.serviceToken }),
  rows: "acls",
  row: fileAcl,
  noun: "file ACL entries",
  line: fileLine,
  forbidden: FORBIDDEN,
});

export const createFileAcl = defineTool({
  name: "create_file_acl",
  searchHint: "file acl create permission allow deny path upload download",
  toolset: "security",
  title: "Add a file ACL entry",
  description:
    "Lets a token upload to or download from paths matching a pattern (* matches anything).",
  sdk: (c) => c.security.fileAcls.create,
  operation: "POST",
  effect: "grant-access",
  input: {
    ...binding,
    path: z.string().min(1).max(1024).describe("e.g. /var/log/*."),
    action: fileAction,
    ...runAs,
  },
  output: { acl: fileAcl },
  forbidden: FORBIDDEN,
  confirm: async (args, context) =>
    `Let ${await tokenLabel(args, context)} ${args.action === "*" ? "upload to and download from" : args.action === "upload" ? "upload to" : "download from"} paths matching ${quoted(args.path)} ${who(args)}?`,
  run: async ({ token, serviceToken, ...args }, { sdk }) => ({
    acl: await sdk({ ...bindingOf({ token, serviceToken }), ...apiFields(args) }),
  }),
  summary: (result) => `Added ${fileLine(result.acl)}.`,
});

export const updateFileAcl = defineTool({
  name: "update_file_acl",
  searchHint: "file acl update modify path action",
  toolset: "security",
  title: "Change a file ACL entry",
  description: "Changes the path, direction, user or group of a file ACL entry.",
  sdk: (c) => c.security.fileAcls.update,
  operation: "PATCH",
  effect: "grant-access",
  input: {
    acl: aclId,
    path: z.string().min(1).max(1024).optional().describe("New path pattern."),
    action: fileAction.optional(),
    ...runAs,
  },
  output: { acl: fileAcl },
  notFound: "Check the entry's id with list_file_acls",
  forbidden: FORBIDDEN,
  confirm: (args) => `Change ${changeText(changes(args, ["acl"]))} of file ACL entry ${args.acl}?`,
  run: async (args, { sdk }) => ({ acl: await sdk(args.acl, changes(args, ["acl"])) }),
  summary: (result) => `Changed ${fileLine(result.acl)}.`,
});

export const deleteFileAcl = defineTool({
  name: "delete_file_acl",
  searchHint: "file acl delete remove",
  toolset: "security",
  title: "Remove a file ACL entry",
  description: "Removes a file ACL entry: its token loses access to those paths.",
  sdk: (c) => c.security.fileAcls.delete,
  operation: "DELETE",
  input: { acl: aclId },
  output: { acl: z.string(), deleted: z.boolean() },
  notFound: "Check the entry's id with list_file_acls",
  forbidden: FORBIDDEN,
  confirm: (args) => `Remove file ACL entry ${args.acl}? Its token loses those paths at once.`,
  async run(args, { sdk }) {
    await sdk(args.acl);
    return { acl: args.acl, deleted: true };
  },
  summary: (result) => `Removed file ACL entry ${result.acl}.`,
});

export const securityTools = [
  listCommandAcls,
  createCommandAcl,
  updateCommandAcl,
  deleteCommandAcl,
  listServerAcls,
  createServerAcl,
  updateServerAcl,
  deleteServerAcl,
  bulkServerAcl,
  listFileAcls,
  createFileAcl,
  updateFileAcl,
  deleteFileAcl,
];
