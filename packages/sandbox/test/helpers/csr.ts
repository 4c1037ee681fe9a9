import { generateKeyPairSync } from "node:crypto";
import forge from "node-forge";

/** A PEM PKCS#10 request for `commonName`, signed with a fresh RSA key (node:crypto makes it). */
export function makeCsr(commonName: string): string {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const key = forge.pki.privateKeyFromPem(
    privateKey.export({ type: "pkcs1", format: "pem" }) as string,
  ) as forge.pki.rsa.PrivateKey;
  const csr = forge.pki.createCertificationRequest();
  csr.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  csr.setSubject([{ name: "commonName", value: commonName }]);
  csr.sign(key, forge.md.sha256.create());
  return forge.pki.certificationRequestToPem(csr);
}
