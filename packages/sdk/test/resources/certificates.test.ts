import { describe, expect, it } from "vitest";
import { NotFoundError, PermissionDeniedError, ValidationError } from "../../src/index.js";
import { useSdkSandbox } from "../helpers/sandbox.js";

const env = useSdkSandbox({ servers: 3 });

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error("timed out");
}

describe("client.certificates against the sandbox", () => {
  it("runs a CA, signs a request, lists and revokes the certificate", async () => {
    const admin = env.client();
    const member = env.client({ token: "jwt" });
    const [agent] = env.serverIds(1);
    const users = env.sandbox.control.workspace("ap1", "acme").users() as { id: string }[];
    const ca = await admin.certificates.authorities.create({
      name: "SDK CA",
      domain: "sdk.test",
      organization: "Acme",
      agent: agent!,
      owner: users[0]!.id,
    });
    expect(
      (await admin.certificates.authorities.update(ca.id, { max_valid_days: 400 })).max_valid_days,
    ).toBe(400);
    const walked: string[] = [];
    for await (const a of admin.certificates.authorities.iterate()) walked.push(a.id);
    expect(walked).toEqual([ca.id]);

    const request = await member.certificates.signRequests.create({
      domain_list: ["www.sdk.test"],
      valid_days: 30,
    });
    expect(request.status).toBe("requested");
    expect(await admin.certificates.signRequests.approve(request.id)).toEqual({
      status: "signing",
    });
    const signed = await until(
      () => admin.certificates.signRequests.get(request.id),
      (r) => r.status === "signed",
    );
    expect(signed.crt_text).toMatch(/BEGIN CERTIFICATE/);
    const [certificate] = (await admin.certificates.list({ csr__authority__id: ca.id })).results;
    expect(certificate?.csr).toBe(request.id);

    const revoke = await member.certificates.revokeRequests.create({
      certificate: certificate!.id,
      reason: 1,
    });
    expect(revoke.status).toBe("requested");
    await admin.certificates.revokeRequests.approve(revoke.id);
    await until(
      () => admin.certificates.get(certificate!.id),
      (c) => c.is_revoked === true,
    );
    expect((await admin.certificates.authorities.crl(ca.id)).crl_text).toMatch(/BEGIN X509 CRL/);

    const other = await member.certificates.signRequests.create({ domain_list: ["b.sdk.test"] });
    await member.certificates.signRequests.delete(other.id);
    expect(
      (await admin.certificates.signRequests.list({ status: "canceled" })).results.map((r) => r.id),
    ).toEqual([other.id]);
    await admin.certificates.authorities.delete(ca.id);
  });

  it("reads the CLI help's status names as the MCP's", async () => {
    const admin = env.client();
    env.sandbox.control.setVariants({ certStatus: "cli-help", certAction: "id-status" });
    try {
      const [agent] = env.serverIds(1);
      const users = env.sandbox.control.workspace("ap1", "acme").users() as { id: string }[];
      await admin.certificates.authorities.create({
        name: "V",
        domain: "v.test",
        organization: "V",
        agent: agent!,
        owner: users[0]!.id,
      });
      const request = await admin.certificates.signRequests.create({ domain_list: ["a.v.test"] });
      const answer = await admin.certificates.signRequests.approve(request.id);
      expect(answer).toEqual({ id: request.id, status: "signing" });
      await until(
        () => admin.certificates.signRequests.get(request.id),
        (r) => r.status === "signed",
      );
    } finally {
      env.sandbox.control.setVariants({ certStatus: "mcp", certAction: "status" });
    }
  });

  it("gives typed errors", async () => {
    const admin = env.client();
    const member = env.client({ token: "jwt" });
    await expect(
      admin.certificates.signRequests.create({ domain_list: ["nobody.example"] }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(member.certificates.signRequests.create({ domain_list: [] })).rejects.toThrow(
      /at least one name/,
    );
    await expect(
      admin.certificates.get("00000000-0000-4000-8000-000000000000"),
    ).rejects.toBeInstanceOf(NotFoundError);
    const [agent] = env.serverIds(1);
    await expect(
      member.certificates.authorities.create({
        name: "M",
        domain: "m.test",
        organization: "M",
        agent: agent!,
        owner: agent!,
      }),
    ).rejects.toBeInstanceOf(PermissionDeniedError);
  });
});
