import { describe, expect, it } from "vitest";
import { eventually, useSandbox } from "../helpers/sandbox.js";
import { addChannel, createSession, HandshakeError, TerminalClient } from "./terminal-client.js";

const handle = useSandbox();

/** The SDK's command line (see test/shell/eval-trap.test.ts), as sent over the socket. */
function markerLine(command: string, id: string, exitId = `${id.slice(0, 16)}e`): string {
  const quoted = `'${command.replaceAll("'", `'\\''`)}'`;
  return (
    ` trap "printf '\\n__ALPX_%s_%d__\\n' ${exitId} \\$?" EXIT; printf '\\n__ALPS_%s__\\n' ${id}; ` +
    `eval ${quoted}; printf '\\n__ALPE_%s_%d__\\n' ${id} $?\r`
  );
}

const PROMPT = /[a-z0-9_-]+@[a-z0-9.-]+:[^\r\n]*[$#] $/;

async function open(headers: Record<string, string> = {}) {
  const api = handle.api();
  const session = await createSession(api);
  const client = await TerminalClient.connect(session.websocketUrl, headers);
  await client.waitFor(PROMPT);
  return { api, session, client };
}

describe("websh WebSocket", () => {
  it("greets with a prompt, echoes input and answers in binary frames with CRLF", async () => {
    const { session, client } = await open();
    expect(client.text).toMatch(new RegExp(`^${session.username}@[^:]+:~\\$ $`));
    const from = client.text.length;
    client.type("echo hello; echo world\r");
    const out = await client.waitFor(/world\r\n.*\$ $/s, from);
    expect(out).toMatch(/^echo hello; echo world\r\nhello\r\nworld\r\n\S+@\S+:~\$ $/);
    expect(client.frames.every((frame) => frame.binary)).toBe(true);
    client.close();
  });

  it("accepts text frames and \\n line ends too (the old MCP client)", async () => {
    const { client } = await open();
    const from = client.text.length;
    client.socket.send("pwd\n");
    const out = await client.waitFor(/\/home\/\S+\r\n.*\$ $/s, from);
    expect(out).toMatch(/^pwd\r\n\/home\/[^\r]+\r\n/);
    client.close();
  });

  it("handles erase keys and ignores arrow keys like a cooked terminal", async () => {
    const { client } = await open();
    const from = client.text.length;
    client.type("echo abx\x7fc\x1b[A\r");
    const out = await client.waitFor(/abc\r\n.*\$ $/s, from);
    expect(out).toContain("echo abx\b \bc\r\nabc\r\n");
    client.close();
  });

  it("shows the same output on every channel and ignores read-only input", async () => {
    const { api, session, client: first } = await open();
    const second = await TerminalClient.connect(await addChannel(api, session.id));
    const viewer = await TerminalClient.connect(
      await addChannel(api, session.id, { readOnly: true }),
    );
    await second.waitFor(PROMPT);
    await viewer.waitFor(PROMPT);
    const marks = [first, second, viewer].map((c) => c.text.length);

    viewer.type("echo from-viewer\r");
    second.type("echo from-second\r");
    for (const [i, client] of [first, second, viewer].entries()) {
      const out = await client.waitFor(/from-second\r\n.*\$ $/s, marks[i]);
      expect(out).toMatch(/^echo from-second\r\nfrom-second\r\n/);
      expect(out).not.toContain("from-viewer");
    }
    for (const client of [first, second, viewer]) client.close();
  });

  it("interrupts a running sleep with Ctrl-C quickly", async () => {
    const { client } = await open();
    const from = client.text.length;
    client.type("sleep 5\r");
    await client.waitFor("sleep 5\r\n", from);
    const started = performance.now();
    client.type("\x03");
    const out = await client.waitFor(/\^C\r\n\S+@\S+:~\$ $/, from);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(out).toMatch(/^sleep 5\r\n\^C\r\n/);
    const next = client.text.length;
    client.type("echo $?\r");
    await client.waitFor("130\r\n", next);
    client.close();
  });

  it("resizes the PTY through PATCH rows/cols", async () => {
    const { api, session, client } = await open();
    const res = await api.patch(`/api/websh/sessions/${session.id}/`, { rows: 40, cols: 132 });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ rows: 40, cols: 132 });
    const from = client.text.length;
    client.type("stty size; echo $COLUMNS\r");
    const out = await client.waitFor(/132\r\n.*\$ $/s, from);
    expect(out).toContain("\r\n40 132\r\n132\r\n");
    client.close();
  });

  it("ends every channel with 4000 on exit and closes the session", async () => {
    const { api, session, client: first } = await open();
    const second = await TerminalClient.connect(await addChannel(api, session.id));
    await second.waitFor(PROMPT);
    first.type("exit\r");
    const [a, b] = await Promise.all([first.closed, second.closed]);
    expect(a.code).toBe(4000);
    expect(b.code).toBe(4000);
    expect(first.text).toMatch(/exit\r\nexit\r\n$/);
    const detail = await api.get(`/api/websh/sessions/${session.id}/`);
    expect(detail.body.closed_at).not.toBeNull();
    const resize = await api.patch(`/api/websh/sessions/${session.id}/`, { rows: 10, cols: 10 });
    expect(resize.status).toBe(400);
    expect(resize.body).toEqual({ non_field_errors: ["Closed sessions cannot be updated."] });
  });

  it("ends channels with 4000 on REST close and force-close", async () => {
    for (const action of ["close", "force-close"]) {
      const { api, session, client } = await open();
      const res = await api.post(`/api/websh/sessions/${session.id}/${action}/`, {});
      expect(res.status).toBe(200);
      expect((await client.closed).code).toBe(4000);
    }
  });

  it("keeps the shell (cwd, variables) across reconnects of one session", async () => {
    const { api, session, client } = await open();
    let from = client.text.length;
    client.type("cd /tmp; export KEEP=yes\r");
    await client.waitFor(/:\/tmp\$ $/, from);
    client.close();
    const again = await TerminalClient.connect(
      await addChannel(api, session.id, { isMaster: true }),
    );
    await again.waitFor(/:\/tmp\$ $/);
    from = again.text.length;
    again.type("echo $KEEP\r");
    await again.waitFor("yes\r\n", from);
    again.close();
  });

  it("refuses bad, reused and unknown tokens with an HTTP error", async () => {
    const { session, client } = await open();
    const url = new URL(session.websocketUrl);
    const bad = session.websocketUrl.replace(/\/[^/]+\/$/, "/not-the-token/");
    await expect(TerminalClient.connect(bad)).rejects.toMatchObject({ status: 401 });
    // Channel tokens are single-use: the URL already used above is refused too.
    await expect(TerminalClient.connect(session.websocketUrl)).rejects.toBeInstanceOf(
      HandshakeError,
    );
    const unknown = `${url.origin}${url.pathname.replace(session.id, "00000000-0000-4000-8000-000000000000")}`;
    await expect(TerminalClient.connect(unknown)).rejects.toMatchObject({ status: 404 });
    client.close();
  });

  it("records the connecting User-Agent on the session", async () => {
    const { api, session, client } = await open({ "User-Agent": "alpacon-mcp/0.1 test" });
    const detail = await api.get(`/api/websh/sessions/${session.id}/`);
    expect(detail.body.user_agent).toBe("alpacon-mcp/0.1 test");
    expect(detail.body.remote_ip).toBe("127.0.0.1");
    client.close();
  });

  it("drops the connection without a close frame after N frames (ws-drop fault)", async () => {
    const id = handle.sandbox.control.addFault({
      kind: "ws-drop",
      afterFrames: 2,
      path: "/ws/websh/*",
    });
    try {
      const { client } = await open();
      client.type("echo one\r");
      const { code } = await client.closed;
      expect(code).toBe(1006);
      expect(client.frames).toHaveLength(2);
    } finally {
      handle.sandbox.control.removeFault(id);
    }
  });

  it("frames commands with the SDK's markers, exit codes included", async () => {
    const { api, session, client } = await open();
    let from = client.text.length;
    const command = "cd /tmp && echo 'it''s' \"ok\" # comment";
    client.type(markerLine(command, "00112233aabbccdd1"));
    let out = await client.waitFor(/__ALPE_00112233aabbccdd1_(\d+)__/, from);
    const clean = out.replace(/\r\n/g, "\n");
    expect(clean).toContain(
      "\n__ALPS_00112233aabbccdd1__\nits ok\n\n__ALPE_00112233aabbccdd1_0__\n",
    );

    from = client.text.length;
    client.type(markerLine("pwd; false", "00112233aabbccdd2"));
    out = await client.waitFor(/__ALPE_00112233aabbccdd2_\d+__/, from);
    expect(out.replace(/\r\n/g, "\n")).toContain(
      "\n__ALPS_00112233aabbccdd2__\n/tmp\n\n__ALPE_00112233aabbccdd2_1__\n",
    );

    from = client.text.length;
    client.type(markerLine("exit 3", "00112233aabbccdd3"));
    const { code } = await client.closed;
    expect(code).toBe(4000);
    // The line's EXIT trap reports the status.
    expect(client.text.slice(from)).toContain("__ALPX_00112233aabbccdde_3__");
    await eventually(
      async () => (await api.get(`/api/websh/sessions/${session.id}/`)).body.closed_at,
    );
  });
});
