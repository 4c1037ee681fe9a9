import { createPublicKey, type KeyObject, X509Certificate } from "node:crypto";
import { Collection } from "../http/list.js";
import type { Timers } from "../server/timers.js";
import {
  type CaKey,
  generateKey,
  issueCertificate,
  issueCrl,
  type KeyAlgorithm,
  newSerial,
} from "./pki.js";

const DAY = 86_400_000;

/**
 * How long the CA's agent takes to sign or revoke (ms). A CA whose agent is disconnected when the
 * work is due never gets it: the request stays `signing` / `revoking` until `retry`.
 */
export interface CertDelays {
  sign: number;
  revoke: number;
}

export const DEFAULT_CERT_DELAYS: CertDelays = { sign: 300, revoke: 300 };

/** What a new authority is made of (the create body, defaults applied). */
export interface NewAuthority {
  name: string;
  organization: string;
  domain: string;
  rootValidDays: number;
  defaultValidDays: number;
  maxValidDays: number;
  keyAlgorithm: KeyAlgorithm;
  keySize: number;
  agentId: string;
  ownerId: string;
  install: boolean;
}

export interface AuthorityRecord extends NewAuthority {
  id: string;
  ca: CaKey;
  crtText: string;
  addedAt: number;
  updatedAt: number;
  signedAt: number;
  expiresAt: number;
}

export type SignStatus = "requested" | "signing" | "signed" | "failed" | "canceled" | "denied";

export interface SignRequestRecord {
  id: string;
  authorityId: string;
  commonName: string;
  domainList: string[];
  ipList: string[];
  validDays: number;
  status: SignStatus;
  requestedIp: string;
  requestedById: string;
  /** The submitted CSR's key; without one the CA makes a key pair for the request. */
  csrText: string | null;
  publicKey: KeyObject | null;
  certificateId: string | null;
  approvedById: string | null;
  errorMessage: string;
  addedAt: number;
  /** Bumped by every dispatch to the agent, so a stale timer does nothing. */
  attempt: number;
}

export interface CertificateRecord {
  id: string;
  authorityId: string;
  csrId: string;
  crtText: string;
  commonName: string;
  serialNumber: string;
  validDays: number;
  signedAt: number;
  expiresAt: number;
  signedBy: string;
  revokedAt: number | null;
  revokeReason: number;
}

export type RevokeStatus = "requested" | "revoking" | "revoked" | "failed" | "denied" | "canceled";

export interface RevokeRequestRecord {
  id: string;
  certificateId: string;
  authorityId: string;
  reason: number;
  requestedReason: string;
  status: RevokeStatus;
  requestedById: string;
  approvedById: string | null;
  deniedById: string | null;
  errorMessage: string;
  addedAt: number;
  handledAt: number | null;
  attempt: number;
}

export interface CertHost {
  timers: Timers;
  now: () => number;
  delays: CertDelays;
  newId: () => string;
  /** Whether the CA's agent (a server) is connected and can take work. */
  agentConnected: (serverId: string) => boolean;
  userName: (userId: string) => string;
}

/**
 * The workspace's private PKI. Requests move through their states as the service's do: a sign
 * request is `requested`, approved into `signing`, and the CA's agent signs it (`signed`, with a
 * certificate in the list); a revocation is `requested`, approved into `revoking`, then
 * `revoked`, which marks the certificate and puts it on the CA's CRL. Keys and certificates are
 * real (see pki.ts).
 */
export class CertStore {
  readonly authorities = new Collection<AuthorityRecord>();
  readonly signRequests = new Collection<SignRequestRecord>();
  readonly certificates = new Collection<CertificateRecord>();
  readonly revokeRequests = new Collection<RevokeRequestRecord>();

  constructor(private readonly host: CertHost) {}

  async createAuthority(input: NewAuthority): Promise<AuthorityRecord> {
    const now = this.host.now();
    const key = await generateKey(input.keyAlgorithm, input.keySize);
    const ca: CaKey = {
      key,
      subject: { commonName: input.name, organization: input.organization },
    };
    const expiresAt = now + input.rootValidDays * DAY;
    const crtText = await issueCertificate({
      ca,
      publicKey: createPublicKey(key),
      subject: ca.subject,
      serial: newSerial(),
      notBefore: now,
      notAfter: expiresAt,
      isCa: true,
    });
    const record: AuthorityRecord = {
      ...input,
      id: this.host.newId(),
      ca,
      crtText,
      addedAt: now,
      updatedAt: now,
      signedAt: now,
      expiresAt,
    };
    this.authorities.add(record);
    return record;
  }

  /** Deleting a CA takes its requests and certificates with it (database cascade). */
  deleteAuthority(id: string): void {
    this.authorities.remove((a) => a.id === id);
    const certs = new Set(
      this.certificates
        .all()
        .filter((c) => c.authorityId === id)
        .map((c) => c.id),
    );
    this.revokeRequests.remove((r) => r.authorityId === id);
    this.certificates.remove((c) => certs.has(c.id));
    this.signRequests.remove((r) => r.authorityId === id);
  }

  /** The CA whose domain covers `name` (the domain itself or a name under it). */
  authorityFor(name: string): AuthorityRecord | undefined {
    const lower = name.toLowerCase();
    return this.authorities
      .all()
      .find(
        (a) => lower === a.domain.toLowerCase() || lower.endsWith(`.${a.domain.toLowerCase()}`),
      );
  }

  /** `requested` → `signing`, then the CA's agent signs. */
  approveSign(request: SignRequestRecord, byUserId: string): void {
    request.status = "signing";
    request.approvedById = byUserId;
    this.dispatchSign(request);
  }

  dispatchSign(request: SignRequestRecord): void {
    const attempt = ++request.attempt;
    this.host.timers.set(() => void this.sign(request, attempt), this.host.delays.sign);
  }

  private async sign(request: SignRequestRecord, attempt: number): Promise<void> {
    if (request.status !== "signing" || request.attempt !== attempt) return;
    const authority = this.authorities.all().find((a) => a.id === request.authorityId);
    if (!authority || !this.host.agentConnected(authority.agentId)) return;
    const now = this.host.now();
    try {
      const publicKey =
        request.publicKey ??
        createPublicKey(await generateKey(authority.keyAlgorithm, authority.keySize));
      const expiresAt = now + request.validDays * DAY;
      const serial = newSerial();
      const crtText = await issueCertificate({
        ca: authority.ca,
        publicKey,
        subject: { commonName: request.commonName, organization: authority.organization },
        serial,
        notBefore: now,
        notAfter: expiresAt,
        isCa: false,
        dnsNames: request.domainList,
        ips: request.ipList,
      });
      // Denied or cancelled while the agent worked: the result is dropped.
      if (request.status !== "signing" || request.attempt !== attempt) return;
      const certificate: CertificateRecord = {
        id: this.host.newId(),
        authorityId: authority.id,
        csrId: request.id,
        crtText,
        commonName: request.commonName,
        serialNumber: new X509Certificate(crtText).serialNumber,
        validDays: request.validDays,
        signedAt: now,
        expiresAt,
        signedBy: this.host.userName(request.approvedById ?? authority.ownerId),
        revokedAt: null,
        revokeReason: 0,
      };
      this.certificates.add(certificate);
      request.certificateId = certificate.id;
      request.status = "signed";
    } catch (error) {
      request.status = "failed";
      request.errorMessage = error instanceof Error ? error.message : String(error);
    }
    this.signRequests.touch();
  }

  /** Whether a certificate has a revocation waiting or under way. */
  openRevocation(certificateId: string): RevokeRequestRecord | undefined {
    return this.revokeRequests
      .all()
      .find(
        (r) =>
          r.certificateId === certificateId &&
          (r.status === "requested" || r.status === "revoking"),
      );
  }

  /** `requested` → `revoking` (or straight there for a CA owner or admin), then `revoked`. */
  approveRevoke(request: RevokeRequestRecord, byUserId: string): void {
    request.status = "revoking";
    request.approvedById = byUserId;
    this.dispatchRevoke(request);
  }

  dispatchRevoke(request: RevokeRequestRecord): void {
    const attempt = ++request.attempt;
    this.host.timers.set(() => this.revoke(request, attempt), this.host.delays.revoke);
  }

  private revoke(request: RevokeRequestRecord, attempt: number): void {
    if (request.status !== "revoking" || request.attempt !== attempt) return;
    const authority = this.authorities.all().find((a) => a.id === request.authorityId);
    if (!authority || !this.host.agentConnected(authority.agentId)) return;
    const certificate = this.certificates.all().find((c) => c.id === request.certificateId);
    if (!certificate) return;
    const now = this.host.now();
    certificate.revokedAt = now;
    certificate.revokeReason = request.reason;
    request.status = "revoked";
    request.handledAt = now;
    this.certificates.touch();
    this.revokeRequests.touch();
  }

  /** The CA's CRL: every certificate it issued that is revoked. */
  async crl(authority: AuthorityRecord): Promise<{ crlText: string; updatedAt: number }> {
    const revoked = this.certificates
      .all()
      .filter((c) => c.authorityId === authority.id && c.revokedAt !== null);
    const updatedAt = Math.max(authority.signedAt, ...revoked.map((c) => c.revokedAt as number));
    const crlText = await issueCrl(
      authority.ca,
      revoked.map((c) => ({
        serial: c.serialNumber,
        revokedAt: c.revokedAt as number,
        reason: c.revokeReason,
      })),
      this.host.now(),
    );
    return { crlText, updatedAt };
  }
}
