import { isDeepStrictEqual } from "node:util";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import {
  ListToolsRequestSchema,
  type Tool,
  type ToolAnnotations,
} from "@modelcontextprotocol/sdk/types.js";
import * as z from "zod";
import type { ToolRoute } from "../server/register.js";
import type { Target } from "../server/workspaces.js";
import type { AnyTool } from "./define.js";

// `tools/list` is read into the model's context on every session, so what it advertises is
// kept lean. The MCP SDK's own listing emits each zod schema as is: a `$schema` key per schema,
// ±2^53 bounds on every integer, and the full checks of every field. This one emits each tool
// from its definition (tools/*.ts), the zod shapes its calls are checked against, with less:
// no `$schema`, no bounds that only say "a safe integer", nullable types as `type: [T, "null"]` rather than an `anyOf`, only the annotations
// that say something (see `listedAnnotations`), and `workspace` / `region` shaped by what is
// configured (see `workspaceArguments`). Arguments are still validated against the full zod
// schemas, not against this JSON. `execution` is left out when it is the default (no tasks).

type JsonSchema = Record<string, unknown>;

function toJsonSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const json = z.toJSONSchema(schema, {
    io,
    target: "draft-7",
    override: ({ jsonSchema }) => {
      if (jsonSchema.type === "integer") {
        if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
        if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
      }
      // A named format (uuid, date-time …) says what the long generated pattern says.
      if (typeof jsonSchema.format === "string") delete jsonSchema.pattern;
      // Results are checked against the strict zod schema before they are sent; for readers
      // of the list, "no other properties" on every object of every result is noise.
      if (io === "output" && jsonSchema.additionalProperties === false) {
        delete jsonSchema.additionalProperties;
      }
      // An array's own description covers its items: `servers` says "Server names or ids.",
      // and each item saying "Name or id." again is noise.
      const items = jsonSchema.items;
      if (
        typeof jsonSchema.description === "string" &&
        typeof items === "object" &&
        items !== null &&
        !Array.isArray(items)
      ) {
        delete (items as JsonSchema).description;
      }
      // `{}` (any other property allowed) is what leaving it out means.
      const extra = jsonSchema.additionalProperties;
      if (typeof extra === "object" && extra !== null && Object.keys(extra).length === 0) {
        delete jsonSchema.additionalProperties;
      }
    },
  }) as JsonSchema;
  delete json.$schema;
  collapseNullable(json);
  return json;
}

const NULL_TYPE = JSON.stringify({ type: "null" });

/**
 * Rewrites `anyOf: [S, {type: "null"}]` (zod's form of a nullable object or array) as S with
 * `type: [S.type, "null"]`, in place: the same values validate, and type generators read both
 * as `S | null`. Left alone when S has an enum or const, which would then refuse null.
 */
function collapseNullable(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) collapseNullable(item);
    return;
  }
  if (typeof node !== "object" || node === null) return;
  const schema = node as JsonSchema;
  for (const value of Object.values(schema)) collapseNullable(value);
  const options = schema.anyOf;
  if (!Array.isArray(options) || options.length !== 2) return;
  const nullAt = options.findIndex((option) => JSON.stringify(option) === NULL_TYPE);
  const other = options[1 - nullAt] as JsonSchema | undefined;
  if (nullAt < 0 || !other || typeof other.type !== "string") return;
  if ("enum" in other || "const" in other) return;
  const { description } = schema;
  delete schema.anyOf;
  Object.assign(schema, other, { type: [other.type, "null"] });
  if (description !== undefined) schema.description = description;
}

// --- annotations

/**
 * The hints worth sending. By the MCP spec, `destructiveHint` and `idempotentHint` mean
 * something only when `readOnlyHint` is false, and `readOnlyHint` and `idempotentHint` default
 * to false, so a false one says nothing a client would not assume anyway, whether it applies
 * the spec's defaults or reads a missing hint as false. `destructiveHint` (default true) and
 * `openWorldHint` (default true) are always sent: a client that reads a missing hint as false
 * would take a destructive tool for a harmless one.
 */
export function listedAnnotations(hints: ToolAnnotations): ToolAnnotations {
  const { readOnlyHint, destructiveHint, idempotentHint, openWorldHint, ...rest } = hints;
  if (readOnlyHint) return { ...rest, readOnlyHint, openWorldHint };
  return { ...rest, destructiveHint, ...(idempotentHint ? { idempotentHint } : {}), openWorldHint };
}

// --- workspace and region

/** The `workspace` and `region` arguments as advertised to the model. */
export interface WorkspaceArguments {
  properties: Record<string, JsonSchema>;
  required: string[];
}

/**
 * `workspace` and `region` as the configured workspaces make them: with one workspace (or none)
 * there is nothing to choose and both are left out; with several, `workspace` lists their names
 * and must be given (the server cannot guess); `region` appears only when one name is
 * configured in several regions. Every workspace tool still accepts both (see register.ts).
 */
export function workspaceArguments(configured: readonly Target[]): WorkspaceArguments {
  if (configured.length < 2) return { properties: {}, required: [] };
  const names = unique(configured.map((item) => item.workspace));
  const properties: Record<string, JsonSchema> = {
    // The name and the list of names say it all: no description to repeat on every tool.
    workspace: { type: "string", enum: names },
  };
  if (names.length < configured.length) {
    properties.region = {
      type: "string",
      enum: unique(configured.map((item) => item.region)),
      description: "The workspace's region; needed for a name configured in several.",
    };
  }
  return { properties, required: names.length > 1 ? ["workspace"] : [] };
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}

// --- the listing

/** A tool as defined here (schemas, title …) and the `_meta` it is listed with. */
export type ListableTool = Pick<ToolRoute, "definition" | "_meta">;

// Each tool's schemas are converted once, when first listed; the list itself is made per
// request (workspaces can be added and removed). Input schemas are
// kept without `workspace` and `region`: those follow the configured workspaces.
const inputs = new WeakMap<AnyTool, JsonSchema>();
const outputs = new WeakMap<AnyTool, JsonSchema>();

function converted(cache: WeakMap<AnyTool, JsonSchema>, tool: AnyTool, io: "input" | "output") {
  let json = cache.get(tool);
  if (!json) {
    json = toJsonSchema(z.object(tool[io]), io);
    cache.set(tool, json);
  }
  return json;
}

function inputSchemaOf(tool: AnyTool, workspace: WorkspaceArguments): JsonSchema {
  const input = converted(inputs, tool, "input");
  if (tool.scope !== "workspace" || Object.keys(workspace.properties).length === 0) return input;
  const required = [...((input.required as string[] | undefined) ?? []), ...workspace.required];
  return {
    ...input,
    properties: { ...(input.properties as JsonSchema), ...workspace.properties },
    ...(required.length > 0 ? { required } : {}),
  };
}

/** What the listing shows besides what every tool has. */
export interface ListingOptions {
  /**
   * List each tool's `outputSchema` (off by default). Results carry `structuredContent`
   * either way, checked against the schema before they are sent. Models do not read output
   * schemas (Claude's and VS Code's tool formats have no place for them), yet they were 45 % of
   * the listing's bytes; clients that generate types or validate results turn them on.
   */
  outputSchemas?: boolean | undefined;
}

/** What `tools/list` shows of one tool, given the advertised workspace arguments. */
export function listedTool(
  { definition, _meta }: ListableTool,
  workspace: WorkspaceArguments = workspaceArguments([]),
  options: ListingOptions = {},
): Tool {
  const listed: Tool = {
    name: definition.name,
    title: definition.title,
    description: definition.description,
    inputSchema: inputSchemaOf(definition, workspace) as Tool["inputSchema"],
  };
  if (options.outputSchemas) {
    listed.outputSchema = converted(outputs, definition, "output") as Tool["outputSchema"];
  }
  listed.annotations = listedAnnotations(definition.annotations);
  listed._meta = _meta;
  return listed;
}

/** What the listing needs of the configured workspaces (see workspaces.ts). */
export interface WorkspaceSource {
  list(): Target[];
  onChange(listener: () => void): void;
}

/**
 * Replaces the SDK's `tools/list` handler with the lean listing above, over every tool of the
 * server. When a token is saved or removed and that changes the advertised workspace
 * arguments, the client is told to list the tools again (`notifications/tools/list_changed`).
 */
export function useLeanToolList(
  server: McpServer,
  tools: Promise<{ listed: readonly ListableTool[] }>,
  workspaces: WorkspaceSource,
  options: ListingOptions = {},
): void {
  let advertised = workspaceArguments(workspaces.list());
  workspaces.onChange(() => {
    const next = workspaceArguments(workspaces.list());
    if (isDeepStrictEqual(next, advertised)) return;
    advertised = next;
    server.sendToolListChanged();
  });
  server.server.setRequestHandler(ListToolsRequestSchema, async () => {
    const workspace = workspaceArguments(workspaces.list());
    return { tools: (await tools).listed.map((tool) => listedTool(tool, workspace, options)) };
  });
}
