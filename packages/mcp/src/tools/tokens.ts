import type { ApiToken } from "@alpacon/sdk";
import * as z from "zod";
import { quoted } from "../server/confirm.js";
import type { ToolContext } from "../server/context.js";
import { ToolError } from "../server/errors.js";
import { apiFields, defineTool, listTool, type ToolCallContext } from "./define.js";

/**
 * API tokens (`/api/auth/tokens/`). A new token's key is shown to the user alone, through
 * elicitation, and never put in a result: what a model sees can end up in transcripts, logs and
 * other tools' arguments, and a key is a credential. A client that cannot show the user a
 * message cannot create or duplicate tokens here (the web console and `alpacon token` can).
 */

const tokenId = z.guid().describe("From list_api_tokens.");

const token = z.looseObject({
  id: z.string(),
  name: z.string(),
  enabled: z.boolean().optional(),
  scopes: z.array(z.string()).optional(),
  updated_at: z.string().optional(),
  expires_at: z.string().nullable().optional(),
});

const scopeList = z
  .array(z.string().min(1).max(100))
  .max(100)
  .describe('"<resource>:<action>" (list_api_token_scopes), or "*" for every scope.');

const NOT_FOUND = "Check the token id with list_api_tokens";
// The service refuses token management to API tokens (source 'api'): only a login may do it.
const LOGIN_ONLY =
  "Managing API tokens needs a login (JWT/OAuth), not an API token: configure this workspace with a login token, or use the web console or `alpacon token`";

function tokenLine(item: z.output<typeof token>): string {
  const expiry = item.expires_at ? `expires ${item.expires_at}` : "never expires";
  const state = item.enabled === false ? "disabled" : "enabled";
  return `${item.name} (${item.id}): ${state}, ${expiry}, scopes ${item.scopes?.join(" ") || "(not sent)"}`;
}

/** The token without its key: the one form a result may carry. */
function withoutKey({ key: _key, ...rest }: ApiToken): z.output<typeof token> {
  return rest;
}

function teller(context: ToolContext): (message: string) => Promise<void> {
  if (!context.tellUser) {
    throw new ToolError(
      "a new token's key is shown only to you, through a message of the MCP client, and this client cannot show one (no elicitation support), so no token was created",
      "Use a client that supports elicitation, or create the token in the web console or with `alpacon token create`",
    );
  }
  return context.tellUser;
}

/**
 * Shows the key of a token just made to the user. If that fails, the token is deleted again, as
 * a credential nobody has seen must not stay valid.
 */
async function deliverKey(
  made: ApiToken,
  tell: (message: string) => Promise<void>,
  context: ToolCallContext,
): Promise<{ token: z.output<typeof token>; keyShownToUser: boolean }> {
  if (!made.key) return { token: withoutKey(made), keyShownToUser: false };
  try {
    await tell(
      `API token ${quoted(made.name)} was created. Its key, shown only this once and not given to the assistant:\n\n${made.key}\n\nCopy it now and keep it secret.`,
    );
  } catch {
    const removed = await context
      .call((c) => c.apiTokens.delete)(made.id)
      .then(() => true)
      .catch(() => false);
    throw new ToolError(
      removed
        ? "the new token's key could not be shown to you, so the token was deleted again"
        : `the new token's key could not be shown to you, and deleting the token (${made.id}) failed too`,
      removed
        ? "Retry when the client can show messages"
        : "Delete it with delete_api_token: nobody has its key",
    );
  }
  return { token: withoutKey(made), keyShownToUser: true };
}

const created = { token, keyShownToUser: z.boolean() };

function createdSummary(result: { token: z.output<typeof token>; keyShownToUser: boolean }) {
  return `${tokenLine(result.token)}. ${result.keyShownToUser ? "Its key was shown to the user only (not to you)." : "The API sent no key."}`;
}

function expiryText(expiresAt: string | null | undefined): string {
  return expiresAt ? `expiring ${expiresAt}` : "never expiring";
}

export const listApiTokens = listTool({
  name: "list_api_tokens",
  searchHint: "api token list credentials access",
  toolset: "tokens",
  title: "List API tokens",
  description:
    "Lists your API tokens (never their keys): name, enabled, expiry, scopes. Needs a login, not an API token.",
  sdk: (c) => c.apiTokens.list,
  input: {
    name: z.string().min(1).max(255).optional().describe("Exact name."),
    enabled: z.boolean().optional().describe("Only enabled (true) or disabled tokens."),
    remoteIp: z.string().min(1).max(64).optional().describe("Last used from this IP."),
    search: z.string().min(1).max(200).optional().describe("Text in name, user agent, IP."),
    ordering: z.string().max(100).optional().describe('e.g. "-updated_at" (default).'),
  },
  rows: "tokens",
  row: token,
  line: tokenLine,
  forbidden: LOGIN_ONLY,
});

export const getApiToken = defineTool({
  name: "get_api_token",
  searchHint: "api token get detail retrieve",
  toolset: "tokens",
  title: "Get an API token",
  description: "One API token: scopes, expiry, enabled (never its key).",
  sdk: (c) => c.apiTokens.get,
  operation: "GET",
  input: { token: tokenId },
  output: { token },
  notFound: NOT_FOUND,
  forbidden: LOGIN_ONLY,
  run: async (args, { sdk }) => ({ token: withoutKey(await sdk(args.token)) }),
  summary: (result) => tokenLine(result.token),
});

export const createApiToken = defineTool({
  name: "create_api_token",
  searchHint: "api token create generate credentials",
  toolset: "tokens",
  title: "Create an API token",
  description:
    "Creates an API token acting as you. Without scopes or presets it gets every scope (*). Its key is shown to the user once, never to you. Needs a login, not an API token.",
  sdk: (c) => c.apiTokens.create,
  operation: "POST",
  effect: "grant-access",
  input: {
    name: z.string().min(1).max(255),
    scopes: scopeList.optional(),
    presets: z
      .array(z.string().min(1).max(100))
      .max(50)
      .optional()
      .describe("Keys from list_api_token_presets, added to scopes."),
    expiresAt: z.iso.datetime({ offset: true }).optional().describe("Default: never expires."),
    enabled: z.boolean().optional().describe("Default true; false makes it paused."),
  },
  output: created,
  forbidden: LOGIN_ONLY,
  async confirm(args, context) {
    teller(context);
    const presets = args.presets?.length ? await context.call((c) => c.apiTokens.presets)() : {};
    const fromPresets = (args.presets ?? []).map(
      (key) => `${key} = ${presets[key]?.scopes?.join(", ") ?? "(unknown preset)"}`,
    );
    const scopes = [...(args.scopes ?? []), ...fromPresets];
    return `Create API token ${quoted(args.name)} acting as you, ${expiryText(args.expiresAt)}, with ${scopes.length ? `scopes: ${scopes.join("; ")}` : "every scope (*): everything your account may do"}? Its key will be shown to you once.`;
  },
  async run(args, context) {
    const tell = teller(context);
    const made = await context.sdk({ expires_at: null, ...apiFields(args) });
    return deliverKey(made, tell, context);
  },
  summary: createdSummary,
});

export const updateApiToken = defineTool({
  name: "update_api_token",
  searchHint: "api token update modify enable disable expire rename",
  toolset: "tokens",
  title: "Update an API token",
  description:
    "Renames, enables or disables, changes or clears the expiry, or replaces the scopes of an API token; the key stays. Presets are create-only.",
  sdk: (c) => c.apiTokens.update,
  operation: "PATCH",
  effect: "grant-access",
  input: {
    token: tokenId,
    name: z.string().min(1).max(255).optional(),
    enabled: z.boolean().optional().describe("false stops the token at once."),
    expiresAt: z.iso.datetime({ offset: true }).optional().describe("New expiry."),
    clearExpiresAt: z.boolean().optional().describe("true: never expires."),
    scopes: scopeList.optional().describe("Replaces the scopes."),
  },
  output: { token },
  notFound: NOT_FOUND,
  forbidden: LOGIN_ONLY,
  async confirm(args, context) {
    const current = await context.call((c) => c.apiTokens.get)(args.token);
    const changes = Object.entries(changesOf(args)).map(
      ([field, value]) => `${field} to ${quoted(JSON.stringify(value))}`,
    );
    return `Change ${changes.join(", ")} of API token ${quoted(current.name)} (scopes now: ${current.scopes?.join(", ") || "not sent"})?`;
  },
  run: async (args, { sdk }) => ({ token: withoutKey(await sdk(args.token, changesOf(args))) }),
  summary: (result) => `Updated ${tokenLine(result.token)}.`,
});

/** The API's fields for the changes asked for; none at all is refused before the question. */
function changesOf({
  token: _token,
  expiresAt,
  clearExpiresAt,
  ...rest
}: {
  token: string;
  name?: string | undefined;
  enabled?: boolean | undefined;
  expiresAt?: string | undefined;
  clearExpiresAt?: boolean | undefined;
  scopes?: string[] | undefined;
}) {
  if (expiresAt && clearExpiresAt) {
    throw new ToolError("expiresAt and clearExpiresAt contradict each other", "Pass one of them");
  }
  const body = {
    ...apiFields(rest),
    ...(expiresAt ? { expires_at: expiresAt } : clearExpiresAt ? { expires_at: null } : {}),
  };
  if (Object.keys(body).length === 0) {
    throw new ToolError("no field to change was given", "Pass at least one field, e.g. enabled");
  }
  return body;
}

export const deleteApiToken = defineTool({
  name: "delete_api_token",
  searchHint: "api token delete revoke remove",
  toolset: "tokens",
  title: "Delete an API token",
  description:
    "Deletes an API token for good: it stops working at once. update_api_token with enabled: false only pauses it.",
  sdk: (c) => c.apiTokens.delete,
  operation: "DELETE",
  input: { token: tokenId },
  output: { token: z.string(), deleted: z.boolean() },
  notFound: NOT_FOUND,
  forbidden: LOGIN_ONLY,
  async confirm(args, context) {
    const current = await context.call((c) => c.apiTokens.get)(args.token);
    return `Delete API token ${quoted(current.name)} (${args.token}) permanently? Everything using it loses access at once.`;
  },
  async run(args, { sdk }) {
    await sdk(args.token);
    return { token: args.token, deleted: true };
  },
  summary: (result) => `Deleted API token ${result.token}.`,
});

export const duplicateApiToken = defineTool({
  name: "duplicate_api_token",
  searchHint: "api token duplicate copy clone rotate",
  toolset: "tokens",
  title: "Duplicate an API token",
  description:
    "Copies an API token (scopes, expiry, ACL entries) under a new key, e.g. to rotate it. The new key is shown to the user once, never to you.",
  sdk: (c) => c.apiTokens.duplicate,
  operation: "POST",
  effect: "grant-access",
  input: {
    token: tokenId,
    name: z.string().min(1).max(255).optional().describe('Default: "<name> (copy)".'),
  },
  output: created,
  notFound: NOT_FOUND,
  forbidden: LOGIN_ONLY,
  async confirm(args, context) {
    teller(context);
    const source = await context.call((c) => c.apiTokens.get)(args.token);
    return `Create a copy of API token ${quoted(source.name)}${args.name ? ` named ${quoted(args.name)}` : ""}, acting as you, ${expiryText(source.expires_at)}, with its scopes: ${source.scopes?.join(", ") || "(not sent)"}? The new key will be shown to you once.`;
  },
  async run(args, context) {
    const tell = teller(context);
    const made = await context.sdk(args.token, args.name ? { name: args.name } : {});
    return deliverKey(made, tell, context);
  },
  summary: createdSummary,
});

const scopeResource = z.looseObject({
  name: z.string(),
  actions: z.array(z.string()).optional(),
  acl: z.array(z.string()).optional(),
  description: z.string().optional(),
});

export const listApiTokenScopes = defineTool({
  name: "list_api_token_scopes",
  searchHint: "api token scopes permissions available",
  toolset: "tokens",
  title: "List API token scopes",
  description:
    "The scopes a token may carry, by resource (<resource>:<action>) with the ACL kinds that narrow them.",
  sdk: (c) => c.apiTokens.scopes,
  operation: "GET",
  input: {},
  output: { resources: z.array(scopeResource), wildcards: z.array(z.string()) },
  run: async (_args, { sdk }) => {
    const catalog = await sdk();
    return { resources: catalog.resources, wildcards: catalog.wildcards ?? [] };
  },
  summary: (result) =>
    result.resources
      .map(
        (r) =>
          `${r.name}: ${r.actions?.join(", ") ?? r.description ?? ""}${r.acl?.length ? ` (ACL: ${r.acl.join(", ")})` : ""}`,
      )
      .concat(result.wildcards.length ? [`wildcards: ${result.wildcards.join(", ")}`] : [])
      .join("\n"),
});

export const listApiTokenPresets = defineTool({
  name: "list_api_token_presets",
  searchHint: "api token preset scopes bundle catalog",
  toolset: "tokens",
  title: "List API token presets",
  description: "Preset keys for create_api_token and the scopes each stands for.",
  sdk: (c) => c.apiTokens.presets,
  operation: "GET",
  input: {},
  output: {
    presets: z.array(
      z.object({ key: z.string(), name: z.string().optional(), scopes: z.array(z.string()) }),
    ),
  },
  run: async (_args, { sdk }) => ({
    presets: Object.entries(await sdk()).map(([key, preset]) => ({
      key,
      ...(preset.name === undefined ? {} : { name: preset.name }),
      scopes: preset.scopes ?? [],
    })),
  }),
  summary: (result) =>
    result.presets
      .map((p) => `${p.key}${p.name ? ` (${p.name})` : ""}: ${p.scopes.join(", ")}`)
      .join("\n"),
});

export const tokenTools = [
  listApiTokens,
  getApiToken,
  createApiToken,
  updateApiToken,
  deleteApiToken,
  duplicateApiToken,
  listApiTokenScopes,
  listApiTokenPresets,
];
