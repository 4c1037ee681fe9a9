import { tokenFileContent } from "@alpacon/sandbox";
import { describe, expect, test } from "vitest";
import type { AuditEntry } from "../../src/server/audit.js";
import { useHarness } from "../helpers/file-harness.js";
import { call } from "../helpers/harness.js";

const h = useHarness();

/** Runs a snippet through `execute` with a fresh client (admin token, every toolset). */
function execute(code: string, options = {}, extra: Record<string, unknown> = {}) {
  return h.call("execute", { workspace: "acme", code, ...extra }, options);
}

function adminToken(): string {
  const content = tokenFileContent(h.sandbox, "admin") as Record<
    string,
    Record<string, { token: string }>
  >;
  return content.ap1!.acme!.token;
}

describe("execute", () => {
  test("runs a snippet with the workspace's client and returns its JSON value", async () => {
    const result = await execute(
      "const page = await alpacon.servers.list({ page_size: 100 });\nreturn { count: page.count, names: page.results.map((s) => s.name) };",
    );
    expect(result.isError).toBe(false);
    const value = result.structured!.result as { count: number; names: string[] };
    expect(value.count).toBe(h.sandbox.control.workspace("ap1", "acme").servers().length);
    expect(value.names.length).toBe(value.count);
    expect(result.structured!.calls).toBe(1);
  });

  test("strips TypeScript types before it runs, and returns console output", async () => {
    const result = await execute(
      "interface Row { name: string }\nconst { results } = await alpacon.servers.list();\nconst rows: Row[] = results as Row[];\nconsole.log('found', rows.length, { first: rows[0]!.name });\nreturn rows.length as number;",
    );
    expect(result.isError).toBe(false);
    expect(result.structured!.result).toBeGreaterThan(0);
    expect((result.structured!.logs as string[])[0]).toMatch(/^found \d+ \{"first":".+"\}$/);
    expect(result.text).toContain("console:");
  });

  test("iterate methods collect every item (for await, or await)", async () => {
    const result = await execute(
      "const names = [];\nfor await (const s of alpacon.servers.iterate({ page_size: 2 })) names.push(s.name);\nconst all = await alpacon.servers.iterate();\nreturn [names.length, all.length];",
    );
    const [one, two] = result.structured!.result as number[];
    expect(one).toBe(two);
    expect(one).toBe(h.sandbox.control.workspace("ap1", "acme").servers().length);
  });

  test("fans a command out to many servers in one call, after the user confirms it", async () => {
    const { client, questions } = await h.asking();
    const result = await call(client, "execute", {
      workspace: "acme",
      code: `const { results } = await alpacon.servers.list();
const ids = results.filter((s) => s.is_connected).map((s) => s.id).slice(0, 3);
const runs = await alpacon.commands.run({ servers: ids, line: "echo hi" });
return runs.map((r) => ({ ok: r.success, out: r.output }));`,
    });
    expect(result.isError).toBe(false);
    const rows = result.structured!.result as { ok: boolean; out: string }[];
    expect(rows.length).toBe(3);
    expect(rows.every((row) => row.ok)).toBe(true);
    expect(questions).toHaveLength(1);
    expect(questions[0]).toContain("run a command through Alpacon: alpacon.commands.run");
    expect(questions[0]).toContain("echo hi");
  });

  test("a declined confirmation throws in the snippet and nothing runs", async () => {
    const before = h.sandbox.control.workspace("ap1", "acme").servers().length;
    const { client, questions } = await h.asking({}, false);
    const result = await call(client, "execute", {
      workspace: "acme",
      code: `try {
  await alpacon.servers.unregister(${JSON.stringify(h.server)});
  return "unregistered";
} catch (error) {
  return error.name + ": " + error.message;
}`,
    });
    expect(questions).toHaveLength(1);
    expect(result.structured!.result).toMatch(
      /^Declined: alpacon\.servers\.unregister was not run: the user declined/,
    );
    expect(h.sandbox.control.workspace("ap1", "acme").servers().length).toBe(before);
  });

  test.each([
    ["--confirm deny", { confirm: "deny" }, /confirm mode deny/],
    [
      "a client that cannot ask",
      { confirm: "elicit" },
      /cannot ask for it \(no elicitation support\)/,
    ],
  ] as const)(
    "with %s a destructive call is refused and reads still run",
    async (_, options, why) => {
      const { client } = await h.connect(options);
      const result = await call(client, "execute", {
        workspace: "acme",
        code: `const { count } = await alpacon.servers.list();
try { await alpacon.commands.run({ servers: [${JSON.stringify(h.server)}], line: "true" }); }
catch (error) { return [count > 0, error.name, error.message]; }`,
      });
      const [read, name, message] = result.structured!.result as [boolean, string, string];
      expect([read, name]).toEqual([true, "Declined"]);
      expect(message).toMatch(why);
    },
  );

  test("with --read-only a snippet may read, and every write is refused before it is asked", async () => {
    const { client, questions } = await h.asking({ readOnly: true, codeMode: true });
    const result = await call(client, "execute", {
      workspace: "acme",
      code: `const { count } = await alpacon.servers.list();
try { await alpacon.commands.run({ servers: [${JSON.stringify(h.server)}], line: "reboot" }); }
catch (error) { return [count, error.name, error.message]; }`,
    });
    const [count, name, message] = result.structured!.result as [number, string, string];
    expect(count).toBeGreaterThan(0);
    expect(name).toBe("NotAllowed");
    expect(message).toMatch(/read-only/);
    expect(questions).toEqual([]);
  });

  test("a toolset the server does not offer is out of reach (code mode reaches the default set)", async () => {
    const { client } = await h.connect({ codeMode: true, toolsets: ["default"] });
    const result = await call(client, "execute", {
      workspace: "acme",
      code: "try { await alpacon.alerts.list(); } catch (error) { return error.message; }",
    });
    expect(result.structured!.result).toMatch(/toolset "alerts" is not enabled/);
    const allowed = await call(
      (await h.connect({ codeMode: true, toolsets: ["default", "alerts"] })).client,
      "execute",
      { workspace: "acme", code: "return (await alpacon.alerts.list()).count >= 0;" },
    );
    expect(allowed.structured!.result).toBe(true);
  });

  test("each bridged call is audited and reported as progress", async () => {
    const entries: AuditEntry[] = [];
    const { client } = await h.connect({ audit: { write: (entry) => entries.push(entry) } });
    const progress: string[] = [];
    await client.callTool(
      {
        name: "execute",
        arguments: {
          workspace: "acme",
          code: "await alpacon.servers.list({ page: 1 }); await alpacon.metrics.cpuTopServers(); return 1;",
        },
      },
      undefined,
      { onprogress: (note) => progress.push(note.message ?? "") },
    );
    const tools = entries.map((entry) => entry.tool);
    expect(tools).toEqual([
      "execute:alpacon.servers.list",
      "execute:alpacon.metrics.cpuTopServers",
      "execute",
    ]);
    expect(entries[0]!.arguments).toEqual({ arguments: [{ page: 1 }] });
    expect(progress).toEqual(["alpacon.servers.list", "alpacon.metrics.cpuTopServers"]);
  });

  test("a failing call throws an Error the snippet can catch, worded like a tool's failure", async () => {
    const result = await execute(
      "try { await alpacon.servers.get('00000000-0000-4000-8000-000000000000'); } catch (e) { return [e.name, e.message]; }",
    );
    const [name, message] = result.structured!.result as string[];
    expect(name).toMatch(/NotFound/);
    expect(message).toMatch(/alpacon\.servers\.get failed/);
  });

  test("an uncaught error is the tool's error, with what the snippet logged", async () => {
    const result = await execute("console.log('step 1'); throw new TypeError('bad input');");
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/the snippet failed: TypeError: bad input/);
    expect(result.text).toContain("step 1");
  });
});

describe("execute is contained", () => {
  test("prototype pollution through bridge values stays inside the run", async () => {
    const result =
      await execute(`const page = await alpacon.servers.list(JSON.parse('{"__proto__": {"polluted": 1}, "page": 1}'));
Object.getPrototypeOf(page).polluted = "yes";
Object.prototype.injected = "yes";
Array.prototype.push = () => 0;
return [({}).polluted, page.count > 0];`);
    expect(result.structured!.result).toEqual(["yes", true]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).injected).toBeUndefined();
    // A fresh run sees none of it.
    const next = await execute("return [({}).polluted, ({}).injected, [1].push(2)];");
    expect(next.structured!.result).toEqual([null, null, 2]);
  });

  test("an infinite loop is stopped at the time limit and the server stays up", async () => {
    const { client } = await h.connect();
    const started = performance.now();
    const result = await call(client, "execute", {
      workspace: "acme",
      code: "while (true) {}",
      timeoutSeconds: 1,
    });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/time limit \(1 s\)/);
    expect(performance.now() - started).toBeLessThan(5_000);
    const after = await call(client, "execute", { workspace: "acme", code: "return 2" });
    expect(after.structured!.result).toBe(2);
  });

  test("a busy loop is stopped after 2 s of computing, long before a long time limit", async () => {
    const started = performance.now();
    const result = await execute(
      "await alpacon.servers.list(); while (true) {}",
      {},
      {
        timeoutSeconds: 120,
      },
    );
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/computed for more than 2 s without waiting for an Alpacon call/);
    expect(result.text).toMatch(/It made 1 Alpacon call before it stopped/);
    expect(performance.now() - started).toBeLessThan(10_000);
    expect((await execute("return 4")).structured!.result).toBe(4);
  });

  test("a loop of awaited calls is stopped at the time limit too", async () => {
    const result = await execute(
      "while (true) await alpacon.servers.list();",
      {},
      { timeoutSeconds: 1 },
    );
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/time limit/);
    expect(result.text).toMatch(/It made \d+ Alpacon calls/);
  });

  test("a memory bomb fails with the memory limit", async () => {
    const result = await execute(
      "const keep = []; while (true) keep.push(new Array(100000).fill(1.5), { n: keep.length });",
      {},
      { timeoutSeconds: 30 },
    );
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/more than 64 MB of memory/);
    const after = await execute("return 3");
    expect(after.structured!.result).toBe(3);
  });

  test("deep recursion fails with a RangeError", async () => {
    const result = await execute("const f = (n) => f(n + 1) + 1; return f(0);");
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/InternalError: stack overflow/);
    const fine = await execute("const f = (n) => (n === 0 ? 0 : 1 + f(n - 1)); return f(200);");
    expect(fine.structured!.result).toBe(200);
  });

  test("huge output is cut at 24 KB with a note", async () => {
    const result = await execute(
      "for (let i = 0; i < 1000; i++) console.log('line ' + i + ' ' + 'x'.repeat(100));\nreturn 'y'.repeat(100000);",
    );
    expect(result.isError).toBe(false);
    expect(result.structured!.truncated).toBe(true);
    expect(result.structured!.result).toBeNull();
    expect(result.structured!.note).toMatch(/the result was cut at \d+ KB of 98 KB/);
    expect(result.structured!.note).toMatch(/console output past 8 KB was dropped/);
    expect(Buffer.byteLength(result.text)).toBeLessThan(25 * 1024);
  });

  test("no host globals: process, require, fetch, timers, import() and eval of modules", async () => {
    const result =
      await execute(`const kinds = [typeof process, typeof require, typeof fetch, typeof setTimeout, typeof XMLHttpRequest, typeof WebSocket, typeof Buffer, typeof ArrayBuffer, typeof Float64Array];
let imported;
try { await import("node:fs"); imported = "yes"; } catch (e) { imported = e.name; }
let viaFunction;
try { viaFunction = typeof Function("return this.process")(); } catch (e) { viaFunction = e.name; }
return { kinds, imported, viaFunction, globals: Object.getOwnPropertyNames(globalThis).filter((n) => !/^[A-Z]/.test(n)).sort() };`);
    const value = result.structured!.result as {
      kinds: string[];
      imported: string;
      viaFunction: string;
      globals: string[];
    };
    expect(new Set(value.kinds)).toEqual(new Set(["undefined"]));
    expect(value.imported).not.toBe("yes");
    expect(value.viaFunction).toBe("undefined");
    // Only the language's own functions, and alpacon and console.
    expect(value.globals).toEqual(
      expect.arrayContaining(["alpacon", "console", "globalThis", "parseInt"]),
    );
    expect(value.globals).not.toContain("__call");
  });

  test("the token is out of reach through every bridged object", async () => {
    const token = adminToken();
    const result = await execute(`const token = ${JSON.stringify(token)};
const seen = [];
const walk = (value, depth) => {
  if (depth > 6 || value === null) return;
  if (typeof value === "function") { seen.push(String(value)); for (const k of Object.getOwnPropertyNames(value)) { try { walk(value[k], depth + 1); } catch {} } return; }
  if (typeof value !== "object") { seen.push(String(value)); return; }
  for (const k of Reflect.ownKeys(value)) { seen.push(String(k)); try { walk(value[k], depth + 1); } catch {} }
  walk(Object.getPrototypeOf(value), depth + 1);
};
walk(alpacon, 0);
walk(globalThis, 0);
const page = await alpacon.servers.list();
seen.push(JSON.stringify(page));
let constructorEscape;
try { constructorEscape = await alpacon.servers.list.constructor("return typeof process")(); } catch (e) { constructorEscape = e.name; }
const text = seen.join("\\n");
return { size: text.length, found: text.includes(token), header: /authorization/i.test(text), constructorEscape };`);
    // The test put the token in the snippet's own text, to look for it everywhere else.
    expect(result.structured!.result).toEqual({
      size: expect.any(Number),
      found: false,
      header: false,
      constructorEscape: "undefined",
    });
    expect((result.structured!.result as { size: number }).size).toBeGreaterThan(1_000);
    expect(result.text).not.toContain(token);
  });

  test("a call left pending when the snippet returns is dropped, and the next run is clean", async () => {
    const { client } = await h.connect();
    const first = await call(client, "execute", {
      workspace: "acme",
      code: "globalThis.leftover = 1; alpacon.servers.list(); return 'done';",
    });
    expect(first.structured!.result).toBe("done");
    const next = await call(client, "execute", {
      workspace: "acme",
      code: "return typeof globalThis.leftover;",
    });
    expect(next.structured!.result).toBe("undefined");
  });

  test("request options cannot be passed in from a snippet (extra arguments are dropped)", async () => {
    const result = await execute(
      `return (await alpacon.servers.list({ page_size: 1 }, { headers: { authorization: "x" }, baseUrl: "http://example.com" })).results.length;`,
    );
    expect(result.structured!.result).toBe(1);
  });

  test("cancellation stops the snippet and its calls; the server stays up", async () => {
    const { client } = await h.connect();
    const controller = new AbortController();
    const pending = client
      .callTool(
        {
          name: "execute",
          arguments: { workspace: "acme", code: "while (true) await alpacon.servers.list();" },
        },
        undefined,
        { signal: controller.signal },
      )
      .catch((error: Error) => error);
    setTimeout(() => controller.abort("user pressed stop"), 300);
    const outcome = await pending;
    expect(outcome).toBeInstanceOf(Error);
    const after = await call(client, "execute", { workspace: "acme", code: "return 'alive'" });
    expect(after.structured!.result).toBe("alive");
  });
});
