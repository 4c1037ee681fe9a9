import { createAlpaconClient } from "@alpacon/sdk";
import { describe, expect, test } from "vitest";
import { auditArguments } from "../../src/server/audit.js";
import { expectInvalidInput, expectToolError } from "../helpers/expect-tool.js";
import { useHarness } from "../helpers/file-harness.js";
import { call, MISSING_ID, sdkClient } from "../helpers/harness.js";

const h = useHarness();

/** An open session of the admin token's user, as the web console or the CLI would leave it. */
async function adminSession() {
  return sdkClient(h.sandbox).websh.sessions.create({ server: h.server, rows: 24, cols: 80 });
}

/** The JWT caller's address, as the API shows it on a session of theirs. */
async function jwtEmail(): Promise<string> {
  const ws = h.sandbox.workspaces.find((item) => item.workspace === "acme")!;
  const member = createAlpaconClient({
    workspace: ws.workspace,
    region: ws.region,
    token: ws.tokens.jwt,
    baseUrl: ws.baseUrl,
  });
  const own = await member.websh.sessions.create({ server: h.server, rows: 24, cols: 80 });
  await member.websh.sessions.close(own.id);
  return own.user.email!;
}

async function closedSession() {
  const session = await adminSession();
  await sdkClient(h.sandbox).websh.sessions.close(session.id);
  return session;
}

describe("share_websh_session", () => {
  test("returns the link and its password, and says what guests may do before it runs", async () => {
    const session = await adminSession();
    const { client, questions } = await h.asking();
    const result = await call(client, "share_websh_session", {
      workspace: "acme",
      sessionId: session.id,
      readOnly: false,
    });
    expect(result.isError).toBe(false);
    expect(questions[0]).toContain(`as \`${session.username}\` on server ${session.server.name}`);
    expect(questions[0]).toContain("type commands into it");
    const shared = result.structured as { sharedUrl: string; password: string; readOnly: boolean };
    expect(shared.readOnly).toBe(false);
    expect(new URL(shared.sharedUrl).searchParams.get("channel")).toBeTruthy();
    expect(result.text).toContain(`Password: ${shared.password}`);
  });

  test("a closed session is refused before anyone is asked", async () => {
    const session = await closedSession();
    const { client, questions } = await h.asking();
    const result = await call(client, "share_websh_session", {
      workspace: "acme",
      sessionId: session.id,
    });
    expectToolError(result, "was closed");
    expect(questions).toEqual([]);
    // Without asking, the API's own refusal comes through.
    const unasked = await h.call("share_websh_session", {
      workspace: "acme",
      sessionId: session.id,
    });
    expectToolError(unasked, "Closed sessions cannot be shared");
  });
});

describe("invite_to_websh_session", () => {
  test("names every address and the access, and the sandbox sends one link each", async () => {
    const session = await adminSession();
    const { client, questions } = await h.asking();
    const result = await call(client, "invite_to_websh_session", {
      workspace: "acme",
      sessionId: session.id,
      emails: ["ops@example.com", "dba@example.com"],
    });
    expect(result.structured).toMatchObject({
      readOnly: true,
      emails: ["ops@example.com", "dba@example.com"],
    });
    expect(questions[0]).toContain("`ops@example.com`, `dba@example.com`");
    expect(questions[0]).toContain("watch it (read-only)");
    const links = h.sandbox.control
      .workspace("ap1", "acme")
      .webshInvitations()
      .filter((link) => link.session === session.id);
    expect(links.map((link) => [link.email, link.read_only])).toEqual([
      ["ops@example.com", true],
      ["dba@example.com", true],
    ]);
  });

  test("refuses a malformed address and a session that is not there", async () => {
    expectInvalidInput(
      await h.call("invite_to_websh_session", {
        workspace: "acme",
        sessionId: MISSING_ID,
        emails: ["not-an-address"],
      }),
    );
    expectToolError(
      await h.call("invite_to_websh_session", {
        workspace: "acme",
        sessionId: MISSING_ID,
        emails: ["ops@example.com"],
      }),
      "websh_sessions_list",
    );
  });
});

describe("join_shared_session", () => {
  test("a read-write share joined by link and password is a kept channel that runs commands", async () => {
    const session = await adminSession();
    const share = await sdkClient(h.sandbox).websh.sessions.share(session.id, { read_only: false });
    const { client, questions } = await h.asking({ token: "jwt" });
    const joined = await call(client, "join_shared_session", {
      workspace: "acme",
      sharedUrl: share.shared_url,
      password: share.password,
    });
    expect(joined.isError).toBe(false);
    const link = new URL(share.shared_url);
    expect(questions[0]).toContain(`link \`${link.host}${link.pathname}\``);
    expect(questions[0]).not.toContain(share.password);
    const channel = joined.structured!.channel as { channelId: string; readOnly: boolean };
    expect(channel).toMatchObject({ sessionId: session.id, readOnly: false });
    const listed = await call(client, "websh_channels_list");
    expect(listed.structured!.channels).toEqual([
      expect.objectContaining({ channelId: channel.channelId }),
    ]);
    const ran = await call(client, "websh_channel_execute", {
      channelId: channel.channelId,
      command: "echo from-guest",
    });
    expect(ran.structured).toMatchObject({ output: "from-guest\n", exitCode: 0 });
    // The session's record is its owner's: the question says whose shell it is as it can.
    expect(questions.at(-1)).toContain(`in the shared websh session ${session.id} you joined`);
  });

  test("a read-only share gives a channel that refuses commands, saying why", async () => {
    const session = await adminSession();
    const share = await sdkClient(h.sandbox).websh.sessions.share(session.id, { read_only: true });
    const { client } = await h.connect({ token: "jwt" });
    const joined = await call(client, "join_shared_session", {
      workspace: "acme",
      channelId: new URL(share.shared_url).searchParams.get("channel"),
      password: share.password,
    });
    expect(joined.text).toContain("read-only");
    const channelId = (joined.structured!.channel as { channelId: string }).channelId;
    const ran = await call(client, "websh_channel_execute", { channelId, command: "id" });
    expectToolError(ran, "read-only");
  });

  test("an invitee joins with the link's token", async () => {
    const session = await adminSession();
    const { client } = await h.connect({ token: "jwt" });
    const email = await jwtEmail();
    await sdkClient(h.sandbox).websh.sessions.invite(session.id, {
      emails: [email],
      read_only: false,
    });
    const link = h.sandbox.control
      .workspace("ap1", "acme")
      .webshInvitations()
      .find((item) => item.session === session.id)!;
    const joined = await call(client, "join_shared_session", {
      workspace: "acme",
      channelId: link.channel,
      inviteToken: link.token,
    });
    expect(joined.structured!.channel).toMatchObject({ sessionId: session.id, readOnly: false });
  });

  test("a wrong password, a link of another host and two credentials are refused", async () => {
    const session = await adminSession();
    const share = await sdkClient(h.sandbox).websh.sessions.share(session.id, { read_only: true });
    const { client } = await h.connect({ token: "jwt" });
    const wrong = await call(client, "join_shared_session", {
      workspace: "acme",
      sharedUrl: share.shared_url,
      password: "not-it",
    });
    expectToolError(wrong, "Incorrect password");
    const elsewhere = new URL(share.shared_url);
    elsewhere.host = "alpacon.example.org";
    expectToolError(
      await call(client, "join_shared_session", {
        workspace: "acme",
        sharedUrl: elsewhere.toString(),
        password: share.password,
      }),
      "but this workspace is at",
    );
    expectToolError(
      await call(client, "join_shared_session", {
        workspace: "acme",
        sharedUrl: share.shared_url,
        password: share.password,
        inviteToken: "x",
      }),
      "exactly one of password and inviteToken",
    );
    expect((await call(client, "websh_channels_list")).structured!.channels).toEqual([]);
  });

  test("the password and the invite token never reach the audit log", () => {
    const kept = auditArguments(
      { sharedUrl: "https://x/websh/shared/1?channel=2", password: "p4ss", inviteToken: "t0k" },
      [],
    );
    expect(kept).toEqual({
      sharedUrl: "https://x/websh/shared/1?channel=2",
      password: "[redacted]",
      inviteToken: "[redacted]",
    });
  });
});

describe("websh_channel_disconnect / websh_session_reconnect", () => {
  test("disconnecting leaves the session open; reconnecting keeps a new master channel", async () => {
    const { client, questions } = await h.asking();
    const created = await call(client, "websh_session_create", {
      workspace: "acme",
      server: h.server,
    });
    const channel = created.structured!.channel as { channelId: string; sessionId: string };
    await call(client, "websh_channel_execute", {
      channelId: channel.channelId,
      command: "cd /tmp",
    });

    const dropped = await call(client, "websh_channel_disconnect", {
      channelId: channel.channelId,
    });
    expect(dropped.text).toContain("still open on the server");
    expect(questions.at(-1)).toContain(`Disconnect websh channel ${channel.channelId}`);
    expect((await call(client, "websh_channels_list")).structured!.channels).toEqual([]);
    const session = await sdkClient(h.sandbox).websh.sessions.get(channel.sessionId);
    expect(session.closed_at).toBeNull();

    const back = await call(client, "websh_session_reconnect", {
      workspace: "acme",
      sessionId: channel.sessionId,
    });
    expect(questions.at(-1)).toContain(
      `as \`${session.username}\` on server ${session.server.name}`,
    );
    const again = back.structured!.channel as { channelId: string; server: string };
    expect(again).toMatchObject({
      sessionId: channel.sessionId,
      server: h.server,
      readOnly: false,
    });
    const pwd = await call(client, "websh_channel_execute", {
      channelId: again.channelId,
      command: "pwd",
    });
    // The same shell: the directory changed before the disconnect is still current.
    expect(pwd.structured).toMatchObject({ output: "/tmp\n" });
    await call(client, "websh_session_terminate", {
      workspace: "acme",
      sessionId: channel.sessionId,
    });
  });

  test("an unknown channel and a closed session are refused with what to do", async () => {
    expectToolError(
      await h.call("websh_channel_disconnect", { channelId: "nope" }),
      "websh_channels_list",
    );
    const session = await closedSession();
    expectToolError(
      await h.call("websh_session_reconnect", { workspace: "acme", sessionId: session.id }),
      "websh_session_create",
    );
  });
});

describe("list_websh_tunnels / create_websh_tunnel / close_websh_tunnel", () => {
  test("a tunnel is recorded, listed and closed, and no token comes back", async () => {
    const { client, questions } = await h.asking();
    const created = await call(client, "create_websh_tunnel", {
      workspace: "acme",
      server: h.server,
      targetPort: 5432,
    });
    expect(questions[0]).toMatch(/port 5432 on server `[^`]+` \(id /);
    expect(created.text).toContain("carries no TCP traffic");
    expect(JSON.stringify(created.structured)).not.toContain("/ws/");
    const tunnelId = created.structured!.tunnelId as string;
    const listed = await call(client, "list_websh_tunnels", {
      workspace: "acme",
      server: h.server,
    });
    expect(listed.structured!.tunnels).toEqual([
      expect.objectContaining({ id: tunnelId, target_port: 5432 }),
    ]);
    const closed = await call(client, "close_websh_tunnel", { workspace: "acme", tunnelId });
    expect(closed.structured!.closedAt).toBeTruthy();
    expect(questions.at(-1)).toContain(`Close websh tunnel ${tunnelId}`);
    expectToolError(
      await call(client, "close_websh_tunnel", { workspace: "acme", tunnelId }),
      "already closed",
    );
  });

  test("an unknown server, port or tunnel is refused", async () => {
    expectToolError(
      await h.call("create_websh_tunnel", {
        workspace: "acme",
        server: MISSING_ID,
        targetPort: 22,
      }),
      "servers_list",
    );
    expectInvalidInput(
      await h.call("create_websh_tunnel", { workspace: "acme", server: h.server, targetPort: 0 }),
    );
    expectToolError(
      await h.call("close_websh_tunnel", { workspace: "acme", tunnelId: MISSING_ID }),
      "list_websh_tunnels",
    );
    const listed = await h.call("list_websh_tunnels", {
      workspace: "acme",
      username: "nobody-here",
    });
    expect(listed.structured!.tunnels).toEqual([]);
  });
});
