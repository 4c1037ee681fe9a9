import type { McpServer, RegisteredTool } from "@modelcontextprotocol/sdk/server/mcp.js";
import { ListToolsRequestSchema, type Tool } from "@modelcontextprotocol/sdk/types.js";
import * as z from "zod";
import { workspaceFields } from "./tools/define.js";

// `tools/list` is read into the model's context on every session, so what it advertises is
// kept lean. The MCP SDK's own listing emits each zod schema as is: a `$schema` key per schema,
// ±2^53 bounds on every integer, and the full checks of every field. This one emits the same
// tools from the same zod schemas with less: no `$schema`, no bounds that only say "a safe
// integer", and the `workspace` / `region` name checks left out (the server still applies them:
// arguments are validated against the zod schemas, not against this JSON). `execution` is left
// out when it is the default (no task support).

type JsonSchema = Record<string, unknown>;

/** Zod schemas whose checks are applied but not advertised: the workspace and region names. */
const UNADVERTISED_CHECKS = new Set<unknown>([
  workspaceFields.workspace.unwrap(),
  workspaceFields.region.unwrap(),
]);

function toJsonSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const json = z.toJSONSchema(schema, {
    io,
    target: "draft-7",
    override: ({ zodSchema, jsonSchema }) => {
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
      // `{}` (any other property allowed) is what leaving it out means.
      const extra = jsonSchema.additionalProperties;
      if (typeof extra === "object" && extra !== null && Object.keys(extra).length === 0) {
        delete jsonSchema.additionalProperties;
      }
      if (UNADVERTISED_CHECKS.has(zodSchema)) {
        delete jsonSchema.pattern;
        delete jsonSchema.maxLength;
      }
    },
  }) as JsonSchema;
  delete json.$schema;
  return json;
}

// Each registered tool's schemas are converted once; the list itself is made per request
// (tools can be enabled and disabled).
const converted = new WeakMap<z.ZodType, JsonSchema>();

function cached(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  let json = converted.get(schema);
  if (!json) {
    json = toJsonSchema(schema, io);
    converted.set(schema, json);
  }
  return json;
}

/** What `tools/list` shows of one tool. */
export function listedTool(name: string, tool: RegisteredTool): Tool {
  const listed: Tool = {
    name,
    title: tool.title,
    description: tool.description,
    inputSchema: (tool.inputSchema
      ? cached(tool.inputSchema as z.ZodType, "input")
      : { type: "object", properties: {} }) as Tool["inputSchema"],
  };
  if (tool.outputSchema) {
    listed.outputSchema = cached(tool.outputSchema as z.ZodType, "output") as Tool["outputSchema"];
  }
  if (tool.annotations) listed.annotations = tool.annotations;
  if (tool.execution && tool.execution.taskSupport !== "forbidden") {
    listed.execution = tool.execution;
  }
  if (tool._meta) listed._meta = tool._meta;
  return listed;
}

/**
 * Replaces the SDK's `tools/list` handler with the lean listing above, over the tools registered
 * through `tools` (every tool of the server: register.ts returns each one).
 */
export function useLeanToolList(
  server: McpServer,
  tools: ReadonlyMap<string, RegisteredTool>,
): void {
  server.server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: [...tools]
      .filter(([, tool]) => tool.enabled)
      .map(([name, tool]) => listedTool(name, tool)),
  }));
}
