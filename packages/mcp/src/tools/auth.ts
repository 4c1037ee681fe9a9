import { ConfigError } from "@alpacon/sdk";
import { loadConfig, removeToken, saveToken } from "@alpacon/sdk/node";
import * as z from "zod";
import type { ToolContext } from "../server/context.js";
import { listLines } from "../server/format.js";
import { defineTool } from "./define.js";

const NAME = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

const target = {
  workspace: z
    .string()
    .min(1)
    .max(63)
    .regex(NAME)
    .describe("As in https://<workspace>.<region>.alpacon.io."),
  region: z.string().min(1).max(32).regex(NAME).default("ap1").describe("As in the URL."),
};

/** The token file the auth tools write; refused before asking when there is none. */
function tokenFile(context: ToolContext): string {
  const file = context.runtime.workspaces.configFile;
  if (!file) {
    throw new ConfigError(
      "This server was given ready-made clients, so it has no token file: the application that embeds it manages tokens.",
    );
  }
  return file;
}

function saved(context: ToolContext, args: { workspace: string; region: string }): boolean {
  return context.runtime.workspaces
    .list()
    .some((item) => item.workspace === args.workspace && item.region === args.region);
}

export const authSetToken = defineTool({
  name: "auth_set_token",
  searchHint: "auth token set configure login workspace credentials",
  toolset: "auth",
  title: "Save an API token",
  description:
    "Saves a workspace's API token in the local token file for the next calls: when a tool reports a missing or rejected token and the user gives one. Never echoed.",
  sdk: { saveToken },
  operation: "local-write",
  scope: "local",
  input: {
    ...target,
    token: z
      .string()
      .min(8)
      .max(4096)
      .regex(/^[\x21-\x7e]+$/, "the token must not contain spaces or control characters")
      .describe("From the web console's API Token page."),
  },
  output: {
    workspace: z.string(),
    region: z.string(),
    configFile: z.string(),
    replaced: z.boolean(),
    overriddenBy: z.string().nullable().describe("Env variable that wins at the next start."),
  },
  effect: "replace-credential",
  confirm: (args, context) =>
    `${saved(context, args) ? "Replace the API token this server uses" : "Save a new API token"} for workspace ${args.workspace} (region ${args.region}) in ${tokenFile(context)}? Every later call to that workspace acts with the new token's rights. (The token is not shown here.)`,
  async run(args, context) {
    const saved = await context.runtime.workspaces.setToken(
      { workspace: args.workspace, region: args.region },
      args.token,
    );
    return {
      workspace: args.workspace,
      region: args.region,
      configFile: saved.configFile,
      replaced: saved.replaced,
      overriddenBy: saved.overriddenBy ?? null,
    };
  },
  summary: (result) =>
    `${result.replaced ? "Replaced" : "Saved"} the token for workspace ${result.workspace} (${result.region}) in ${result.configFile}; it is used from now on.${result.overriddenBy ? ` Note: ${result.overriddenBy} is set and will win again when the server restarts; unset it.` : ""}`,
});

export const authRemoveToken = defineTool({
  name: "auth_remove_token",
  searchHint: "auth token remove logout forget workspace",
  toolset: "auth",
  title: "Remove an API token",
  description:
    "Removes a workspace's API token from the local token file. It stays valid in Alpacon; revoke it in the web console if it leaked.",
  sdk: { removeToken },
  operation: "local-write",
  scope: "local",
  input: target,
  output: {
    workspace: z.string(),
    region: z.string(),
    configFile: z.string(),
    removedFromFile: z.boolean().describe("False if there was none."),
    stillSetBy: z
      .string()
      .nullable()
      .describe("Env variable that still gives a token at the next start."),
  },
  confirm: (args, context) =>
    `Remove the saved API token of workspace ${args.workspace} (region ${args.region}) from ${tokenFile(context)}?`,
  async run(args, context) {
    const removed = await context.runtime.workspaces.removeToken({
      workspace: args.workspace,
      region: args.region,
    });
    return {
      workspace: args.workspace,
      region: args.region,
      configFile: removed.configFile,
      removedFromFile: removed.removedFromFile,
      stillSetBy: removed.stillSetBy ?? null,
    };
  },
  summary: (result) =>
    `${result.removedFromFile ? "Removed" : "There was no saved token for"} workspace ${result.workspace} (${result.region})${result.removedFromFile ? ` from ${result.configFile}` : ""}.${result.stillSetBy ? ` ${result.stillSetBy} still provides a token when the server restarts; unset it to stop that.` : ""}`,
});

export const workspacesList = defineTool({
  name: "workspaces_list",
  searchHint: "workspace list regions configured available",
  alwaysLoad: true,
  toolset: "auth",
  title: "List configured workspaces",
  description:
    "Lists the workspaces this server has tokens for, and where each token comes from (never the token).",
  sdk: { loadConfig },
  operation: "local-read",
  scope: "local",
  input: {},
  output: {
    workspaces: z.array(
      z.object({
        workspace: z.string(),
        region: z.string(),
        url: z.string().nullable().describe("Null for the default host."),
        tokenSource: z.string(),
      }),
    ),
  },
  async run(_args, context) {
    return {
      workspaces: context.runtime.workspaces
        .list()
        .map((item) => ({ ...item, url: item.url ?? null })),
    };
  },
  summary: ({ workspaces }) =>
    workspaces.length === 0
      ? "No workspace is configured. Save a token with auth_set_token."
      : `${workspaces.length} workspace(s):${listLines(workspaces, (item) => `${item.workspace} (region ${item.region}) from ${item.tokenSource}`)}`,
});

export const authTools = [authSetToken, authRemoveToken, workspacesList];
