import type { Config } from "../lib/config.js";
import { ms, type Row, row } from "../lib/row.js";
import type { Fixture } from "../lib/setup.js";
import { summarize } from "../lib/stats.js";
import type { StdioMcp } from "../lib/stdio-mcp.js";

/**
 * B9: code mode against per-tool calls on the same fleet. Five scripted fleet tasks are done
 * twice against one sandbox: (a) with the tools a model would chain (list the servers, then one
 * call per server or batch, in parallel as a model's parallel tool calls are), and (b) with one
 * `execute` whose snippet does the same calls and returns only the answer. Counted: tool calls,
 * bytes of the results the model reads (content and structuredContent, ≈ tokens × 4) and wall
 * time. Also: code mode's tools/list, and what `execute` adds to the API calls it makes.
 */

interface Task {
  name: string;
  /** Whether the task fans out over the fleet (the 5× targets are about these). */
  fanOut: boolean;
  perTool(server: Caller): Promise<unknown>;
  snippet: string;
}

/** Counts what each tool call costs the model. */
class Caller {
  calls = 0;
  bytes = 0;
  constructor(private readonly server: StdioMcp) {}

  async call(name: string, args: Record<string, unknown>) {
    const result = await this.server.callTool(name, args);
    this.calls += 1;
    this.bytes += Buffer.byteLength(JSON.stringify(result));
    return result.structuredContent as Record<string, unknown>;
  }

  /** Calls `fn` on each item with at most `limit` in flight, as a model's parallel calls. */
  async each<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<unknown>) {
    const queue = [...items];
    await Promise.all(
      Array.from({ length: Math.min(limit, queue.length) }, async () => {
        for (let item = queue.shift(); item !== undefined; item = queue.shift()) await fn(item);
      }),
    );
  }
}

/** Every server's id, page by page, as a model lists them. */
async function listAll(caller: Caller): Promise<{ id: string; name: string }[]> {
  const all: { id: string; name: string }[] = [];
  for (let page: number | null = 1; page !== null; ) {
    const result = await caller.call("servers_list", { page, pageSize: 100 });
    all.push(...(result.servers as { id: string; name: string }[]));
    page = result.nextPage as number | null;
  }
  return all;
}

const PARALLEL = 10;

const TASKS: Task[] = [
  {
    name: "OS of every server, counted",
    fanOut: true,
    async perTool(caller) {
      const servers = await listAll(caller);
      await caller.each(servers, PARALLEL, (s) => caller.call("get_os_version", { server: s.id }));
    },
    snippet: `const servers = await alpacon.servers.iterate({ page_size: 100 });
const counts = {};
await Promise.all(servers.map(async (s) => {
  const { results } = await alpacon.system.osVersion({ server: s.id });
  const os = results[0] ? results[0].name + " " + results[0].version : "unknown";
  counts[os] = (counts[os] ?? 0) + 1;
}));
return counts;`,
  },
  {
    name: "root disks over 80 %",
    fanOut: true,
    async perTool(caller) {
      const servers = await listAll(caller);
      const batches: string[][] = [];
      for (let i = 0; i < servers.length; i += 50) {
        batches.push(servers.slice(i, i + 50).map((s) => s.id));
      }
      await caller.each(batches, PARALLEL, (batch) =>
        caller.call("command_run", { servers: batch, command: "df -P /" }),
      );
    },
    snippet: `const servers = await alpacon.servers.iterate({ page_size: 100 });
const runs = await alpacon.commands.run({ servers: servers.map((s) => s.id), line: "df -P /" });
const names = Object.fromEntries(servers.map((s) => [s.id, s.name]));
return runs.flatMap((r) => {
  const used = Number((r.output.trim().split("\\n").pop() ?? "").split(/\\s+/)[4]?.replace("%", ""));
  return used > 80 ? [{ server: names[r.server], used }] : [];
});`,
  },
  {
    name: "busiest CPUs with their last hour",
    fanOut: false,
    async perTool(caller) {
      const top = await caller.call("get_cpu_top_servers", {});
      const rows = (top.servers ?? top.top ?? []) as { server?: { id: string }; id?: string }[];
      const ids = rows.map((r) => r.server?.id ?? r.id).filter((id): id is string => !!id);
      await caller.each(ids, PARALLEL, (id) =>
        caller.call("get_server_metrics_summary", { server: id, hours: 1 }),
      );
    },
    snippet: `const top = await alpacon.metrics.cpuTopServers();
const start = new Date(Date.now() - 3600e3).toISOString();
return Promise.all(top.map(async (t) => {
  const s = await alpacon.metrics.summary({ server: t.server.id, start });
  return { server: t.server.name, cpu: s.cpu, memory: s.memory };
}));`,
  },
  {
    name: "where openssl is installed, and which version",
    fanOut: true,
    async perTool(caller) {
      const servers = await listAll(caller);
      await caller.each(servers, PARALLEL, (s) =>
        caller.call("list_system_packages", { server: s.id, name: "openssl" }),
      );
    },
    snippet: `const servers = await alpacon.servers.iterate({ page_size: 100 });
const versions = {};
await Promise.all(servers.map(async (s) => {
  const { results } = await alpacon.system.packages({ server: s.id, name: "openssl" });
  for (const p of results) versions[p.version] = (versions[p.version] ?? 0) + 1;
}));
return versions;`,
  },
  {
    name: "servers connected or not",
    fanOut: false,
    async perTool(caller) {
      await listAll(caller);
    },
    snippet: `const servers = await alpacon.servers.iterate({ page_size: 100 });
return { connected: servers.filter((s) => s.is_connected).length, total: servers.length };`,
  },
];

interface Measured {
  calls: number;
  bytes: number;
  ms: number;
}

async function perTool(server: StdioMcp, task: Task): Promise<Measured> {
  const caller = new Caller(server);
  const started = performance.now();
  await task.perTool(caller);
  return { calls: caller.calls, bytes: caller.bytes, ms: performance.now() - started };
}

async function codeMode(server: StdioMcp, task: Task): Promise<Measured> {
  const caller = new Caller(server);
  const started = performance.now();
  const result = await caller.call("execute", { code: task.snippet, language: "javascript" });
  if (result.truncated) throw new Error(`B9 ${task.name}: the snippet's result was cut`);
  return { calls: caller.calls, bytes: caller.bytes, ms: performance.now() - started };
}

const ratio = (a: number, b: number) => a / b;
const median = (samples: readonly number[]) => summarize(samples).median;

export async function codeModeBench(config: Config, fixture: Fixture): Promise<Row[]> {
  fixture.connectedServers();
  const tools = fixture.startOurs({ ALPACON_MCP_TOOLSETS: "all" });
  const code = fixture.startOurs({ ALPACON_MCP_CODE_MODE: "1", ALPACON_MCP_TOOLSETS: "all" });
  const rows: Row[] = [];
  try {
    await Promise.all([tools.initialize(), code.initialize()]);
    const listed = await code.request<{ tools: unknown[] }>("tools/list");
    const listTokens = Buffer.byteLength(JSON.stringify(listed)) / 4;
    rows.push(
      row({
        id: "B9",
        what: `code mode's tools/list (${listed.tools.length} tools; tokens ≈ bytes/4)`,
        baseline: "—",
        ours: `≈ ${Math.round(listTokens)} tokens`,
        ratio: "—",
        target: "≤ 1,500 tokens",
        checked: listTokens,
        targetSpec: { op: "<=", limit: 1_500, text: "≤ 1,500 tokens" },
        details: { tools: listed.tools.length, bytes: listTokens * 4 },
      }),
    );
    // Untimed: the sandbox builds each server's machine on first use (the per-tool pass of the
    // first task warms it for both), and the first snippet compiles the interpreter.
    await code.callTool("execute", { code: "return 1;", language: "javascript" });
    for (const task of TASKS) {
      if (task === TASKS[0]) await perTool(tools, task);
      const a = await perTool(tools, task);
      const b = await codeMode(code, task);
      const calls = ratio(a.calls, b.calls);
      const bytes = ratio(a.bytes, b.bytes);
      const details = { perTool: a, execute: b, wallRatio: ratio(a.ms, b.ms) };
      const text = `${a.calls} → ${b.calls} calls, ${Math.round(a.bytes / 1024)} → ${(b.bytes / 1024).toFixed(1)} KB, ${ms(a.ms)} → ${ms(b.ms)}`;
      rows.push(
        row({
          id: "B9",
          what: `${task.name}: per-tool calls → one execute (${config.codeFleet} servers)`,
          baseline: `${a.calls} calls, ${Math.round(a.bytes / 1024)} KB, ${ms(a.ms)}`,
          ours: text,
          ratio: `${calls.toFixed(0)}× calls, ${bytes.toFixed(0)}× bytes, ${details.wallRatio.toFixed(1)}× time`,
          target: task.fanOut ? "≥ 5× fewer calls and bytes" : "— (not a fan-out)",
          checked: task.fanOut ? Math.min(calls, bytes) : Math.max(bytes, 1),
          targetSpec: task.fanOut
            ? { op: ">=", limit: 5, text: "≥ 5× fewer calls and bytes" }
            : { op: ">=", limit: 0, text: "—" },
          details,
        }),
      );
    }
    rows.push(await overhead(config, tools, code));
  } finally {
    await Promise.all([tools.close(), code.close()]);
  }
  return rows;
}

/**
 * What `execute` adds to the API calls it makes: the same one request (servers.list, one page
 * of 20) as a tool call and as a snippet, alternated, medians compared.
 */
async function overhead(config: Config, tools: StdioMcp, code: StdioMcp): Promise<Row> {
  const runs = config.smoke ? 5 : 40;
  const tool: number[] = [];
  const snippet: number[] = [];
  for (let i = 0; i < runs + 3; i++) {
    let started = performance.now();
    await tools.callTool("servers_list", { page: 1, pageSize: 20 });
    const t = performance.now() - started;
    started = performance.now();
    await code.callTool("execute", {
      code: "return (await alpacon.servers.list({ page: 1, page_size: 20 })).count;",
      language: "javascript",
    });
    const s = performance.now() - started;
    // The first few warm both servers up (the interpreter's module is compiled on first use).
    if (i >= 3) {
      tool.push(t);
      snippet.push(s);
    }
  }
  const extra = median(snippet) - median(tool);
  return row({
    id: "B9",
    what: "execute's overhead per snippet beyond its API calls (one servers.list)",
    baseline: `servers_list ${ms(median(tool))}`,
    ours: `execute ${ms(median(snippet))}`,
    ratio: `+${ms(Math.max(0, extra))}`,
    target: "≤ 20 ms",
    checked: Math.max(extra, 0.001),
    targetSpec: { op: "<=", limit: 20, text: "≤ 20 ms" },
    details: { toolMs: median(tool), executeMs: median(snippet), runs },
  });
}
