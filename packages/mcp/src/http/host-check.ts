import type { IncomingMessage } from "node:http";
import { isIP } from "node:net";

// DNS rebinding protection: a request must name an allowed Host and, from a browser, come from an
// allowed Origin.

const LOOPBACK_HOSTS = ["localhost", "127.0.0.1", "[::1]"];

/** The Host names a handler accepts: the loopback ones plus `allowed` (`*` accepts any). */
export function allowedHostSet(allowed: readonly string[] = []): ReadonlySet<string> {
  return new Set([...LOOPBACK_HOSTS, ...allowed].map(normalizeHost));
}

/** The browser origins a handler accepts (`*` accepts any); none by default. */
export function allowedOriginSet(allowed: readonly string[] = []): ReadonlySet<string> {
  return new Set(allowed.map(normalizeOrigin));
}

/** Why the request's Host or Origin is refused, or undefined when both are allowed. */
export function checkHostAndOrigin(
  request: IncomingMessage,
  hosts: ReadonlySet<string>,
  origins: ReadonlySet<string>,
): string | undefined {
  const host = request.headers.host;
  if (!host) return "Missing Host header.";
  const name = hostnameOf(host);
  if (name === undefined) return `Invalid Host header: ${host}.`;
  if (!hosts.has("*") && !hosts.has(name)) {
    return `Host ${name} is not allowed (DNS rebinding protection). Allow it with --allowed-hosts.`;
  }
  const origin = request.headers.origin;
  if (origin === undefined) return undefined;
  let parsed: URL | undefined;
  try {
    parsed = origin === "null" ? undefined : new URL(origin);
  } catch {
    parsed = undefined;
  }
  if (origins.has("*")) return undefined;
  // No origin is trusted by default, loopback ones included: a page on any local port is not the
  // user. The server's own origin (the Host just checked) is: it serves no page to come from.
  if (parsed && (origins.has(parsed.origin) || parsed.origin === `http://${host.toLowerCase()}`)) {
    return undefined;
  }
  return `Origin ${origin} is not allowed: web pages may call this server only when listed. Allow it with --allow-origin ${parsed?.origin ?? "<origin>"}.`;
}

function hostnameOf(host: string): string | undefined {
  try {
    return new URL(`http://${host}`).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

function normalizeHost(host: string): string {
  if (host === "*") return host;
  return hostnameOf(isIP(host) === 6 ? `[${host}]` : host) ?? host.toLowerCase();
}

function normalizeOrigin(origin: string): string {
  if (origin === "*") return origin;
  try {
    return new URL(origin).origin;
  } catch {
    return origin;
  }
}
