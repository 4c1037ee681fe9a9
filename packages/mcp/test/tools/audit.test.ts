import { describe, expect, test } from "vitest";
import { expectInvalidInput, expectToolError } from "../helpers/expect-tool.js";
import { useHarness } from "../helpers/file-harness.js";
import { type ConnectOptions, MISSING_ID, sdkClient, serverIds } from "../helpers/harness.js";

const h = useHarness();
const AUDIT: ConnectOptions = { toolsets: ["audit"] };

type Rows = Array<Record<string, unknown>>;

describe("list_activity_logs", () => {
  test("lists writes newest first and follows nextCursor", async () => {
    const client = sdkClient(h.sandbox);
    for (const content of ["one", "two", "three"])
      await client.notes.create({ server: h.server, content });
    const first = await h.call(
      "list_activity_logs",
      { workspace: "acme", model: "note", pageSize: 2 },
      AUDIT,
    );
    expect(first.isError).toBe(false);
    expect(first.structured!.logs as Rows).toHaveLength(2);
    expect((first.structured!.logs as Rows)[0]).toMatchObject({ action: "create", app: "servers" });
    const next = first.structured!.nextCursor as string;
    expect(first.text).toContain(`cursor: "${next}"`);
    const second = await h.call(
      "list_activity_logs",
      { workspace: "acme", model: "note", pageSize: 2, cursor: next },
      AUDIT,
    );
    expect(second.structured!.logs as Rows).toHaveLength(1);
    expect(second.structured!.nextCursor).toBeNull();
  });

  test("a cursor the API did not issue is an error, a bad user id invalid input", async () => {
    const stale = await h.call("list_activity_logs", { workspace: "acme", cursor: "x" }, AUDIT);
    expectToolError(stale, "without cursor");
    expectInvalidInput(
      await h.call("list_activity_logs", { workspace: "acme", user: "alice" }, AUDIT),
    );
  });
});

describe("get_activity_log", () => {
  test("reads one entry", async () => {
    await sdkClient(h.sandbox).notes.create({ server: h.server, content: "read me" });
    const list = await h.call("list_activity_logs", { workspace: "acme", pageSize: 1 }, AUDIT);
    const [entry] = list.structured!.logs as Rows;
    const result = await h.call("get_activity_log", { workspace: "acme", log: entry!.id }, AUDIT);
    expect(result.structured!.log).toEqual(entry);
    expect(result.text).toContain(String(entry!.id));
  });

  test("an unknown id points to list_activity_logs", async () => {
    const result = await h.call("get_activity_log", { workspace: "acme", log: "99999999" }, AUDIT);
    expectToolError(result, "list_activity_logs");
  });
});

describe("list_server_logs", () => {
  test("shows a command ending on a server named by name", async () => {
    const [ran] = await sdkClient(h.sandbox).commands.run({ servers: h.server, line: "true" });
    const name = [...serverIds(h.sandbox)].find(([, id]) => id === h.server)![0];
    const result = await h.call("list_server_logs", { workspace: "acme", server: name }, AUDIT);
    const logs = result.structured!.logs as Rows;
    expect(logs.some((log) => String(log.msg).includes(ran!.commandId!))).toBe(true);
    expect(result.text).toContain("INFO");
  });

  test("an unknown server is refused", async () => {
    const result = await h.call("list_server_logs", { workspace: "acme", server: "nope-9" }, AUDIT);
    expectToolError(result, "nope-9");
  });
});

describe("list_webftp_logs", () => {
  test("shows a finished download", async () => {
    await sdkClient(h.sandbox).webftp.prepareDownload({
      server: h.server,
      remotePath: "/etc/hostname",
    });
    const result = await h.call(
      "list_webftp_logs",
      { workspace: "acme", action: "download", server: h.server },
      AUDIT,
    );
    expect((result.structured!.logs as Rows)[0]).toMatchObject({
      file_name: "hostname",
      action: "download",
      success: true,
    });
    expect(result.text).toContain("download hostname");
  });

  test("an action other than upload or download is invalid input", async () => {
    expectInvalidInput(
      await h.call("list_webftp_logs", { workspace: "acme", action: "delete" }, AUDIT),
    );
  });
});

async function completedWorkSession(): Promise<string> {
  const ws = h.sandbox.workspaces[0]!;
  const { createAlpaconClient } = await import("@alpacon/sdk");
  const member = createAlpaconClient({ token: ws.tokens.jwt, baseUrl: ws.baseUrl });
  const session = await member.workSessions.create({
    description: "Rotate logs",
    scopes: ["command"],
    servers: [h.server],
    expires_at: new Date(Date.now() + 3_600_000).toISOString(),
  });
  // A person approves, with their browser login: API tokens are refused (ADR 0015).
  const person = createAlpaconClient({ token: ws.tokens.ownerJwt, baseUrl: ws.baseUrl });
  await person.workSessions.approve(session.id);
  await member.workSessions.complete(session.id);
  return session.id;
}

describe("list_session_analyses", () => {
  test("lists the analysis of a completed work session", async () => {
    const id = await completedWorkSession();
    const result = await h.call(
      "list_session_analyses",
      { workspace: "acme", riskScore: "low", status: "completed" },
      AUDIT,
    );
    const analyses = result.structured!.analyses as Rows;
    expect(analyses.find((a) => a.work_session === id)).toMatchObject({ risk_score: "low" });
  });

  test("a page past the last is an error", async () => {
    const result = await h.call("list_session_analyses", { workspace: "acme", page: 99 }, AUDIT);
    expectToolError(result, /page/i);
  });
});

describe("get_session_analysis_detail", () => {
  test("reads one analysis with its details", async () => {
    const id = await completedWorkSession();
    const list = await h.call("list_session_analyses", { workspace: "acme" }, AUDIT);
    const found = (list.structured!.analyses as Rows).find((a) => a.work_session === id)!;
    const result = await h.call(
      "get_session_analysis_detail",
      { workspace: "acme", analysis: found.id },
      AUDIT,
    );
    expect(result.structured!.analysis).toEqual(found);
    expect(result.text).toContain(`work_session: "${id}"`);
  });

  test("an unknown id points to list_session_analyses", async () => {
    const result = await h.call(
      "get_session_analysis_detail",
      { workspace: "acme", analysis: MISSING_ID },
      AUDIT,
    );
    expectToolError(result, "list_session_analyses");
  });
});

async function recordedSession(): Promise<string> {
  const shell = await sdkClient(h.sandbox).websh.open({ server: h.server });
  expect((await shell.exec("echo rec-$((20+3))")).output).toContain("rec-23");
  await shell.close();
  return shell.id!;
}

describe("get_session_records", () => {
  test("plays a session's terminal back, page by page", async () => {
    const session = await recordedSession();
    const first = await h.call(
      "get_session_records",
      { workspace: "acme", session, pageSize: 1 },
      AUDIT,
    );
    expect(first.structured!.records as Rows).toHaveLength(1);
    const rest = await h.call(
      "get_session_records",
      { workspace: "acme", session, pageSize: 100, cursor: first.structured!.nextCursor },
      AUDIT,
    );
    const text = (rest.structured!.records as Rows).map((r) => r.record).join("");
    expect(text).toContain("rec-23");
    expect(rest.text).toContain("oldest first");
  });

  test("an unknown session is an error", async () => {
    const result = await h.call(
      "get_session_records",
      { workspace: "acme", session: MISSING_ID },
      AUDIT,
    );
    expectToolError(result, "websh_sessions_list");
  });
});

describe("search_session_records", () => {
  test("finds text in the recording", async () => {
    const session = await recordedSession();
    const result = await h.call(
      "search_session_records",
      { workspace: "acme", session, query: "REC-23" },
      AUDIT,
    );
    const records = result.structured!.records as Rows;
    expect(records.length).toBeGreaterThan(0);
    expect(records.every((r) => String(r.record).includes("rec-23"))).toBe(true);
  });

  test("an empty query is invalid input", async () => {
    expectInvalidInput(
      await h.call(
        "search_session_records",
        { workspace: "acme", session: MISSING_ID, query: "" },
        AUDIT,
      ),
    );
  });
});

describe("request_session_analysis", () => {
  test("queues a closed session once, and get_session_analysis reads it", async () => {
    const session = await recordedSession();
    const first = await h.call("request_session_analysis", { workspace: "acme", session }, AUDIT);
    expect(first.structured).toEqual({ session, status: "accepted" });
    const again = await h.call("request_session_analysis", { workspace: "acme", session }, AUDIT);
    expect(again.structured!.status).toBe("already_exists");
    expect(again.text).toContain("get_session_analysis");
    const read = await h.call("get_session_analysis", { workspace: "acme", session }, AUDIT);
    expect(read.structured!.analysis).toMatchObject({ risk_score: "low", websh_session: session });
    expect(read.text).toContain("risk low");
  });

  test("an open session is refused with the API's reason", async () => {
    const shell = await sdkClient(h.sandbox).websh.sessions.create({
      server: h.server,
      rows: 24,
      cols: 80,
    });
    const result = await h.call(
      "request_session_analysis",
      { workspace: "acme", session: shell.id },
      AUDIT,
    );
    expectToolError(result, "Only closed sessions can be analyzed");
  });
});

describe("get_session_analysis", () => {
  test("a session not analysed yet points to request_session_analysis", async () => {
    const session = await recordedSession();
    const result = await h.call("get_session_analysis", { workspace: "acme", session }, AUDIT);
    expectToolError(result, "request_session_analysis");
  });
});
