import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "@alpacon/sdk/node";
import { describe, expect, test } from "vitest";
import { expectInvalidInput, expectToolError } from "../helpers/expect-tool.js";
import { useHarness } from "../helpers/file-harness.js";
import { call, connect, MISSING_ID, tempDir } from "../helpers/harness.js";

const h = useHarness();

/** A server whose token the API rejects: for the 401 paths. */
async function badTokenClient() {
  const dir = tempDir();
  const file = join(dir, "token.json");
  const acme = h.sandbox.workspaces.find((item) => item.workspace === "acme")!;
  writeFileSync(
    file,
    JSON.stringify({ ap1: { acme: { token: "alpat-wrong", url: acme.baseUrl } } }),
  );
  return connect({ config: loadConfig({ configFile: file, env: {} }) });
}

describe.each([
  ["get_cpu_usage", "CPU usage"],
  ["get_memory_usage", "memory usage"],
])("%s", (name, noun) => {
  test("summarises the series and down-samples it", async () => {
    const result = await h.call(name, { workspace: "acme", server: h.server, buckets: 12 });
    expect(result.isError).toBe(false);
    const structured = result.structured as {
      stats: { samples: number; max: number; min: number };
      series: unknown[];
    };
    expect(structured.stats.samples).toBeGreaterThan(12);
    expect(structured.stats.max).toBeGreaterThanOrEqual(structured.stats.min);
    expect(structured.series.length).toBeLessThanOrEqual(12);
    expect(result.text).toContain(noun);
  });

  test("an unknown server is refused by the API with its reason", async () => {
    const result = await h.call(name, { workspace: "acme", server: MISSING_ID });
    expectToolError(result, "server: Select a valid choice");
  });
});

describe("get_disk_usage", () => {
  test("reads every device when none is named", async () => {
    const result = await h.call("get_disk_usage", { workspace: "acme", server: h.server });
    expect(result.isError).toBe(false);
    const devices = result.structured!.devices as Array<{
      device: string;
      latest: { total: number };
    }>;
    expect(devices.length).toBeGreaterThan(0);
    expect(devices[0]!.latest.total).toBeGreaterThan(0);
  });

  test("a start without time and zone is refused", async () => {
    const result = await h.call("get_disk_usage", {
      workspace: "acme",
      server: h.server,
      start: "2020-01-01",
    });
    expectInvalidInput(result);
  });
});

describe("get_network_traffic", () => {
  test("summarises traffic per interface", async () => {
    const result = await h.call("get_network_traffic", { workspace: "acme", server: h.server });
    expect(result.isError).toBe(false);
    const interfaces = result.structured!.interfaces as Array<{
      interface: string;
      samples: number;
    }>;
    expect(interfaces.length).toBeGreaterThan(0);
    expect(interfaces[0]!.samples).toBeGreaterThan(0);
  });

  test("a rejected token says how to set a new one", async () => {
    const { client, close } = await badTokenClient();
    const result = await call(client, "get_network_traffic", { server: h.server });
    await close();
    expectToolError(result, "token was rejected");
    expect(result.text).toContain("auth_set_token");
    expect(result.text).toContain("ALPACON_MCP_AP1_ACME_TOKEN");
    expect(result.text).not.toContain("alpat-wrong");
  });
});

describe("get_disk_io", () => {
  test("summarises reads and writes per device", async () => {
    const result = await h.call("get_disk_io", { workspace: "acme", server: h.server, hours: 6 });
    expect(result.isError).toBe(false);
    const devices = result.structured!.devices as Array<{ device: string; samples: number }>;
    expect(devices.length).toBeGreaterThan(0);
    expect(devices[0]!.samples).toBeGreaterThan(0);
    expect(result.text).toContain(`${devices[0]!.device}: read avg`);
  });

  test("an unknown server says what to check", async () => {
    const result = await h.call("get_disk_io", { workspace: "acme", server: MISSING_ID });
    expectToolError(result, "servers_list");
  });
});

describe("get_server_metrics_summary", () => {
  test("combines CPU, memory, disks and interfaces", async () => {
    const result = await h.call("get_server_metrics_summary", {
      workspace: "acme",
      server: h.server,
      hours: 6,
    });
    expect(result.isError).toBe(false);
    expect(result.structured).toMatchObject({ unavailable: [] });
    expect(result.structured!.cpu).not.toBeNull();
    expect(result.structured!.memory).not.toBeNull();
    expect((result.structured!.disks as unknown[]).length).toBeGreaterThan(0);
  });

  test("hours over a week are refused", async () => {
    const result = await h.call("get_server_metrics_summary", {
      workspace: "acme",
      server: h.server,
      hours: 1000,
    });
    expectInvalidInput(result);
  });
});

describe("get_cpu_top_servers", () => {
  test("ranks at most five servers", async () => {
    const result = await h.call("get_cpu_top_servers", { workspace: "acme" });
    expect(result.isError).toBe(false);
    const servers = result.structured!.servers as Array<{ value: number }>;
    expect(servers.length).toBeGreaterThan(0);
    expect(servers.length).toBeLessThanOrEqual(5);
  });

  test("a rejected token is an error naming the workspace", async () => {
    const { client, close } = await badTokenClient();
    const result = await call(client, "get_cpu_top_servers", {});
    await close();
    expectToolError(result, "workspace acme");
  });
});

describe("get_top_servers", () => {
  test("ranks servers for each metric asked", async () => {
    const result = await h.call("get_top_servers", {
      workspace: "acme",
      metrics: ["memory", "traffic"],
    });
    expect(result.isError).toBe(false);
    const top = result.structured!.top as Array<{ metric: string; servers: unknown[] }>;
    expect(top.map((item) => item.metric)).toEqual(["memory", "traffic"]);
    expect(top[0]!.servers.length).toBeGreaterThan(0);
    expect(top[0]!.servers.length).toBeLessThanOrEqual(5);
    expect(result.text).toContain("Top by memory peak");
  });

  test("an unknown metric is refused", async () => {
    const result = await h.call("get_top_servers", { workspace: "acme", metrics: ["gpu"] });
    expectInvalidInput(result);
  });
});
