/**
 * The private PKI behaves as the service does: a sign request is signed by the CA's agent only
 * once approved and only while that agent is connected (else it stays `signing` until retried),
 * the certificate is real X.509 issued by the CA's root for the CSR's key and names, and a
 * revocation marks the certificate and puts its serial on the CA's CRL. Both status namings and
 * both action answers are served (ALTERNATIVE_VARIANTS).
 */
import { X509Certificate } from "node:crypto";
import forge from "node-forge";
import { beforeAll, describe, expect, it } from "vitest";
import { ALTERNATIVE_VARIANTS } from "../src/index.js";
import { makeCsr } from "./helpers/csr.js";
import { type Api, eventually, useSandbox } from "./helpers/sandbox.js";

const h = useSandbox({
  servers: 6,
  seed: 5,
  workspaces: [
    { region: "ap1", workspace: "acme" },
    { region: "ap1", workspace: "tolerant", variants: ALTERNATIVE_VARIANTS },
  ],
});

let api: Api;
let member: Api;
let agent: { id: string; name: string };
let ownerId: string;

beforeAll(() => {
  api = h.api();
  member = h.api(0, "jwt");
  const ws = h.sandbox.control.workspace("ap1", "acme");
  ws.setCertDelays({ sign: 20, revoke: 20 });
  h.sandbox.control.workspace("ap1", "tolerant").setCertDelays({ sign: 20, revoke: 20 });
  agent = (ws.servers() as { id: string; name: string; is_connected: boolean }[]).find(
    (s) => s.is_connected,
  ) as { id: string; name: string };
  ownerId = (ws.users()[0] as { id: string }).id;
});

async function createCa(client: Api, domain: string, agentId = agent.id) {
  const res = await client.post("/api/cert/authorities/", {
    name: `${domain} CA`,
    domain,
    organization: "Acme",
    agent: agentId,
    owner: ownerId,
  });
  expect(res.status).toBe(201);
  return res.body as { id: string };
}

/** The serial numbers a PEM CRL lists (node has no CRL parser; forge's ASN.1 codec reads it). */
function crlSerials(pem: string): string[] {
  const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ""), "base64").toString("binary");
  const tbs = (forge.asn1.fromDer(der).value as forge.asn1.Asn1[])[0] as forge.asn1.Asn1;
  const revoked = (tbs.value as forge.asn1.Asn1[])[5];
  if (!revoked) return [];
  return (revoked.value as forge.asn1.Asn1[]).map((entry) =>
    forge.util.bytesToHex((entry.value as forge.asn1.Asn1[])[0]?.value as string).toUpperCase(),
  );
}

describe("sign requests", () => {
  it("are signed by the CA for the CSR's key and names once approved", async () => {
    const ca = await createCa(api, "pki.test");
    const csr = makeCsr("www.pki.test");
    const req = await member.post("/api/cert/sign-requests/", {
      domain_list: ["www.pki.test", "pki.test"],
      ip_list: ["10.1.2.3"],
      valid_days: 30,
      csr_text: csr,
    });
    expect(req.body.authority.id).toBe(ca.id);
    // Nothing happens before an approval.
    await new Promise((r) => setTimeout(r, 60));
    expect((await api.get(`/api/cert/sign-requests/${req.body.id}/`)).body.status).toBe(
      "requested",
    );
    await api.post(`/api/cert/sign-requests/${req.body.id}/approve/`, {});
    const signed = await eventually(async () => {
      const r = await api.get(`/api/cert/sign-requests/${req.body.id}/`);
      return r.body.status === "signed" && r.body;
    });
    const root = new X509Certificate(
      (await api.get(`/api/cert/authorities/${ca.id}/`)).body.crt_text,
    );
    const leaf = new X509Certificate(signed.crt_text);
    expect(leaf.checkIssued(root)).toBe(true);
    expect(leaf.verify(root.publicKey)).toBe(true);
    expect(leaf.subjectAltName).toBe("DNS:www.pki.test, DNS:pki.test, IP Address:10.1.2.3");
    const forgeCsr = forge.pki.certificationRequestFromPem(csr);
    expect(leaf.publicKey.export({ type: "spki", format: "pem" })).toBe(
      forge.pki.publicKeyToPem(forgeCsr.publicKey as forge.pki.PublicKey).replace(/\r/g, ""),
    );
    const days = (Date.parse(leaf.validTo) - Date.parse(leaf.validFrom)) / 86_400_000;
    expect(Math.round(days)).toBe(30);
    const list = await api.get(`/api/cert/certificates/?csr__authority__id=${ca.id}`);
    expect(list.body.results[0]).toMatchObject({
      csr: req.body.id,
      serial_number: leaf.serialNumber,
      common_name: "www.pki.test",
      status: "active",
    });
  });

  it("stay signing while the CA's agent is away, and retry signs once it is back", async () => {
    const ws = h.sandbox.control.workspace("ap1", "acme");
    const other = (ws.servers() as { id: string; is_connected: boolean }[]).filter(
      (s) => s.is_connected && s.id !== agent.id,
    )[0] as { id: string };
    await createCa(api, "away.test", other.id);
    const req = await member.post("/api/cert/sign-requests/", { domain_list: ["a.away.test"] });
    ws.setServerConnected(other.id, false);
    await api.post(`/api/cert/sign-requests/${req.body.id}/approve/`, {});
    await new Promise((r) => setTimeout(r, 100));
    expect((await api.get(`/api/cert/sign-requests/${req.body.id}/`)).body.status).toBe("signing");
    ws.setServerConnected(other.id, true);
    await new Promise((r) => setTimeout(r, 60));
    expect((await api.get(`/api/cert/sign-requests/${req.body.id}/`)).body.status).toBe("signing");
    expect((await api.post(`/api/cert/sign-requests/${req.body.id}/retry/`, {})).status).toBe(200);
    await eventually(
      async () =>
        (await api.get(`/api/cert/sign-requests/${req.body.id}/`)).body.status === "signed",
    );
  });

  it("refuse names no CA covers and validity beyond the CA's maximum", async () => {
    const none = await member.post("/api/cert/sign-requests/", { domain_list: ["x.unknown.test"] });
    expect(none.status).toBe(400);
    expect(none.body).toEqual({
      domain_list: ["No certificate authority covers every requested name."],
    });
    const long = await member.post("/api/cert/sign-requests/", {
      domain_list: ["long.pki.test"],
      valid_days: 5000,
    });
    expect(long.body).toEqual({ valid_days: ["Ensure this value is less than or equal to 730."] });
  });

  it("a denial while signing drops the agent's result", async () => {
    const ws = h.sandbox.control.workspace("ap1", "acme");
    ws.setCertDelays({ sign: 150 });
    const req = await member.post("/api/cert/sign-requests/", { domain_list: ["deny.pki.test"] });
    await api.post(`/api/cert/sign-requests/${req.body.id}/approve/`, {});
    await api.post(`/api/cert/sign-requests/${req.body.id}/deny/`, {});
    await new Promise((r) => setTimeout(r, 300));
    ws.setCertDelays({ sign: 20 });
    const after = await api.get(`/api/cert/sign-requests/${req.body.id}/`);
    expect(after.body.status).toBe("denied");
    expect(after.body.crt_text).toBeUndefined();
  });
});

describe("revocations", () => {
  async function issued(client: Api, caller: Api, name: string): Promise<string> {
    const req = await caller.post("/api/cert/sign-requests/", { domain_list: [name] });
    await client.post(`/api/cert/sign-requests/${req.body.id}/approve/`, {});
    return eventually(async () => {
      const r = await client.get(`/api/cert/sign-requests/${req.body.id}/`);
      if (!r.body.crt_text) return null;
      const list = await client.get("/api/cert/certificates/?page_size=100");
      return list.body.results.find((c: { csr: string }) => c.csr === req.body.id)?.id as string;
    });
  }

  it("a member's waits for approval; once approved the certificate is revoked and on the CRL", async () => {
    const ca = (await api.get("/api/cert/authorities/")).body.results.find(
      (a: { domain: string }) => a.domain === "pki.test",
    );
    const certId = await issued(api, member, "rev.pki.test");
    const crt = (await api.get(`/api/cert/certificates/${certId}/`)).body;
    const req = await member.post("/api/cert/revoke-requests/", { certificate: certId, reason: 1 });
    expect(req.body.status).toBe("requested");
    expect((await api.get(`/api/cert/certificates/${certId}/`)).body.can_revoke).toBe(false);
    expect(
      crlSerials((await api.get(`/api/cert/authorities/${ca.id}/crl/`)).body.crl_text),
    ).not.toContain(crt.serial_number);
    await api.post(`/api/cert/revoke-requests/${req.body.id}/approve/`, {});
    const done = await eventually(async () => {
      const r = await api.get(`/api/cert/revoke-requests/${req.body.id}/`);
      return r.body.status === "revoked" && r.body;
    });
    expect(done.approved_by.id).toBe(ownerId);
    const after = (await api.get(`/api/cert/certificates/${certId}/`)).body;
    expect(after).toMatchObject({ status: "revoked", is_revoked: true, can_revoke: false });
    expect(after.revoked_at).not.toBeNull();
    expect(
      crlSerials((await api.get(`/api/cert/authorities/${ca.id}/crl/`)).body.crl_text),
    ).toContain(crt.serial_number);
    const again = await api.post("/api/cert/revoke-requests/", { certificate: certId });
    expect(again.body).toEqual({ non_field_errors: ["This certificate is already revoked."] });
  });

  it("an admin's own request is approved at once", async () => {
    const certId = await issued(api, api, "self.pki.test");
    const req = await api.post("/api/cert/revoke-requests/", { certificate: certId });
    expect(req.body.status).toBe("revoking");
    await eventually(
      async () => (await api.get(`/api/cert/certificates/${certId}/`)).body.is_revoked === true,
    );
  });
});

describe("variants", () => {
  it("serve the CLI help's status names and {id, status} action answers", async () => {
    const tolerant = h.api(1);
    const ws = h.sandbox.control.workspace("ap1", "tolerant");
    const tAgent = (ws.servers() as { id: string; is_connected: boolean }[]).find(
      (s) => s.is_connected,
    ) as { id: string };
    const tOwner = (ws.users()[0] as { id: string }).id;
    await tolerant.post("/api/cert/authorities/", {
      name: "T",
      domain: "t.test",
      organization: "T",
      agent: tAgent.id,
      owner: tOwner,
    });
    const req = await tolerant.post("/api/cert/sign-requests/", { domain_list: ["a.t.test"] });
    const approved = await tolerant.post(`/api/cert/sign-requests/${req.body.id}/approve/`, {});
    expect(approved.body).toEqual({ id: req.body.id, status: "processing" });
    await eventually(
      async () =>
        (await tolerant.get(`/api/cert/sign-requests/${req.body.id}/`)).body.status === "issued",
    );
    expect(
      (await tolerant.get("/api/cert/sign-requests/?status=issued")).body.results.map(
        (r: { id: string }) => r.id,
      ),
    ).toEqual([req.body.id]);
    const certId = (await tolerant.get("/api/cert/certificates/")).body.results[0].id;
    const member = h.api(1, "jwt");
    const rev = await member.post("/api/cert/revoke-requests/", { certificate: certId });
    expect(rev.body.status).toBe("pending");
    await tolerant.post(`/api/cert/revoke-requests/${rev.body.id}/approve/`, {});
    await eventually(
      async () =>
        (await tolerant.get(`/api/cert/revoke-requests/${rev.body.id}/`)).body.status ===
        "approved",
    );
  });
});
