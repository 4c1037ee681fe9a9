// Doc tests: every ```ts / ```js block of README.md and packages/*/README.md is type-checked
// (strict, module nodenext, as an ES module) and run with node against a sandbox, from the
// directory where the packed tarballs are installed, so a snippet that does not compile or
// does not run fails here. The environment a snippet sees points the documented workspace
// names (`acme`, `my-workspace`) at the sandbox: ALPACON_MCP_AP1_<NAME>_TOKEN/_URL for
// clientFromConfig, ALPACON_TOKEN and ALPACON_BASE_URL for createAlpaconClient.
//
// A block that cannot run here is marked in the README, on the line before its fence:
//   <!-- doc-test: typecheck-only (why) -->   compiled, not run (a long-running server …)
// A snippet may reach loopback only: a preloaded guard refuses any other connection.

import { execFile } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { promisify } from "node:util";
import { type Sandbox, startSandbox } from "@alpacon/sandbox";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { REPO_ROOT } from "../src/install.js";
import { cleanEnv, installed, scratchDir } from "../src/installed.js";

const exec = promisify(execFile);
const require = createRequire(import.meta.url);

export interface Snippet {
  /** `README.md:49`: the file and the line of the opening fence. */
  id: string;
  code: string;
  runs: boolean;
}

const FENCE = /^```(ts|typescript|js|javascript|mjs)\s*$/;
const MARK = /^<!-- doc-test: (typecheck-only) \(.+\) -->$/;

/** The code blocks of one Markdown file, with their annotations. */
export function extractSnippets(file: string): Snippet[] {
  const lines = readFileSync(file, "utf8").split("\n");
  const snippets: Snippet[] = [];
  for (let index = 0; index < lines.length; index++) {
    if (!FENCE.test(lines[index]!)) continue;
    const end = lines.findIndex((line, at) => at > index && line.startsWith("```"));
    const mark = MARK.exec(lines[index - 1] ?? "");
    snippets.push({
      id: `${relative(REPO_ROOT, file)}:${index + 1}`,
      code: lines.slice(index + 1, end).join("\n"),
      runs: mark === null,
    });
    index = end;
  }
  return snippets;
}

const READMES = [
  join(REPO_ROOT, "README.md"),
  ...readdirSync(join(REPO_ROOT, "packages")).map((name) =>
    join(REPO_ROOT, "packages", name, "README.md"),
  ),
];
const SNIPPETS = READMES.flatMap(extractSnippets);

/** Refuses every connection but loopback (and local sockets), whatever a snippet does. */
const GUARD = `import net from "node:net";
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  const options = typeof first === "object" && first !== null ? first : { host: args[1] };
  const host = options.host ?? "localhost";
  if (!options.path && !["127.0.0.1", "::1", "localhost"].includes(host)) {
    throw new Error("doc test: a snippet tried to reach " + host + "; only loopback is allowed");
  }
  return connect.apply(this, args);
};
`;

const fileName = (snippet: Snippet) => `${snippet.id.replace(/[^\w]+/g, "-")}.mts`;

let sandbox: Sandbox;
/** Inside the install directory (removed with it), so imports resolve to the tarballs. */
let dir: string;

beforeAll(async () => {
  sandbox = await startSandbox();
  dir = join(installed().dir, "doc-snippets");
  mkdirSync(dir, { recursive: true });
  const types = join(installed().dir, "node_modules", "@types", "node");
  mkdirSync(dirname(types), { recursive: true });
  try {
    symlinkSync(dirname(require.resolve("@types/node/package.json")), types, "dir");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
});

afterAll(async () => {
  await sandbox?.close();
});

test("the READMEs have code blocks, and every annotation is one the test knows", () => {
  expect(SNIPPETS.length).toBeGreaterThan(8);
  for (const file of READMES) {
    for (const line of readFileSync(file, "utf8").split("\n")) {
      if (line.startsWith("<!-- doc-test")) expect(line).toMatch(MARK);
    }
  }
});

test("every snippet type-checks (strict, module nodenext, ES module)", async () => {
  const files = SNIPPETS.map((snippet) => {
    // `export {}` makes each file a module of its own, as a script file is.
    writeFileSync(join(dir, fileName(snippet)), `${snippet.code}\nexport {};\n`);
    return fileName(snippet);
  });
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        module: "nodenext",
        target: "es2022",
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        types: ["node"],
      },
      files,
    }),
  );
  const result = await exec(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", dir], {
    cwd: dir,
  }).catch((error: { stdout: string }) => error);
  // Each error names the snippet's file: map it back to the README line.
  const errors = result.stdout
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const snippet = SNIPPETS.find((item) => line.startsWith(fileName(item)));
      return snippet ? `${snippet.id} (snippet ${line.slice(fileName(snippet).length)})` : line;
    });
  expect(errors).toEqual([]);
}, 300_000);

describe.each(SNIPPETS.filter((snippet) => snippet.runs).map((snippet) => [snippet.id, snippet]))(
  "%s",
  (_id, snippet) => {
    test("runs against the sandbox", async () => {
      const [work, cleanUp] = scratchDir("alpacon-doc-snippet-");
      try {
        const { baseUrl, tokens } = sandbox.workspaces[0]!;
        const js = ts.transpileModule(snippet.code, {
          compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
        }).outputText;
        const file = join(dir, fileName(snippet).replace(/\.mts$/, ".mjs"));
        writeFileSync(file, js);
        const guard = join(dir, "loopback-only.mjs");
        writeFileSync(guard, GUARD);
        const env = cleanEnv(work, {
          ALPACON_TOKEN: tokens.admin,
          ALPACON_BASE_URL: baseUrl,
          ALPACON_MCP_AP1_ACME_TOKEN: tokens.admin,
          ALPACON_MCP_AP1_ACME_URL: baseUrl,
          ALPACON_MCP_AP1_MY_WORKSPACE_TOKEN: tokens.admin,
          ALPACON_MCP_AP1_MY_WORKSPACE_URL: baseUrl,
        });
        const { stdout } = await exec(process.execPath, ["--import", guard, file], {
          cwd: work,
          env,
          timeout: 100_000,
        });
        // A result a reader would take for the answer is never a bare `null` (a placeholder id
        // once made the SDK quick start print `null`: the run was rejected, the error unseen).
        expect(stdout).not.toMatch(/^null\b/m);
      } finally {
        cleanUp();
      }
    }, 120_000);
  },
);
