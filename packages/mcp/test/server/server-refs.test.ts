import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createAlpaconClient } from "@alpacon/sdk";
import { afterAll, describe, expect, test } from "vitest";
import { expectToolError } from "../helpers/expect-tool.js";
import { useHarness } from "../helpers/file-harness.js";
import { call, connect, serverIds } from "../helpers/harness.js";

const h = useHarness();

describe("a server by name", () => {
  test("every tool with a server argument takes the name a person types", async () => {
    const [name, id] = [...serverIds(h.sandbox)].find(([, value]) => value === h.server)!;
    const got = await h.call("server_get", { workspace: "acme", server: name });
    expect(got.isError).toBe(false);
    expect((got.structured!.server as { id: string }).id).toBe(id);
    const ran = await h.call("command_run", {
      workspace: "acme",
      servers: [name, id],
      command: "hostname",
    });
    expect(ran.isError).toBe(false);
    expect((ran.structured!.results as Array<{ server: string }>).map((row) => row.server)).toEqual(
      [id, id],
    );
    const info = await h.call("get_os_version", { workspace: "acme", server: name });
    expect(info.structured).toMatchObject({ server: id });
  });

  test("an unknown name says how to find the right one", async () => {
    const result = await h.call("server_get", { workspace: "acme", server: "web-99" });
    expectToolError(result, 'no server is named "web-99" in workspace acme');
    expectToolError(result, "servers_list");
  });
});

// Two servers with one name: the sandbox keeps names unique, a real fleet need not.
const twins = createServer((req, res) => {
  const server = (id: string) => ({ id, name: "web-1", status: { code: "ok", text: "Good" } });
  const listing = req.url?.startsWith("/api/servers/servers/?") === true;
  const body = listing
    ? {
        count: 2,
        current: 1,
        next: null,
        last: 1,
        results: [
          server("11111111-1111-4111-8111-111111111111"),
          server("22222222-2222-4222-8222-222222222222"),
        ],
      }
    : { detail: "Not found." };
  res.writeHead(listing ? 200 : 404, { "Content-Type": "application/json" });
  res.end(JSON.stringify(body));
});
afterAll(() => new Promise<void>((resolve) => twins.close(() => resolve())));

test("a name two servers share is refused with both ids", async () => {
  await new Promise<void>((resolve) => twins.listen(0, "127.0.0.1", resolve));
  const { port } = twins.address() as AddressInfo;
  const client = createAlpaconClient({
    workspace: "acme",
    region: "ap1",
    token: "alpat-twins-test-token",
    baseUrl: `http://127.0.0.1:${port}`,
  });
  const { client: mcp, close } = await connect({ clients: [client], confirm: "allow" });
  try {
    const result = await call(mcp, "get_os_version", { server: "web-1" });
    expectToolError(result, '2 servers are named "web-1" in workspace acme');
    expectToolError(result, "11111111-1111-4111-8111-111111111111");
    expectToolError(result, "Pass the id of the one you mean");
  } finally {
    await close();
  }
});

describe("workspace as tools/list says", () => {
  test("with several configured, a call without one is refused with the names to pass", async () => {
    const result = await h.call("servers_list", {});
    expectToolError(result, "several workspaces are configured (acme, globex)");
    expectToolError(result, "Pass workspace: one of acme, globex");
    expect(result.text).not.toContain("Fix the configuration");
  });

  test("an unknown workspace gets the same advice", async () => {
    const result = await h.call("servers_list", { workspace: "initech" });
    expectToolError(result, "Pass workspace: one of acme, globex");
  });
});
