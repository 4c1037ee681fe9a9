import { AlpaconError } from "../core/errors.js";

/** Close codes that mean the session ended normally (the proxy sends 4000 at session end). */
const CLEAN_CLOSE_CODES = new Set([1000, 1001, 4000]);

/** The websh WebSocket closed; `clean` tells a normal session end from a lost connection. */
export class WebshClosedError extends AlpaconError {
  override name = "WebshClosedError";
  readonly code: number;
  readonly clean: boolean;
  constructor(code: number, reason: string, during?: string) {
    const clean = CLEAN_CLOSE_CODES.has(code);
    const what = clean
      ? code === 4000
        ? "the websh session was closed"
        : "the websh connection was closed"
      : `the websh connection was lost (close code ${code}${reason ? `: ${reason}` : ""})`;
    const consequence = during ? `; ${during}` : "";
    super(`${capitalize(what)}${consequence}. Open a new session to continue.`);
    this.code = code;
    this.clean = clean;
  }
}

/** The server refused the WebSocket upgrade (expired channel token, closed session, …). */
export class WebshHandshakeError extends AlpaconError {
  override name = "WebshHandshakeError";
  readonly status: number | undefined;
  constructor(status: number | undefined, detail: string) {
    super(
      `The websh server refused the connection${status ? ` (HTTP ${status})` : ""}: ${detail}. The channel may have expired or the session may be closed; open a new session.`,
    );
    this.status = status;
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
