/**
 * client.audit against the sandbox: the history lists in both envelopes (workspace 0 the cursor
 * one, workspace 1 the reference MCP's `{results, count}`), their iterators, and typed errors.
 */
import { describe, expect, it } from "vitest";
import { createAlpaconClient, NotFoundError, ValidationError } from "../../src/index.js";
import { json, startLoopbackServer } from "../helpers/loopback-server.js";
import { useSdkSandbox } from "../helpers/sandbox.js";

const env = useSdkSandbox({
  servers: 6,
  workspaces: [
    { region: "ap1", workspace: "acme" },
    { region: "ap1", workspace: "tolerant", variants: { historyList: "count" } },
  ],
});

async function writeNotes(index: number, count: number): Promise<void> {
  const client = env.client({ index });
  const [server] = env.serverIds(1, index);
  for (let i = 0; i < count; i++) await client.notes.create({ server: server!, content: `n${i}` });
}

describe.each([
  { label: "cursor envelope", index: 0 },
  { label: "{results, count} envelope", index: 1 },
])("activity logs, $label", ({ index }) => {
  it("iterates every entry once, newest first, and gets one", async () => {
    await writeNotes(index, 7);
    const client = env.client({ index });
    const ids: string[] = [];
    for await (const entry of client.audit.activity.iterate({ model: "note" }, { pageSize: 3 })) {
      ids.push(entry.id);
    }
    expect(ids).toHaveLength(7);
    expect(new Set(ids).size).toBe(7);
    expect(ids.map(Number)).toEqual([...ids.map(Number)].sort((a, b) => b - a));
    const entry = await client.audit.activity.get(ids[0]!);
    expect(entry).toMatchObject({ app: "servers", model: "note", action: "create" });
  });
});

describe("history lists", () => {
  it("gives next as a token, and null on the last page", async () => {
    const client = env.client();
    const first = await client.audit.activity.list({ page_size: 1 });
    expect(typeof first.next).toBe("string");
    const all = await client.audit.activity.list({ page_size: 100 });
    expect(all.next).toBeNull();
  });

  it("lists server logs and webftp logs of a server", async () => {
    const client = env.client();
    const [server] = env.serverIds(1);
    const [run] = await client.commands.run({ servers: server!, line: "true" });
    expect(run!.exitCode).toBe(0);
    const logs = await client.audit.serverLogs.list({ server: server! });
    expect(logs.results[0]).toMatchObject({ name: "alpamon.runner.command", level: 20 });
    const transfers = await client.audit.webftpLogs.list({ server: server! });
    expect(transfers.results).toEqual([]);
  });

  it("reads session analyses of completed work sessions", async () => {
    const client = env.client({ token: "jwt" });
    const [server] = env.serverIds(1);
    const session = await client.workSessions.create({
      description: "Patch openssl",
      scopes: ["command"],
      servers: [server!],
      expires_at: new Date(Date.now() + 3_600_000).toISOString(),
    });
    const person = env.client({ token: "ownerJwt" }); // API tokens may not approve (ADR 0015)
    expect((await person.workSessions.approve(session.id)).status).toBe("active");
    expect((await client.workSessions.complete(session.id)).status).toBe("completed");
    const page = await client.audit.sessionAnalyses.list({ risk_score: "low" });
    const analysis = page.results.find((a) => a.work_session === session.id);
    expect(analysis).toMatchObject({ status: "completed", risk_score: "low" });
    await expect(client.audit.sessionAnalyses.get(analysis!.id)).resolves.toEqual(analysis);
  });

  it("plays back and searches a websh session's terminal records", async () => {
    const client = env.client();
    const [server] = env.serverIds(1);
    const shell = await client.websh.open({ server: server! });
    expect((await shell.exec("echo played-$((40+2))")).output).toContain("played-42");
    await shell.close();
    const records: string[] = [];
    for await (const r of client.audit.sessionRecords.iterate(shell.id!, {}, { pageSize: 2 }))
      records.push(r.record ?? "");
    expect(records.length).toBeGreaterThan(2);
    expect(records.join("")).toContain("played-42");
    const found = await client.audit.sessionRecords.search(shell.id!, "PLAYED-42");
    expect(found.results.map((r) => r.record).join("")).toContain("played-42");
    await expect(
      client.audit.sessionRecords.list("00000000-0000-4000-8000-000000000000"),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it("asks for a closed websh session's analysis once, then reads it", async () => {
    const client = env.client();
    const [server] = env.serverIds(1);
    const shell = await client.websh.open({ server: server! });
    await shell.exec("echo 'curl -s http://127.0.0.1/x | sh'");
    await shell.close();
    await expect(client.audit.sessionAnalyses.analyzeWebshSession(shell.id!)).resolves.toEqual({
      status: "accepted",
      session: shell.id,
    });
    expect((await client.audit.sessionAnalyses.analyzeWebshSession(shell.id!)).status).toBe(
      "already_exists",
    );
    const analysis = await client.audit.sessionAnalyses.getForWebshSession(shell.id!);
    expect(analysis).toMatchObject({ risk_score: "high", server: { id: server } });
    const silent = await client.websh.sessions.create({ server: server!, rows: 24, cols: 80 });
    await client.websh.sessions.close(silent.id);
    expect(await client.audit.sessionAnalyses.analyzeWebshSession(silent.id)).toEqual({
      status: "no_content",
      session: silent.id,
    });
    await expect(client.audit.sessionAnalyses.getForWebshSession(silent.id)).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it("throws typed errors", async () => {
    const client = env.client();
    await expect(client.audit.activity.get("999999999")).rejects.toBeInstanceOf(NotFoundError);
    await expect(client.audit.sessionAnalyses.get("nope")).rejects.toBeInstanceOf(NotFoundError);
    await expect(client.audit.webftpLogs.list({ user: "bob" as never })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(client.audit.activity.list({ cursor: "stale" })).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });
});

describe("cursor iteration", () => {
  it("sends each next token back with the same page size, and ends on an empty next", async () => {
    const api = await startLoopbackServer();
    try {
      api.reply(
        (_r, res) => json(res, 200, { next: "T2", results: [{ id: "a" }, { id: "b" }] }),
        (_r, res) => json(res, 200, { next: "", results: [{ id: "c" }] }),
      );
      const client = createAlpaconClient({ token: "alpat-x", baseUrl: api.url, maxRetries: 0 });
      const ids: string[] = [];
      for await (const e of client.audit.activity.iterate({ app: "cert" }, { pageSize: 2 }))
        ids.push(e.id);
      expect(ids).toEqual(["a", "b", "c"]);
      const queries = api.requests.map((r) => new URL(r.url, api.url).searchParams.toString());
      expect(queries).toEqual(["app=cert&page_size=2", "app=cert&cursor=T2&page_size=2"]);
    } finally {
      await api.close();
    }
  });
});
