import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export type TransferKind = "upload" | "download";

/**
 * pending     → waiting for the bytes (upload: client PUT; download: agent PUT)
 * stored      → bytes are in storage (upload: waiting for the trigger)
 * transferring→ the agent is moving the file (upload: storage → server)
 * done        → finished, `success` tells how
 */
export type TransferState = "pending" | "stored" | "transferring" | "done";

export interface Transfer {
  id: string;
  kind: TransferKind;
  name: string;
  path: string;
  serverId: string;
  userId: string;
  username: string;
  groupname: string;
  allowOverwrite: boolean;
  allowUnzip: boolean;
  resourceType: "file" | "folder";
  /** A bulk download's paths (one zip of them all); `path` is then the first. */
  paths?: string[] | undefined;
  size: number | null;
  addedAt: number;
  expiresAt: number;
  commandId: string;
  state: TransferState;
  success: boolean | null;
  message: string;
  /** Where the bytes sit in the spill directory, set by the storage module. */
  storagePath: string | null;
}

export interface TransferOutcome {
  success: boolean;
  message: string;
  size?: number;
}

/**
 * Hooks the byte-transfer module plugs in. The defaults only move the state machine, so REST works
 * (and can be tested) without the storage side: an upload succeeds once `markStored` was called.
 */
export interface TransferHooks {
  /** Upload, after the trigger: write the stored bytes into the server's filesystem. */
  deliverUpload(transfer: Transfer): Promise<TransferOutcome>;
  /** Download: read the file (or zip the folder) from the server's filesystem into storage. */
  prepareDownload(transfer: Transfer): Promise<TransferOutcome>;
}

export function uploadTarget(transfer: Pick<Transfer, "path" | "name">, home: string): string {
  if (transfer.path === "") return `${home.replace(/\/$/, "")}/${transfer.name}`;
  if (transfer.path.endsWith("/")) return `${transfer.path}${transfer.name}`;
  return transfer.path;
}

const DEFAULT_HOOKS: TransferHooks = {
  deliverUpload: async (t) =>
    t.storagePath === null && t.size === null
      ? { success: false, message: "The file was not uploaded to storage." }
      : { success: true, message: `Successfully downloaded ${uploadTarget(t, "~")}.` },
  prepareDownload: async (t) => ({ success: true, message: `Successfully uploaded ${t.path}.` }),
};

/** Presigned URLs live about a day, as the 2024 server's `expires_at`. */
export const TRANSFER_TTL_MS = 24 * 3_600_000;

/**
 * WebFTP upload/download records and their state machine. The REST routes create and read them;
 * the storage module (byte streaming) calls `markStored`, reads `storagePath`, and replaces the
 * hooks to move bytes between storage and the server's virtual filesystem.
 */
export class TransferStore {
  readonly items = new Map<string, Transfer>();
  hooks: TransferHooks = DEFAULT_HOOKS;
  /** Told of every transfer that ends (the WebFTP log records it). */
  onComplete: ((transfer: Transfer) => void) | null = null;
  private readonly secret = randomBytes(32);
  private version = 0;
  private cacheVersion = -1;
  private cache: Transfer[] = [];

  constructor(private readonly now: () => number) {}

  all(kind: TransferKind): readonly Transfer[] {
    if (this.cacheVersion !== this.version) {
      this.cache = [...this.items.values()];
      this.cacheVersion = this.version;
    }
    return this.cache.filter((t) => t.kind === kind && t.expiresAt > this.now());
  }

  add(transfer: Transfer): Transfer {
    this.items.set(transfer.id, transfer);
    this.version++;
    return transfer;
  }

  get(id: string, kind?: TransferKind): Transfer | undefined {
    const t = this.items.get(id);
    return t && (kind === undefined || t.kind === kind) ? t : undefined;
  }

  /** The signature part of a presigned URL (HMAC over kind, id and expiry). */
  sign(transfer: Transfer, side: "client" | "agent"): string {
    return createHmac("sha256", this.secret)
      .update(`${transfer.kind}:${transfer.id}:${transfer.expiresAt}:${side}`)
      .digest("base64url");
  }

  verify(transfer: Transfer, side: "client" | "agent", signature: string): boolean {
    if (transfer.expiresAt <= this.now()) return false;
    const expected = Buffer.from(this.sign(transfer, side));
    const got = Buffer.from(signature);
    return expected.length === got.length && timingSafeEqual(expected, got);
  }

  /** The bytes are in storage (upload PUT by the client, or download PUT by the agent). */
  markStored(id: string, info: { size: number; storagePath?: string }): Transfer | undefined {
    const t = this.items.get(id);
    if (!t) return undefined;
    t.size = info.size;
    if (info.storagePath !== undefined) t.storagePath = info.storagePath;
    if (t.state === "pending") t.state = "stored";
    this.version++;
    return t;
  }

  /** Back-compat name used by the brief: same as `markStored` for uploads. */
  markUploaded(id: string, info: { size: number; storagePath?: string }): Transfer | undefined {
    return this.markStored(id, info);
  }

  begin(t: Transfer): void {
    t.state = "transferring";
    this.version++;
  }

  complete(t: Transfer, outcome: TransferOutcome): void {
    t.state = "done";
    t.success = outcome.success;
    t.message = outcome.message;
    if (outcome.size !== undefined) t.size = outcome.size;
    this.version++;
    this.onComplete?.(t);
  }

  inProgress(t: Transfer): boolean {
    return t.state !== "done";
  }
}
