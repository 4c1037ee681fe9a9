// Bad input, property-based (fast-check): more than 10,000 generated tool calls across every
// tool, with wrong types, missing and extra fields, huge strings, control characters and
// unicode, negative and huge numbers, hostile workspace and region names, and path traversal in
// webftp paths. Every answer must be a JSON-RPC invalid-params error, an isError result with a
// message, or a valid result; nothing may crash, reject unhandled, leave the sandbox's host, or
// touch files outside the allowed directory.

import { subscribe } from "node:diagnostics_channel";
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { type ClientRequest, createServer, type Server } from "node:http";
import { join } from "node:path";
import { CallToolResultSchema, McpError } from "@modelcontextprotocol/sdk/types.js";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type InMemory, startInMemory } from "../src/in-memory.js";

// Collected for the whole file, asserted at the end.
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
process.on("unhandledRejection", onUnhandled);
process.on("uncaughtException", onUnhandled);

// Every request of this process is checked: the SDK's API calls go over node:http (nodeTransport),
// transfers and everything else through fetch. Requests for the sandbox pass, anything else is
// stopped before it is sent (and recorded). The fetch guard is installed before any SDK client
// exists, since clients bind the global fetch when they are made.
let sandboxOrigin = "";
const offHost: string[] = [];
let sandboxRequests = 0;
const realFetch = globalThis.fetch;
globalThis.fetch = (async (input: string | URL | Request, init?: RequestInit) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  if (url.origin !== sandboxOrigin) {
    offHost.push(url.href.slice(0, 200));
    throw new TypeError(`e2e: blocked a request to ${url.origin}`);
  }
  sandboxRequests++;
  return realFetch(input, init);
}) as typeof fetch;
subscribe("http.client.request.start", (message) => {
  const { request } = message as { request: ClientRequest };
  const target = `${request.protocol}//${String(request.getHeader("host"))}`;
  if (target !== sandboxOrigin) {
    offHost.push(`${target}${request.path}`.slice(0, 200));
    request.destroy(new Error(`e2e: blocked a request to ${target}`));
    return;
  }
  sandboxRequests++;
});

/** A loopback server whose address is planted in hostile inputs; it must receive nothing. */
let canary: Server;
let canaryHits = 0;
let canaryAddress = "";

interface Tool {
  name: string;
  inputSchema: { properties?: Record<string, Schema>; required?: string[] };
  annotations?: { destructiveHint?: boolean };
}
interface Schema {
  type?: string | string[];
  enum?: unknown[];
  anyOf?: Schema[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  items?: Schema;
  minItems?: number;
  maxItems?: number;
  default?: unknown;
}

let h: InMemory;
let tools: Tool[];
let serverIds: string[];
let allowDir: string;
let outsideDir: string;
let parentDir: string;
const counts = {
  calls: 0,
  invalidParams: 0,
  isError: 0,
  /** isError results that are the SDK's input validation (-32602 as a tool result). */
  validation: 0,
  ok: 0,
  nonObjectArguments: 0,
};
const problems: string[] = [];

const HUGE = [
  "A".repeat(1_000_000),
  "é".repeat(200_000),
  "\u0000".repeat(100_000),
  "🙂".repeat(100_000),
];

const hostileNames = () => [
  "evil.com",
  "a/b",
  "..",
  "@",
  "evil.com:443",
  `127.0.0.1:${canaryPort()}`,
  `http://${canaryAddress}/`,
  "acme.evil.com",
  "acme/../../x",
  "%2e%2e",
  "acme\n",
  " acme",
  "ACME",
  "localhost",
  "xn--80ak6aa92e",
  "a".repeat(64),
  "acme@evil.com",
  "acme#",
  "acme?x=1",
  "",
];

const traversals = () => [
  "../../etc/passwd",
  "/etc/passwd",
  "/etc/shadow",
  "..\\..\\windows\\win.ini",
  "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
  "....//....//etc/passwd",
  "a/../../..",
  "/proc/self/environ",
  "~/.ssh/id_rsa",
  "file:///etc/passwd",
  "\u0000/etc/passwd",
  "ok.txt\u0000.png",
  join(outsideDir, "stolen.txt"),
  "../outside/planted.txt",
  "link-out/planted.txt",
  "link-out",
  `http://${canaryAddress}/x`,
  ".",
  "/",
  "",
];

function canaryPort(): number {
  return Number(canaryAddress.split(":")[1]);
}

const wrongTypes = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.array(fc.anything(), { maxLength: 4 }),
  fc.object({ maxDepth: 2 }),
);
const hugeOrStrange = fc.oneof(
  fc.constantFrom(...HUGE),
  fc.string({ unit: "binary", maxLength: 80 }),
  fc.constantFrom(
    "\u202e",
    "\ud800",
    "\r\n",
    "\u0007",
    "'; DROP TABLE servers; --",
    "$(reboot)",
    "`id`",
  ),
);
const badNumbers = fc.constantFrom(
  -1,
  -0,
  0,
  0.5,
  -2147483648,
  2 ** 53,
  2 ** 53 + 2,
  1e308,
  -1e308,
);

function hostile(): fc.Arbitrary<unknown> {
  return fc.oneof(
    wrongTypes,
    hugeOrStrange,
    badNumbers,
    fc.constantFrom(...hostileNames()),
    fc.constantFrom(...traversals()),
  );
}

const UUID = /0-9a-fA-F\]\{8\}/;

/** Mostly valid values for one property, so that calls get past validation and reach the API. */
function valid(tool: string, name: string, schema: Schema): fc.Arbitrary<unknown> {
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.anyOf) return fc.oneof(...schema.anyOf.map((item) => valid(tool, name, item)));
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if (name === "workspace") {
    // The auth tools get the second workspace: saving a token for acme would lock the rest out.
    const ours = fc.constant(tool.startsWith("auth_") ? "globex" : "acme");
    return fc.oneof(
      { weight: 6, arbitrary: ours },
      { weight: 1, arbitrary: fc.constantFrom(...hostileNames()) },
    );
  }
  if (name === "region") {
    const ours = fc.constant(tool.startsWith("auth_") ? "us1" : "ap1");
    return fc.oneof(
      { weight: 6, arbitrary: ours },
      { weight: 1, arbitrary: fc.constantFrom(...hostileNames()) },
    );
  }
  if (name === "localPath") {
    const inside = fc.constantFrom("payload.txt", "sub/new.bin", join(allowDir, "payload.txt"));
    return fc.oneof(inside, fc.constantFrom(...traversals()));
  }
  if (name === "remotePath") {
    return fc.oneof(
      fc.constantFrom("/tmp/fuzz.txt", "/tmp/", "/etc/passwd"),
      fc.constantFrom(...traversals()),
    );
  }
  if (type === "string") {
    if (schema.format === "uuid" || (schema.pattern && UUID.test(schema.pattern))) {
      return fc.oneof(fc.constantFrom(...serverIds, "-"), fc.uuid());
    }
    if (schema.format === "date-time") {
      return fc
        .date({ min: new Date("2000-01-01"), max: new Date("2100-01-01"), noInvalidDate: true })
        .map((date) => date.toISOString());
    }
    if (schema.format === "email") return fc.emailAddress();
    const max = Math.min(schema.maxLength ?? 64, 64);
    const min = Math.min(schema.minLength ?? 0, max);
    if (schema.pattern) {
      return fc
        .stringMatching(new RegExp(schema.pattern))
        .filter((text) => text.length >= min && text.length <= (schema.maxLength ?? 1e9));
    }
    if (name === "command") {
      // Short lines the simulated shell answers at once (never a sleep or a read from stdin).
      return fc.constantFrom("uptime", "echo fuzz", "ls /tmp", "false", "cat /etc/hostname");
    }
    return fc.string({ unit: "grapheme", minLength: min, maxLength: max });
  }
  if (type === "integer") {
    return fc.integer({
      min: schema.minimum ?? -1000,
      max: Math.min(schema.maximum ?? 1000, 1000),
    });
  }
  if (type === "number")
    return fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true });
  if (type === "boolean") return fc.boolean();
  if (type === "array") {
    return fc.array(valid(tool, name, schema.items ?? {}), {
      minLength: schema.minItems ?? 0,
      maxLength: Math.min(schema.maxItems ?? 3, 3),
    });
  }
  if (type === "object") {
    return fc.dictionary(
      fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,8}$/),
      fc.string({ maxLength: 20 }),
      {
        maxKeys: 3,
      },
    );
  }
  return fc.anything();
}

/**
 * Arguments for one tool. Mostly (3 in 4) well-formed with at most one hostile field, so calls
 * get past validation and reach the API with something odd in them; otherwise chaos: any field
 * hostile, required ones left out, unknown ones added, or no object at all.
 */
function argumentsFor(tool: Tool): fc.Arbitrary<unknown> {
  const properties = Object.entries(tool.inputSchema.properties ?? {});
  const required = tool.inputSchema.required ?? [];
  const validFields: Record<string, fc.Arbitrary<unknown>> = {};
  const chaosFields: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [name, schema] of properties) {
    validFields[name] = valid(tool.name, name, schema);
    chaosFields[name] = fc.oneof(valid(tool.name, name, schema), hostile());
  }
  const names = properties.map(([name]) => name);
  const mostlyValid = fc
    .tuple(
      fc.record(validFields, { requiredKeys: required }),
      names.length
        ? fc.option(fc.tuple(fc.constantFrom(...names), hostile()), { freq: 2 })
        : fc.constant(null),
    )
    .map(([args, bad]) => (bad ? { ...(args as object), [bad[0]]: bad[1] } : args));
  const chaos = fc
    .tuple(
      fc.record(chaosFields, { requiredKeys: [] }),
      fc.option(fc.dictionary(fc.string({ maxLength: 12 }), fc.anything(), { maxKeys: 3 })),
    )
    .map(([args, extra]) => (extra ? { ...extra, ...(args as object) } : args));
  return fc
    .oneof(
      { weight: 9, arbitrary: mostlyValid },
      { weight: 3, arbitrary: chaos },
      // Not an object at all.
      { weight: 1, arbitrary: fc.oneof(wrongTypes, fc.constant(undefined)) },
    )
    .map((args) => (tool.name === "auth_set_token" ? keepToKnownWorkspace(args) : args));
}

const NAME = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/**
 * auth_set_token with a well-formed new workspace name would configure that workspace at its
 * real address (https://<workspace>.<region>.alpacon.io), and later calls would go there: right
 * for a user, not for a test that must stay on this machine (the fetch guard above blocks and
 * reports such requests). So a well-formed pair is pointed at the sandbox's second workspace.
 */
function keepToKnownWorkspace(args: unknown): unknown {
  if (!args || typeof args !== "object" || Array.isArray(args)) return args;
  const { workspace, region } = args as { workspace?: unknown; region?: unknown };
  const wellFormed = (value: unknown) =>
    typeof value === "string" && value.length <= 63 && NAME.test(value);
  const effectiveRegion = region === undefined ? "ap1" : region;
  if (wellFormed(workspace) && wellFormed(effectiveRegion)) {
    return { ...args, workspace: "globex", region: "us1" };
  }
  return args;
}

type Outcome = "invalidParams" | "isError" | "ok";

/** Sends one tools/call as raw JSON-RPC (no client-side checks) and classifies the answer. */
async function send(name: string, args: unknown): Promise<Outcome> {
  counts.calls++;
  try {
    const result = await h.client.request(
      {
        method: "tools/call",
        params: { name, ...(args === undefined ? {} : { arguments: args }) },
      } as never,
      CallToolResultSchema,
      { timeout: 30_000 },
    );
    const text = (result.content as Array<{ text?: string }>)
      .map((item) => item.text ?? "")
      .join("");
    if (result.isError) {
      if (!text.trim()) problems.push(`${name}: isError without a message`);
      if (/\n\s+at \S+:\d+:\d+/.test(text))
        problems.push(`${name}: stack trace in ${text.slice(0, 300)}`);
      counts.isError++;
      if (/-32602|Input validation error/.test(text)) counts.validation++;
      return "isError";
    }
    if (!result.structuredContent || typeof result.structuredContent !== "object") {
      problems.push(`${name}: a result without structuredContent`);
    }
    counts.ok++;
    return "ok";
  } catch (error) {
    if (error instanceof McpError && error.code === -32602) {
      counts.invalidParams++;
      return "invalidParams";
    }
    // Upstream: the MCP SDK's request parsing answers `arguments` that are not an object with
    // -32603 and the zod issue list, not -32602 (see "upstream" below and e2e/README.md).
    if (
      error instanceof McpError &&
      error.code === -32603 &&
      args !== undefined &&
      (args === null || typeof args !== "object" || Array.isArray(args)) &&
      /"path":\s*\[\s*"params",\s*"arguments"\s*\]/.test(error.message)
    ) {
      counts.nonObjectArguments++;
      return "invalidParams";
    }
    problems.push(
      `${name} ${JSON.stringify(args)?.slice(0, 200)}: ${(error as Error).message.slice(0, 300)}`,
    );
    return "isError";
  }
}

/** Fifty calls at a time, in one fast-check run: the server answers them concurrently. */
async function fuzz(toolset: Tool[], runs: number, seed: number): Promise<void> {
  const call = fc.oneof(
    {
      weight: 30,
      arbitrary: fc
        .constantFrom(...toolset)
        .chain((tool) => fc.tuple(fc.constant(tool.name), argumentsFor(tool))),
    },
    // Now and then a tool that does not exist.
    {
      weight: 1,
      arbitrary: fc.tuple(
        fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom(...HUGE)),
        fc.object(),
      ),
    },
  );
  await fc.assert(
    fc.asyncProperty(fc.array(call, { minLength: 10, maxLength: 10 }), async (batch) => {
      await Promise.all(batch.map(([name, args]) => send(name, args)));
      return true;
    }),
    { numRuns: runs, seed, endOnFailure: true },
  );
}

function snapshot(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: false }).map(String).sort();
}

beforeAll(async () => {
  canary = createServer((_request, response) => {
    canaryHits++;
    response.end();
  });
  await new Promise<void>((resolve) => canary.listen(0, "127.0.0.1", resolve));
  const address = canary.address();
  canaryAddress = `127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;

  h = await startInMemory({
    sandbox: {
      servers: 3,
      workspaces: [
        { region: "ap1", workspace: "acme" },
        { region: "us1", workspace: "globex" },
      ],
      commandDelays: 0,
    },
    // Every tool, opt-in toolsets included, is fuzzed.
    server: { clientOptions: { timeoutMs: 5_000, maxRetries: 0 }, toolsets: ["all"] },
  });
  sandboxOrigin = new URL(h.sandbox.url).origin;
  // The allowed directory sits next to one it must never write or read through.
  parentDir = h.dir;
  allowDir = join(parentDir, "allowed");
  outsideDir = join(parentDir, "outside");
  mkdirSync(join(allowDir, "sub"), { recursive: true });
  mkdirSync(outsideDir);
  writeFileSync(join(allowDir, "payload.txt"), "fuzz payload\n");
  writeFileSync(join(outsideDir, "secret.txt"), "must stay unread\n");
  symlinkSync(outsideDir, join(allowDir, "link-out"));
  tools = (await h.client.listTools()).tools as unknown as Tool[];
  serverIds = h.sandbox.control
    .workspace("ap1", "acme")
    .servers()
    .map((server) => server.id as string);
});

afterAll(async () => {
  await h?.close();
  await new Promise<void>((resolve) => canary?.close(() => resolve()));
  globalThis.fetch = realFetch;
  process.off("unhandledRejection", onUnhandled);
  process.off("uncaughtException", onUnhandled);
});

/** Each server needs its allowed directory at construction: these two reuse the sandbox. */
async function serverWith(confirm: "deny" | "allow"): Promise<InMemory> {
  const { createAlpaconMcpServer } = await import("@alpacon/mcp");
  const { loadConfig } = await import("@alpacon/sdk/node");
  const { Client } = await import("@modelcontextprotocol/sdk/client/index.js");
  const { InMemoryTransport } = await import("@modelcontextprotocol/sdk/inMemory.js");
  const server = createAlpaconMcpServer({
    config: loadConfig({ configFile: h.configFile, env: {} }),
    confirm,
    allowDirs: [allowDir],
    clientOptions: { timeoutMs: 5_000, maxRetries: 0 },
    websh: { maxChannels: 4 },
  });
  const client = new Client({ name: "fuzz", version: "0.0.0" });
  const [a, b] = InMemoryTransport.createLinkedPair();
  await Promise.all([server.connect(b), client.connect(a)]);
  return {
    ...h,
    client,
    async close() {
      await client.close();
      await server.close();
    },
  };
}

describe("bad input (fast-check)", () => {
  test("every tool, confirm deny: 6,000 calls", { timeout: 180_000 }, async () => {
    const deny = await serverWith("deny");
    const previous = h;
    h = deny;
    try {
      await fuzz(tools, 600, 7);
    } finally {
      h = previous;
      await deny.close();
    }
  });

  test("tools that run without a shell, confirm allow: 4,500 calls", {
    timeout: 180_000,
  }, async () => {
    // Shell and command tools run in the deny pass (where they stop at the confirmation);
    // deleting or updating users could lock the token out, removing a token too.
    const skip = new Set([
      "command_run",
      "websh_command_execute",
      "websh_websocket_execute",
      "websh_channel_execute",
      "websh_channel_connect",
      "websh_session_create",
      "websh_session_reconnect",
      "join_shared_session",
      "iam_user_delete",
      "iam_user_update",
      "auth_remove_token",
    ]);
    const allow = await serverWith("allow");
    const previous = h;
    h = allow;
    try {
      await fuzz(
        tools.filter((tool) => !skip.has(tool.name)),
        450,
        11,
      );
    } finally {
      h = previous;
      await allow.close();
    }
  });

  test("nothing crashed, leaked, left the host or escaped the allowed directory", async () => {
    console.log(
      `fuzz: ${counts.calls} calls: ${counts.invalidParams} invalid-params errors, ${counts.nonObjectArguments} non-object arguments answered -32603 (upstream), ${counts.isError} isError results (${counts.validation} of them input validation), ${counts.ok} results; ${sandboxRequests} requests reached the sandbox`,
    );
    expect(counts.calls).toBeGreaterThanOrEqual(10_000);
    expect(problems.slice(0, 20)).toEqual([]);
    expect(unhandled.map(String)).toEqual([]);
    expect(offHost).toEqual([]);
    expect(canaryHits).toBe(0);
    // Some calls did get through validation and reached the API.
    expect(sandboxRequests).toBeGreaterThan(100);
    expect(h.sandbox.control.journal().length).toBeGreaterThan(100);
    // Outside the allowed directory: nothing written, nothing read through a link.
    expect(snapshot(outsideDir)).toEqual(["secret.txt"]);
    expect(readFileSync(join(outsideDir, "secret.txt"), "utf8")).toBe("must stay unread\n");
    expect(readdirSync(parentDir).sort()).toEqual(["allowed", "outside", "token.json"]);
    // And the server still answers.
    const after = await h.client.callTool({
      name: "servers_list",
      arguments: { workspace: "acme" },
    });
    expect(after.isError).toBeFalsy();
  });
});

describe("upstream (MCP TypeScript SDK 1.32)", () => {
  test.fails("arguments that are not an object get -32602 invalid params", async () => {
    // Today: -32603 "Internal error" carrying the zod issues, from the SDK's request parsing,
    // before alpacon-mcp's handler runs. Drop `.fails` when the SDK answers -32602.
    const error = await h.client
      .request(
        { method: "tools/call", params: { name: "servers_list", arguments: 42 } } as never,
        CallToolResultSchema,
      )
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(McpError);
    expect((error as McpError).code).toBe(-32602);
  });
});
