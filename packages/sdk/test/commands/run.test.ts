import { afterEach, describe, expect, it } from "vitest";
import { useSdkSandbox } from "../helpers/sandbox.js";

const env = useSdkSandbox({ servers: 300, commandDelays: 30 });

afterEach(() => {
  env.sandbox.control.clearFaults();
  env.sandbox.control.clearJournal();
});

/** The next command create meets `kind`: `reset` never reaches the API, `truncate` loses the answer. */
function loseNextCreate(kind: "reset" | "truncate" | "stall") {
  env.sandbox.control.addFault({ kind, path: "/api/events/commands/", method: "POST", times: 1 });
}

function creates() {
  return env.sandbox.control
    .journal({ method: "POST" })
    .filter((entry) => entry.path === "/api/events/commands/");
}

describe("commands.run", () => {
  it("returns the exit code and output of each server", async () => {
    const [server] = env.serverIds(1);
    const [ok] = await env
      .client()
      .commands.run({ servers: server!, line: "echo hello; hostname" });
    expect(ok).toMatchObject({ server, status: "success", success: true, exitCode: 0 });
    expect(ok?.output).toMatch(/^hello\n\S+/);
    expect(ok?.commandId).toBeTruthy();
    expect(ok?.finishedAt).toBeTruthy();

    const [failed] = await env
      .client()
      .commands.run({ servers: [server!], line: "ls /nonexistent" });
    expect(failed).toMatchObject({ status: "failed", success: false, exitCode: 2 });
    expect(failed?.output).toMatch(/No such file or directory/);
    expect(failed?.error).toBeUndefined();
  });

  it("fans out over 200 servers through latency and a 429 burst, creating each command exactly once", async () => {
    const servers = env.serverIds(200);
    expect(servers).toHaveLength(200);
    env.sandbox.control.addFault({ kind: "latency", ms: 5, jitter: 10 });
    env.sandbox.control.addFault({
      kind: "error",
      status: 429,
      retryAfter: 1,
      path: "/api/events/commands/*",
      times: 25,
    });
    const progress: number[] = [];
    // A per-request timeout a loaded machine cannot hit: a timed-out create is "may have run".
    const results = await env.client({ timeoutMs: 30_000 }).commands.run({
      servers,
      line: "uname -n",
      concurrency: 32,
      onProgress: ({ done, total }) => {
        expect(total).toBe(200);
        progress.push(done);
      },
    });
    expect(results.map((result) => result.server)).toEqual(servers);
    expect(results.every((result) => result.exitCode === 0 && result.output.trim() !== "")).toBe(
      true,
    );
    expect(progress).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    // A 429 proves the API did not process the request; every server still got one command.
    const processed = creates().filter((entry) => entry.status === 201);
    expect(processed).toHaveLength(200);
    expect(new Set(processed.map((entry) => entry.bodyDigest)).size).toBe(200);
  }, 20_000);

  it("never resends a create whose answer was lost, and says the command may have run", async () => {
    const [server] = env.serverIds(1);
    loseNextCreate("reset");
    const [result] = await env
      .client({ maxRetries: 5 })
      .commands.run({ servers: server!, line: "touch /tmp/once" });
    expect(creates()).toHaveLength(1);
    expect(result?.error?.kind).toBe("may_have_run");
    expect(result?.error?.message).toMatch(/may have run; it was not sent again/);
  });

  it("recovers the outcome of a lost create when the command is found on the server", async () => {
    const [server] = env.serverIds(1);
    loseNextCreate("truncate");
    const [result] = await env
      .client()
      .commands.run({ servers: server!, line: "echo recovered-42" });
    expect(creates()).toHaveLength(1);
    // The sandbox processed the POST before cutting the answer, so the command is found and followed.
    expect(result).toMatchObject({ success: true, exitCode: 0, output: "recovered-42\n" });
  });

  it("never takes an identical older command for one whose create never reached the API", async () => {
    const [server] = env.serverIds(1);
    const line = "echo identical-older";
    const [older] = await env.client().commands.run({ servers: server!, line });
    expect(older).toMatchObject({ success: true });
    env.sandbox.control.clearJournal();
    // Another client (another process): nothing in memory ties the older command to it.
    loseNextCreate("reset");
    const [result] = await env.client().commands.run({ servers: server!, line });
    expect(creates()).toHaveLength(1);
    expect(result).toMatchObject({ status: "unknown", success: null, commandId: undefined });
    expect(result?.error?.kind).toBe("may_have_run");
  });

  it("finds a lost create's own command even beside an identical older one", async () => {
    const [server] = env.serverIds(1);
    const line = "echo twice-42";
    const [older] = await env.client().commands.run({ servers: server!, line });
    loseNextCreate("truncate");
    const [result] = await env.client().commands.run({ servers: server!, line });
    expect(result).toMatchObject({ success: true, exitCode: 0, output: "twice-42\n" });
    expect(result?.commandId).toBeTruthy();
    expect(result?.commandId).not.toBe(older?.commandId);
  });

  it("does not take a parallel call's identical command for its own lost one", async () => {
    const [server] = env.serverIds(1);
    const client = env.client();
    const line = "echo parallel-twin";
    loseNextCreate("reset");
    const results = await Promise.all([
      client.commands.run({ servers: server!, line }),
      client.commands.run({ servers: server!, line }),
    ]);
    const outcomes = results.map(([result]) => result?.error?.kind ?? "ok").sort();
    expect(outcomes).toEqual(["may_have_run", "ok"]);
    // One create was cut before the API saw it; the one command that exists belongs to the other.
    expect(creates().filter((entry) => entry.status === 201)).toHaveLength(1);
  });

  it("does not take another user's identical command for its own", async () => {
    const [server] = env.serverIds(1);
    const line = "echo other-user";
    // Our create hangs until it times out; meanwhile another user runs the same line there.
    loseNextCreate("stall");
    const mine = env.client({ timeoutMs: 600 }).commands.run({ servers: server!, line });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const [theirs] = await env.client({ token: "jwt" }).commands.run({ servers: server!, line });
    expect(theirs).toMatchObject({ success: true });
    const [result] = await mine;
    expect(result?.error?.kind).toBe("may_have_run");
    expect(result?.commandId).toBeUndefined();
  });

  it("reports a refusal per server without failing the batch", async () => {
    const servers = env.serverIds(2);
    const results = await env
      .client({ token: "readOnly" })
      .commands.run({ servers, line: "uptime" });
    expect(results).toHaveLength(2);
    for (const result of results) {
      expect(result.error?.kind).toBe("rejected");
      expect(result.error?.message).toMatch(/ACL/);
      expect(result.status).toBe("not_submitted");
    }
  });

  it("gives a refusal's status, reason and hint as fields, beside the message", async () => {
    const [server] = env.serverIds(1);
    const [result] = await env
      .client({ token: "readOnly" })
      .commands.run({ servers: server!, line: "uptime" });
    const error = result!.error!;
    expect(error).toMatchObject({ kind: "rejected", status: 403 });
    expect(error.reason).toBeTruthy();
    expect(error.hint).toMatch(/ACL/);
    expect(error.message).toContain(`failed with 403: ${error.reason}. ${error.hint}`);
  });

  it("reports a timeout with the command id to follow", async () => {
    const [server] = env.serverIds(1);
    const [result] = await env
      .client()
      .commands.run({ servers: server!, line: "sleep 5", timeoutMs: 300 });
    expect(result?.error?.kind).toBe("timeout");
    expect(result?.commandId).toBeTruthy();
    expect(result?.error?.message).toContain(result!.commandId!);
  });

  it("stops following when aborted, keeping what it knows", async () => {
    const [server] = env.serverIds(1);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const [result] = await env
      .client()
      .commands.run({ servers: server!, line: "sleep 5", signal: controller.signal });
    expect(result?.error?.kind).toBe("aborted");
    expect(creates()).toHaveLength(1);
  });

  it("runs a command after another one, with standard input", async () => {
    const [server] = env.serverIds(1);
    const client = env.client();
    const [first] = await client.commands.run({ servers: server!, line: "echo first" });
    const [second] = await client.commands.run({
      servers: server!,
      line: "cat",
      data: "from stdin\n",
      runAfter: [first!.commandId!],
    });
    expect(second).toMatchObject({ status: "success", output: "from stdin\n" });
    const detail = await client.commands.get(second!.commandId!);
    expect(detail.run_after).toEqual([first!.commandId]);
  });

  it("creates a scheduled command without waiting for it, when asked not to wait", async () => {
    const [server] = env.serverIds(1);
    const at = new Date(Date.now() + 60_000);
    const [scheduled] = await env
      .client()
      .commands.run({ servers: server!, line: "uptime", scheduledAt: at, wait: false });
    expect(scheduled).toMatchObject({ status: "scheduled", success: null, output: "" });
    expect(scheduled?.error).toBeUndefined();
    const detail = await env.client().commands.get(scheduled!.commandId!);
    expect(detail.status).toBe("scheduled");
    expect(Date.parse(String(detail.scheduled_at))).toBe(at.getTime());
    expect(creates()).toHaveLength(1);
  });

  it("refuses a scheduled time that is not a time before sending anything", async () => {
    const [server] = env.serverIds(1);
    await expect(
      env.client().commands.run({ servers: server!, line: "uptime", scheduledAt: "tomorrow" }),
    ).rejects.toThrow(/scheduledAt is not a time: tomorrow/);
    expect(creates()).toHaveLength(0);
  });

  it("rejects bad input with a clear message", async () => {
    await expect(env.client().commands.run({ servers: [], line: "uptime" })).rejects.toThrow(
      /at least one server/,
    );
    await expect(env.client().commands.run({ servers: ["x"], line: "  " })).rejects.toThrow(
      /non-empty command/,
    );
  });
});
