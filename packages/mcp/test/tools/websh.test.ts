import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, test } from "vitest";
import { expectInvalidInput, expectToolError } from "../helpers/expect-tool.js";
import { useHarness } from "../helpers/file-harness.js";
import { call, MISSING_ID, sdkClient } from "../helpers/harness.js";

const h = useHarness();

/** Another loopback port posing as a websh endpoint: it counts every connection made to it. */
async function attackerEndpoint() {
  const server = createServer((_request, response) => response.end());
  let connections = 0;
  server.on("connection", () => {
    connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    get connections() {
      return connections;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** How many websh sessions are open on the test server. */
async function openSessions(): Promise<number> {
  const page = await sdkClient(h.sandbox).websh.sessions.list({
    server: h.server,
    page_size: 100,
  });
  return page.results.filter((session) => session.closed_at === null).length;
}

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

  test("refuses control characters before asking, so Ctrl-U cannot run a line outside eval", async () => {
    const { client } = await h.connect({ confirm: "elicit" }, { elicitation: { form: {} } });
    let asked = 0;
    client.setRequestHandler(ElicitRequestSchema, async () => {
      asked += 1;
      return { action: "accept", content: { confirm: true } };
    });
    await call(client, "websh_command_execute", {
      workspace: "acme",
      server: h.server,
      command: "echo keep > /tmp/victim",
    });
    const result = await call(client, "websh_command_execute", {
      workspace: "acme",
      server: h.server,
      command: "echo hi\u0015rm -f /tmp/victim #",
    });
    expectInvalidInput(result);
    expect(result.text).toContain("control character (U+0015)");
    expect(asked).toBe(1);
    const kept = await call(client, "websh_command_execute", {
      workspace: "acme",
      server: h.server,
      command: "cat /tmp/victim",
    });
    expect(kept.structured).toMatchObject({ output: "keep\n", exitCode: 0 });
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

  test("asks first, naming the session and host, and connects nothing when declined", async () => {
    const url = await websocketUrl();
    const sessionId = new URL(url).pathname.split("/ws/websh/")[1]!.split("/")[0]!;
    const questions: string[] = [];
    const { client } = await h.connect({ confirm: "elicit" }, { elicitation: { form: {} } });
    client.setRequestHandler(ElicitRequestSchema, async (request) => {
      questions.push(request.params.message);
      return { action: "decline" };
    });
    const result = await call(client, "websh_channel_connect", {
      workspace: "acme",
      websocketUrl: url,
    });
    expectToolError(result, "declined");
    expect(questions).toHaveLength(1);
    expect(questions[0]).toContain(`websh session ${sessionId} at \`${new URL(url).host}`);
    expect((await call(client, "websh_channels_list")).structured!.channels).toEqual([]);
  });

  test("refuses another host or port, and never reaches it", async () => {
    const attacker = await attackerEndpoint();
    try {
      const { client } = await h.connect({ confirm: "elicit" }, { elicitation: { form: {} } });
      let asked = 0;
      client.setRequestHandler(ElicitRequestSchema, async () => {
        asked += 1;
        return { action: "accept", content: { confirm: true } };
      });
      const real = new URL(await websocketUrl());
      for (const url of [`ws://127.0.0.1:${attacker.port}${real.pathname}`]) {
        const connect = await call(client, "websh_channel_connect", {
          workspace: "acme",
          websocketUrl: url,
        });
        expectToolError(connect, "not a websh endpoint of this workspace");
        const run = await call(client, "websh_websocket_execute", {
          workspace: "acme",
          websocketUrl: url,
          command: "PGPASSWORD=secret psql -c 'select 1'",
        });
        expectToolError(run, "not a websh endpoint of this workspace");
      }
      // Refused before the question, so nobody approves a call that cannot run.
      expect(asked).toBe(0);
      expect(attacker.connections).toBe(0);
    } finally {
      await attacker.close();
    }
  });

  test("never replaces an open channel", async () => {
    const attacker = await attackerEndpoint();
    try {
      const { client } = await h.connect();
      const created = await call(client, "websh_session_create", {
        workspace: "acme",
        server: h.server,
      });
      const root = created.structured!.channel as { channelId: string; sessionId: string };
      await call(client, "websh_channel_execute", {
        channelId: root.channelId,
        command: "cd /tmp",
      });
      // The attacker's URL under the root channel's id; then a real URL claiming that id.
      const hijacks = [
        `ws://127.0.0.1:${attacker.port}/ap1/acme/ws/websh/${root.sessionId}/${root.channelId}/t/`,
        await websocketUrl(),
      ];
      for (const url of hijacks) {
        const result = await call(client, "websh_channel_connect", {
          workspace: "acme",
          websocketUrl: url,
          channelId: root.channelId,
        });
        expect(result.isError).toBe(true);
      }
      // Attaching twice to one channel URL is refused too: the first stays.
      const url = await websocketUrl();
      const first = await call(client, "websh_channel_connect", {
        workspace: "acme",
        websocketUrl: url,
      });
      expect(first.isError).toBe(false);
      const again = await call(client, "websh_channel_connect", {
        workspace: "acme",
        websocketUrl: url,
      });
      expectToolError(again, "already open here");
      const pwd = await call(client, "websh_channel_execute", {
        channelId: root.channelId,
        command: "pwd",
      });
      expect(pwd.structured).toMatchObject({ output: "/tmp\n", exitCode: 0 });
      expect(attacker.connections).toBe(0);
    } finally {
      await attacker.close();
    }
  });

  test("holds at most the channel cap, even when asked for many at once", async () => {
    const { client } = await h.connect({ websh: { maxChannels: 3 } });
    const before = await openSessions();
    const created = await Promise.all(
      Array.from({ length: 6 }, () =>
        call(client, "websh_session_create", { workspace: "acme", server: h.server }),
      ),
    );
    expect(created.filter((result) => !result.isError)).toHaveLength(3);
    for (const refused of created.filter((result) => result.isError)) {
      expect(refused.text).toContain("the most this server keeps");
    }
    // No session beyond the cap is left open on the server either.
    expect((await openSessions()) - before).toBe(3);
    const url = await websocketUrl();
    const attached = await call(client, "websh_channel_connect", {
      workspace: "acme",
      websocketUrl: url,
    });
    expectToolError(attached, "the most this server keeps");
    expect((await call(client, "websh_channels_list")).structured!.channels).toHaveLength(3);
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

  test("a server name that does not exist is refused", async () => {
    const result = await h.call("websh_sessions_list", { workspace: "acme", server: "db-99" });
    expectToolError(result, 'no server is named "db-99"');
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
