import { readdirSync, readFileSync } from "node:fs";
import { createAlpaconClient } from "@alpacon/sdk";
import { expect, test } from "vitest";
import {
  annotationsOf,
  apiFields,
  boundMethod,
  defineTool,
  methodPath,
} from "../../src/tools/define.js";
import { ALL_TOOLS } from "../../src/tools/index.js";

// No request is made: the client only has to exist for its methods to be looked up.
const client = createAlpaconClient({ baseUrl: "http://127.0.0.1:9", token: "t".repeat(16) });

function resolve(path: readonly string[]): unknown {
  return path.reduce<unknown>((owner, key) => (owner as Record<string, unknown>)?.[key], client);
}

test.each(ALL_TOOLS.map((tool) => [tool.name, tool] as const))(
  "%s: the SDK call it names exists (rendered from the checked reference)",
  (_name, tool) => {
    for (const part of tool.sdk.split(" + ")) {
      if (!part.startsWith("client.")) continue;
      expect(typeof resolve(part.slice("client.".length).split(".")), part).toBe("function");
    }
    if (tool.method) expect(typeof resolve(tool.method)).toBe("function");
  },
);

test("a reference is recorded as the path it reads", () => {
  expect(methodPath((c) => c.iam.users.list)).toEqual(["iam", "users", "list"]);
});

test("exports are named with their module, and a stray value is refused", () => {
  const tool = (sdk: Record<string, unknown>) =>
    defineTool({
      name: "probe",
      searchHint: "probe test",
      toolset: "auth",
      title: "Probe",
      description: "Probe.",
      sdk,
      operation: "local-read",
      scope: "local",
      input: {},
      output: {},
      run: async () => ({}),
      summary: () => "",
    });
  expect(tool({ createAlpaconClient }).sdk).toBe("createAlpaconClient (@alpacon/sdk)");
  expect(() => tool({ createAlpaconClient: () => undefined })).toThrow(/not exported/);
});

test("a bound method keeps its object and gets the signal as its request options", () => {
  const signal = new AbortController().signal;
  const api = {
    servers: {
      prefix: "server",
      get(this: { prefix: string }, id: string, options: { signal: AbortSignal }) {
        return { name: `${this.prefix}-${id}`, signal: options.signal };
      },
    },
  };
  const get = boundMethod(api as never, ["servers", "get"], signal);
  expect(get("1")).toEqual({ name: "server-1", signal });
});

test("annotations follow the operation and the effect", () => {
  expect(annotationsOf({ operation: "GET" })).toEqual({
    readOnlyHint: true,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: false,
  });
  expect(annotationsOf({ operation: "POST" })).toMatchObject({ destructiveHint: false });
  expect(annotationsOf({ operation: "POST", effect: "grant-access" })).toMatchObject({
    destructiveHint: true,
    idempotentHint: false,
  });
  expect(annotationsOf({ operation: "POST", effect: "open-shell" })).toMatchObject({
    openWorldHint: true,
  });
  expect(annotationsOf({ operation: "local-write" })).toMatchObject({ idempotentHint: true });
});

test("arguments become API fields: snake_case keys, absent ones left out", () => {
  expect(apiFields({ firstName: "Ada", email: undefined, isActive: false, page: 2 })).toEqual({
    first_name: "Ada",
    is_active: false,
    page: 2,
  });
});

test("every tool's name is written out in its toolset's file (greppable, not built from parts)", () => {
  const dir = new URL("../../src/tools/", import.meta.url);
  const sources = readdirSync(dir)
    .map((file) => readFileSync(new URL(file, dir), "utf8"))
    .join("\n");
  for (const tool of ALL_TOOLS) expect(sources).toContain(`name: "${tool.name}",`);
});
