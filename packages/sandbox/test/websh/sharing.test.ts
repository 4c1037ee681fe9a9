import { describe, expect, it } from "vitest";
import { useSandbox } from "../helpers/sandbox.js";
import { createSession, linuxServer, TerminalClient } from "./terminal-client.js";

let clock = Date.parse("2026-03-01T09:00:00Z");
const handle = useSandbox({ now: () => clock });
const PROMPT = /[$#] $/;

/** The JWT caller's address, as the API shows it on a session of theirs. */
async function memberEmail(): Promise<string> {
  const own = await createSession(handle.api(0, "jwt"));
  const detail = await handle.api(0, "jwt").get(`/api/websh/sessions/${own.id}/`);
  return detail.body.user.email;
}

describe("websh share, invite and join", () => {
  it("a read-only share joined with its password gives a channel whose input is ignored", async () => {
    const api = handle.api();
    const guest = handle.api(0, "jwt");
    const session = await createSession(api);
    const share = await api.post(`/api/websh/sessions/${session.id}/share/`, { read_only: true });
    const channel = new URL(share.body.shared_url).searchParams.get("channel");
    const joined = await guest.post(`/api/websh/user-channels/${channel}/join/`, {
      password: share.body.password,
    });
    expect(joined.body.read_only).toBe(true);
    const owner = await TerminalClient.connect(session.websocketUrl);
    const viewer = await TerminalClient.connect(joined.body.websocket_url);
    await owner.waitFor(PROMPT);
    await viewer.waitFor(PROMPT);
    const from = owner.text.length;
    viewer.type("echo from-viewer\r");
    owner.type("echo from-owner\r");
    const out = await viewer.waitFor(/from-owner\r\n.*[$#] $/s, from);
    expect(out).not.toContain("from-viewer");
    owner.close();
    viewer.close();
  });

  it("a share expires after 30 minutes", async () => {
    const api = handle.api();
    const session = await createSession(api);
    const share = await api.post(`/api/websh/sessions/${session.id}/share/`, { read_only: false });
    const channel = new URL(share.body.shared_url).searchParams.get("channel");
    expect(Date.parse(share.body.expiration) - clock).toBe(30 * 60_000);
    clock += 30 * 60_000 + 1;
    const late = await handle
      .api(0, "jwt")
      .post(`/api/websh/user-channels/${channel}/join/`, { password: share.body.password });
    expect(late.status).toBe(400);
    expect(late.body).toEqual({ non_field_errors: ["This shared session has expired."] });
  });

  it("invites: one link per address, joined with its token by that address only", async () => {
    const api = handle.api();
    const email = await memberEmail();
    const session = await createSession(api);
    const sent = await api.post(`/api/websh/sessions/${session.id}/invite/`, {
      emails: [email, "someone@example.org"],
      read_only: false,
    });
    expect(sent.status).toBe(200);
    const links = handle.sandbox.control
      .workspace("ap1", "acme")
      .webshInvitations()
      .filter((i) => i.session === session.id);
    expect(links.map((l) => l.email)).toEqual([email.toLowerCase(), "someone@example.org"]);
    const mine = links[0]!;
    const guest = handle.api(0, "jwt");
    const path = `/api/websh/user-channels/${mine.channel}/join/`;
    expect((await guest.post(path, { token: "wrong" })).body).toEqual({
      token: ["Invalid token."],
    });
    const other = links[1]!;
    const notMine = await guest.post(`/api/websh/user-channels/${other.channel}/join/`, {
      token: other.token,
    });
    expect(notMine.status).toBe(403);
    const joined = await guest.post(path, { token: mine.token });
    expect(joined.status).toBe(200);
    expect(joined.body).toMatchObject({ id: session.id, read_only: false });
  });

  it("only the owner's open session can be shared, invited to or reconnected", async () => {
    const api = handle.api();
    const session = await createSession(api);
    const stranger = handle.api(0, "jwt");
    expect(
      (await stranger.post(`/api/websh/sessions/${session.id}/invite/`, { emails: ["a@b.io"] }))
        .status,
    ).toBe(404);
    const bad = await api.post(
      `/api/websh/sessions/${session.id}/invite/`,
      { emails: ["nope"] },
      { invalidRequest: true },
    );
    expect(bad.body).toEqual({ emails: ["Enter a valid email address."] });
    await api.post(`/api/websh/sessions/${session.id}/close/`, {});
    const closed = { non_field_errors: ["Closed sessions cannot be shared."] };
    expect((await api.post(`/api/websh/sessions/${session.id}/share/`, {})).body).toEqual(closed);
    expect(
      (await api.post(`/api/websh/sessions/${session.id}/invite/`, { emails: ["a@b.io"] })).body,
    ).toEqual(closed);
    const reconnect = await api.post("/api/websh/user-channels/", {
      session: session.id,
      is_master: true,
      read_only: false,
    });
    expect(reconnect.body).toEqual({ non_field_errors: ["Closed sessions cannot be joined."] });
  });
});

describe("websh tunnels", () => {
  it("records a tunnel, lists it by server and user, and closes it once", async () => {
    const api = handle.api();
    const server = await linuxServer(api);
    const created = await api.post("/api/websh/tunnels/", {
      server: server.id,
      target_port: 5432,
      username: "",
      groupname: "",
      client_type: "cli",
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ server: { id: server.id }, target_port: 5432 });
    expect(created.body.websocket_url).toContain(`/ws/websh/tunnels/${created.body.id}/`);
    const listed = await api.get(`/api/websh/tunnels/?server=${server.id}`);
    expect(listed.body.results.map((t: { id: string }) => t.id)).toContain(created.body.id);
    const byUser = await api.get("/api/websh/tunnels/?username=nobody-here");
    expect(byUser.body.results).toEqual([]);
    // Tunnels are their owner's: another user neither sees nor closes them.
    const member = handle.api(0, "jwt");
    expect((await member.get("/api/websh/tunnels/")).body.results).toEqual([]);
    expect((await member.post(`/api/websh/tunnels/${created.body.id}/close/`, {})).status).toBe(
      404,
    );
    const closed = await api.post(`/api/websh/tunnels/${created.body.id}/close/`, {});
    expect(closed.body.closed_at).not.toBeNull();
    const again = await api.post(`/api/websh/tunnels/${created.body.id}/close/`, {});
    expect(again.body).toEqual({ non_field_errors: ["This tunnel is already closed."] });
  });

  it("follows the MFA and work-session gates as a websh session does", async () => {
    const ws = handle.sandbox.control.workspace("ap1", "acme");
    const server = await linuxServer(handle.api());
    try {
      ws.setGates({ mfaRequired: true });
      const mfa = await handle
        .api()
        .post("/api/websh/tunnels/", { server: server.id, target_port: 22 });
      expect(mfa.status).toBe(401);
      expect(mfa.body).toMatchObject({ code: "auth_mfa_required", source: "tunnel" });
      ws.setGates({ mfaRequired: false, workSessionRequired: true });
      const gated = await handle
        .api(0, "jwt")
        .post("/api/websh/tunnels/", { server: server.id, target_port: 22 });
      expect(gated.body).toEqual({ code: "work_session_required", source: "tunnel" });
    } finally {
      ws.setGates({ mfaRequired: false, workSessionRequired: false });
    }
  });

  it("refuses a port out of range and an unknown run-as user", async () => {
    const api = handle.api();
    const server = await linuxServer(api);
    const port = await api.post(
      "/api/websh/tunnels/",
      { server: server.id, target_port: 70000 },
      { invalidRequest: true },
    );
    expect(port.body).toEqual({
      target_port: ["Ensure this value is less than or equal to 65535."],
    });
    const user = await api.post("/api/websh/tunnels/", {
      server: server.id,
      target_port: 22,
      username: "no-such-user",
    });
    expect(user.status).toBe(400);
  });
});
