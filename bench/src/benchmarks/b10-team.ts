import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync, readFileSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import type { LoadJob } from "../children/http-load.js";
import type { Config } from "../lib/config.js";
import { load } from "../lib/load.js";
import { nodeFlags } from "../lib/node-flags.js";
import { MCP_CLI, PROXY_CHILD } from "../lib/paths.js";
import { cpuTimeMs, machineTicks } from "../lib/proc.js";
import { ms, type Row, rate, row, times } from "../lib/row.js";
import type { Fixture } from "../lib/setup.js";
import { sleep, timeTasks } from "../lib/timing.js";

/** `tools/call servers_list` with its defaults, as one stateless Streamable HTTP request. */
const CALL = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "tools/call",
  params: { name: "servers_list", arguments: {} },
});
const MCP_HEADERS = {
  "content-type": "application/json",
  accept: "application/json, text/event-stream",
};
const STATIC_TOKEN = "b10-static-bearer-0123456789abcdef";
let started = 0;

interface Process {
  readonly child: ChildProcess;
  readonly pid: number;
  close(): Promise<void>;
}

/** Waits for a line matching `pattern` in a file a child writes (its stderr, not piped to us). */
async function waitInFile(file: string, pattern: RegExp, child: ChildProcess): Promise<string> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const match = pattern.exec(readFileSync(file, "utf8"));
    if (match) return match[1]!;
    if (child.exitCode !== null) break;
    await sleep(20);
  }
  throw new Error(`${pattern} not seen; output: ${readFileSync(file, "utf8").slice(-2_000)}`);
}

function stopper(child: ChildProcess, file?: string): () => Promise<void> {
  return async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await Promise.race([exited, sleep(5_000)]);
      if (child.exitCode === null) child.kill("SIGKILL");
    }
    if (file) rmSync(file, { force: true });
  };
}

/** `alpacon-mcp --transport http --stateless --port 0 …` (the built bin); stderr to a file. */
async function startHttpMcp(
  args: string[],
  env: Record<string, string>,
): Promise<Process & { url: string }> {
  const file = join(tmpdir(), `alpacon-bench-b10-${process.pid}-${++started}.stderr`);
  const stderr = openSync(file, "w");
  const child = spawn(
    process.execPath,
    [
      ...nodeFlags(),
      MCP_CLI,
      ...["--transport", "http", "--stateless", "--port", "0", "--confirm", "allow"],
      ...["--tools", "servers_list", ...args],
    ],
    {
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
      stdio: ["ignore", "ignore", stderr],
    },
  );
  closeSync(stderr);
  const close = stopper(child, file);
  try {
    const url = await waitInFile(file, /listening on (http:\/\/127\.0\.0\.1:\d+\/mcp)/, child);
    return { child, pid: child.pid!, url, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** e2e's round-robin proxy in its own process (children/round-robin-proxy.ts). */
async function startProxy(
  backends: string[],
): Promise<Process & { url: string; counts(): Promise<number[]> }> {
  const child = spawn(process.execPath, [PROXY_CHILD, JSON.stringify(backends)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    out += chunk;
  });
  const line = async (key: string) => {
    for (let waited = 0; waited < 10_000; waited += 10) {
      const found = out
        .split("\n")
        .filter(Boolean)
        .map((text) => JSON.parse(text) as Record<string, unknown>)
        .find((item) => key in item);
      if (found) return found[key];
      await sleep(10);
    }
    throw new Error(`The proxy printed no ${key}.`);
  };
  const url = (await line("url")) as string;
  const close = stopper(child);
  return {
    child,
    pid: child.pid!,
    url: `${url}/mcp`,
    close,
    async counts() {
      child.kill("SIGTERM");
      return (await line("counts")) as number[];
    },
  };
}

/** One call, checked: 200, a servers_list result, not a tool error. */
async function callOnce(url: string, bearer: string): Promise<string> {
  const answer = await fetch(url, {
    method: "POST",
    headers: { ...MCP_HEADERS, authorization: `Bearer ${bearer}` },
    body: CALL,
  });
  const text = await answer.text();
  if (answer.status !== 200 || !text.includes('"result"') || text.includes('"isError":true')) {
    throw new Error(`servers_list over HTTP answered ${answer.status}: ${text.slice(0, 300)}`);
  }
  return text;
}

/**
 * B10, remote team mode (issue 18). (a) `servers_list` over stateless Streamable HTTP with
 * `--auth oauth` (a JWT from the sandbox's identity provider, checked by the server against the
 * provider's JWKS and used as the person's Alpacon token) against the same call with the shared
 * `--auth-token` bearer and a static API token: p50 and p95, alternating. (b) calls per second of
 * two OAuth instances behind the round-robin proxy against one instance behind the same proxy,
 * from autocannon in its own process; the CPU each party used is kept in the details.
 */
export async function teamBench(config: Config, fixture: Fixture): Promise<Row[]> {
  const ws = fixture.workspace;
  const idp = fixture.sandbox.idp(`${ws.region}/${ws.workspace}`);
  const owner = String(
    fixture.sandbox.control
      .workspace(ws.region, ws.workspace)
      .users()
      .find((user) => user.is_superuser)!.username,
  );
  const upstream = idp.registerClient({ redirectUris: ["http://127.0.0.1:9/oauth/callback"] });
  const oauthEnv = {
    ALPACON_MCP_OAUTH_ISSUER: idp.issuer,
    ALPACON_MCP_OAUTH_CLIENT_ID: upstream.clientId,
    ALPACON_MCP_OAUTH_CLIENT_SECRET: upstream.clientSecret!,
    ALPACON_MCP_OAUTH_KEY: "b10".padEnd(64, "0"),
    [`ALPACON_MCP_${ws.region.toUpperCase()}_${ws.workspace.toUpperCase()}_URL`]: ws.baseUrl,
  };
  const oauthArgs = ["--auth", "oauth", "--workspace", ws.workspace, "--region", ws.region];
  const jwt = (await idp.login(owner)).access_token;
  const processes: Process[] = [];
  try {
    const staticServer = await startHttpMcp(["--auth-token", STATIC_TOKEN], {
      ALPACON_MCP_CONFIG_FILE: fixture.tokenFile,
    });
    processes.push(staticServer);
    const a = await startHttpMcp(oauthArgs, oauthEnv);
    processes.push(a);
    const b = await startHttpMcp(oauthArgs, oauthEnv);
    processes.push(b);
    for (const [url, bearer] of [
      [staticServer.url, STATIC_TOKEN],
      [a.url, jwt],
      [b.url, jwt],
    ] as const) {
      await callOnce(url, bearer);
    }

    // (a) the same call, two ways of saying who calls.
    const timed = await timeTasks(
      {
        "static bearer": () => callOnce(staticServer.url, STATIC_TOKEN),
        oauth: () => callOnce(a.url, jwt),
      },
      config.latency,
    );
    const ours = timed.oauth!;
    const base = timed["static bearer"]!;
    const p50 = ours.median / base.median;
    const latencyTarget = { op: "<=" as const, limit: 1.2, text: "≤ 1.2×" };

    // (b) one instance vs two, the same proxy in front of each, A B B A in half-length loads.
    const one = await startProxy([a.url.replace(/\/mcp$/, "")]);
    processes.push(one);
    const two = await startProxy([a.url, b.url].map((url) => url.replace(/\/mcp$/, "")));
    processes.push(two);
    const job = (url: string): LoadJob => ({
      url,
      method: "POST",
      body: CALL,
      headers: { ...MCP_HEADERS, authorization: `Bearer ${jwt}` },
      connections: config.loadConnections,
      seconds: Math.max(1, Math.round(config.loadSeconds / 2)),
    });
    const measured = async (url: string) => {
      const watched = [a.pid, b.pid, one.pid, two.pid, process.pid];
      const cpuBefore = watched.map((pid) => cpuTimeMs(pid));
      const ticks = machineTicks();
      const report = await load(job(url));
      const after = machineTicks();
      const cpu = watched.map((pid, index) => cpuTimeMs(pid) - cpuBefore[index]!);
      const perCall = (value: number) => value / report.total;
      return {
        report,
        cpuMsPerCall: {
          instanceA: perCall(cpu[0]!),
          instanceB: perCall(cpu[1]!),
          proxy: perCall(cpu[2]! + cpu[3]!),
          sandboxAndBench: perCall(cpu[4]!),
        },
        machineBusy: (after.busy - ticks.busy) / (after.total - ticks.total),
      };
    };
    // Instance b and the proxies have served one call so far, instance a hundreds, and every
    // party keeps getting faster for a while (JIT): one untimed load through each proxy first.
    await load(job(one.url));
    await load(job(two.url));
    const abba = [
      await measured(one.url),
      await measured(two.url),
      await measured(two.url),
      await measured(one.url),
    ];
    const counts = await two.counts();
    await one.close();
    const rps = (items: typeof abba) =>
      items.reduce((sum, item) => sum + item.report.requestsPerSecond, 0) / items.length;
    const single = rps([abba[0]!, abba[3]!]);
    const double = rps([abba[1]!, abba[2]!]);
    const scale = double / single;
    const first = abba[0]!;
    const instanceCpu = first.cpuMsPerCall.instanceA;
    const allCpu = instanceCpu + first.cpuMsPerCall.proxy + first.cpuMsPerCall.sandboxAndBench;
    const cores = cpus().length;
    // The best two instances can do here: one instance is bound by its own thread (1 / its CPU
    // per call), two by the machine (cores / everyone's CPU per call, load generator left out).
    const machineBound = (cores * instanceCpu) / allCpu;
    const details = {
      oauthMs: ours,
      staticBearerMs: base,
      loads: abba,
      backendCounts: counts,
      cores,
      // What the machine allows: every call costs this much CPU outside the load generator.
      ceilingCallsPerSecond: (cores * 1000) / allCpu,
      machineBound,
    };
    return [
      row({
        id: "B10",
        what: "servers_list over stateless HTTP with OAuth (JWT checked), p50",
        baseline: `static bearer ${ms(base.median)} (p95 ${ms(base.p95)})`,
        ours: `${ms(ours.median)} (p95 ${ms(ours.p95)})`,
        ratio: times(p50),
        target: latencyTarget.text,
        checked: p50,
        targetSpec: latencyTarget,
        details,
      }),
      row({
        id: "B10",
        what: `OAuth calls/s, 2 instances vs 1 behind the round-robin proxy, ${config.loadConnections} connections (${cores} cores)`,
        baseline: `1 instance ${rate(single, "calls/s")} (${ms(instanceCpu)} CPU per call in the instance, ${ms(allCpu)} in all but the load generator)`,
        ours: `2 instances ${rate(double, "calls/s")} (${counts.join(" + ")} requests; this machine allows at most ${times(machineBound)})`,
        ratio: times(scale),
        target: "≥ 1.8×",
        checked: scale,
        targetSpec: { op: ">=", limit: 1.8, text: "≥ 1.8×" },
        details: {},
      }),
    ];
  } finally {
    await Promise.all(processes.map((item) => item.close()));
  }
}
