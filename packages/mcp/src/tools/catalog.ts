import { aliasesOf } from "./aliases.js";
import type { Annotations, Operation } from "./define.js";
import { ALL_TOOLS } from "./index.js";
import type { Toolset } from "./toolsets.js";

export interface ToolInfo {
  name: string;
  toolset: Toolset;
  title: string;
  description: string;
  /** The SDK method the tool calls, as text (`client.servers.list`). */
  sdk: string;
  /** Other names `--tools` and tools/call accept for it (never listed). */
  aliases: string[];
  operation: Operation;
  annotations: Annotations;
  /** Whether the tool asks for confirmation before it runs. */
  confirms: boolean;
}

/** The tools this package offers, for documentation and integrations (no handlers). */
export function listTools(): ToolInfo[] {
  return ALL_TOOLS.map((tool) => ({
    name: tool.name,
    toolset: tool.toolset,
    title: tool.title,
    description: tool.description,
    sdk: tool.sdk,
    aliases: aliasesOf(tool.name),
    operation: tool.operation,
    annotations: { ...tool.annotations },
    confirms: tool.confirm !== undefined || tool.confirmsEachCall === true,
  }));
}
