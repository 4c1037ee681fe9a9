import { ConfigError } from "./errors.js";

// Workspace and region names become DNS labels of the default host, so they are held to
// DNS-label rules: nothing in them can add a dot, a slash, an `@` or a port and steer the
// request (and the token) to another host.
const NAME_PATTERN = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
const MAX_WORKSPACE_LENGTH = 63;
const MAX_REGION_LENGTH = 32;

export function validateWorkspaceName(workspace: unknown): string {
  return validateName("workspace", workspace, MAX_WORKSPACE_LENGTH);
}

export function validateRegionName(region: unknown): string {
  return validateName("region", region, MAX_REGION_LENGTH);
}

function validateName(kind: string, value: unknown, maxLength: number): string {
  if (typeof value !== "string" || value.length === 0) {
    throw new ConfigError(`A ${kind} name is required (for example "acme" or "ap1").`);
  }
  if (value.length > maxLength || !NAME_PATTERN.test(value)) {
    throw new ConfigError(
      `Invalid ${kind} name ${JSON.stringify(truncate(value))}: use 1-${maxLength} lowercase letters, digits and inner hyphens, as in your Alpacon URL https://<workspace>.<region>.alpacon.io.`,
    );
  }
  return value;
}

function truncate(value: string): string {
  return value.length > 40 ? `${value.slice(0, 40)}…` : value;
}

export function defaultBaseUrl(workspace: string, region: string): string {
  return `https://${validateWorkspaceName(workspace)}.${validateRegionName(region)}.alpacon.io`;
}

const LOOPBACK_HOSTS = new Set(["localhost", "[::1]"]);

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/**
 * Checks a base URL override and returns it without a trailing slash. Plain `http` would send
 * the token in clear text, so it is allowed only on loopback unless the caller opts in.
 */
export function normalizeBaseUrl(raw: string, allowInsecure = false): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(
      `Invalid base URL ${JSON.stringify(truncate(raw))}: give an absolute URL such as https://acme.ap1.alpacon.io.`,
    );
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new ConfigError(
      `Invalid base URL scheme "${url.protocol}": use https:// (or http:// on loopback).`,
    );
  }
  if (url.username || url.password) {
    throw new ConfigError("The base URL must not contain credentials: pass the token separately.");
  }
  if (url.search || url.hash) {
    throw new ConfigError("The base URL must not contain a query or fragment.");
  }
  if (url.protocol === "http:" && !allowInsecure && !isLoopbackHost(url.hostname)) {
    throw new ConfigError(
      `Refusing plain http to ${url.hostname}: the token would travel unencrypted. Use https://, or set allowInsecure: true if you really mean it.`,
    );
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}
