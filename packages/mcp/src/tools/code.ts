import * as z from "zod";
import { ToolError } from "../server/errors.js";
import { clientOf, defineTool } from "./define.js";

// The code-mode modules (the SDK index, the interpreter's WebAssembly) load on first use, so a
// server that never runs a snippet starts as fast as before (bench B1).
const codeMode = () => import("../code-mode/execute.js");

export const search = defineTool({
  name: "search",
  searchHint: "sdk search methods types docs code mode",
  alwaysLoad: true,
  toolset: "code",
  title: "Search the Alpacon SDK",
  description:
    'Finds SDK methods, types and docs by words ("disk usage top servers", "run command"): signatures to call as `alpacon.<path>(…)` in execute, what each does (reads run unasked; writes ask the user) and whether this server allows it.',
  sdk: [],
  operation: "local-read",
  scope: "local",
  input: {
    query: z.string().min(1).max(200).describe("Words to look for."),
    limit: z.int().min(1).max(30).default(10).describe("Most results."),
  },
  output: {
    results: z.array(
      z.object({
        kind: z.enum(["method", "type", "doc"]),
        name: z.string(),
        text: z.string(),
        doc: z.string().optional(),
        effect: z.string().optional(),
        unavailable: z.string().optional(),
        types: z.array(z.string()).optional().describe("Types the signature names."),
      }),
    ),
    total: z.int(),
  },
  async run({ query, limit }, context) {
    const { searchSdk, refusalFor } = await codeMode();
    const { hits, total } = searchSdk(query, limit, refusalFor(context.runtime.codeScope));
    return { results: hits, total };
  },
  summary: ({ results, total }) =>
    results.length
      ? [
          `${results.length} of ${total} matches:`,
          ...results.map((hit) =>
            hit.kind === "doc"
              ? `## ${hit.name}\n${hit.text}`
              : [
                  `${hit.text}${hit.effect ? `  [${hit.effect}${hit.unavailable ? `; unavailable: ${hit.unavailable}` : ""}]` : ""}`,
                  ...(hit.doc ? [`  ${hit.doc}`] : []),
                  ...(hit.types ?? []).map((type) => `  type ${type}`),
                ].join("\n"),
          ),
        ].join("\n")
      : "No matches: try other words (a resource such as servers, metrics, commands, alerts).",
});

export const execute = {
  ...defineTool({
    name: "execute",
    searchHint: "execute run code snippet javascript typescript sdk fleet script",
    alwaysLoad: true,
    toolset: "code",
    title: "Run a snippet with the Alpacon SDK",
    description:
      "Runs JavaScript or TypeScript (the body of an async function) with `alpacon`, the SDK client of the workspace, in a sandboxed interpreter: `const {results} = await alpacon.servers.list({page_size: 100}); return results.map(s => s.name);`. Returns the value you return (JSON) and console output, cut at 24 KB. Only `alpacon.*` methods from search reach Alpacon (no fetch, files, timers or modules); each call that changes or runs something asks the user first, and a declined one throws. Do the fan-out and filtering in the snippet and return only what answers the question.",
    sdk: [],
    operation: "exec",
    input: {
      code: z
        .string()
        .min(1)
        .max(100_000)
        .describe("Body of an async function; use await and return."),
      language: z
        .enum(["typescript", "javascript"])
        .default("typescript")
        .describe("TypeScript types are stripped before it runs."),
      timeoutSeconds: z.int().min(1).max(300).default(60),
    },
    output: {
      result: z.unknown().describe("The returned value; null when cut (see resultText)."),
      resultText: z.string().optional().describe("The returned JSON, cut to fit."),
      logs: z.array(z.string()),
      calls: z.int().describe("Alpacon calls the snippet made."),
      truncated: z.boolean(),
      note: z.string().optional(),
    },
    async run(args, context) {
      const { executeSnippet } = await codeMode();
      const outcome = await executeSnippet(args, clientOf(context), context);
      if (outcome.failed) throw new ToolError(outcome.failed.why, outcome.failed.todo);
      return outcome.result;
    },
    summary: (result) =>
      [
        result.resultText ?? JSON.stringify(result.result),
        ...(result.logs.length ? ["console:", ...result.logs] : []),
        ...(result.note ? [`(${result.note})`] : []),
      ].join("\n"),
  }),
  // Not one method: the bridge's (code-mode/surface.ts), each asking as its own tool would.
  sdk: "the bridged client methods (code-mode/surface.ts)",
  confirmsEachCall: true as const,
};

export const codeTools = [search, execute];
