import { TOOL_CATALOG } from "../generated/tool-catalog.js";
import { canonicalName } from "./aliases.js";
import type { AnyTool } from "./define.js";
import { TOOLSET_ALIASES, TOOLSET_RECORD, TOOLSETS, type Toolset } from "./toolsets.js";

export interface ToolSelection {
  /**
   * Toolsets to enable, by name or alias (`TOOLSET_ALIASES`); `all` enables every one, and
   * `default` what is on when nothing is chosen (`--toolsets default,iam` adds IAM's writes).
   */
  toolsets?: readonly string[] | undefined;
  /**
   * Single tools to enable (by name or alias); alone, they are the only tools; with toolsets,
   * they are added.
   */
  tools?: readonly string[] | undefined;
  /** Tools to leave out, whatever else selects them. */
  excludeTools?: readonly string[] | undefined;
  /** Only tools annotated read-only; wins over every other setting. */
  readOnly?: boolean | undefined;
  /**
   * For stateless HTTP: leaves out the tools that keep a websh channel open between calls
   * (`CHANNEL_TOOLS`). Each request gets a fresh server there and no caller can be told apart,
   * so a channel would be reachable by every caller, or by none. Naming one in `tools` throws.
   */
  stateless?: boolean | undefined;
}

/** Tools that hold a websh channel open in this process from one call to the next. */
export const CHANNEL_TOOLS: readonly string[] = [
  "websh_session_create",
  "websh_channel_connect",
  "websh_channel_execute",
  "websh_channels_list",
  "websh_channel_disconnect",
  "websh_session_reconnect",
  "join_shared_session",
];

/**
 * Applies the selection to the tools given, by default to the catalog of every tool (names and
 * what selection reads, without loading the tools). Unknown names throw with the list of valid
 * ones, so a typo fails start-up instead of silently hiding tools.
 */
export function selectTools(selection?: ToolSelection): Selectable[];
export function selectTools<T extends Selectable>(
  selection: ToolSelection,
  registry: readonly T[],
): T[];
export function selectTools(
  selection: ToolSelection = {},
  registry: readonly Selectable[] = TOOL_CATALOG,
): Selectable[] {
  return registry.filter(toolSelector(selection));
}

/** What selection looks at in a tool (code mode asks it about SDK methods no tool calls). */
export type Selectable = Pick<AnyTool, "name" | "toolset"> & {
  annotations: Pick<AnyTool["annotations"], "readOnlyHint">;
  advanced?: true | undefined;
};

/**
 * Whether the selection takes a tool. Unknown names throw with the list of valid ones, so a
 * typo fails start-up instead of silently hiding tools.
 */
export function toolSelector(selection: ToolSelection = {}): (tool: Selectable) => boolean {
  const names = new Set(TOOL_CATALOG.map((tool) => tool.name));
  const keywords = ["all", "default"];
  const toolsets: Toolset[] = [];
  for (const given of selection.toolsets ?? []) {
    if (keywords.includes(given)) continue;
    const name = given in TOOLSET_ALIASES ? TOOLSET_ALIASES[given] : given;
    if (name === null) continue;
    if (!(TOOLSETS as readonly string[]).includes(name!)) {
      throw new Error(
        `Unknown toolset "${given}". Valid toolsets: ${[...keywords, ...TOOLSETS].join(", ")}.`,
      );
    }
    toolsets.push(name as Toolset);
  }
  const tools = selection.tools?.map(canonicalName);
  const excludeTools = selection.excludeTools?.map(canonicalName);
  for (const name of [...(tools ?? []), ...(excludeTools ?? [])]) {
    if (!names.has(name)) {
      throw new Error(`Unknown tool "${name}". Valid tools: ${[...names].join(", ")}.`);
    }
  }
  const needState = (tools ?? []).filter((name) => CHANNEL_TOOLS.includes(name));
  if (selection.stateless && needState.length > 0) {
    throw new Error(
      `${needState.join(", ")} keep a websh channel open between calls, which stateless HTTP cannot do: every caller would share it. Leave them out (websh_command_execute runs one command in a shell), or run without --stateless.`,
    );
  }
  const everything = selection.toolsets?.includes("all") ?? false;
  const wantedSets = new Set<Toolset>(toolsets);
  const wantedTools = new Set(tools ?? []);
  const defaults =
    selection.toolsets?.includes("default") || (!selection.toolsets?.length && !tools?.length);
  const excluded = new Set(excludeTools ?? []);
  return (tool) =>
    ((defaults && onByDefault(tool)) ||
      everything ||
      wantedSets.has(tool.toolset) ||
      wantedTools.has(tool.name)) &&
    !excluded.has(tool.name) &&
    // Code mode's tools stay: its bridge lets a snippet read only, under --read-only.
    (!selection.readOnly || tool.annotations.readOnlyHint || tool.toolset === "code") &&
    !(selection.stateless && CHANNEL_TOOLS.includes(tool.name));
}

/** Whether a tool is on when nothing is chosen (see `TOOLSET_RECORD`). */
export function onByDefault(tool: Selectable): boolean {
  if (tool.advanced) return false;
  const { enabled } = TOOLSET_RECORD[tool.toolset];
  return enabled === "read-only" ? tool.annotations.readOnlyHint : enabled;
}
