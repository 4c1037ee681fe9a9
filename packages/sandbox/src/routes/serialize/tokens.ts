import type { ApiTokenRecord } from "../../state/api-tokens.js";
import { iso, isoOrNull } from "../../state/model.js";

/** `cli@9483716:api/auth/types.go` `APITokenResponse`; `key` only when it is shown (once). */
export function apiTokenJson(t: ApiTokenRecord, withKey = false): Record<string, unknown> {
  return {
    id: t.id,
    name: t.name,
    enabled: t.enabled,
    ...(withKey ? { key: t.key } : {}),
    scopes: [...t.scopes],
    updated_at: iso(t.updatedAt),
    expires_at: isoOrNull(t.expiresAt),
  };
}
