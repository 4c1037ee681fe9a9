import { describe, expect, it } from "vitest";
import { ALTERNATIVE_VARIANTS } from "../../../sandbox/src/index.js";
import { NotFoundError, PermissionDeniedError, ValidationError } from "../../src/index.js";
import { useSdkSandbox } from "../helpers/sandbox.js";

const env = useSdkSandbox({
  servers: 3,
  workspaces: [
    { region: "ap1", workspace: "acme" },
    { region: "ap1", workspace: "cli", variants: ALTERNATIVE_VARIANTS },
  ],
});
const NOBODY = "00000000-0000-4000-8000-000000000000";
// The member's login asks; the owner's login is the person; the owner's API token is an agent.
const member = (index = 0) => env.client({ index, token: "jwt" });
const person = (index = 0) => env.client({ index, token: "ownerJwt" });
const agent = () => env.client();

describe("client.sudoPolicies and client.approvals", () => {
  it("a policy holds a sudo for a person; approving lets it run once", async () => {
    const [server] = env.serverIds(1);
    const policy = await agent().sudoPolicies.create({
      name: "whoami",
      commands: ["/usr/bin/whoami"],
      servers: [server!],
    });
    expect(policy).toMatchObject({ name: "whoami", no_password: false });
    const names = [];
    for await (const p of member().sudoPolicies.iterate()) names.push(p.name);
    expect(names).toEqual(["whoami"]);

    const [held] = await member().commands.run({ servers: server!, line: "sudo whoami" });
    expect(held!.output).toBe("Alpacon denied this sudo command (SUDO_APPROVAL_REQUIRED).\n");
    const [request] = (await member().approvals.listMine({ request_type: "sudo" })).results;
    expect(request).toMatchObject({ status: "pending", request_data: "sudo whoami" });

    await expect(agent().approvals.approve(request!.id)).rejects.toBeInstanceOf(
      PermissionDeniedError,
    );
    const approved = await person().approvals.approve(request!.id);
    expect(approved?.status).toBe("approved");
    const [ran] = await member().commands.run({ servers: server!, line: "sudo whoami" });
    expect(ran).toMatchObject({ exitCode: 0, output: "root\n" });
  });

  it("lists, gets, rejects and cancels work-session requests", async () => {
    const [server] = env.serverIds(1);
    const ask = () =>
      member().workSessions.create({
        description: "Rotate logs",
        scopes: ["command"],
        servers: [server!],
        expires_at: new Date(Date.now() + 3_600_000).toISOString(),
      });
    const first = await ask();
    const second = await ask();
    const all = [];
    for await (const r of agent().approvals.iterate(
      { request_type: "work_session" },
      { pageSize: 1 },
    ))
      all.push(r.id);
    expect(all).toEqual([second.approval_request_id, first.approval_request_id]);
    expect((await member().approvals.get(first.approval_request_id!)).request_type).toBe(
      "work_session",
    );
    expect((await person().approvals.reject(first.approval_request_id!))?.status).toBe("rejected");
    expect((await member().workSessions.get(first.id)).status).toBe("rejected");
    await member().approvals.cancel(second.approval_request_id!);
    expect((await member().workSessions.get(second.id)).status).toBe("cancelled");
    await expect(member().approvals.cancel(second.approval_request_id!)).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(member().approvals.get(NOBODY)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("takes approve's empty answer (the CLI's tests) as null", async () => {
    const [server] = env.serverIds(1, 1);
    const session = await member(1).workSessions.create({
      scopes: ["command"],
      servers: [server!],
      expires_at: new Date(Date.now() + 3_600_000).toISOString(),
    });
    expect(await person(1).approvals.approve(session.approval_request_id!)).toBeNull();
    expect((await member(1).workSessions.get(session.id)).status).toBe("active");
  });
});
