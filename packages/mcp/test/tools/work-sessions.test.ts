import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, test } from "vitest";
import { expectInvalidInput, expectToolError } from "../helpers/expect-tool.js";
import { useHarness } from "../helpers/file-harness.js";
import { call, MISSING_ID } from "../helpers/harness.js";

const h = useHarness();
const inHours = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString();

/** Requests a session on the harness's server; `approve` has the person in the console say yes. */
async function request(approve = false, scopes = ["command"]): Promise<string> {
  const result = await h.call("work_session_create", {
    workspace: "acme",
    description: "Restart nginx to clear 502s",
    scopes,
    servers: [h.server],
    expiresAt: inHours(2),
  });
  const id = (result.structured!.session as { id: string }).id;
  if (approve) h.sandbox.control.workspace("ap1", "acme").decideWorkSession(id, "approve");
  return id;
}

/** A client whose user answers every confirmation with yes, keeping the questions asked. */
async function confirmingClient() {
  const questions: string[] = [];
  const { client } = await h.connect({ confirm: "elicit" }, { elicitation: { form: {} } });
  client.setRequestHandler(ElicitRequestSchema, async (req) => {
    questions.push(req.params.message);
    return { action: "accept", content: { confirm: true } };
  });
  return { client, questions };
}

describe("work_session_create", () => {
  test("requests a session as an agent; it waits for a person", async () => {
    const result = await h.call("work_session_create", {
      workspace: "acme",
      title: "nginx",
      description: "Restart nginx to clear 502s",
      scopes: ["command"],
      servers: [h.server],
      expiresAt: inHours(2),
    });
    expect(result.isError).toBe(false);
    expect(result.structured!.session).toMatchObject({
      status: "pending",
      requester_type: "agent",
      title: "nginx",
    });
    expect(result.text).toMatch(/waiting for a person to approve it/);
  });

  test("an unknown scope is refused by the schema", async () => {
    const result = await h.call("work_session_create", {
      workspace: "acme",
      description: "x",
      scopes: ["root"],
      servers: [h.server],
      expiresAt: inHours(2),
    });
    expectInvalidInput(result);
  });

  test("an expiry in the past is the API's refusal, named", async () => {
    const result = await h.call("work_session_create", {
      workspace: "acme",
      description: "x",
      scopes: ["command"],
      servers: [h.server],
      expiresAt: inHours(-1),
    });
    expectToolError(result, /Expiry must be in the future/);
  });
});

describe("work_session_list", () => {
  test("filters by status", async () => {
    const id = await request(true);
    const result = await h.call("work_session_list", { workspace: "acme", status: "active" });
    const sessions = result.structured!.sessions as { id: string; status: string }[];
    expect(sessions.map((s) => s.id)).toContain(id);
    expect(sessions.every((s) => s.status === "active")).toBe(true);
  });

  test("an unknown status is refused by the schema", async () => {
    expectInvalidInput(
      await h.call("work_session_list", { workspace: "acme", status: "requested" }),
    );
  });
});

describe("work_session_get", () => {
  test("shows the session and what to do next", async () => {
    const id = await request(true);
    const result = await h.call("work_session_get", { workspace: "acme", session: id });
    expect(result.structured!.session).toMatchObject({ id, status: "active" });
    expect(result.text).toMatch(/pass its id as workSession/);
  });

  test("an unknown session points to work_session_list", async () => {
    const result = await h.call("work_session_get", { workspace: "acme", session: MISSING_ID });
    expectToolError(result, "work_session_list");
  });
});

describe("work_session_update", () => {
  test("asks first, then queues a scope change on an active session", async () => {
    const id = await request(true);
    const { client, questions } = await confirmingClient();
    const result = await call(client, "work_session_update", {
      workspace: "acme",
      session: id,
      scopes: ["command", "webftp"],
    });
    expect(questions[0]).toMatch(
      /Change scopes to .*\["command","webftp"\].* of work session `Restart nginx to clear 502s` \(active, on /,
    );
    expect(result.structured!.session).toMatchObject({ scopes: ["command"] });
    expect(result.text).toMatch(/waits for a person's approval/);
  });

  test("nothing to change is an error, not an empty request", async () => {
    const result = await h.call("work_session_update", {
      workspace: "acme",
      session: await request(),
    });
    expectToolError(result, "no field to change");
  });
});

describe("work_session_close", () => {
  test("completes an active session, and withdraws a pending request", async () => {
    const { client, questions } = await confirmingClient();
    const active = await request(true);
    const done = await call(client, "work_session_close", { workspace: "acme", session: active });
    expect(done.structured!.session).toMatchObject({ status: "completed" });
    expect(questions[0]).toMatch(/^Complete work session .*\(active/);
    const pending = await request();
    const withdrawn = await call(client, "work_session_close", {
      workspace: "acme",
      session: pending,
    });
    expect(withdrawn.structured!.session).toMatchObject({ status: "cancelled" });
    expect(questions[1]).toMatch(/^Withdraw the request for work session/);
  });

  test("an ended session has nothing to close", async () => {
    const id = await request();
    await h.call("work_session_close", { workspace: "acme", session: id });
    const again = await h.call("work_session_close", { workspace: "acme", session: id });
    expectToolError(again, /is cancelled, so there is nothing to close/);
  });
});

describe("work_session_extend", () => {
  test("moves the expiry later, after asking", async () => {
    const id = await request(true);
    const { client, questions } = await confirmingClient();
    const later = inHours(6);
    const result = await call(client, "work_session_extend", {
      workspace: "acme",
      session: id,
      expiresAt: later,
    });
    expect(Date.parse((result.structured!.session as { expires_at: string }).expires_at)).toBe(
      Date.parse(later),
    );
    expect(questions[0]).toMatch(/^Extend work session .* to /);
  });

  test("a pending session cannot be extended", async () => {
    const result = await h.call("work_session_extend", {
      workspace: "acme",
      session: await request(),
      expiresAt: inHours(6),
    });
    expectToolError(result, /Only approved or active work sessions can be extended/);
  });
});

describe("work_session_analyze", () => {
  test("an ended session already analysed says so", async () => {
    const id = await request(true);
    await h.call("work_session_close", { workspace: "acme", session: id });
    const result = await h.call("work_session_analyze", { workspace: "acme", session: id });
    expect(result.structured).toEqual({ status: "already_exists", session: id });
  });

  test("a live session cannot be analysed yet", async () => {
    const result = await h.call("work_session_analyze", {
      workspace: "acme",
      session: await request(true),
    });
    expectToolError(result, /not in a terminal state/);
  });
});

describe("work_session_timeline", () => {
  test("lists status changes and the commands run under the session", async () => {
    const id = await request(true);
    const ran = await h.call("command_run", {
      workspace: "acme",
      servers: [h.server],
      command: "hostname",
      workSession: id,
    });
    expect(ran.structured).toMatchObject({ succeeded: 1 });
    const result = await h.call("work_session_timeline", { workspace: "acme", session: id });
    const items = result.structured!.items as { type: string; status?: string; line?: string }[];
    expect(items.map((i) => i.status ?? i.line)).toEqual([
      "pending",
      "approved",
      "active",
      "hostname",
    ]);
    expect(result.text).toMatch(/command: hostname/);
  });

  test("an unknown session is a 404 pointing to work_session_list", async () => {
    const result = await h.call("work_session_timeline", {
      workspace: "acme",
      session: MISSING_ID,
    });
    expectToolError(result, "work_session_list");
  });
});
