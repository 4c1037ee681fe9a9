import type { AlpaconClient } from "@alpacon/sdk";
import * as z from "zod";
import type { ToolContext } from "../context.js";

/** Toolsets group tools for `--toolsets`; every tool belongs to exactly one. */
export const TOOLSETS = [
  "servers",
  "metrics",
  "system",
  "websh",
  "webftp",
  "events",
  "commands",
  "iam",
  "auth",
] as const;
export type Toolset = (typeof TOOLSETS)[number];

/**
 * What a tool does to the world, from which its annotations follow (checked by a test):
 * an HTTP method for REST tools, `exec` for running commands, `transfer` for file copies,
 * and `local-read` / `local-write` for tools that touch only this process or its files.
 */
export type Operation =
  | "GET"
  | "POST"
  | "PUT"
  | "PATCH"
  | "DELETE"
  | "exec"
  | "transfer"
  | "local-read"
  | "local-write";

/**
 * Effects larger than what the operation says, which the annotations and the confirmation follow
 * (see `effectOf`; checked by a test that walks every tool): a plain POST that makes the caller a
 * group's owner grants access, a local file write that overwrites the saved token replaces a
 * credential, and opening a websh session opens a shell.
 */
export type LargerEffect = "grant-access" | "replace-credential" | "open-shell";

/** What a call does, as people weigh it: the operation's effect, or a larger one. */
export type Effect = "read" | "add" | "change" | "delete" | "run" | "transfer" | LargerEffect;

const OPERATION_EFFECT: Record<Operation, Effect> = {
  GET: "read",
  "local-read": "read",
  POST: "add",
  PUT: "change",
  PATCH: "change",
  "local-write": "change",
  DELETE: "delete",
  exec: "run",
  transfer: "transfer",
};

export function effectOf(tool: {
  operation: Operation;
  effect?: "change" | LargerEffect | undefined;
}): Effect {
  return tool.effect ?? OPERATION_EFFECT[tool.operation];
}

/**
 * Every effect but these asks the user first (a tool with any other one must have `confirm`):
 * reading, and adding something that grants nobody anything (a note).
 */
export const UNCONFIRMED_EFFECTS: ReadonlySet<Effect> = new Set(["read", "add"]);

/** MCP tool annotations; `readOnlyHint` is required here so no tool can leave it out. */
export interface Annotations {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}

export type Shape = z.ZodRawShape;
export type Output<O extends Shape> = z.output<z.ZodObject<O>>;
type Input<I extends Shape> = z.output<z.ZodObject<I>>;

export interface ToolDefinition<I extends Shape, O extends Shape> {
  /** The reference server's name, kept so existing prompts and client configs keep working. */
  name: string;
  toolset: Toolset;
  title: string;
  /** Written for a model: what it does, when to use it, what it returns. */
  description: string;
  /** The SDK method behind the tool, as `client.<path>` (documentation and review only). */
  sdk: string;
  operation: Operation;
  /**
   * Set when the effect is not the one the operation implies: larger (see `LargerEffect`), or a
   * POST that changes or ends something rather than adding (a session closed, a result recorded).
   */
  effect?: "change" | LargerEffect;
  /**
   * `workspace`: the tool gets optional `workspace` and `region` arguments and a resolved client.
   * `local`: the tool works on this process's state (websh channels, the token file).
   */
  scope: "workspace" | "local";
  input: I;
  output: O;
  annotations: Annotations;
  /**
   * The question put to the user before the call runs; its presence is what makes the server
   * ask (see confirm.ts), and every tool whose effect is not in UNCONFIRMED_EFFECTS has one.
   * It names what changes the effect, as a person knows it: server and user names, env, paths
   * (`context.servers` holds the server names). It may look things up through `context`; a
   * lookup that fails fails the call before anyone is asked. `null` means the call would
   * change nothing, so there is nothing to ask.
   */
  confirm?: (args: Input<I>, context: ToolContext) => string | null | Promise<string | null>;
  /** Advice for a 404 ("List servers with servers_list …"); a generic one otherwise. */
  notFound?: string;
  /** Advice for a plain 403; a generic one (ask an admin for the permission) otherwise. */
  forbidden?: string;
  run(args: Input<I>, context: ToolContext): Promise<Output<O>>;
  /** A short text for the model; the data itself travels as `structuredContent`. */
  summary(result: Output<O>, args: Input<I>, context: ToolContext): string;
}

/** The registry holds tools with their types erased; `defineTool` checks each one first. */
// biome-ignore lint/suspicious/noExplicitAny: erasing the per-tool generic parameters
export type AnyTool = ToolDefinition<any, any>;

export function defineTool<I extends Shape, O extends Shape>(tool: ToolDefinition<I, O>): AnyTool {
  return tool as AnyTool;
}

/** The client of a workspace-scoped tool; local tools never get one. */
export function clientOf(context: ToolContext): AlpaconClient {
  if (!context.client) throw new Error("This tool has no workspace client (scope: local).");
  return context.client;
}

// --- annotation presets: one per operation, so entries state every hint without repeating rules

/** GET: reads only; repeating it changes nothing. */
export const READ: Annotations = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: false,
};

/** POST that adds something new (a note, a user, a group). */
export const CREATE: Annotations = {
  readOnlyHint: false,
  destructiveHint: false,
  idempotentHint: false,
  openWorldHint: false,
};

/** POST or PATCH that changes or ends something that exists. */
export const CHANGE: Annotations = {
  readOnlyHint: false,
  destructiveHint: true,
  idempotentHint: false,
  openWorldHint: false,
};

/**
 * Gives someone access (a user, a group with servers, a role, a staff flag): weighed as
 * destructive, so that clients which run non-destructive calls unasked ask for these.
 */
export const GRANT: Annotations = {
  readOnlyHint: false,
  destructiveHint: true,
  idempotentHint: false,
  openWorldHint: false,
};

/** Replaces a saved credential; saving the same one twice leaves the same state. */
export const CREDENTIAL: Annotations = {
  readOnlyHint: false,
  destructiveHint: true,
  idempotentHint: true,
  openWorldHint: false,
};

/** DELETE: destroys, and deleting twice leaves the same state. */
export const DELETE: Annotations = {
  readOnlyHint: false,
  destructiveHint: true,
  idempotentHint: true,
  openWorldHint: false,
};

/** Runs commands or moves files on real hosts: anything can happen there. */
export const EXEC: Annotations = {
  readOnlyHint: false,
  destructiveHint: true,
  idempotentHint: false,
  openWorldHint: true,
};

// --- shared input fields

const NAME_PATTERN = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/**
 * Added to every workspace-scoped tool by the server (see register.ts), and checked on every
 * call. tools/list does not show these schemas: it shows the configured workspaces instead, or
 * nothing when there is only one to choose (tool-list.ts).
 */
export const workspaceFields = {
  workspace: z
    .string()
    .max(63)
    .regex(NAME_PATTERN)
    .optional()
    .describe("Workspace name; optional when only one is configured."),
  region: z
    .string()
    .max(32)
    .regex(NAME_PATTERN)
    .optional()
    .describe('Workspace region, e.g. "ap1"; only needed if two share a name.'),
};

/**
 * A server by id or by name ("web-1"): names are resolved to ids once per call before the tool
 * runs (register.ts, server-refs.ts), so tools always see an id. Used for every `server` and
 * `servers` argument.
 */
export const serverId = z
  .string()
  .max(255)
  // A check rather than a pattern: tools/list stays as short as with a plain uuid format.
  .refine((ref) => ref.length > 0 && !CONTROL.test(ref), "must be a server name or id")
  .describe("Server name or id.");

// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing them is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

// `page` and `pageSize` say what they are by name and bounds: no description to repeat it.
export const page = z.int().min(1).max(100_000).default(1);

export function pageSize(defaultSize: number) {
  return z.int().min(1).max(100).default(defaultSize);
}

export const pagination = { page, pageSize: pageSize(20) };

// --- shared output fields

export const pageInfo = {
  // Names that say it all: no descriptions (they would repeat on every list tool).
  count: z.int(),
  page: z.int(),
  lastPage: z.int(),
  nextPage: z.int().nullable(),
};

export const serverSummary = z.looseObject({
  id: z.string(),
  name: z.string(),
  os: z.string().nullable().optional(),
  is_connected: z.boolean().optional(),
});

/** A server named by another object: only `id` is certain when the API sent a bare UUID. */
export const serverRef = serverSummary.extend({ name: z.string().optional() });

export const userSummary = z.looseObject({
  id: z.string(),
  name: z.string(),
  email: z.string().optional(),
});
