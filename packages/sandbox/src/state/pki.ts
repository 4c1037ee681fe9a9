import {
  createPublicKey,
  generateKeyPair,
  type KeyObject,
  randomBytes,
  sign,
  verify,
} from "node:crypto";
import { isIP } from "node:net";
import { promisify } from "node:util";
import type forgeTypes from "node-forge";

/**
 * Real X.509 for the sandbox's certificate authorities: keys and signatures from node:crypto
 * (RSA and ECDSA, native speed), DER encoding and decoding from node-forge's ASN.1 module (pure JS,
 * no dependencies, no install scripts). Only the codec is borrowed: forge's own certificate
 * builder signs with RSA alone. node-forge loads on the first certificate operation, so a
 * sandbox that never touches certificates starts as fast as before.
 */
type Forge = typeof forgeTypes;
type Asn1 = forgeTypes.asn1.Asn1;

let forgeLoad: Promise<Forge> | undefined;
function loadForge(): Promise<Forge> {
  forgeLoad ??= import("node-forge").then(
    (m) => ((m as { default?: Forge }).default ?? m) as Forge,
  );
  return forgeLoad;
}

export type KeyAlgorithm = "rsa" | "ecdsa";

const generate = promisify(generateKeyPair);

/** A private key of the CA's algorithm: RSA of `size` bits, or ECDSA on P-256 / P-384. */
export async function generateKey(algorithm: KeyAlgorithm, size: number): Promise<KeyObject> {
  const pair =
    algorithm === "ecdsa"
      ? await generate("ec", { namedCurve: size === 384 ? "secp384r1" : "prime256v1" })
      : await generate("rsa", { modulusLength: size });
  return pair.privateKey;
}

const OID = {
  commonName: "2.5.4.3",
  organization: "2.5.4.10",
  basicConstraints: "2.5.29.19",
  subjectAltName: "2.5.29.17",
  reasonCode: "2.5.29.21",
  sha256WithRsa: "1.2.840.113549.1.1.11",
  ecdsaWithSha256: "1.2.840.10045.4.3.2",
  ecdsaWithSha384: "1.2.840.10045.4.3.3",
};

/** Signature algorithms a CSR may use, and the hash each one takes. */
const CSR_HASHES: Record<string, string> = {
  "1.2.840.113549.1.1.5": "sha1",
  "1.2.840.113549.1.1.11": "sha256",
  "1.2.840.113549.1.1.12": "sha384",
  "1.2.840.113549.1.1.13": "sha512",
  "1.2.840.10045.4.3.2": "sha256",
  "1.2.840.10045.4.3.3": "sha384",
  "1.2.840.10045.4.3.4": "sha512",
};

const bytes = (b: Buffer): string => b.toString("binary");

function der(forge: Forge, node: Asn1): Buffer {
  return Buffer.from(forge.asn1.toDer(node).getBytes(), "binary");
}

function pem(label: string, body: Buffer): string {
  const lines = body.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

function unpem(text: string, label: string): Buffer | null {
  const match = new RegExp(`-----BEGIN ${label}-----([\\s\\S]+?)-----END ${label}-----`).exec(text);
  return match ? Buffer.from((match[1] as string).replace(/\s+/g, ""), "base64") : null;
}

/** Signature algorithm and hash for a CA key. */
function algorithmOf(key: KeyObject): { oid: string; hash: string; nullParams: boolean } {
  if (key.asymmetricKeyType === "ec") {
    const p384 = key.asymmetricKeyDetails?.namedCurve === "secp384r1";
    return p384
      ? { oid: OID.ecdsaWithSha384, hash: "sha384", nullParams: false }
      : { oid: OID.ecdsaWithSha256, hash: "sha256", nullParams: false };
  }
  return { oid: OID.sha256WithRsa, hash: "sha256", nullParams: true };
}

export interface Subject {
  commonName: string;
  organization: string;
}

export interface CaKey {
  key: KeyObject;
  subject: Subject;
}

class Der {
  constructor(readonly forge: Forge) {}
  private get a() {
    return this.forge.asn1;
  }
  seq(items: Asn1[]): Asn1 {
    return this.a.create(this.a.Class.UNIVERSAL, this.a.Type.SEQUENCE, true, items);
  }
  set(items: Asn1[]): Asn1 {
    return this.a.create(this.a.Class.UNIVERSAL, this.a.Type.SET, true, items);
  }
  oid(oid: string): Asn1 {
    return this.a.create(
      this.a.Class.UNIVERSAL,
      this.a.Type.OID,
      false,
      this.a.oidToDer(oid).getBytes(),
    );
  }
  int(value: Buffer): Asn1 {
    return this.a.create(this.a.Class.UNIVERSAL, this.a.Type.INTEGER, false, bytes(value));
  }
  bool(value: boolean): Asn1 {
    return this.a.create(
      this.a.Class.UNIVERSAL,
      this.a.Type.BOOLEAN,
      false,
      value ? "\xff" : "\x00",
    );
  }
  octets(value: Buffer): Asn1 {
    return this.a.create(this.a.Class.UNIVERSAL, this.a.Type.OCTETSTRING, false, bytes(value));
  }
  utf8(value: string): Asn1 {
    return this.a.create(
      this.a.Class.UNIVERSAL,
      this.a.Type.UTF8,
      false,
      this.forge.util.encodeUtf8(value),
    );
  }
  bits(value: Buffer): Asn1 {
    return this.a.create(
      this.a.Class.UNIVERSAL,
      this.a.Type.BITSTRING,
      false,
      `\x00${bytes(value)}`,
    );
  }
  explicit(tag: number, inner: Asn1): Asn1 {
    return this.a.create(this.a.Class.CONTEXT_SPECIFIC, tag, true, [inner]);
  }
  implicit(tag: number, value: Buffer): Asn1 {
    return this.a.create(this.a.Class.CONTEXT_SPECIFIC, tag, false, bytes(value));
  }
  /** RFC 5280: UTCTime through 2049, GeneralizedTime after. */
  time(ms: number): Asn1 {
    const date = new Date(ms);
    return date.getUTCFullYear() < 2050
      ? this.a.create(
          this.a.Class.UNIVERSAL,
          this.a.Type.UTCTIME,
          false,
          this.a.dateToUtcTime(date),
        )
      : this.a.create(
          this.a.Class.UNIVERSAL,
          this.a.Type.GENERALIZEDTIME,
          false,
          this.a.dateToGeneralizedTime(date),
        );
  }
  name(subject: Subject): Asn1 {
    const rdn = (oid: string, value: string) =>
      this.set([this.seq([this.oid(oid), this.utf8(value)])]);
    return this.seq([
      ...(subject.organization ? [rdn(OID.organization, subject.organization)] : []),
      rdn(OID.commonName, subject.commonName),
    ]);
  }
  algorithm(key: KeyObject): Asn1 {
    const alg = algorithmOf(key);
    const params = alg.nullParams
      ? [this.a.create(this.a.Class.UNIVERSAL, this.a.Type.NULL, false, "")]
      : [];
    return this.seq([this.oid(alg.oid), ...params]);
  }
  extension(oid: string, critical: boolean, value: Asn1): Asn1 {
    return this.seq([
      this.oid(oid),
      ...(critical ? [this.bool(true)] : []),
      this.octets(der(this.forge, value)),
    ]);
  }
  /** `tbs` signed by `key`, wrapped as Certificate or CertificateList. */
  signed(tbs: Asn1, key: KeyObject): Buffer {
    const body = der(this.forge, tbs);
    const signature = sign(algorithmOf(key).hash, body, key);
    return der(this.forge, this.seq([tbs, this.algorithm(key), this.bits(signature)]));
  }
}

/** A positive 128-bit serial number, as hex (upper case, as OpenSSL prints it). */
export function newSerial(): string {
  const serial = randomBytes(16);
  serial[0] = ((serial[0] as number) & 0x7f) | 0x10;
  return serial.toString("hex").toUpperCase();
}

export interface IssueInput {
  ca: CaKey;
  /** The subject's public key; for a root certificate, the CA's own. */
  publicKey: KeyObject;
  subject: Subject;
  serial: string;
  notBefore: number;
  notAfter: number;
  /** A CA certificate (basicConstraints CA:TRUE) or a leaf with these alternative names. */
  isCa: boolean;
  dnsNames?: readonly string[];
  ips?: readonly string[];
}

function ipBytes(ip: string): Buffer {
  if (isIP(ip) === 4) return Buffer.from(ip.split(".").map(Number));
  const [head = "", tail = ""] = ip.split("::");
  const groups = (s: string) => (s === "" ? [] : s.split(":"));
  const h = groups(head);
  const t = ip.includes("::") ? groups(tail) : [];
  const all = [...h, ...Array(8 - h.length - t.length).fill("0"), ...t];
  return Buffer.from(
    all.flatMap((g) => [(Number.parseInt(g, 16) >> 8) & 0xff, Number.parseInt(g, 16) & 0xff]),
  );
}

/** An X.509 v3 certificate in PEM. */
export async function issueCertificate(input: IssueInput): Promise<string> {
  const d = new Der(await loadForge());
  const spki = d.forge.asn1.fromDer(
    bytes(input.publicKey.export({ type: "spki", format: "der" }) as Buffer),
  );
  const extensions = [
    d.extension(OID.basicConstraints, true, d.seq(input.isCa ? [d.bool(true)] : [])),
  ];
  const names = [
    ...(input.dnsNames ?? []).map((n) => d.implicit(2, Buffer.from(n, "ascii"))),
    ...(input.ips ?? []).map((ip) => d.implicit(7, ipBytes(ip))),
  ];
  if (names.length > 0) extensions.push(d.extension(OID.subjectAltName, false, d.seq(names)));
  const tbs = d.seq([
    d.explicit(0, d.int(Buffer.from([2]))),
    d.int(Buffer.from(input.serial, "hex")),
    d.algorithm(input.ca.key),
    d.name(input.ca.subject),
    d.seq([d.time(input.notBefore), d.time(input.notAfter)]),
    d.name(input.subject),
    spki,
    d.explicit(3, d.seq(extensions)),
  ]);
  return pem("CERTIFICATE", d.signed(tbs, input.ca.key));
}

export interface RevokedEntry {
  serial: string;
  revokedAt: number;
  /** RFC 5280 reason code; 0 (unspecified) is left out of the entry, as RFC 5280 advises. */
  reason: number;
}

/** A v2 CRL in PEM, valid for a week from `now`. */
export async function issueCrl(ca: CaKey, revoked: readonly RevokedEntry[], now: number) {
  const d = new Der(await loadForge());
  const a = d.forge.asn1;
  const entries = revoked.map((r) => {
    const reason = a.create(
      a.Class.UNIVERSAL,
      a.Type.ENUMERATED,
      false,
      String.fromCharCode(r.reason),
    );
    const ext = r.reason === 0 ? [] : [d.seq([d.extension(OID.reasonCode, false, reason)])];
    return d.seq([d.int(Buffer.from(r.serial, "hex")), d.time(r.revokedAt), ...ext]);
  });
  const tbs = d.seq([
    d.int(Buffer.from([1])),
    d.algorithm(ca.key),
    d.name(ca.subject),
    d.time(now),
    d.time(now + 7 * 86_400_000),
    ...(entries.length > 0 ? [d.seq(entries)] : []),
  ]);
  return pem("X509 CRL", d.signed(tbs, ca.key));
}

export interface ParsedCsr {
  publicKey: KeyObject;
  commonName: string | null;
}

/**
 * Reads a PEM PKCS#10 request and checks its self-signature; null when it is not one (the
 * caller turns that into a field error).
 */
export async function parseCsr(text: string): Promise<ParsedCsr | null> {
  const body = unpem(text, "(?:NEW )?CERTIFICATE REQUEST");
  if (!body) return null;
  const forge = await loadForge();
  const a = forge.asn1;
  try {
    const root = a.fromDer(bytes(body));
    const [info, alg, sig] = root.value as Asn1[];
    const [, subject, spki] = (info as Asn1).value as Asn1[];
    const oid = a.derToOid(((alg as Asn1).value as Asn1[])[0]?.value as string);
    const hash = CSR_HASHES[oid];
    if (!hash) return null;
    const publicKey = createPublicKey({
      key: Buffer.from(a.toDer(spki as Asn1).getBytes(), "binary"),
      format: "der",
      type: "spki",
    });
    const signature = Buffer.from(((sig as Asn1).value as string).slice(1), "binary");
    if (!verify(hash, der(forge, info as Asn1), publicKey, signature)) return null;
    let commonName: string | null = null;
    for (const rdn of (subject as Asn1).value as Asn1[]) {
      for (const pair of rdn.value as Asn1[]) {
        const [type, value] = pair.value as Asn1[];
        if (a.derToOid((type as Asn1).value as string) === OID.commonName) {
          commonName = forge.util.decodeUtf8((value as Asn1).value as string);
        }
      }
    }
    return { publicKey, commonName };
  } catch {
    return null;
  }
}
