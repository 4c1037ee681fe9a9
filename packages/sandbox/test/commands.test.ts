import { beforeAll, describe, expect, it } from "vitest";
import { type Api, eventually, useSandbox } from "./helpers/sandbox.js";

const h = useSandbox({ servers: 12, seed: 5 });
let api: Api;
let server: { id: string; name: string; os_name: string };

beforeAll(() => {
  api = h.api();
  const servers = h.sandbox.control.workspace("ap1", "acme").servers() as {
    id: string;
    name: string;
    os_name: string;
    is_connected: boolean;
  }[];
  server =
    servers.find((s) => s.is_connected && s.os_name === "Ubuntu") ??
    servers.find((s) => s.is_connected && s.os_name !== "Windows")!;
});

async function runToEnd(line: string, extra: Record<string, unknown> = {}) {
  const created = await api.post("/api/events/commands/", {
    server: server.id,
    line,
    shell: "system",
    ...extra,
  });
  expect(created.status).toBe(201);
  const id = created.body[0].id as string;
  return eventually(async () => {
    const r = await api.get(`/api/events/commands/${id}/`);
    return r.body.handled_at ? r.body : null;
  });
}

describe("command lifecycle", () => {
  it("create → poll → success with exit code and the shell's output", async () => {
    const done = await runToEnd("echo hello && hostname");
    expect(done).toMatchObject({
      status: "success",
      success: true,
      exit_code: 0,
      result: `hello\n${server.name}\n`,
    });
    expect(done.acked_at).not.toBeNull();
    expect(done.delivered_at).not.toBeNull();
    expect(Date.parse(done.handled_at)).toBeGreaterThanOrEqual(Date.parse(done.acked_at));
    expect(done.elapsed_time).toBeGreaterThanOrEqual(0);
  });

  it("`false` fails with exit code 1; unknown commands exit 127", async () => {
    expect(await runToEnd("false")).toMatchObject({
      status: "failed",
      success: false,
      exit_code: 1,
    });
    const missing = await runToEnd("frobnicate");
    expect(missing.exit_code).toBe(127);
    expect(missing.result).toContain("command not found");
  });

  it("runs on the server's own OS and filesystem, shared between commands", async () => {
    const os = await runToEnd("cat /etc/os-release");
    expect(os.result).toContain(server.os_name === "Ubuntu" ? "ID=ubuntu" : "ID=");
    await runToEnd("echo kept > /tmp/state.txt");
    expect((await runToEnd("cat /tmp/state.txt")).result).toBe("kept\n");
  });

  it("passes env to the process and runs as the requested user", async () => {
    const env = await runToEnd("echo $GREETING", { env: { GREETING: "hi there" } });
    expect(env.result).toBe("hi there\n");
    expect((await runToEnd("whoami", { username: "root" })).result).toBe("root\n");
    const unknown = await api.post("/api/events/commands/", {
      server: server.id,
      line: "id",
      username: "ghost",
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.non_field_errors[0]).toMatch(/not registered/);
  });

  it("gives `data` to the command as its standard input", async () => {
    const done = await runToEnd("wc -l; echo after", { data: "one\ntwo\n" });
    expect(done).toMatchObject({ exit_code: 0, result: "2\nafter\n" });
    const none = await runToEnd("cat; echo end");
    expect(none.result).toBe("end\n");
  });

  it("runs as the workspace user, who reads the journal (adm) but is not a sudoer", async () => {
    expect(server.os_name).toBe("Ubuntu");
    const groups = await runToEnd("id -nG; getent group sudo");
    expect(groups.result).toMatch(/\badm\b/);
    expect(groups.result).toMatch(/^sudo:x:27:ubuntu$/m);
    const journal = await runToEnd("journalctl -u ssh --no-pager -n 2");
    expect(journal).toMatchObject({ exit_code: 0 });
    expect(journal.result).toContain("Server listening on");
    const sudo = await runToEnd("sudo -n true");
    expect(sudo).toMatchObject({ exit_code: 1, result: expect.stringContaining("sudoers") });
  });

  it("moves queued → delivered → acked → running → success, step by step in manual mode", async () => {
    const control = h.sandbox.control;
    control.setCommandDelays("manual");
    try {
      const created = await api.post("/api/events/commands/", {
        server: server.id,
        line: "uptime",
      });
      const id = created.body[0].id;
      const status = async () => (await api.get(`/api/events/commands/${id}/`)).body.status;
      const seen = [await status()];
      for (let i = 0; i < 4; i++) {
        await control.advanceCommands();
        seen.push(await status());
      }
      expect(seen).toEqual(["queued", "delivered", "acked", "success", "success"]);
    } finally {
      control.setCommandDelays({ delivered: 5, acked: 5, running: 5 });
    }
  });

  it("streams output into chunks with seq from 0", async () => {
    const done = await runToEnd("seq 1 3 || printf '1\\n2\\n3\\n'");
    const chunks = await api.get(`/api/events/commands/${done.id}/chunks/?seq__gte=0&ordering=seq`);
    expect(chunks.body.results[0].seq).toBe(0);
    expect(chunks.body.results.map((c: { content: string }) => c.content).join("")).toBe(
      done.result,
    );
  });

  it("refuses inline credentials, a disconnected server and an unknown server", async () => {
    for (const line of [
      "mysql -uroot -pSecret db",
      "sshpass -p hunter2 ssh host",
      "PASSWORD=abc ./deploy.sh",
    ]) {
      const res = await api.post("/api/events/commands/", { server: server.id, line });
      expect(res.status, line).toBe(400);
      expect(res.body).toEqual({ code: "command_inline_credential", source: "command" });
    }
    const control = h.sandbox.control.workspace("ap1", "acme");
    const other = (control.servers() as { id: string; is_connected: boolean }[]).find(
      (s) => s.id !== server.id && s.is_connected,
    )!;
    control.setServerConnected(other.id, false);
    const offline = await api.post("/api/events/commands/", { server: other.id, line: "uptime" });
    expect(offline.body).toEqual({
      non_field_errors: [
        "Requested server is not connected. Please check the server status first.",
      ],
    });
    const unknown = await api.post("/api/events/commands/", {
      server: "00000000-0000-4000-8000-000000000000",
      line: "uptime",
    });
    expect(unknown.body.server[0]).toMatch(/object does not exist/);
  });

  it("cancels before delivery only", async () => {
    const control = h.sandbox.control;
    control.setCommandDelays("manual");
    try {
      const a = (await api.post("/api/events/commands/", { server: server.id, line: "uptime" }))
        .body[0].id;
      expect((await api.delete(`/api/events/commands/${a}/`)).status).toBe(204);
      const b = (await api.post("/api/events/commands/", { server: server.id, line: "uptime" }))
        .body[0].id;
      await control.advanceCommands();
      const late = await api.delete(`/api/events/commands/${b}/`);
      expect(late.body).toEqual({
        non_field_errors: [
          "Command cannot be cancelled as it has already been sent to the server.",
        ],
      });
      await control.advanceCommands();
      await control.advanceCommands();
    } finally {
      control.setCommandDelays({ delivered: 5, acked: 5, running: 5 });
    }
  });

  it("run_after waits for its prerequisite; osquery and internal shells answer", async () => {
    const first = (
      await api.post("/api/events/commands/", { server: server.id, line: "sleep 0.05" })
    ).body[0].id;
    const second = await runToEnd("echo after", { run_after: [first] });
    const firstDone = (await api.get(`/api/events/commands/${first}/`)).body;
    expect(Date.parse(second.delivered_at)).toBeGreaterThanOrEqual(
      Date.parse(firstDone.handled_at),
    );
    const osq = await runToEnd("select hostname from system_info", { shell: "osquery" });
    expect(JSON.parse(osq.result)[0].hostname).toBe(server.name);
    expect((await runToEnd("ping", { shell: "internal" })).status).toBe("success");
  });

  it("a server going offline strands its unfinished commands", async () => {
    const control = h.sandbox.control;
    const ws = control.workspace("ap1", "acme");
    const created = await api.post("/api/events/commands/", {
      server: server.id,
      line: "sleep 10",
    });
    const id = created.body[0].id;
    await eventually(
      async () => (await api.get(`/api/events/commands/${id}/`)).body.status === "running",
    );
    ws.setServerConnected(server.id, false);
    const stuck = (await api.get(`/api/events/commands/${id}/`)).body;
    expect(stuck).toMatchObject({ status: "stuck", error_phase: "agent_timeout", success: false });
    ws.setServerConnected(server.id, true);
  });
});
