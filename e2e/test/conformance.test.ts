// The MCP conformance suite (server mode, Node 22) against the installed package's Streamable
// HTTP transport, stateful and stateless. Fails on any unexpected failure and on any expected
// failure that now passes; every expected failure carries a reason.

import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import {
  type ConformanceResult,
  describeRun,
  listScenarios,
  readExpectedFailures,
  runConformance,
} from "../src/conformance.js";
import { cleanEnv, installed, scratchDir } from "../src/installed.js";

const [work, removeWork] = scratchDir("alpacon-e2e-conformance-");
afterAll(() => removeWork());

/** What the suite checks that applies to alpacon-mcp; each must pass. */
const MUST_PASS = [
  "server-initialize",
  "ping",
  "logging-set-level",
  "tools-list",
  "tools-call-error",
  "resources-list",
  "prompts-list",
  "dns-rebinding-protection",
];

function run(stateless: boolean): Promise<ConformanceResult> {
  return runConformance({
    server: {
      command: "npx",
      args: ["--no", "--", "alpacon-mcp"],
      cwd: installed().dir,
      env: cleanEnv(work),
    },
    outDir: join(work, stateless ? "stateless" : "stateful"),
    stateless,
  });
}

describe("MCP conformance suite", () => {
  test("every expected failure has a one-line reason", () => {
    const entries = readExpectedFailures(true);
    expect(entries.length).toBeGreaterThan(0);
    for (const entry of entries) expect(entry.reason, entry.scenario).toMatch(/\S{3}/);
    // Those of the stateful run all need one of the suite's own fixtures.
    for (const entry of readExpectedFailures(false)) {
      expect(entry.reason, entry.scenario).toMatch(/fixture/);
    }
    for (const name of MUST_PASS)
      expect(entries.map((entry) => entry.scenario)).not.toContain(name);
  });

  test("its authorization scenarios all test clients: none applies to a server yet", async () => {
    // When the suite adds server-side auth scenarios, this fails: run them against
    // `--auth oauth` then (team mode's server side is proven by team-oauth.test.ts meanwhile).
    const client = await listScenarios("client");
    expect(client.filter((name) => name.startsWith("auth/")).length).toBeGreaterThan(10);
    const server = await listScenarios("server");
    expect(server).toContain("server-initialize");
    expect(server.filter((name) => /auth/i.test(name))).toEqual([]);
  });

  test.concurrent.each([
    ["stateful", false],
    ["stateless", true],
  ])("Streamable HTTP (%s): no unexpected result", async (label, stateless) => {
    const result = await run(stateless);
    console.log(describeRun(`conformance, ${label}`, result));
    expect(result.unexpected, result.output).toEqual([]);
    expect(result.stale, result.output).toEqual([]);
    expect(result.exitCode, result.output).toBe(0);
    for (const name of MUST_PASS) expect(result.passed).toContain(name);
    if (!stateless) expect(result.passed).toContain("server-sse-multiple-streams");
  });
});
