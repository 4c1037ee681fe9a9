import { AlpaconError } from "../core/errors.js";

/** Close codes that mean the session ended normally (the proxy sends 4000 at session end). */
const CLEAN_CLOSE_CODES = new Set([1000, 1001, 4000]);

/** The websh WebSocket closed; `clean` tells a normal session end from a lost connection. */
export class WebshClosedError extends AlpaconError {
  override name = "WebshClosedError";
  /** The WebSocket close code (1006 when the connection dropped without one). */
  readonly code: number;
  readonly clean: boolean;
  /** The close frame's reason text, "" when it gave none. */
  readonly reason: string;
  /** What the close means for the call that failed ("the command may have run partly; …"). */
  readonly during: string | undefined;
  /**
   * `mayHaveTakenEffect`: a command was running when the connection closed (its result is
   * unknown); leave it false when nothing had been sent.
   */
  constructor(
    code: number,
    reason: string,
    during?: string,
    options?: { mayHaveTakenEffect?: boolean },
  ) {
    const clean = CLEAN_CLOSE_CODES.has(code);
    const what = clean
      ? code === 4000
        ? "the websh session was closed"
        : "the websh connection was closed"
      : `the websh connection was lost (close code ${code}${reason ? `: ${reason}` : ""})`;
    const consequence = during ? `; ${during}` : "";
    const hint = "Open a new session to continue";
    super(`${capitalize(what)}${consequence}. ${hint}.`, {
      hint,
      mayHaveTakenEffect: options?.mayHaveTakenEffect ?? false,
    });
    this.code = code;
    this.clean = clean;
    this.reason = reason;
    this.during = during;
  }
}

/** The server refused the WebSocket upgrade (expired channel token, closed session, …). */
export class WebshHandshakeError extends AlpaconError {
  override name = "WebshHandshakeError";
  readonly status: number | undefined;
  /** What refused it, in words ("upgrade refused", "no answer in time", …); never a URL token. */
  readonly detail: string;
  constructor(status: number | undefined, detail: string) {
    const hint = "The channel may have expired or the session may be closed; open a new session";
    super(
      `The websh server refused the connection${status ? ` (HTTP ${status})` : ""}: ${detail}. ${hint}.`,
      { hint },
    );
    this.status = status;
    this.detail = detail;
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
