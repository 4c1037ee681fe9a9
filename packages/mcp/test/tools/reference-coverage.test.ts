import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { TOOL_ALIASES } from "../../src/tools/aliases.js";
import { ALL_TOOLS } from "../../src/tools/index.js";

// Every tool name the reference server registers (../fixtures/reference-tools.md, a copy of
// ../shared/reference/reference-tools.md) has a tool or an alias here, is left out on purpose
// (LEFT_OUT, with why). The list is kept exact: a name that gains a tool must leave it.
const reference = readFileSync(new URL("../fixtures/reference-tools.md", import.meta.url), "utf8")
  .split("\n")
  .flatMap((line) => /^\|[^|]+\|\s*`([a-z_]+)`\s*\|/.exec(line)?.[1] ?? []);

/** Left out on purpose. */
const LEFT_OUT: Record<string, string> = {
  execute_command_batch:
    "A batch runs the rest after one failed, unasked: websh_channel_execute runs one command per call in a kept shell, and websh_command_execute takes `a && b`.",
  approve_request:
    "Seed-only; the reference removed it on purpose (ADR 0015): an agent must never approve, and the service answers 403 to agents and API tokens. explain_approval_decision says who decides; the SDK keeps client.approvals.approve for a person's own scripts.",
  reject_request:
    "Seed-only; removed with approve_request (ADR 0015): deciding is a person's, out of band. The SDK keeps client.approvals.reject for a person's own scripts.",
  websh_websocket_batch_execute:
    "The same batch over a given websh URL: websh_websocket_execute runs one command, and takes `a && b`.",
};

describe("reference server coverage", () => {
  test("reads every name of the reference list", () => {
    // 190 names at the two revisions, and the 3 that PR #192 adds.
    expect(new Set(reference).size).toBe(193);
  });

  test("every reference name is a tool, an alias, or left out with a reason", () => {
    const ours = new Set([...ALL_TOOLS.map((tool) => tool.name), ...Object.keys(TOOL_ALIASES)]);
    const missing = [...new Set(reference)].filter((name) => !ours.has(name)).sort();
    const accounted = Object.keys(LEFT_OUT).sort();
    expect(missing).toEqual(accounted);
  });
});
