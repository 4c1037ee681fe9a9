import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";
import {
  AbortedError,
  ConfigError,
  createAlpaconClient,
  WebshClosedError,
  WebshHandshakeError,
  type WebshSession,
} from "../../src/index.js";
import { useSdkSandbox } from "../helpers/sandbox.js";

const env = useSdkSandbox({ servers: 8 });
const opened: WebshSession[] = [];

async function open(options: { username?: string } = {}) {
  const [server] = env.serverIds(1);
  const session = await env.client().websh.open({ server: server!, ...options });
  opened.push(session);
  return session;
}

afterEach(async () => {
  env.sandbox.control.clearFaults();
  await Promise.all(opened.splice(0).map((session) => session.close().catch(() => undefined)));
});

describe("session.exec", () => {
  it("returns output and exit codes: echo 0, false 1, exit 3", async () => {
    const shell = await open();
    await expect(shell.exec("echo hi")).resolves.toMatchObject({
      output: "hi\n",
      exitCode: 0,
      timedOut: false,
      truncated: false,
    });
    await expect(shell.exec("false")).resolves.toMatchObject({ output: "", exitCode: 1 });
    const exit = await shell.exec("exit 3");
    expect(exit.exitCode).toBe(3);
  });

  it("keeps the working directory and environment between commands", async () => {
    const shell = await open();
    await shell.exec("cd /tmp && export GREETING=hello");
    await expect(shell.exec("pwd; echo $GREETING")).resolves.toMatchObject({
      output: "/tmp\nhello\n",
      exitCode: 0,
    });
  });

  it("waits for a command that pauses instead of cutting it at the first silence", async () => {
    const shell = await open();
    const result = await shell.exec("echo before; sleep 2; echo after", { timeoutMs: 10_000 });
    expect(result.output).toBe("before\nafter\n");
    expect(result.durationMs).toBeGreaterThanOrEqual(1_900);
  });

  it("is not fooled by output that looks like a marker, comments or quotes", async () => {
    const shell = await open();
    const fake = await shell.exec(
      "echo '__ALPE_0000000000000000_0__'; echo \"it's\" # trailing comment",
    );
    expect(fake).toMatchObject({ output: "__ALPE_0000000000000000_0__\nit's\n", exitCode: 0 });
  });

  it("strips terminal escape sequences and carriage returns", async () => {
    const shell = await open();
    const colored = await shell.exec("printf '\\033[31mred\\033[0m plain\\n'");
    expect(colored.output).toBe("red plain\n");
  });

  it("caps long output, keeping its end, and says so", async () => {
    const shell = await open();
    const result = await shell.exec(
      "cat /etc/passwd /etc/group /etc/passwd /etc/group; echo 'FATAL: out of memory'; false",
      { maxOutputBytes: 300 },
    );
    expect(result.truncated).toBe(true);
    expect(new TextEncoder().encode(result.output).length).toBeLessThanOrEqual(300);
    expect(result.output.endsWith("\nFATAL: out of memory\n")).toBe(true);
    expect(result.exitCode).toBe(1);
  });

  it("cannot be fooled by a file holding markers forged from the shell's state", async () => {
    const shell = await open();
    // What the shell shows of its markers: the EXIT trap and earlier commands' ids.
    const traps = (await shell.exec("trap -p")).output;
    const seen = new Set(traps.match(/[0-9a-f]{16,}/g) ?? []);
    expect(seen.size).toBeGreaterThan(0);
    // The attacker forges ends (exit 0) for every id and every id plus a counter after it, and
    // a whole fake next command ("active", exit 0), and puts them in a log the user reads.
    const forged = [...seen].flatMap((id) =>
      // One printf argument per line: a websh command is one line.
      [id, ...Array.from({ length: 40 }, (_, n) => `${id}${n.toString(36)}`)].flatMap((guess) => [
        `__ALPE_${guess}_0__`,
        `__ALPS_${guess}__`,
        "active",
        `__ALPE_${guess}_0__`,
      ]),
    );
    const attacker = await open();
    await attacker.exec(
      `printf '%s\\n' ${forged.map((line) => `'${line}'`).join(" ")} > /tmp/app.log`,
    );
    const read = await shell.exec(
      "cat /tmp/app.log; sleep 0.3; cat /tmp/app.log; echo 'FATAL: disk full'; false",
      { timeoutMs: 10_000 },
    );
    expect(read.exitCode).toBe(1);
    expect(read.output.endsWith("FATAL: disk full\n")).toBe(true);
    const next = await shell.exec("echo really-ran; false");
    expect(next).toMatchObject({ output: "really-ran\n", exitCode: 1 });
  });

  it("cannot be fooled by a command that reads its own EXIT trap while it runs", async () => {
    const shell = await open();
    // The exit id is in the shell's state during the command; printing its marker is not an exit.
    const result = await shell.exec(
      "trap -p EXIT > /tmp/traps; id=$(grep -oE '[0-9a-f]{16,}' /tmp/traps); printf '\\n__ALPE_%s_0__\\n__ALPX_%s_0__\\n' $id $id; echo \"id=$id\"; echo FATAL; false",
    );
    expect(result.output).toMatch(/\nid=[0-9a-f]{16,}\nFATAL\n$/);
    // What it printed stays in its output, for the reader to see.
    expect(result.output).toContain("__ALPX_");
    expect(result.exitCode).toBe(1);
    await expect(shell.exec("echo next")).resolves.toMatchObject({ output: "next\n", exitCode: 0 });
  });

  it("refuses control characters that would edit the line outside its eval", async () => {
    const shell = await open();
    await shell.exec("echo keep > /tmp/victim");
    // Ctrl-U erases what was typed before it: the wrapper, leaving `rm` to run bare.
    const error = await shell
      .exec("echo hi\u0015rm -f /tmp/victim #", { timeoutMs: 1_000 })
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(/control character \(U\+0015\)/);
    await expect(shell.exec("cat /tmp/victim")).resolves.toMatchObject({
      output: "keep\n",
      exitCode: 0,
    });
  });

  it("sends Ctrl-C on timeout and reports it, and the session stays usable", async () => {
    const shell = await open();
    const slow = await shell.exec("sleep 30", { timeoutMs: 300 });
    expect(slow).toMatchObject({ timedOut: true, exitCode: null });
    await expect(shell.exec("echo still-here")).resolves.toMatchObject({
      output: "still-here\n",
      exitCode: 0,
    });
  });

  it("sends Ctrl-C when aborted and rejects with AbortedError", async () => {
    const shell = await open();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    await expect(shell.exec("sleep 30", { signal: controller.signal })).rejects.toBeInstanceOf(
      AbortedError,
    );
    await expect(shell.exec("echo next")).resolves.toMatchObject({ output: "next\n" });
  });

  it("sees an abort that comes as the command starts, before it listens to the signal", async () => {
    const shell = await open();
    const controller = new AbortController();
    const started = performance.now();
    const running = shell.exec("sleep 30", { signal: controller.signal });
    controller.abort();
    await expect(running).rejects.toBeInstanceOf(AbortedError);
    expect(performance.now() - started).toBeLessThan(2_000);
    await expect(shell.exec("echo next")).resolves.toMatchObject({ output: "next\n" });
  });

  it("does not listen to the signal of a command that ends at once", async () => {
    const shell = await open();
    const controller = new AbortController();
    let listened = 0;
    const add = controller.signal.addEventListener.bind(controller.signal);
    controller.signal.addEventListener = ((...args: Parameters<typeof add>) => {
      listened++;
      add(...args);
    }) as typeof add;
    await shell.exec("echo fast", { signal: controller.signal });
    await expect(shell.exec("sleep 0.2", { signal: controller.signal })).resolves.toMatchObject({
      exitCode: 0,
    });
    expect(listened).toBe(1);
  });

  it("queues concurrent calls on one session in call order", async () => {
    const shell = await open();
    const results = await Promise.all([
      shell.exec("sleep 0.2; echo one"),
      shell.exec("echo two"),
      shell.exec("echo three"),
    ]);
    expect(results.map((result) => result.output)).toEqual(["one\n", "two\n", "three\n"]);
  });

  it("runs two sessions in parallel, each with its own state", async () => {
    const [a, b] = await Promise.all([open(), open()]);
    await Promise.all([a!.exec("cd /etc"), b!.exec("cd /var")]);
    const [pa, pb] = await Promise.all([a!.exec("sleep 0.3; pwd"), b!.exec("sleep 0.3; pwd")]);
    expect([pa.output, pb.output]).toEqual(["/etc\n", "/var\n"]);
  });

  it("leaves no helper variable in the user's shell", async () => {
    const shell = await open();
    await shell.exec("false");
    // biome-ignore lint/suspicious/noTemplateCurlyInString: bash parameter syntax, not a JS template
    await expect(shell.exec("echo ${__alp_rc-unset}")).resolves.toMatchObject({
      output: "unset\n",
      exitCode: 0,
    });
  });

  it("reports exit N as the session's first command", async () => {
    const shell = await open();
    // An interactive bash says "exit" as it leaves.
    await expect(shell.exec("exit 3")).resolves.toMatchObject({ output: "exit\n", exitCode: 3 });
    await expect(shell.closed).resolves.toMatchObject({ code: 4000 });
  });

  it("reports exit N after a command replaced or removed the EXIT trap", async () => {
    const shell = await open();
    await shell.exec("trap 'echo bye' EXIT");
    await shell.exec("echo between");
    await expect(shell.exec("exit 4")).resolves.toMatchObject({ exitCode: 4 });
    const other = await open();
    await other.exec("trap - EXIT");
    await expect(other.exec("exit 5")).resolves.toMatchObject({ exitCode: 5 });
    // Removed without the word "trap" in the command line.
    const third = await open();
    // biome-ignore lint/suspicious/noTemplateCurlyInString: bash parameter syntax, not a JS template
    await third.exec('t=tr; eval "${t}ap - EXIT"');
    await expect(third.exec("exit 4")).resolves.toMatchObject({ exitCode: 4 });
  });

  it("reports exit N after a command that timed out", async () => {
    const shell = await open();
    await shell.exec("sleep 30", { timeoutMs: 200 });
    await expect(shell.exec("exit 6")).resolves.toMatchObject({ exitCode: 6 });
  });

  it("leaves only its EXIT trap in the user's shell", async () => {
    const shell = await open();
    await shell.exec("true");
    const listed = await shell.exec("trap -p");
    expect(listed.output).toMatch(/^trap -- 'printf .*__ALPX_.* EXIT\n$/);
  });

  it("times a short timeout out in time after a long one", async () => {
    const shell = await open();
    await shell.exec("true", { timeoutMs: 60_000 });
    const started = performance.now();
    const slow = await shell.exec("sleep 30", { timeoutMs: 200 });
    expect(slow).toMatchObject({ timedOut: true, exitCode: null });
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it("does not let a finished command's timeout cut the next one", async () => {
    const shell = await open();
    await shell.exec("true", { timeoutMs: 100 });
    const next = await shell.exec("sleep 0.4; echo done", { timeoutMs: 10_000 });
    expect(next).toMatchObject({ output: "done\n", exitCode: 0, timedOut: false });
  });

  it("runs the next queued command when one in front is aborted", async () => {
    const shell = await open();
    const controller = new AbortController();
    const first = shell.exec("sleep 30", { signal: controller.signal });
    const second = shell.exec("echo second");
    setTimeout(() => controller.abort(), 100);
    await expect(first).rejects.toBeInstanceOf(AbortedError);
    await expect(second).resolves.toMatchObject({ output: "second\n", exitCode: 0 });
  });

  it("rejects the running and the queued commands when the session closes", async () => {
    const shell = await open();
    const running = shell.exec("sleep 30").catch((caught) => caught);
    const queued = shell.exec("echo never").catch((caught) => caught);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await shell.close();
    const [first, second] = await Promise.all([running, queued]);
    expect(first).toBeInstanceOf(WebshClosedError);
    expect(first.message).toMatch(/may have run partly/);
    expect(second).toBeInstanceOf(WebshClosedError);
    expect(second.message).toMatch(/nothing was sent/);
  });

  it("gives a clear error when the WebSocket drops mid-command", async () => {
    // Frames count per connection: the prompt, then the echo with the first output; the drop
    // comes while the command sleeps, before its end marker.
    env.sandbox.control.addFault({ kind: "ws-drop", afterFrames: 2 });
    const shell = await open();
    const error = await shell.exec("echo a; sleep 1; echo b").catch((caught) => caught);
    expect(error).toBeInstanceOf(WebshClosedError);
    expect(error.clean).toBe(false);
    expect(error.message).toMatch(/connection was lost.*may have run partly/);
  });
});

describe("terminal", () => {
  it("streams raw output, resizes, and closes with code 4000 when the session ends", async () => {
    const shell = await open();
    const chunks: string[] = [];
    shell.onData((text) => chunks.push(text));
    shell.write("echo raw-out\r");
    await expect.poll(() => chunks.join(""), { timeout: 2_000 }).toContain("raw-out\r\n");
    await shell.resize(40, 120);
    const [server] = env.serverIds(1);
    const sessions = await env.client().websh.sessions.get(shell.id!);
    expect(sessions).toMatchObject({ rows: 40, cols: 120 });
    expect(server).toBeTruthy();
    shell.write("exit\r");
    await expect(shell.closed).resolves.toMatchObject({ code: 4000, clean: true });
  });

  it("lets another channel watch the same output", async () => {
    const shell = await open();
    const watcher = await env.client().websh.attach(shell.id!, { readOnly: true });
    opened.push(watcher);
    const seen: string[] = [];
    watcher.onData((text) => seen.push(text));
    await shell.exec("echo shared-output");
    await expect.poll(() => seen.join(""), { timeout: 2_000 }).toContain("shared-output");
  });

  it("joins a share link with its password: read-only refuses exec, read-write runs it", async () => {
    const shell = await open();
    const guest = env.client({ token: "jwt" });
    const viewOnly = await env.client().websh.sessions.share(shell.id!, { read_only: true });
    const viewer = await guest.websh.join({
      sharedUrl: viewOnly.shared_url,
      password: viewOnly.password,
    });
    opened.push(viewer);
    expect(viewer).toMatchObject({ id: shell.id, readOnly: true });
    await expect(viewer.exec("echo nope")).rejects.toThrow(/read-only/);
    const writable = await env.client().websh.sessions.share(shell.id!, { read_only: false });
    const helper = await guest.websh.join({
      channelId: new URL(writable.shared_url).searchParams.get("channel")!,
      password: writable.password,
    });
    opened.push(helper);
    await expect(helper.exec("echo joined")).resolves.toMatchObject({ output: "joined\n" });
    await expect(
      guest.websh.join({ sharedUrl: writable.shared_url, password: "wrong" }),
    ).rejects.toMatchObject({ status: 400 });
    await expect(guest.websh.join({ sharedUrl: "not a link", password: "x" })).rejects.toThrow(
      ConfigError,
    );
  });

  it("invites by email; the invitee joins with the link's token", async () => {
    const shell = await open();
    const guest = env.client({ token: "jwt" });
    const own = await guest.websh.sessions.create({
      server: env.serverIds(1)[0]!,
      rows: 24,
      cols: 80,
    });
    await env
      .client()
      .websh.sessions.invite(shell.id!, { emails: [own.user.email!], read_only: true });
    const link = env.sandbox.control
      .workspace("ap1", "acme")
      .webshInvitations()
      .find((i) => i.session === shell.id)!;
    const joined = await guest.websh.join({ channelId: link.channel, token: link.token });
    opened.push(joined);
    expect(joined.readOnly).toBe(true);
    await expect(
      guest.websh.sessions.invite(shell.id!, { emails: ["a@example.com"] }),
    ).rejects.toMatchObject({ status: 404 });
  });

  it("records, lists and closes a tunnel", async () => {
    const [server] = env.serverIds(1);
    const tunnels = env.client().websh.tunnels;
    const tunnel = await tunnels.create({ server: server!, target_port: 5432, client_type: "cli" });
    expect(tunnel).toMatchObject({ target_port: 5432, server: { id: server } });
    expect((await tunnels.list({ server: server! })).results.map((t) => t.id)).toContain(tunnel.id);
    expect((await tunnels.close(tunnel.id)).closed_at).toBeTruthy();
    await expect(tunnels.close(tunnel.id)).rejects.toMatchObject({ status: 400 });
  });

  it("runs one command over a channel URL and leaves the session open", async () => {
    const shell = await open();
    const channel = await env
      .client()
      .websh.channels.create({ session: shell.id!, is_master: true, read_only: false });
    const result = await env
      .client()
      .websh.execOnce({ websocketUrl: channel.websocket_url, command: "echo once" });
    expect(result).toMatchObject({ output: "once\n", exitCode: 0 });
    await expect(shell.exec("echo still-open")).resolves.toMatchObject({ exitCode: 0 });
  });

  it("takes wss:// on the workspace's own host for a real workspace", () => {
    const websh = createAlpaconClient({ workspace: "acme", region: "ap1", token: "alpat-x" }).websh;
    expect(() => websh.checkUrl("wss://acme.ap1.alpacon.io/ws/websh/s/c/t/")).not.toThrow();
    for (const url of [
      "ws://acme.ap1.alpacon.io/ws/websh/s/c/t/",
      "wss://acme.ap1.alpacon.io:8443/ws/websh/s/c/t/",
      "wss://evil.ap1.alpacon.io/ws/websh/s/c/t/",
      "wss://acme.ap1.alpacon.io/api/ws/websh/s/c/t/",
      "not a url",
    ]) {
      expect(() => websh.checkUrl(url), url).toThrow(ConfigError);
    }
  });

  it("connects only to this workspace's websh endpoints", async () => {
    // An attacker's endpoint on another loopback port answers every line with a fake success.
    const attacker = new WebSocketServer({ host: "127.0.0.1", port: 0 });
    const received: string[] = [];
    attacker.on("connection", (socket) =>
      socket.on("message", (data) => {
        received.push(String(data));
        socket.send("\r\n__ALPE_x_0__\r\n");
      }),
    );
    await new Promise((resolve) => attacker.once("listening", resolve));
    try {
      const client = env.client();
      const shell = await open();
      const channel = await client.websh.channels.create({
        session: shell.id!,
        is_master: true,
        read_only: false,
      });
      const real = new URL(channel.websocket_url);
      const { port } = attacker.address() as AddressInfo;
      const elsewhere = [
        // Another loopback port, the same path.
        `ws://127.0.0.1:${port}${real.pathname}`,
        // Plain ws:// off loopback.
        `ws://example.com${real.pathname}`,
        // The right host with wss:// where the workspace speaks http, and another path.
        `wss://${real.host}${real.pathname}`,
        `ws://${real.host}/other/ws/websh/a/b/c/`,
        // Another workspace of the same sandbox.
        real.href.replace(`/${env.sandbox.workspaces[0]!.workspace}/`, "/other/"),
      ];
      for (const websocketUrl of elsewhere) {
        const error = await client.websh
          .execOnce({ websocketUrl, command: "PGPASSWORD=secret psql -c 'select 1'" })
          .catch((caught) => caught);
        expect(error, websocketUrl).toBeInstanceOf(ConfigError);
        expect(error.message).not.toContain(real.pathname);
        await expect(client.websh.connect({ websocketUrl })).rejects.toBeInstanceOf(ConfigError);
      }
      expect(received).toEqual([]);
      expect(attacker.clients.size).toBe(0);
      // Opting out is explicit.
      const foreign = await client.websh.connect({
        websocketUrl: `ws://127.0.0.1:${port}/ws/websh/a/b/c/`,
        allowOtherHost: true,
      });
      await foreign.close({ terminate: false });
    } finally {
      await new Promise((resolve) => attacker.close(resolve));
    }
  });

  it("refuses a channel URL with a wrong token", async () => {
    const shell = await open();
    const forged = shell.websocketUrl.replace(/[^/]+\/$/, "forged-token/");
    const error = await env
      .client()
      .websh.connect({ websocketUrl: forged })
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(WebshHandshakeError);
    expect(error.message).not.toContain(shell.websocketUrl);
  });
});

describe("pool", () => {
  it("reuses one live session per server and user, never another user's", async () => {
    const client = env.client();
    const [server] = env.serverIds(1);
    await client.websh.exec({ server: server!, command: "cd /tmp" });
    await expect(client.websh.exec({ server: server!, command: "pwd" })).resolves.toMatchObject({
      output: "/tmp\n",
    });
    const root = await client.websh.exec({
      server: server!,
      username: "root",
      command: "whoami; pwd",
    });
    expect(root.output).toBe("root\n/root\n");
    expect(await client.websh.openSessions()).toHaveLength(2);
    await client.websh.closeAll();
    expect(await client.websh.openSessions()).toHaveLength(0);
  });

  it("opens a fresh session when the pooled one has closed", async () => {
    const client = env.client();
    const [server] = env.serverIds(1);
    await client.websh.exec({ server: server!, command: "cd /etc" });
    const [pooled] = await client.websh.openSessions();
    await pooled!.close();
    await expect(client.websh.exec({ server: server!, command: "pwd" })).resolves.toMatchObject({
      output: expect.stringMatching(/^\/(home|root)/),
    });
    await client.websh.closeAll();
  });
});
