import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, test } from "vitest";

// Failures are described from an error's class and fields (see src/errors.ts), never by
// reading its message text: the SDK may reword a message at any time, and a regex over it then
// silently stops matching. This scan keeps such parsing from coming back into packages/mcp/src.

const SRC = join(import.meta.dirname, "..", "src");

const STRING_TESTS =
  "replace|replaceAll|match|matchAll|startsWith|endsWith|includes|search|indexOf|lastIndexOf";

/** What message parsing looks like: a string test on a message, or a regex run over one. */
const PARSING: readonly RegExp[] = [
  // message.replace(…), error.message.startsWith(…), (error as Error).message.match(…)
  new RegExp(`\\bmessage\\s*\\)?\\s*\\??\\.\\s*(?:${STRING_TESTS})\\s*\\(`),
  // String(error).includes(…), `${error}`.match(…)
  new RegExp(
    `(?:String\\(\\s*\\w+\\s*\\)|\`\\$\\{\\s*(?:error|err|e)\\s*\\}\`)\\s*\\.\\s*(?:${STRING_TESTS})\\s*\\(`,
  ),
  // /…/.test(message), PATTERN.exec(error.message), /…/.test(String(error))
  /\.(?:test|exec)\(\s*(?:[\w.]*\bmessage\b|String\(\s*(?:error|err|e)\s*\)|(?:error|err|e)\s*\))/,
  // message.split(/regex/): a split on a pattern is a parse (a split on "\n" is not)
  /\bmessage\s*\)?\s*\??\.\s*split\s*\(\s*\//,
];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

function parsingIn(text: string): string[] {
  return text
    .split("\n")
    .filter((line) => PARSING.some((pattern) => pattern.test(line)))
    .map((line) => line.trim());
}

describe("error messages are never parsed in packages/mcp/src", () => {
  test("the scan recognises the parsing this package used to do", () => {
    // Each line was in src before errors carried their fields (errors.ts, tools/commands.ts,
    // cli-options.ts, main.ts).
    const removed = [
      'reason: error.message.replace(/^.*? failed: /, "").replace(/\\. Check .*$/, ""),',
      'const upload = error.message.startsWith("The upload");',
      'why: error.message.replace(/\\.$/, ""),',
      'why: error.message.replace(/\\. (Open|The channel) .*$/, ""),',
      'return message.replace(/^[A-Z]+ \\/\\S* (?:\\(.*\\) )?failed with (\\d+)/, "HTTP $1");',
      'message.startsWith("Unexpected argument")',
      'if (code !== "ERR_MODULE_NOT_FOUND" || !String(error).includes("@alpacon/sandbox")) throw error;',
      "if (/ECONNREFUSED/.test(error.message)) return;",
      "const [, status] = STATUS.exec(message) ?? [];",
      "if ((error as Error).message.includes('timed out')) retry();",
      "const parts = message.split(/: /);",
    ];
    for (const line of removed) expect(parsingIn(line), line).toEqual([line]);
  });

  test("and lets fields, display and redaction through", () => {
    const fine = [
      "reason: error.reason,",
      'const message = (error as Error).message.split("\\n")[0]!;',
      'why: "unexpected error: " + message,',
      'if (code === "auth_mfa_required" || code?.startsWith("work_session_")) {',
      "for (const secret of secrets) if (text.includes(secret)) return true;",
      "return SHAPE_HINT.test(text);",
    ];
    for (const line of fine) expect(parsingIn(line), line).toEqual([]);
  });

  test("no source file parses an error message", () => {
    const found = sources(SRC).flatMap((file) =>
      parsingIn(readFileSync(file, "utf8")).map((line) => `${relative(SRC, file)}: ${line}`),
    );
    expect(found).toEqual([]);
  });
});
