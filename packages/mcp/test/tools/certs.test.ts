import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { beforeAll, describe, expect, test } from "vitest";
import { expectInvalidInput, expectToolError } from "../helpers/expect-tool.js";
import { useHarness } from "../helpers/file-harness.js";
import { call, MISSING_ID, sdkClient } from "../helpers/harness.js";

const h = useHarness({ servers: 6 });
// The toolset is opt-in: every call here selects it.
const CERTS = { toolsets: ["certs" as const] };
const MEMBER = { ...CERTS, token: "jwt" as const };

const run = (name: string, args: Record<string, unknown>, options = {}) =>
  h.call(name, { workspace: "acme", ...args }, { ...CERTS, ...options });

/** A client whose user answers yes (or no), keeping the questions asked. */
async function asking(answer = true) {
  const questions: string[] = [];
  const { client } = await h.connect(
    { ...CERTS, confirm: "elicit" },
    { elicitation: { form: {} } },
  );
  client.setRequestHandler(ElicitRequestSchema, async (request) => {
    questions.push(request.params.message);
    return answer ? { action: "accept", content: { confirm: true } } : { action: "decline" };
  });
  return {
    questions,
    call: (name: string, args: Record<string, unknown>) =>
      call(client, name, { workspace: "acme", ...args }),
  };
}

const ws = () => h.sandbox.control.workspace("ap1", "acme");
let owner: { id: string; username: string };
let agentName: string;
let caId: string;

beforeAll(() => {
  owner = ws().users()[0] as { id: string; username: string };
  agentName = (ws().server(h.server) as { name: string }).name;
  ws().setCertDelays({ sign: 20, revoke: 20 });
});

async function signed(names: string[]): Promise<{ csr: string; cert: string }> {
  const request = await run("create_sign_request", { domainList: names }, MEMBER);
  const csr = (request.structured!.signRequest as { id: string }).id;
  await run("approve_sign_request", { csrId: csr });
  const client = sdkClient(h.sandbox);
  for (let i = 0; i < 200; i++) {
    const list = await client.certificates.list({ page_size: 100 });
    const found = list.results.find((c) => c.csr === csr);
    if (found) return { csr, cert: found.id };
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error("never signed");
}

describe("the certs toolset", () => {
  test("is off by default", async () => {
    expectToolError(
      await h.call("list_certificates", { workspace: "acme" }, { toolsets: ["default"] }),
      "list_certificates",
    );
  });
});

describe("certificate authorities", () => {
  test("create asks naming the CA, its server, owner and domain; a declined one is not made", async () => {
    const no = await asking(false);
    const args = {
      name: "Acme Root CA",
      domain: "acme.test",
      organization: "Acme",
      server: agentName,
      owner: owner.id,
    };
    expect((await no.call("create_certificate_authority", args)).isError).toBe(true);
    expect((await sdkClient(h.sandbox).certificates.authorities.list()).count).toBe(0);
    const yes = await asking();
    const created = await yes.call("create_certificate_authority", args);
    expect(created.isError).toBe(false);
    expect(yes.questions[0]).toContain(
      `Create certificate authority \`Acme Root CA\` (organization \`Acme\`) on server \`${agentName}\`, owned by user \`${owner.username}\`? It can then sign certificates for \`acme.test\` and every name under it.`,
    );
    caId = (created.structured!.authority as { id: string }).id;
    expect(created.text).toContain("alpamon ca install");
  });

  test("create refuses an unknown owner before asking, and a member", async () => {
    const yes = await asking();
    const bad = await yes.call("create_certificate_authority", {
      name: "X",
      domain: "x.test",
      organization: "X",
      server: agentName,
      owner: MISSING_ID,
    });
    expectToolError(bad, "iam_users_list");
    expect(yes.questions).toEqual([]);
    const member = await run(
      "create_certificate_authority",
      { name: "X", domain: "x.test", organization: "X", server: agentName, owner: owner.id },
      MEMBER,
    );
    expectToolError(member, "admins");
  });

  test("list and get; errors for a bad page and an unknown id", async () => {
    const listed = await run("list_certificate_authorities", {});
    expect(listed.text).toContain("Acme Root CA");
    expectInvalidInput(await run("list_certificate_authorities", { page: 0 }));
    const one = await run("get_certificate_authority", { caId });
    expect((one.structured!.authority as { crt_text: string }).crt_text).toMatch(/BEGIN CERT/);
    expectToolError(
      await run("get_certificate_authority", { caId: MISSING_ID }),
      "list_certificate_authorities",
    );
  });

  test("update asks naming the CA and the change; nothing to change is an error", async () => {
    const yes = await asking();
    const updated = await yes.call("update_certificate_authority", { caId, maxValidDays: 800 });
    expect(updated.structured!.authority).toMatchObject({ max_valid_days: 800 });
    expect(yes.questions[0]).toContain(
      "Change max_valid_days to `800` of certificate authority `Acme Root CA` (domain acme.test)?",
    );
    expectToolError(await yes.call("update_certificate_authority", { caId }), "no field to change");
  });
});

describe("sign requests", () => {
  let csr: string;

  test("create, list, get; no name at all is an error, so is a bad status filter", async () => {
    const made = await run(
      "create_sign_request",
      { domainList: ["www.acme.test"], validDays: 90 },
      MEMBER,
    );
    expect(made.structured!.signRequest).toMatchObject({ status: "requested" });
    csr = (made.structured!.signRequest as { id: string }).id;
    expectToolError(await run("create_sign_request", {}, MEMBER), "no name was given");
    expect((await run("list_sign_requests", { status: "requested" })).text).toContain(
      "www.acme.test",
    );
    expectInvalidInput(await run("list_sign_requests", { status: "x".repeat(40) }));
    expect((await run("get_sign_request", { csrId: csr })).text).toContain("requested");
    expectToolError(await run("get_sign_request", { csrId: MISSING_ID }), "list_sign_requests");
  });

  test("approve asks naming the request's names, CA and validity; a member may not", async () => {
    expectToolError(await run("approve_sign_request", { csrId: csr }, MEMBER), "authority's owner");
    ws().setCertDelays({ sign: 60_000 });
    const yes = await asking();
    const approved = await yes.call("approve_sign_request", { csrId: csr });
    expect(approved.structured).toEqual({ id: csr, status: "signing" });
    expect(yes.questions[0]).toContain(
      "Approve the sign request for `www.acme.test` (authority `Acme Root CA`, 90 days)? The CA will sign and issue a certificate for these names to the requester.",
    );
    expectToolError(await run("approve_sign_request", { csrId: csr }), 'status "signing"');
  });

  test("retry re-sends one stuck in signing; others are refused", async () => {
    ws().setCertDelays({ sign: 20 });
    const yes = await asking();
    const retried = await yes.call("retry_sign_request", { csrId: csr });
    expect(retried.structured).toEqual({ id: csr, status: "signing" });
    expect(yes.questions[0]).toContain("Each retry dispatches a new signing command");
    const client = sdkClient(h.sandbox);
    for (
      let i = 0;
      i < 200 && (await client.certificates.signRequests.get(csr)).status !== "signed";
      i++
    ) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expectToolError(await run("retry_sign_request", { csrId: csr }), 'status "signed"');
  });

  test("deny and delete (cancel); finished ones are refused", async () => {
    const a = await run("create_sign_request", { domainList: ["a.acme.test"] }, MEMBER);
    const aId = (a.structured!.signRequest as { id: string }).id;
    const yes = await asking();
    expect((await yes.call("deny_sign_request", { csrId: aId })).structured).toEqual({
      id: aId,
      status: "denied",
    });
    expect(yes.questions[0]).toContain("Deny the sign request for `a.acme.test`");
    expectToolError(await run("deny_sign_request", { csrId: aId }), 'status "denied"');
    expectToolError(await run("delete_sign_request", { csrId: aId }), 'status "denied"');
    const b = await run(
      "create_sign_request",
      { ipList: ["10.0.0.9"], domainList: ["b.acme.test"] },
      MEMBER,
    );
    const bId = (b.structured!.signRequest as { id: string }).id;
    const cancel = await yes.call("delete_sign_request", { csrId: bId });
    expect(cancel.structured).toEqual({ csrId: bId, canceled: true });
    expect(yes.questions.at(-1)).toContain("Cancel the sign request for `b.acme.test`, `10.0.0.9`");
  });
});

describe("certificates and revocations", () => {
  let cert: string;
  let revoke: string;

  test("list by authority and get; bad ids are errors", async () => {
    ({ cert } = await signed(["api.acme.test"]));
    const listed = await run("list_certificates", { authorityId: caId });
    expect(listed.text).toContain("api.acme.test");
    expectInvalidInput(await run("list_certificates", { authorityId: "nope" }));
    const one = await run("get_certificate", { certificateId: cert });
    expect(one.structured!.certificate).toMatchObject({ status: "active" });
    expectToolError(
      await run("get_certificate", { certificateId: MISSING_ID }),
      "list_certificates",
    );
  });

  test("revoke asks naming the certificate and its serial; a member's waits for approval", async () => {
    const serial = (await sdkClient(h.sandbox).certificates.get(cert)).serial_number;
    const { client, questions } = await (async () => {
      const qs: string[] = [];
      const { client } = await h.connect(
        { ...MEMBER, confirm: "elicit" },
        { elicitation: { form: {} } },
      );
      client.setRequestHandler(ElicitRequestSchema, async (request) => {
        qs.push(request.params.message);
        return { action: "accept", content: { confirm: true } };
      });
      return { client, questions: qs };
    })();
    const made = await call(client, "revoke_certificate", {
      workspace: "acme",
      certificateId: cert,
      reason: 4,
    });
    expect(made.structured!.revokeRequest).toMatchObject({ status: "requested", reason: 4 });
    expect(questions[0]).toMatch(
      new RegExp(
        `^Revoke certificate \`api\\.acme\\.test\` \\(serial ${serial}, authority \`Acme Root CA\`\\)\\? Irreversible`,
      ),
    );
    revoke = (made.structured!.revokeRequest as { id: string }).id;
    const again = await call(client, "revoke_certificate", {
      workspace: "acme",
      certificateId: cert,
    });
    expectToolError(again, "already pending");
    expectInvalidInput(await run("revoke_certificate", { certificateId: cert, reason: 7 }));
  });

  test("list and get revocation requests; bad filters and ids are errors", async () => {
    const listed = await run("list_revoke_requests", { certificateId: cert, status: "requested" });
    expect((listed.structured!.revokeRequests as { id: string }[]).map((r) => r.id)).toEqual([
      revoke,
    ]);
    expectInvalidInput(await run("list_revoke_requests", { certificateId: "x" }));
    expect((await run("get_revoke_request", { revokeId: revoke })).text).toContain("requested");
    expectToolError(
      await run("get_revoke_request", { revokeId: MISSING_ID }),
      "list_revoke_requests",
    );
  });

  test("deny and cancel keep the certificate valid; finished ones are refused", async () => {
    const yes = await asking();
    expect((await yes.call("deny_revoke_request", { revokeId: revoke })).structured).toEqual({
      id: revoke,
      status: "denied",
    });
    expect(yes.questions[0]).toContain("Deny the revocation of certificate `api.acme.test`");
    expectToolError(await run("deny_revoke_request", { revokeId: revoke }), 'status "denied"');
    expectToolError(await run("cancel_revoke_request", { revokeId: revoke }), 'status "denied"');
    const second = await run("revoke_certificate", { certificateId: cert }, MEMBER);
    const id = (second.structured!.revokeRequest as { id: string }).id;
    expect((await yes.call("cancel_revoke_request", { revokeId: id })).structured).toEqual({
      revokeId: id,
      canceled: true,
    });
    expect(yes.questions.at(-1)).toContain("The certificate stays valid.");
  });

  test("approve revokes, retry re-sends one stuck in revoking; others are refused", async () => {
    const made = await run("revoke_certificate", { certificateId: cert }, MEMBER);
    const id = (made.structured!.revokeRequest as { id: string }).id;
    expectToolError(await run("retry_revoke_request", { revokeId: id }), 'status "requested"');
    ws().setCertDelays({ revoke: 60_000 });
    const yes = await asking();
    expect((await yes.call("approve_revoke_request", { revokeId: id })).structured).toEqual({
      id,
      status: "revoking",
    });
    expect(yes.questions[0]).toContain("Approve revoking certificate `api.acme.test`");
    expectToolError(
      await run("approve_revoke_request", { revokeId: id }, MEMBER),
      "authority's owner",
    );
    ws().setCertDelays({ revoke: 20 });
    expect((await yes.call("retry_revoke_request", { revokeId: id })).structured).toEqual({
      id,
      status: "revoking",
    });
    const client = sdkClient(h.sandbox);
    for (let i = 0; i < 200 && !(await client.certificates.get(cert)).is_revoked; i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(
      (await run("get_certificate", { certificateId: cert })).structured!.certificate,
    ).toMatchObject({
      status: "revoked",
    });
  });

  test("deleting the CA asks, counting what it issued; an unknown CA is an error", async () => {
    const yes = await asking();
    expectToolError(
      await yes.call("delete_certificate_authority", { caId: MISSING_ID }),
      "list_certificate_authorities",
    );
    const deleted = await yes.call("delete_certificate_authority", { caId });
    expect(deleted.structured).toEqual({ caId, deleted: true });
    expect(yes.questions.at(-1)).toContain(
      "Delete certificate authority `Acme Root CA` (domain acme.test)? Irreversible: the 2 certificate(s) it issued can no longer be verified, and its sign and revocation requests are deleted with it.",
    );
  });
});
