import { readFileSync, writeFileSync } from "node:fs";
import { expect, test } from "vitest";
import {
  listTools,
  TOOLSET_DESCRIPTIONS,
  TOOLSET_RECORD,
  TOOLSETS,
  type ToolInfo,
  type Toolset,
} from "../src/index.js";

// The README's tools table is generated from the registry. This test fails when it is stale;
// `pnpm --filter @alpacon/mcp docs` (UPDATE_README=1) rewrites it.

const README = new URL("../README.md", import.meta.url);
const START = "<!-- tools:start -->";
const END = "<!-- tools:end -->";

function behaviour(tool: ToolInfo): string {
  const { readOnlyHint, destructiveHint, openWorldHint } = tool.annotations;
  const parts = [readOnlyHint ? "read-only" : destructiveHint ? "destructive" : "writes"];
  if (openWorldHint) parts.push("reaches hosts");
  if (tool.confirms) parts.push("asks first");
  return parts.join(", ");
}

/** A Markdown table with padded columns, as the formatter (Biome) writes them. */
function table(header: string[], rows: string[][]): string {
  const widths = header.map((cell, column) =>
    Math.max(cell.length, ...rows.map((row) => row[column]!.length)),
  );
  const line = (cells: string[]) =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column]!)).join(" | ")} |`;
  return [line(header), line(widths.map((width) => "-".repeat(width))), ...rows.map(line)].join(
    "\n",
  );
}

/** What of a toolset is opt-in, as the heading says it. */
function optIn(toolset: Toolset): string {
  const { enabled } = TOOLSET_RECORD[toolset];
  if (enabled === true) return "";
  const what = enabled === false ? "opt-in" : "read-only tools on by default; writes opt-in";
  return ` (${what}: \`--toolsets default,${toolset}\`)`;
}

function renderToolsTable(): string {
  const tools = listTools();
  const sections = TOOLSETS.map((toolset) => {
    const rows = tools
      .filter((tool) => tool.toolset === toolset)
      .map((tool) => [`\`${tool.name}\``, tool.title, behaviour(tool), `\`${tool.sdk}\``]);
    return [
      `### \`${toolset}\`: ${TOOLSET_DESCRIPTIONS[toolset]}${optIn(toolset)} ([source](src/tools/${toolset}.ts))`,
      "",
      table(["Tool", "What it does", "Behaviour", "SDK call"], rows),
    ].join("\n");
  });
  const aliases = tools
    .flatMap((tool) => tool.aliases.map((alias) => `\`${alias}\` → \`${tool.name}\``))
    .join(", ");
  const other = `Other names (the reference server's, latest and older), accepted by \`--tools\`, \`--exclude-tools\` and \`tools/call\` but never listed: ${aliases}.`;
  return `${START}\n\n${tools.length} tools in ${TOOLSETS.length} toolsets.\n\n${sections.join("\n\n")}\n\n${other}\n\n${END}`;
}

test("the README's tools table matches the registry", () => {
  const text = readFileSync(README, "utf8");
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  expect(start, "README.md lacks the tools markers").toBeGreaterThanOrEqual(0);
  const current = text.slice(start, end + END.length);
  const fresh = renderToolsTable();
  if (process.env.UPDATE_README === "1") {
    writeFileSync(README, text.replace(current, fresh));
    return;
  }
  expect(current, "README.md is stale: run `pnpm --filter @alpacon/mcp docs`").toBe(fresh);
});
