import { type AnyTool, TOOLSETS, type Toolset } from "./tools/define.js";
import { ALL_TOOLS } from "./tools/index.js";

export interface ToolSelection {
  /** Toolsets to enable; `all` (the default) enables every one. */
  toolsets?: readonly string[] | undefined;
  /** Single tools to enable; alone, they are the only tools; with toolsets, they are added. */
  tools?: readonly string[] | undefined;
  /** Tools to leave out, whatever else selects them. */
  excludeTools?: readonly string[] | undefined;
  /** Only tools annotated read-only; wins over every other setting. */
  readOnly?: boolean | undefined;
}

/**
 * Applies the selection to the registry. Unknown names throw with the list of valid ones, so
 * a typo fails start-up instead of silently hiding tools.
 */
export function selectTools(
  selection: ToolSelection = {},
  registry: readonly AnyTool[] = ALL_TOOLS,
): AnyTool[] {
  const names = new Set(registry.map((tool) => tool.name));
  const toolsets = selection.toolsets?.filter((item) => item !== "all");
  for (const toolset of toolsets ?? []) {
    if (!(TOOLSETS as readonly string[]).includes(toolset)) {
      throw new Error(`Unknown toolset "${toolset}". Valid toolsets: all, ${TOOLSETS.join(", ")}.`);
    }
  }
  for (const name of [...(selection.tools ?? []), ...(selection.excludeTools ?? [])]) {
    if (!names.has(name)) {
      throw new Error(`Unknown tool "${name}". Valid tools: ${[...names].join(", ")}.`);
    }
  }
  const everything = selection.toolsets?.includes("all") ?? false;
  const wantedSets = new Set<Toolset>(toolsets as Toolset[] | undefined);
  const wantedTools = new Set(selection.tools ?? []);
  const noChoice = !selection.toolsets?.length && !selection.tools?.length;
  const excluded = new Set(selection.excludeTools ?? []);
  return registry.filter(
    (tool) =>
      (noChoice || everything || wantedSets.has(tool.toolset) || wantedTools.has(tool.name)) &&
      !excluded.has(tool.name) &&
      (!selection.readOnly || tool.annotations.readOnlyHint),
  );
}
