import { expect, test } from "vitest";
import * as z from "zod";
import { inputShapeOf } from "../../src/server/register.js";
import type { AnyTool } from "../../src/tools/define.js";
import { ALL_TOOLS } from "../../src/tools/index.js";

// A description's examples are what a model copies into its next call: each must be accepted by
// the input schema it illustrates. Three forms are read:
// - `e.g. X` in an argument's description: X is a value of that argument;
// - `name: value` in a tool's description (`isActive: false`): a value of that argument, in this
//   tool or in a tool the description names;
// - quoted values in parentheses in a tool's description ('nginx', 'reboot' …): a value of one
//   of its required arguments.

const BY_NAME = new Map(ALL_TOOLS.map((tool) => [tool.name, tool]));

function schemaOf(tool: AnyTool, field: string): z.ZodType | undefined {
  return (inputShapeOf(tool) as Record<string, z.ZodType>)[field];
}

/** `e.g. "ap1"` → "ap1", `e.g. /etc/nginx/nginx.conf.` → "/etc/nginx/nginx.conf". */
function argumentExamples(description: string): string[] {
  return [...description.matchAll(/e\.g\. ("[^"]+"|'[^']+'|[^\s,;)]+)/g)].map(([, raw]) => {
    const token = raw!.replace(/\.$/, "");
    return /^["'].*["']$/.test(token) ? token.slice(1, -1) : token;
  });
}

/** `isActive: false`, `page: 2`, `user: "-"`: argument values a tool description shows. */
function namedValues(description: string): Array<[string, unknown]> {
  return [...description.matchAll(/\b([a-z][A-Za-z]*): (true|false|-?\d+|"[^"]*")/g)].map(
    ([, name, value]) => [name!, JSON.parse(value!)],
  );
}

/** "('nginx', 'reboot' …)": a parenthesised list of quoted sample values. */
function quotedSamples(description: string): string[] {
  return [...description.matchAll(/\(('[^']+'(?:, '[^']+')*)/g)].flatMap(([, list]) =>
    [...list!.matchAll(/'([^']+)'/g)].map(([, text]) => text!),
  );
}

const argumentCases = ALL_TOOLS.flatMap((tool) =>
  Object.entries(inputShapeOf(tool)).flatMap(([field, schema]) =>
    argumentExamples((schema as z.ZodType).description ?? "").map(
      (example) => [tool.name, field, example] as const,
    ),
  ),
);

test("the argument examples are found (the check below is not empty)", () => {
  expect(argumentCases.length).toBeGreaterThanOrEqual(8);
  expect(argumentExamples('Workspace region, e.g. "ap1"; only needed')).toEqual(["ap1"]);
  expect(argumentExamples("Mount point, e.g. /.")).toEqual(["/"]);
});

test.each(argumentCases)("%s: the example of %s (%j) is accepted", (name, field, example) => {
  const schema = schemaOf(BY_NAME.get(name)!, field)!;
  expect(schema.safeParse(example).success).toBe(true);
});

const valueCases = ALL_TOOLS.flatMap((tool) =>
  namedValues(tool.description).map(([field, value]) => [tool.name, field, value] as const),
);

test.each(valueCases)("%s: its description's %s: %j is accepted", (name, field, value) => {
  const tool = BY_NAME.get(name)!;
  // This tool, or the tools its description names, that take the argument.
  const named = ALL_TOOLS.filter((other) => tool.description.includes(other.name));
  const takers = [tool, ...named].filter((other) => schemaOf(other, field));
  expect(takers.length, `${name}: no tool it names takes ${field}`).toBeGreaterThan(0);
  for (const other of takers) {
    expect(schemaOf(other, field)!.safeParse(value).success, other.name).toBe(true);
  }
});

const sampleCases = ALL_TOOLS.flatMap((tool) =>
  quotedSamples(tool.description).map((sample) => [tool.name, sample] as const),
);

test.each(sampleCases)("%s: the sample %j fits one of its required arguments", (name, sample) => {
  const required = Object.values(inputShapeOf(BY_NAME.get(name)!)).filter(
    (schema) => !(schema as z.ZodType).safeParse(undefined).success,
  );
  expect(required.some((schema) => (schema as z.ZodType).safeParse(sample).success)).toBe(true);
});

test("a wrong example would be caught", () => {
  // The same checks against a schema the example does not fit.
  expect(z.int().min(1).safeParse(JSON.parse("0")).success).toBe(false);
  expect(namedValues("iam_user_update with isActive: false only")).toEqual([["isActive", false]]);
  expect(quotedSamples("contains a text ('nginx', 'reboot' …)")).toEqual(["nginx", "reboot"]);
  expect(quotedSamples("a command's end (the agent's fin step)")).toEqual([]);
});
