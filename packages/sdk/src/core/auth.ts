import { ConfigError } from "./errors.js";

export type TokenProvider = () => string | Promise<string>;

const JWT_PATTERN = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
// Header values cannot carry control characters; a token pasted with a newline would
// otherwise fail deep inside fetch with an unhelpful message.
const TOKEN_PATTERN = /^[\x21-\x7e]+$/;

/** API tokens go as `token="…"` (what the official CLI sends); JWTs from a browser login as Bearer. */
export function authorizationHeader(token: string): string {
  if (!TOKEN_PATTERN.test(token)) {
    throw new ConfigError(
      "The API token is empty or contains spaces or control characters: copy it again from the Alpacon web console (API Token page).",
    );
  }
  return JWT_PATTERN.test(token) ? `Bearer ${token}` : `token="${token}"`;
}

export function authorizationProvider(
  token: string | undefined,
  tokenProvider: TokenProvider | undefined,
) {
  if (token === undefined && tokenProvider === undefined) {
    throw new ConfigError(
      "An API token is required: pass `token` or `tokenProvider` to createAlpaconClient.",
    );
  }
  if (token !== undefined) {
    const header = authorizationHeader(token);
    return async () => header;
  }
  return async () => authorizationHeader(await tokenProvider!());
}
