import { createAlpaconClient } from "@alpacon/sdk";
import { describe, expect, test } from "vitest";
import { expectInvalidInput, expectToolError } from "../helpers/expect-tool.js";
import { useHarness } from "../helpers/file-harness.js";
import { call, connect, MISSING_ID } from "../helpers/harness.js";

const h = useHarness({ commandDelays: "manual" });

describe("list_events", () => {
  test("lists recent events, newest first", async () => {
    const result = await h.call("list_events", { workspace: "acme", pageSize: 5 });
    expect(result.isError).toBe(false);
    const events = result.structured!.events as Array<{ added_at: string }>;
    expect(events.length).toBeGreaterThan(0);
    expect(events[0]!.added_at >= events.at(-1)!.added_at).toBe(true);
  });

  test("names the server by id when the API sends a bare UUID", async () => {
    h.sandbox.control.setVariants({ foreignKeys: "uuid" }, "ap1/acme");
    try {
      const result = await h.call("list_events", { workspace: "acme", pageSize: 3 });
      expect(result.isError).toBe(false);
      const events = result.structured!.events as Array<{ server: { id: string; name?: string } }>;
      expect(events[0]!.server.name).toBeUndefined();
      expect(result.text).toContain(events[0]!.server.id);
      expect(result.text).not.toContain("undefined");
    } finally {
      h.sandbox.control.setVariants({ foreignKeys: "nested" }, "ap1/acme");
    }
  });

  test("an empty reporter is refused", async () => {
    const result = await h.call("list_events", { workspace: "acme", reporter: "" });
    expectInvalidInput(result);
  });
});

describe("get_event", () => {
  test("reads one event with its data", async () => {
    const listed = await h.call("list_events", { workspace: "acme", pageSize: 1 });
    const [first] = listed.structured!.events as Array<{ id: string; record: string }>;
    const result = await h.call("get_event", { workspace: "acme", event: first!.id });
    expect(result.isError).toBe(false);
    expect(result.structured!.event).toMatchObject({ id: first!.id, record: first!.record });
    expect(result.text).toContain(first!.record);
  });

  test("an unknown event is a 404 that points to list_events", async () => {
    const result = await h.call("get_event", { workspace: "acme", event: MISSING_ID });
    expectToolError(result, "list_events");
  });
});

describe("search_events", () => {
  test("finds events by text", async () => {
    const result = await h.call("search_events", { workspace: "acme", query: "reconnected" });
    expect(result.isError).toBe(false);
    const events = result.structured!.events as Array<{ description: string }>;
    expect(events.length).toBeGreaterThan(0);
    for (const event of events) expect(JSON.stringify(event)).toMatch(/reconnected/i);
  });

  test("the query is required", async () => {
    const result = await h.call("search_events", { workspace: "acme" });
    expectToolError(result, /query/);
  });
});

/**
 * ack and fin are the agent's endpoints: the API accepts only agent credentials there. The happy
 * paths go through a client whose fetch presents the agent's credential, as an agent would.
 */
async function agentClient() {
  const acme = h.sandbox.workspaces.find((item) => item.workspace === "acme")!;
  const agent = h.sandbox.control.workspace("ap1", "acme").agentAuthorization(h.server);
  const sdk = createAlpaconClient({
    workspace: "acme",
    region: "ap1",
    token: acme.tokens.admin,
    baseUrl: acme.baseUrl,
    fetch: (input, init) => {
      const request = new Request(input, init);
      request.headers.set("Authorization", agent);
      return fetch(request);
    },
  });
  return connect({ clients: [sdk], confirm: "allow", toolsets: ["events"] });
}

async function queuedCommand(): Promise<string> {
  const { client } = await h.connect();
  // Manual command delays: the command stays queued until the agent acknowledges it.
  const result = await call(client, "command_run", {
    workspace: "acme",
    servers: [h.server],
    command: "uptime",
    timeoutSeconds: 1,
  });
  return (result.structured!.results as Array<{ commandId: string }>)[0]!.commandId;
}

describe("acknowledge_command", () => {
  test("the agent acknowledges a queued command", async () => {
    const id = await queuedCommand();
    const { client, close } = await agentClient();
    const result = await call(client, "acknowledge_command", { command: id });
    await close();
    expect(result.isError).toBe(false);
    expect(result.structured).toMatchObject({ command: id });
  });

  test("an API token is refused: these are agent steps", async () => {
    const id = await queuedCommand();
    const result = await h.call("acknowledge_command", { workspace: "acme", command: id });
    expectToolError(result, "acknowledge_command failed");
  });
});

describe("finish_command", () => {
  test("the agent records a command's end", async () => {
    const id = await queuedCommand();
    const { client, close } = await agentClient();
    const result = await call(client, "finish_command", {
      command: id,
      success: true,
      result: "done",
      exitCode: 0,
    });
    await close();
    expect(result.isError).toBe(false);
    const { client: admin } = await h.connect();
    const read = await call(admin, "command_get", { workspace: "acme", command: id });
    expect(read.structured).toMatchObject({ output: "done", command: { exit_code: 0 } });
  });

  test("an unknown command is a 404", async () => {
    const { client, close } = await agentClient();
    const result = await call(client, "finish_command", { command: MISSING_ID, success: false });
    await close();
    expectToolError(result, "404");
  });
});
