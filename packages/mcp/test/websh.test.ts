import { describe, expect, test } from "vitest";
import { expectInvalidInput, expectToolError } from "./helpers/expect-tool.js";
import { useHarness } from "./helpers/file-harness.js";
import { call, MISSING_ID, sdkClient } from "./helpers/harness.js";

const h = useHarness();

/** A websh URL minted through the SDK, as another client or the web console would hand it over. */
async function websocketUrl(): Promise<string> {
  const created = await sdkClient(h.sandbox).websh.sessions.create({ server: h.server });
  return created.websocket_url;
}

describe("websh_session_create / websh_channel_execute / websh_channels_list / websh_session_terminate", () => {
  test("a channel keeps shell state between commands until terminated", async () => {
    const { client } = await h.connect();
    const created = await call(client, "websh_session_create", {
      workspace: "acme",
      server: h.server,
    });
    expect(created.isError).toBe(false);
    const channel = created.structured!.channel as { channelId: string; sessionId: string };

    const cd = await call(client, "websh_channel_execute", {
      channelId: channel.channelId,
      command: "cd /tmp",
    });
    expect(cd.structured).toMatchObject({ exitCode: 0 });
    const pwd = await call(client, "websh_channel_execute", {
      channelId: channel.channelId,
      command: "pwd",
    });
    expect((pwd.structured!.output as string).trim()).toBe("/tmp");

    const listed = await call(client, "websh_channels_list");
    expect(listed.structured!.channels).toEqual([
      expect.objectContaining({ channelId: channel.channelId, sessionId: channel.sessionId }),
    ]);

    const closed = await call(client, "websh_session_terminate", {
      workspace: "acme",
      sessionId: channel.sessionId,
    });
    expect(closed.structured).toMatchObject({ closedChannels: [channel.channelId] });
    expect((await call(client, "websh_channels_list")).structured!.channels).toEqual([]);
  });
});

describe("websh_session_create", () => {
  test("an unknown server is refused", async () => {
    const result = await h.call("websh_session_create", {
      workspace: "acme",
      server: MISSING_ID,
    });
    expectToolError(result, "websh_session_create failed");
  });
});

describe("websh_channel_execute", () => {
  test("an unknown channel says how to find or open one", async () => {
    const result = await h.call("websh_channel_execute", {
      channelId: "nope",
      command: "uptime",
    });
    expectToolError(result, "websh_channels_list");
  });
});

describe("websh_channels_list", () => {
  test("is empty on a fresh server and says how to open a channel", async () => {
    const result = await h.call("websh_channels_list");
    expect(result.structured).toEqual({ channels: [] });
    expect(result.text).toContain("websh_session_create");
  });
});

describe("websh_session_terminate", () => {
  test("an unknown session is a 404", async () => {
    const result = await h.call("websh_session_terminate", {
      workspace: "acme",
      sessionId: MISSING_ID,
    });
    expectToolError(result, "websh_sessions_list");
  });
});

describe("websh_command_execute", () => {
  test("runs one command and returns its exit code", async () => {
    const result = await h.call("websh_command_execute", {
      workspace: "acme",
      server: h.server,
      command: "echo hi; false",
    });
    expect(result.structured).toMatchObject({ exitCode: 1, timedOut: false });
    expect(result.structured!.output).toContain("hi");
  });

  test("an unknown server is refused", async () => {
    const result = await h.call("websh_command_execute", {
      workspace: "acme",
      server: MISSING_ID,
      command: "uptime",
    });
    expect(result.isError).toBe(true);
  });
});

describe("websh_websocket_execute", () => {
  test("runs one command through a given URL", async () => {
    const result = await h.call("websh_websocket_execute", {
      workspace: "acme",
      websocketUrl: await websocketUrl(),
      command: "echo via-url",
    });
    expect(result.text).toContain("via-url");
    expect(result.structured).toMatchObject({ exitCode: 0 });
    expect(result.structured!.output).toContain("via-url");
  });

  test("a URL that is not a websh WebSocket is refused before connecting", async () => {
    const result = await h.call("websh_websocket_execute", {
      workspace: "acme",
      websocketUrl: "https://example.com/ws/websh/a/b/c/",
      command: "uptime",
    });
    expectInvalidInput(result);
  });
});

describe("websh_channel_connect", () => {
  test("attaches to a session and keeps the channel", async () => {
    const { client } = await h.connect();
    const result = await call(client, "websh_channel_connect", {
      workspace: "acme",
      websocketUrl: await websocketUrl(),
    });
    expect(result.text).toContain("Attached");
    expect(result.isError).toBe(false);
    const channel = result.structured!.channel as { channelId: string };
    const run = await call(client, "websh_channel_execute", {
      channelId: channel.channelId,
      command: "whoami",
    });
    expect(run.structured).toMatchObject({ exitCode: 0 });
  });

  test("a path outside /ws/websh/ is refused", async () => {
    const result = await h.call("websh_channel_connect", {
      workspace: "acme",
      websocketUrl: "ws://127.0.0.1:1/other/",
    });
    expectToolError(result, "websh WebSocket URL");
  });
});

describe("websh_sessions_list", () => {
  test("lists sessions without their single-use URLs", async () => {
    await websocketUrl();
    const result = await h.call("websh_sessions_list", { workspace: "acme", server: h.server });
    expect(result.isError).toBe(false);
    expect((result.structured!.sessions as unknown[]).length).toBeGreaterThan(0);
    expect(JSON.stringify(result)).not.toContain("/ws/websh/");
  });

  test("a server name instead of an id is refused", async () => {
    const result = await h.call("websh_sessions_list", { workspace: "acme", server: "db-1" });
    expect(result.isError).toBe(true);
  });
});

describe("shutdown", () => {
  test("closing the MCP server ends the sessions it opened", async () => {
    const { client, close } = await h.connect();
    const created = await call(client, "websh_session_create", {
      workspace: "acme",
      server: h.server,
    });
    const { sessionId } = created.structured!.channel as { sessionId: string };
    await close();
    const sessions = sdkClient(h.sandbox).websh.sessions;
    let closedAt: string | null = null;
    for (let attempt = 0; attempt < 50 && !closedAt; attempt += 1) {
      closedAt = (await sessions.get(sessionId)).closed_at;
      if (!closedAt) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(closedAt).not.toBeNull();
  });
});
