import { Collection } from "../http/list.js";

/** An API token made through `/api/auth/tokens/`: its scopes are enforced on every call. */
export interface ApiTokenRecord {
  id: string;
  name: string;
  /** The owner: tokens are listed, changed and deleted by their owner only. */
  userId: string;
  /** The secret; in the create and duplicate answers only. */
  key: string;
  enabled: boolean;
  scopes: string[];
  /** Epoch ms; null never expires. */
  expiresAt: number | null;
  addedAt: number;
  updatedAt: number;
}

export class ApiTokenStore {
  readonly list = new Collection<ApiTokenRecord>();
  readonly byId = new Map<string, ApiTokenRecord>();

  add(record: ApiTokenRecord): void {
    this.list.add(record);
    this.byId.set(record.id, record);
  }

  remove(id: string): void {
    this.list.remove((t) => t.id === id);
    this.byId.delete(id);
  }

  /** Usable now: present, enabled and not expired. */
  usable(id: string, now: number): ApiTokenRecord | undefined {
    const record = this.byId.get(id);
    if (!record?.enabled) return undefined;
    if (record.expiresAt !== null && record.expiresAt <= now) return undefined;
    return record;
  }
}
