import { beforeAll, describe, expect, it } from "vitest";
import { MfaRequiredError, WorkSessionError } from "../src/index.js";
import { useSdkSandbox } from "./helpers/sandbox.js";

// ap1/acme requires a work session (of browser logins: the JWT token), us1/globex requires MFA.
const env = useSdkSandbox({
  servers: 3,
  workspaces: [
    { region: "ap1", workspace: "acme", workSessionRequired: true },
    { region: "us1", workspace: "globex", mfaRequired: true },
  ],
});
const jwt = () => env.client({ token: "jwt" });
// The gate checks the session: an active one of this user, covering the scopes and servers used.
let WORK_SESSION: string;
beforeAll(async () => {
  const session = await jwt().workSessions.create({
    description: "gate tests",
    scopes: ["command", "websh", "webftp"],
    servers: env.serverIds(),
    expires_at: new Date(Date.now() + 3_600_000).toISOString(),
  });
  // A person approves: the owner's browser login (API tokens are refused, ADR 0015).
  await env.client({ token: "ownerJwt" }).workSessions.approve(session.id);
  WORK_SESSION = session.id;
});

describe("work sessions", () => {
  it("commands.run reports the gate's code per server, and passes with workSession", async () => {
    const [server] = env.serverIds(1);
    const [refused] = await jwt().commands.run({ servers: server!, line: "whoami" });
    expect(refused!.error).toMatchObject({ kind: "rejected", code: "work_session_required" });
    const [done] = await jwt().commands.run({
      servers: server!,
      line: "whoami",
      workSession: WORK_SESSION,
    });
    expect(done!.error).toBeUndefined();
    expect(done!.exitCode).toBe(0);
  });

  it("commands.create sends work_session in the body", async () => {
    const [server] = env.serverIds(1);
    await expect(jwt().commands.create({ server: server!, line: "id" })).rejects.toBeInstanceOf(
      WorkSessionError,
    );
    const [created] = await jwt().commands.create({
      server: server!,
      line: "id",
      work_session: WORK_SESSION,
    });
    expect(created!.id).toBeTruthy();
  });

  it("websh.open and websh.exec are refused without one and open with one", async () => {
    const [server] = env.serverIds(1);
    const refused = await jwt()
      .websh.open({ server: server! })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(WorkSessionError);
    expect((refused as WorkSessionError).source).toBe("websh");
    const client = jwt();
    try {
      const shell = await client.websh.open({ server: server!, workSession: WORK_SESSION });
      await shell.close();
      const result = await client.websh.exec({
        server: server!,
        command: "echo hi",
        workSession: WORK_SESSION,
      });
      expect(result.output.trim()).toBe("hi");
    } finally {
      await client.websh.closeAll();
    }
  });

  it("webftp upload and download are refused without one and run with one", async () => {
    const [server] = env.serverIds(1);
    const me = await jwt().iam.users.get("-");
    const remotePath = `/home/${me.username}/ws-note.txt`;
    const refused = await jwt()
      .webftp.upload({ server: server!, remotePath, source: new TextEncoder().encode("x") })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(WorkSessionError);
    expect((refused as WorkSessionError).source).toBe("webftp");
    await jwt().webftp.upload({
      server: server!,
      remotePath,
      source: new TextEncoder().encode("hello"),
      workSession: WORK_SESSION,
    });
    const chunks: Uint8Array[] = [];
    const destination = new WritableStream<Uint8Array>({
      write: (chunk) => void chunks.push(chunk),
    });
    const noSession = await jwt()
      .webftp.download({ server: server!, remotePath, destination })
      .catch((error: unknown) => error);
    expect(noSession).toBeInstanceOf(WorkSessionError);
    await jwt().webftp.download({
      server: server!,
      remotePath,
      workSession: WORK_SESSION,
      destination: new WritableStream<Uint8Array>({ write: (chunk) => void chunks.push(chunk) }),
    });
    expect(Buffer.concat(chunks).toString()).toBe("hello");
  });

  it("API tokens bypass the gate, as in the product", async () => {
    const [server] = env.serverIds(1);
    const [done] = await env.client().commands.run({ servers: server!, line: "uptime" });
    expect(done!.error).toBeUndefined();
  });
});

describe("MFA", () => {
  it("is an MfaRequiredError naming the gate, for any token", async () => {
    const [server] = env.serverIds(1, 1);
    const refused = await env
      .client({ index: 1 })
      .websh.open({ server: server! })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(MfaRequiredError);
    expect((refused as MfaRequiredError).source).toBe("websh");
    const [result] = await env.client({ index: 1 }).commands.run({ servers: server!, line: "id" });
    expect(result!.error).toMatchObject({ kind: "rejected", code: "auth_mfa_required" });
  });
});
