import { createPublicKey, X509Certificate } from "node:crypto";
import forge from "node-forge";
import { describe, expect, it } from "vitest";
import {
  generateKey,
  issueCertificate,
  issueCrl,
  newSerial,
  parseCsr,
} from "../../src/state/pki.js";

const DAY = 86_400_000;

describe("pki", () => {
  for (const [algorithm, size] of [
    ["rsa", 2048],
    ["ecdsa", 384],
  ] as const) {
    it(`issues a root and a leaf that verify (${algorithm} ${size})`, async () => {
      const key = await generateKey(algorithm, size);
      const ca = { key, subject: { commonName: "Acme Root CA", organization: "Acme" } };
      const caPublic = createPublicKey(key);
      const now = Date.now();
      const root = new X509Certificate(
        await issueCertificate({
          ca,
          publicKey: caPublic,
          subject: ca.subject,
          serial: newSerial(),
          notBefore: now,
          notAfter: now + 3650 * DAY,
          isCa: true,
        }),
      );
      expect(root.ca).toBe(true);
      expect(root.verify(caPublic)).toBe(true);
      const leafKey = await generateKey("ecdsa", 256);
      const serial = newSerial();
      const leaf = new X509Certificate(
        await issueCertificate({
          ca,
          publicKey: createPublicKey(leafKey),
          subject: { commonName: "api.acme.com", organization: "Acme" },
          serial,
          notBefore: now,
          notAfter: now + 365 * DAY,
          isCa: false,
          dnsNames: ["api.acme.com"],
          ips: ["10.0.0.7", "fd00::7"],
        }),
      );
      expect(leaf.ca).toBe(false);
      expect(leaf.checkIssued(root)).toBe(true);
      expect(leaf.verify(caPublic)).toBe(true);
      expect(leaf.serialNumber).toBe(serial);
      expect(leaf.subjectAltName).toBe(
        "DNS:api.acme.com, IP Address:10.0.0.7, IP Address:FD00:0:0:0:0:0:0:7",
      );
      const crl = await issueCrl(ca, [{ serial, revokedAt: now, reason: 1 }], now);
      expect(crl).toMatch(/^-----BEGIN X509 CRL-----\n/);
    });
  }

  it("reads a CSR and checks its signature", async () => {
    const keys = forge.pki.rsa.generateKeyPair(1024);
    const csr = forge.pki.createCertificationRequest();
    csr.publicKey = keys.publicKey;
    csr.setSubject([{ name: "commonName", value: "web.acme.com" }]);
    csr.sign(keys.privateKey, forge.md.sha256.create());
    const text = forge.pki.certificationRequestToPem(csr);
    const parsed = await parseCsr(text);
    expect(parsed?.commonName).toBe("web.acme.com");
    expect(parsed?.publicKey.asymmetricKeyType).toBe("rsa");
    expect(await parseCsr("not a csr")).toBeNull();
    // One changed byte in the body breaks the self-signature.
    const lines = text.split("\n");
    lines[3] = `${(lines[3] as string).slice(0, 10)}${(lines[3] as string)[10] === "A" ? "B" : "A"}${(lines[3] as string).slice(11)}`;
    expect(await parseCsr(lines.join("\n"))).toBeNull();
  });
});
