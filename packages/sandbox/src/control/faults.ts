import { Rng } from "../data/rng.js";

export type FaultKind = "latency" | "error" | "reset" | "stall" | "truncate" | "ws-drop";

/**
 * One fault rule. Rules match on the workspace-relative path (`/api/servers/servers/`), the
 * method and the workspace; `rate` and `times` decide how often a matching rule fires.
 */
export interface FaultRule {
  kind: FaultKind;
  /** Path glob (`*` matches anything, `/` included) or a RegExp; default: every path. */
  path?: string | RegExp;
  /** One method or several; default: every method. */
  method?: string | readonly string[];
  /** `region/workspace`, e.g. `ap1/acme`; default: every workspace. */
  workspace?: string;
  /** Probability in [0, 1] that a matching request is hit; default 1. */
  rate?: number;
  /** Fire at most this many times, then stay inert. */
  times?: number;
  /** latency: fixed delay in ms. */
  ms?: number;
  /** latency: extra uniform delay in [0, jitter] ms. */
  jitter?: number;
  /** error: status to answer (429, 500, 502, 503, …); default 503. */
  status?: number;
  /** error 429/503: `Retry-After` seconds; default 1 for 429. */
  retryAfter?: number;
  /** error: body to send instead of the default for the status. */
  body?: unknown;
  /** truncate: bytes actually sent before the connection is cut; default half the body. */
  bytes?: number;
  /** ws-drop: close the WebSocket after this many frames sent to the client. */
  afterFrames?: number;
}

export interface ActiveFault extends FaultRule {
  id: string;
  fired: number;
}

/** What the pipeline must do for one request. */
export interface FaultDecision {
  delayMs: number;
  /** A fault that replaces the normal answer, if any (never `latency` or `ws-drop`). */
  action: ActiveFault | null;
}

const NO_FAULT: FaultDecision = { delayMs: 0, action: null };

function globToRegExp(glob: string): RegExp {
  const source = glob
    .split("*")
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${source}$`);
}

/**
 * Holds the fault rules and decides, deterministically from its seed, which request gets which
 * fault. Randomness is drawn only for rules with `rate < 1`, so adding an always-on rule does not
 * change which requests a probabilistic rule hits.
 */
export class FaultInjector {
  private rules: (ActiveFault & { matcher: RegExp | null })[] = [];
  private rng: Rng;
  private nextId = 1;

  constructor(private readonly seed: number) {
    this.rng = new Rng(seed);
  }

  get empty(): boolean {
    return this.rules.length === 0;
  }

  add(rule: FaultRule): string {
    validateRule(rule);
    const id = `f${this.nextId++}`;
    const matcher =
      rule.path === undefined
        ? null
        : typeof rule.path === "string"
          ? globToRegExp(rule.path)
          : rule.path;
    this.rules.push({ ...rule, id, fired: 0, matcher });
    return id;
  }

  set(rules: readonly FaultRule[]): string[] {
    this.clear();
    return rules.map((r) => this.add(r));
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    return this.rules.length !== before;
  }

  /** Removes every rule and restarts the random sequence, so a test can replay it. */
  clear(): void {
    this.rules = [];
    this.rng = new Rng(this.seed);
  }

  list(): ActiveFault[] {
    return this.rules.map(({ matcher: _m, ...rest }) => ({ ...rest }));
  }

  private matches(
    rule: ActiveFault & { matcher: RegExp | null },
    workspace: string | null,
    method: string,
    path: string,
  ): boolean {
    if (rule.times !== undefined && rule.fired >= rule.times) return false;
    if (rule.workspace !== undefined && rule.workspace !== workspace) return false;
    if (rule.method !== undefined) {
      const methods = typeof rule.method === "string" ? [rule.method] : rule.method;
      if (!methods.some((m) => m.toUpperCase() === method)) return false;
    }
    if (rule.matcher && !rule.matcher.test(path)) return false;
    if (rule.rate !== undefined && rule.rate < 1 && this.rng.float() >= rule.rate) return false;
    return true;
  }

  decide(workspace: string | null, method: string, path: string): FaultDecision {
    if (this.rules.length === 0) return NO_FAULT;
    let delayMs = 0;
    let action: ActiveFault | null = null;
    for (const rule of this.rules) {
      if (rule.kind === "ws-drop") continue;
      if (rule.kind !== "latency" && action !== null) continue;
      if (!this.matches(rule, workspace, method, path)) continue;
      rule.fired++;
      if (rule.kind === "latency") {
        const jitter = rule.jitter ?? 0;
        delayMs += (rule.ms ?? 0) + (jitter > 0 ? this.rng.float() * jitter : 0);
      } else {
        action = rule;
      }
    }
    return delayMs === 0 && action === null ? NO_FAULT : { delayMs, action };
  }

  /**
   * For the websh WebSocket: after how many frames the connection for `path` must be dropped,
   * or null. Counts as one firing of the rule.
   */
  wsDropAfterFrames(workspace: string | null, path: string): number | null {
    for (const rule of this.rules) {
      if (rule.kind !== "ws-drop") continue;
      if (!this.matches(rule, workspace, "GET", path)) continue;
      rule.fired++;
      return rule.afterFrames ?? 0;
    }
    return null;
  }
}

function validateRule(rule: FaultRule): void {
  const kinds: FaultKind[] = ["latency", "error", "reset", "stall", "truncate", "ws-drop"];
  if (!kinds.includes(rule.kind)) throw new Error(`Unknown fault kind "${String(rule.kind)}"`);
  if (rule.rate !== undefined && (rule.rate < 0 || rule.rate > 1)) {
    throw new Error("Fault rate must be between 0 and 1");
  }
  if (
    rule.kind === "error" &&
    rule.status !== undefined &&
    (rule.status < 400 || rule.status > 599)
  ) {
    throw new Error("Fault status must be a 4xx or 5xx code");
  }
}

/** Default body and headers of an injected error, as the real stack would send them. */
export function errorFaultResponse(rule: FaultRule): {
  status: number;
  body: string;
  contentType: string;
  headers: Record<string, string>;
} {
  const status = rule.status ?? 503;
  const headers: Record<string, string> = {};
  const retryAfter = rule.retryAfter ?? (status === 429 ? 1 : undefined);
  if (retryAfter !== undefined && (status === 429 || status === 503)) {
    headers["Retry-After"] = String(retryAfter);
  }
  if (rule.body !== undefined) {
    return {
      status,
      body: typeof rule.body === "string" ? rule.body : JSON.stringify(rule.body),
      contentType: typeof rule.body === "string" ? "text/plain" : "application/json",
      headers,
    };
  }
  if (status === 429) {
    // DRF throttling text.
    return {
      status,
      body: JSON.stringify({
        detail: `Request was throttled. Expected available in ${retryAfter} second${retryAfter === 1 ? "" : "s"}.`,
      }),
      contentType: "application/json",
      headers,
    };
  }
  if (status === 502 || status === 504) {
    // What the load balancer in front of the API answers: an HTML page, not JSON.
    const title = status === 502 ? "502 Bad Gateway" : "504 Gateway Time-out";
    return {
      status,
      body: `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n</body>\r\n</html>\r\n`,
      contentType: "text/html",
      headers,
    };
  }
  const detail =
    status === 503
      ? "Service temporarily unavailable, try again later."
      : status >= 500
        ? "A server error occurred."
        : "Injected error.";
  return { status, body: JSON.stringify({ detail }), contentType: "application/json", headers };
}
