/**
 * Contract cases of the certificate operations (happy path and main error of each), registered
 * by contract.test.ts so they count towards its coverage check. The admin token is the
 * workspace owner; `jwt` is a member who owns no CA.
 */
import { describe, expect, it } from "vitest";
import { makeCsr } from "../helpers/csr.js";
import { type Api, eventually } from "../helpers/sandbox.js";

const NOBODY = "00000000-0000-4000-8000-000000000000";

export function certsContract(
  clients: () => { api: Api; jwt: Api; agent: { id: string }; ownerId: string },
): void {
  describe("certificates", () => {
    let caId: string;
    let csrId: string;
    let certId: string;
    let revokeId: string;

    it("createCertificateAuthority", async () => {
      const { api, jwt, agent, ownerId } = clients();
      const body = {
        name: "Contract CA",
        domain: "contract.test",
        organization: "Acme",
        agent: agent.id,
        owner: ownerId,
        key_algorithm: "ecdsa",
        key_size: 256,
      };
      const res = await api.post("/api/cert/authorities/", body);
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ domain: "contract.test", key_algorithm: "ecdsa" });
      expect(res.body.instruction).toContain(res.body.id);
      caId = res.body.id;
      const again = await api.post("/api/cert/authorities/", body);
      expect(again.status).toBe(400);
      expect(again.body.domain).toEqual(["certificate authority with this domain already exists."]);
      expect((await jwt.post("/api/cert/authorities/", { ...body, domain: "x.test" })).status).toBe(
        403,
      );
    });

    it("listCertificateAuthorities and getCertificateAuthority", async () => {
      const { api } = clients();
      const list = await api.get("/api/cert/authorities/");
      expect(list.body.results.map((a: { id: string }) => a.id)).toContain(caId);
      expect((await api.get("/api/cert/authorities/?page=9")).status).toBe(404);
      const one = await api.get(`/api/cert/authorities/${caId}/`);
      expect(one.body.crt_text).toMatch(/^-----BEGIN CERTIFICATE-----/);
      expect((await api.get(`/api/cert/authorities/${NOBODY}/`)).status).toBe(404);
    });

    it("updateCertificateAuthority", async () => {
      const { api, jwt } = clients();
      const res = await api.patch(`/api/cert/authorities/${caId}/`, {
        max_valid_days: 400,
        name: "ignored (read-only)",
      });
      expect(res.body).toMatchObject({ max_valid_days: 400, name: "Contract CA" });
      const bad = await api.patch(`/api/cert/authorities/${caId}/`, { default_valid_days: 500 });
      expect(bad.status).toBe(400);
      expect(
        (await jwt.patch(`/api/cert/authorities/${caId}/`, { max_valid_days: 9 })).status,
      ).toBe(403);
    });

    it("createSignRequest and submitSignRequestCsr", async () => {
      const { api, jwt } = clients();
      const res = await jwt.post("/api/cert/sign-requests/", {
        domain_list: ["api.contract.test"],
        ip_list: null,
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ status: "requested", common_name: "api.contract.test" });
      expect(res.body.submit_url).toBe(`/api/cert/sign-requests/${res.body.id}/submit/`);
      csrId = res.body.id;
      const none = await api.post("/api/cert/sign-requests/", { domain_list: [], ip_list: [] });
      expect(none.status).toBe(400);
      const sent = await jwt.patch(res.body.submit_url, { csr_text: makeCsr("api.contract.test") });
      expect(sent.status).toBe(200);
      const junk = await jwt.patch(res.body.submit_url, { csr_text: "junk" });
      expect(junk.status).toBe(400);
      expect(junk.body.csr_text).toBeDefined();
    });

    it("listSignRequests and getSignRequest", async () => {
      const { api } = clients();
      const list = await api.get("/api/cert/sign-requests/?status=requested");
      expect(list.body.results.map((r: { id: string }) => r.id)).toContain(csrId);
      expect((await api.get("/api/cert/sign-requests/?page=99")).status).toBe(404);
      expect((await api.get(`/api/cert/sign-requests/${csrId}/`)).body.status).toBe("requested");
      expect((await api.get(`/api/cert/sign-requests/${NOBODY}/`)).status).toBe(404);
    });

    it("approveSignRequest, retrySignRequest, listCertificates and getCertificate", async () => {
      const { api, jwt } = clients();
      expect((await jwt.post(`/api/cert/sign-requests/${csrId}/approve/`, {})).status).toBe(403);
      const approved = await api.post(`/api/cert/sign-requests/${csrId}/approve/`, {});
      expect(approved.body).toEqual({ status: "signing" });
      expect((await api.post(`/api/cert/sign-requests/${csrId}/retry/`, {})).body).toEqual({
        status: "signing",
      });
      const signed = await eventually(async () => {
        const r = await api.get(`/api/cert/sign-requests/${csrId}/`);
        return r.body.status === "signed" && r.body;
      });
      expect(signed.crt_text).toMatch(/^-----BEGIN CERTIFICATE-----/);
      expect((await api.post(`/api/cert/sign-requests/${csrId}/retry/`, {})).status).toBe(400);
      const certs = await api.get(`/api/cert/certificates/?csr__authority__id=${caId}`);
      expect(certs.body.count).toBe(1);
      certId = certs.body.results[0].id;
      expect(
        (await api.get("/api/cert/certificates/?csr__authority__id=x", { invalidRequest: true }))
          .status,
      ).toBe(400);
      const cert = await api.get(`/api/cert/certificates/${certId}/`);
      expect(cert.body).toMatchObject({ csr: csrId, status: "active", is_revoked: false });
      expect((await api.get(`/api/cert/certificates/${NOBODY}/`)).status).toBe(404);
    });

    it("denySignRequest and deleteSignRequest", async () => {
      const { api, jwt } = clients();
      const a = await jwt.post("/api/cert/sign-requests/", { domain_list: ["a.contract.test"] });
      const denied = await api.post(`/api/cert/sign-requests/${a.body.id}/deny/`, {});
      expect(denied.body).toEqual({ status: "denied" });
      expect((await api.post(`/api/cert/sign-requests/${a.body.id}/deny/`, {})).status).toBe(400);
      const b = await jwt.post("/api/cert/sign-requests/", { domain_list: ["b.contract.test"] });
      expect((await jwt.delete(`/api/cert/sign-requests/${b.body.id}/`)).status).toBe(204);
      expect((await jwt.delete(`/api/cert/sign-requests/${b.body.id}/`)).status).toBe(400);
    });

    it("createRevokeRequest, denyRevokeRequest, cancelRevokeRequest", async () => {
      const { api, jwt } = clients();
      const first = await jwt.post("/api/cert/revoke-requests/", {
        certificate: certId,
        reason: 4,
      });
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({ status: "requested", reason: 4, certificate: certId });
      const twice = await jwt.post("/api/cert/revoke-requests/", { certificate: certId });
      expect(twice.status).toBe(400);
      expect((await api.post(`/api/cert/revoke-requests/${first.body.id}/deny/`, {})).body).toEqual(
        { status: "denied" },
      );
      expect((await api.post(`/api/cert/revoke-requests/${first.body.id}/deny/`, {})).status).toBe(
        400,
      );
      const second = await jwt.post("/api/cert/revoke-requests/", { certificate: certId });
      expect((await jwt.delete(`/api/cert/revoke-requests/${second.body.id}/`)).status).toBe(204);
      expect((await jwt.delete(`/api/cert/revoke-requests/${second.body.id}/`)).status).toBe(400);
      const bad = await jwt.post(
        "/api/cert/revoke-requests/",
        { certificate: certId, reason: 7 },
        {
          invalidRequest: true,
        },
      );
      expect(bad.status).toBe(400);
      revokeId = (await jwt.post("/api/cert/revoke-requests/", { certificate: certId })).body.id;
    });

    it("listRevokeRequests and getRevokeRequest", async () => {
      const { api } = clients();
      const list = await api.get(
        `/api/cert/revoke-requests/?certificate=${certId}&status=requested`,
      );
      expect(list.body.results.map((r: { id: string }) => r.id)).toEqual([revokeId]);
      expect(
        (await api.get("/api/cert/revoke-requests/?certificate=x", { invalidRequest: true }))
          .status,
      ).toBe(400);
      expect((await api.get(`/api/cert/revoke-requests/${revokeId}/`)).body.status).toBe(
        "requested",
      );
      expect((await api.get(`/api/cert/revoke-requests/${NOBODY}/`)).status).toBe(404);
    });

    it("approveRevokeRequest, retryRevokeRequest and getCertificateRevocationList", async () => {
      const { api, jwt } = clients();
      expect((await jwt.post(`/api/cert/revoke-requests/${revokeId}/approve/`, {})).status).toBe(
        403,
      );
      expect((await api.post(`/api/cert/revoke-requests/${revokeId}/retry/`, {})).status).toBe(400);
      expect((await api.post(`/api/cert/revoke-requests/${revokeId}/approve/`, {})).body).toEqual({
        status: "revoking",
      });
      expect((await api.post(`/api/cert/revoke-requests/${revokeId}/retry/`, {})).body).toEqual({
        status: "revoking",
      });
      await eventually(
        async () =>
          (await api.get(`/api/cert/revoke-requests/${revokeId}/`)).body.status === "revoked",
      );
      const crl = await api.get(`/api/cert/authorities/${caId}/crl/`);
      expect(crl.body.crl_text).toMatch(/^-----BEGIN X509 CRL-----/);
      expect((await api.get(`/api/cert/authorities/${NOBODY}/crl/`)).status).toBe(404);
    });

    it("deleteCertificateAuthority", async () => {
      const { api, jwt } = clients();
      expect((await jwt.delete(`/api/cert/authorities/${caId}/`)).status).toBe(403);
      expect((await api.delete(`/api/cert/authorities/${caId}/`)).status).toBe(204);
      expect((await api.delete(`/api/cert/authorities/${caId}/`)).status).toBe(404);
    });
  });
}
