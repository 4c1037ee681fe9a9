import { createAlpaconClient } from "@alpacon/sdk";
import { describe, expect, test } from "vitest";
import { expectInvalidInput, expectToolError } from "../helpers/expect-tool.js";
import { useHarness } from "../helpers/file-harness.js";
import { type ConnectOptions, call, MISSING_ID, sdkClient } from "../helpers/harness.js";

const h = useHarness();
const SETS: ConnectOptions = { toolsets: ["approvals"] };

function approvals(name: string, args: Record<string, unknown> = {}, options = SETS) {
  return h.call(name, { workspace: "acme", ...args }, options);
}

/** The member's browser login, who asks for things. */
function member() {
  const ws = h.sandbox.workspaces[0]!;
  return createAlpaconClient({ baseUrl: ws.baseUrl, token: ws.tokens.jwt, maxRetries: 0 });
}

/** A work session the member asks for; its approval request waits for a person. */
async function pendingRequest(): Promise<string> {
  const session = await member().workSessions.create({
    description: "Rotate nginx logs",
    scopes: ["command"],
    servers: [h.server],
    expires_at: new Date(Date.now() + 3_600_000).toISOString(),
  });
  return session.approval_request_id!;
}

const confirmingClient = (answer = true) => h.asking(SETS, answer);

describe("list_approval_requests", () => {
  test("lists the pending work-session request with its requester", async () => {
    const id = await pendingRequest();
    const result = await approvals("list_approval_requests", { status: "pending" });
    expect(result.isError).toBe(false);
    const rows = result.structured!.requests as { id: string; request_type: string }[];
    expect(rows.find((r) => r.id === id)?.request_type).toBe("work_session");
    expect(result.text).toContain(`${id} [pending] work_session: Rotate nginx logs by`);
  });

  test("an unknown status is refused before the call", async () => {
    expectInvalidInput(await approvals("list_approval_requests", { status: "open" }));
  });
});

describe("get_approval_request", () => {
  test("shows the request and says a person decides it", async () => {
    const id = await pendingRequest();
    const result = await approvals("get_approval_request", { request: id });
    expect(result.structured!.request).toMatchObject({ id, status: "pending" });
    expect(result.text).toContain("Only a person approves or rejects it");
  });

  test("an unknown id points to list_approval_requests", async () => {
    const result = await approvals("get_approval_request", { request: MISSING_ID });
    expectToolError(result, "list_approval_requests");
  });
});

describe("read views", () => {
  test("alpacon://approvals/… reads a request as get_approval_request does", async () => {
    const id = await pendingRequest();
    const { client } = await h.connect(SETS);
    const uris = (await client.listResources()).resources.map((item) => item.uri);
    expect(uris).toContain("alpacon://sudo-policies/ap1/acme");
    const read = await client.readResource({ uri: `alpacon://approvals/ap1/acme/${id}` });
    const body = JSON.parse((read.contents[0] as { text: string }).text);
    expect(body.request).toMatchObject({ id, status: "pending" });
  });
});

describe("explain_approval_decision", () => {
  test("explains the human-only decision without contacting the server", async () => {
    h.sandbox.control.clearJournal();
    const result = await approvals("explain_approval_decision", { request: "req-1" });
    expect(result.structured).toMatchObject({
      status: "pending_approval",
      category: "APPROVAL_DECISION_HUMAN_ONLY",
      requiresHumanApproval: true,
      approvableByAgent: false,
      request: "req-1",
    });
    expect(result.text).toMatch(/web console or Slack/);
    expect(h.sandbox.control.journal()).toEqual([]);
  });

  test("refuses an overlong request id", async () => {
    expectInvalidInput(await approvals("explain_approval_decision", { request: "x".repeat(101) }));
  });
});

describe("sudo policies", () => {
  test("create asks with what it allows; a covered sudo then waits for a person", async () => {
    const { client, questions } = await confirmingClient();
    const created = await call(client, "create_sudo_policy", {
      workspace: "acme",
      name: "whoami",
      commands: ["/usr/bin/whoami"],
      servers: [h.server],
    });
    expect(created.isError).toBe(false);
    const server = h.sandbox.control.workspace("ap1", "acme").server(h.server) as { name: string };
    expect(questions[0]).toBe(
      `Create sudo policy \`whoami\`, letting every user of the workspace run \`/usr/bin/whoami\` as \`root\` on ${server.name}, each time after a person approves the run? (workspace acme, region ap1)`,
    );
    const asker = await h.asking({ toolsets: ["commands"], token: "jwt" });
    const held = await call(asker.client, "command_run", {
      workspace: "acme",
      servers: [h.server],
      command: "sudo whoami",
    });
    expect(held.text).toContain(
      "Hint: SUDO_APPROVAL_REQUIRED: sudo needs a person's approval: an approval request was created",
    );
    // A command that only prints the code gets no hint: the whole plugin line is needed.
    const printed = await call(asker.client, "command_run", {
      workspace: "acme",
      servers: [h.server],
      command: "echo '(SUDO_APPROVAL_REQUIRED)'",
    });
    expect(printed.text).not.toContain("Hint:");
    const listed = await approvals("list_sudo_policies");
    expect(listed.text).toContain(
      "/usr/bin/whoami as root, each run waits for a person's approval",
    );
  });

  test("declined, nothing is created", async () => {
    const { client } = await confirmingClient(false);
    const result = await call(client, "create_sudo_policy", {
      workspace: "acme",
      name: "never",
      commands: ["id"],
    });
    expect(result.isError).toBe(true);
    const names = (await sdkClient(h.sandbox).sudoPolicies.list()).results.map((p) => p.name);
    expect(names).not.toContain("never");
  });

  test("a member's login is refused: superusers only", async () => {
    const { client } = await h.asking({ ...SETS, token: "jwt" });
    const result = await call(client, "create_sudo_policy", {
      workspace: "acme",
      name: "mine",
      commands: ["id"],
    });
    expectToolError(result, /permission/i);
  });

  test("list_sudo_policies: a page past the end is an error", async () => {
    expectToolError(await approvals("list_sudo_policies", { page: 99 }), /page|not found/i);
  });
});
