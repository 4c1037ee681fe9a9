import { describe, expect, it } from "vitest";
import { NotFoundError, PermissionDeniedError, ValidationError } from "../../src/index.js";
import { useSdkSandbox } from "../helpers/sandbox.js";

const env = useSdkSandbox({
  servers: 3,
  workspaces: [{ region: "ap1", workspace: "acme", workSessionRequired: true }],
});
const NOBODY = "00000000-0000-4000-8000-000000000000";
const inHours = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString();
// The member's browser login asks; the owner's browser login is the person who approves (an API
// token never may: ADR 0015).
const member = () => env.client({ token: "jwt" });
const approver = () => env.client({ token: "ownerJwt" });

async function request(scopes = ["command"]) {
  const [server] = env.serverIds(1);
  return member().workSessions.create({
    description: "Restart nginx to clear 502s",
    requester_type: "agent",
    scopes,
    servers: [server!],
    expires_at: inHours(2),
  });
}

describe("client.workSessions", () => {
  it("walks a session from request to analysis, with its commands on the timeline", async () => {
    const created = await request();
    expect(created.status).toBe("pending");
    const approved = await approver().workSessions.approve(created.id);
    expect(approved.status).toBe("active");
    const [server] = env.serverIds(1);
    const [ran] = await member().commands.run({
      servers: server!,
      line: "hostname",
      workSession: created.id,
    });
    expect(ran!.exitCode).toBe(0);
    const extended = await member().workSessions.extend(created.id, { expires_at: inHours(5) });
    expect(Date.parse(extended.expires_at!)).toBeGreaterThan(Date.now() + 4 * 3_600_000);
    expect((await member().workSessions.complete(created.id)).status).toBe("completed");
    expect(await member().workSessions.analyze(created.id)).toEqual({
      status: "already_exists",
      work_session: created.id,
    });
    const items = [];
    for await (const item of member().workSessions.iterateTimeline(created.id, {}, { pageSize: 2 }))
      items.push(item);
    expect(items.map((i) => i.status ?? i.type)).toEqual([
      "pending",
      "approved",
      "active",
      "command",
      "completed",
    ]);
    expect(items.every((i) => typeof i.timestamp === "string")).toBe(true);
    const listed = [];
    for await (const s of member().workSessions.iterate({ status: "completed" })) listed.push(s.id);
    expect(listed).toContain(created.id);
  });

  it("queues a scope change on an active session and reports it", async () => {
    const created = await request();
    await approver().workSessions.approve(created.id);
    const queued = await member().workSessions.update(created.id, {
      scopes: ["command", "webftp"],
    });
    expect(queued.scopes).toEqual(["command"]);
    expect(queued.pending_modification_request?.changes).toEqual({
      scopes: ["command", "webftp"],
    });
  });

  it("turns refusals into typed errors", async () => {
    const created = await request();
    await expect(member().workSessions.approve(created.id)).rejects.toBeInstanceOf(
      PermissionDeniedError,
    );
    // The owner's own API token is refused too: a token is the agent's channel (ADR 0015).
    await expect(env.client().workSessions.approve(created.id)).rejects.toThrow(
      /not with an API token/,
    );
    await expect(member().workSessions.activate(created.id)).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(member().workSessions.revoke(created.id)).rejects.toBeInstanceOf(
      PermissionDeniedError,
    );
    expect((await member().workSessions.cancel(created.id)).status).toBe("cancelled");
    await expect(approver().workSessions.reject(created.id)).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(member().workSessions.get(NOBODY)).rejects.toBeInstanceOf(NotFoundError);
    await expect(member().workSessions.timeline(NOBODY)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("activates a session approved for later, and a superuser revokes it", async () => {
    const created = await request();
    await member().workSessions.update(created.id, { starts_at: inHours(1) });
    expect((await approver().workSessions.approve(created.id)).status).toBe("approved");
    expect((await member().workSessions.activate(created.id)).status).toBe("active");
    expect((await approver().workSessions.revoke(created.id)).status).toBe("revoked");
    expect(await member().workSessions.analyze(created.id, { force: true })).toEqual({
      status: "accepted",
      work_session: created.id,
    });
  });
});
