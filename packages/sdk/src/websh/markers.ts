import stripAnsi from "strip-ansi";

/**
 * Completion is detected with markers, not silence: the line sent prints a start marker, runs
 * the command through `eval` (so comments and quotes in it cannot swallow what follows), and
 * prints an end marker carrying `$?`. The markers are built by printf from a format and an
 * argument, so the echoed input never contains them verbatim: only the shell's output does.
 *
 * A command that ends the shell (`exit 3`) never reaches the end marker: an EXIT trap prints
 * the session's exit marker instead (see `exitTrap`). It is installed once per session, not per
 * command, so each command line is three simple commands and no variable is left in the user's
 * shell; the trap stays set (`trap -p` shows it).
 */
export function markerLine(command: string, id: string): string {
  return `printf '\\n__ALPS_%s__\\n' ${id}; eval ${shellQuote(command)}; printf '\\n__ALPE_%s_%d__\\n' ${id} $?\r`;
}

/**
 * The session's EXIT trap, typed before a command line: prints `__ALPE_<session>_<status>__`
 * when the shell exits. Only the command that made the shell exit can see it (after its own
 * start marker), so it needs no per-command id.
 */
export function exitTrap(session: string): string {
  return `trap "printf '\\n__ALPE_%s_%d__\\n' ${session} \\$?" EXIT; `;
}

export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/**
 * Marker ids for one session: a random prefix drawn once (the session's own id, used by its
 * exit marker), then a counter. Ids never repeat within a session and cannot be guessed from
 * another session's, which is all the markers need; drawing random bytes per command cost more
 * than the rest of building the line.
 */
export class MarkerIds {
  readonly session = randomHex(8);
  private count = 0;

  next(): string {
    this.count += 1;
    // The prefix has a fixed length, so prefix + counter never reads as another id.
    return `${this.session}${this.count.toString(36)}`;
  }
}

function randomHex(bytes: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (byte) =>
    byte.toString(16).padStart(2, "0"),
  ).join("");
}

export interface MarkerScan {
  /** Output seen after the start marker (raw terminal text), capped. */
  output: string;
  truncated: boolean;
  exitCode: number | undefined;
}

/** Long enough to hold an end marker split across two frames. */
const HOLD_BACK = 64;

/**
 * Feeds terminal output in and finds the command's output between the markers. Memory stays
 * bounded: past `maxBytes` only a short tail is kept, to find the end marker. Each piece is
 * searched once, with plain `indexOf` over what arrived since the last frame plus a short tail.
 */
export class MarkerScanner {
  private readonly start: string;
  /** `__ALPE_<session>`: begins both this command's end marker and the session's exit marker. */
  private readonly end: string;
  /** What follows `end` in this command's end marker: `<counter>_`. */
  private readonly own: string;
  private pending = "";
  private started = false;
  private captured = "";
  /** Exact UTF-8 size of `captured`, counted only once it may come near `maxBytes`. */
  private capturedBytes: number | undefined;
  private truncated = false;
  private exitCode: number | undefined;

  /** `id` is one of `session`'s ids (see MarkerIds). */
  constructor(
    id: string,
    session: string,
    private readonly maxBytes: number,
  ) {
    this.start = `__ALPS_${id}__`;
    this.end = `__ALPE_${session}`;
    this.own = `${id.slice(session.length)}_`;
  }

  get done(): boolean {
    return this.exitCode !== undefined;
  }

  push(text: string): void {
    if (this.done) return;
    this.pending += text;
    if (!this.started) {
      const index = this.pending.indexOf(this.start);
      if (index < 0) {
        this.pending = this.pending.slice(-this.start.length);
        return;
      }
      this.started = true;
      this.pending = this.pending.slice(index + this.start.length);
    }
    if (this.findEnd()) return;
    if (this.pending.length > HOLD_BACK) {
      this.keep(this.pending.slice(0, -HOLD_BACK));
      this.pending = this.pending.slice(-HOLD_BACK);
    }
  }

  result(): MarkerScan {
    const output = this.done ? this.captured : this.captured + this.pending;
    return {
      output: cleanOutput(output, this.done),
      truncated: this.truncated,
      exitCode: this.exitCode,
    };
  }

  /**
   * This command's end marker `__ALPE_<id>_<digits>__`, or the session's exit marker
   * `__ALPE_<session>_<digits>__` (the command ended the shell): keeps what came before it and
   * records the status. Another command's end marker has another counter after the session.
   */
  private findEnd(): boolean {
    const pending = this.pending;
    for (let at = pending.indexOf(this.end); at >= 0; at = pending.indexOf(this.end, at + 1)) {
      const after = at + this.end.length;
      const digits = pending.startsWith(this.own, after)
        ? after + this.own.length
        : pending.charCodeAt(after) === UNDERSCORE
          ? after + 1
          : -1;
      if (digits < 0) continue;
      let stop = digits;
      while (stop < pending.length && isDigit(pending.charCodeAt(stop))) stop++;
      if (stop === digits || !pending.startsWith("__", stop)) continue;
      this.keep(pending.slice(0, at));
      this.exitCode = Number(pending.slice(digits, stop));
      this.pending = "";
      return true;
    }
    return false;
  }

  private keep(text: string): void {
    if (this.truncated || text === "") return;
    // A UTF-16 unit is at most 3 UTF-8 bytes: below a third of the cap no counting is needed.
    if (
      this.capturedBytes === undefined &&
      (this.captured.length + text.length) * 3 <= this.maxBytes
    ) {
      this.captured += text;
      return;
    }
    this.capturedBytes ??= encoder.encode(this.captured).length;
    const bytes = encoder.encode(text);
    if (this.capturedBytes + bytes.length <= this.maxBytes) {
      this.captured += text;
      this.capturedBytes += bytes.length;
      return;
    }
    const room = this.maxBytes - this.capturedBytes;
    // Cut on a byte boundary, then drop a character the cut split in two.
    this.captured += decoder.decode(bytes.subarray(0, room)).replace(/\uFFFD$/, "");
    this.capturedBytes = this.maxBytes;
    this.truncated = true;
  }
}

const UNDERSCORE = 95;

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Terminal text → plain text: no escape sequences, LF line ends, no marker newlines. */
export function cleanOutput(raw: string, complete: boolean): string {
  // Every sequence strip-ansi removes starts with ESC or the 8-bit CSI; most output has neither.
  let text = raw.includes("\u001b") || raw.includes("\u009b") ? stripAnsi(raw) : raw;
  // CRLF becomes LF and a lone CR (progress redraws) goes: every CR is dropped.
  if (text.includes("\r")) text = text.replaceAll("\r", "");
  if (text.startsWith("\n")) text = text.slice(1);
  if (complete && text.endsWith("\n")) text = text.slice(0, -1);
  return text;
}
