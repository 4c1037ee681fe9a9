import * as z from "zod";
import { listLines } from "../format.js";
import { type Annotations, DELETE, defineTool, READ } from "./define.js";

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

/** Writes this machine's token file; setting the same token twice leaves the same file. */
const SAVE: Annotations = {
  readOnlyHint: false,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: false,
};

/** Same as DELETE, for a local file. */
const REMOVE: Annotations = DELETE;

export const authSetToken = defineTool({
  name: "auth_set_token",
  toolset: "auth",
  title: "Save an API token",
  description:
    "Saves a workspace's API token in the local token file and uses it from the next call on. For when a tool reports a missing or rejected token and the user gives one. Never echoed.",
  sdk: "saveToken (@alpacon/sdk/node)",
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
  annotations: SAVE,
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
  toolset: "auth",
  title: "Remove an API token",
  description:
    "Removes a workspace's API token from the local token file and stops using it. The token stays valid in Alpacon; revoke it in the web console if it leaked.",
  sdk: "removeToken (@alpacon/sdk/node)",
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
  annotations: REMOVE,
  confirm: (args) => `Remove the saved API token of workspace ${args.workspace} (${args.region})?`,
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
  toolset: "auth",
  title: "List configured workspaces",
  description:
    "Lists the workspaces this server has tokens for: name, region, custom URL, token source (never the token).",
  sdk: "loadConfig (@alpacon/sdk/node)",
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
  annotations: READ,
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
