import stripAnsi from "strip-ansi";
import { ConfigError } from "../core/errors.js";

/**
 * Completion is detected with markers, not silence: the line sent sets an EXIT trap, prints a
 * start marker, runs the command through `eval` (so comments and quotes in it cannot swallow
 * what follows), and prints an end marker carrying `$?`. The markers are built by printf from a
 * format and an argument, so the echoed input never contains them verbatim: only the shell's
 * output does.
 *
 * Both ids are drawn fresh for every command line (see `lineIds`). Nothing the command reads
 * before it runs (a log file, `trap -p`, an earlier command's output) can hold them, so no
 * output can end the command early or be taken for another command's result. The end id is
 * only in the typed line, which a leading space keeps out of bash's history (`ignorespace`, on
 * by default in Debian and Ubuntu); the shell's state shows only the exit id.
 *
 * A command that ends the shell (`exit 3`) never reaches the end marker: the EXIT trap, set
 * again on every line, prints the exit marker `__ALPX_<exit id>_<status>__` instead. As `trap -p`
 * shows that id while the command runs, the exit marker counts only when the session then
 * ends (see `MarkerScanner.result`). Setting the trap on every line costs a few bytes and no
 * round trip, and a command that removed or replaced it (whatever words it used) cannot hide a
 * later `exit`.
 */
export function markerLine(command: string, ids: LineIds): string {
  return ` trap "printf '\\n__ALPX_%s_%d__\\n' ${ids.exit} \\$?" EXIT; printf '\\n__ALPS_%s__\\n' ${ids.end}; eval ${shellQuote(command)}; printf '\\n__ALPE_%s_%d__\\n' ${ids.end} $?\r`;
}

/** The two fresh ids of one command line: its start and end markers', and its EXIT trap's. */
export interface LineIds {
  end: string;
  exit: string;
}

export function lineIds(): LineIds {
  return { end: markerId(), exit: markerId() };
}

export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/**
 * The line is typed into a terminal, where control characters are keys, not text: Ctrl-U
 * erases what was typed before it (the `eval` wrapper), Ctrl-C and Enter cut the line, Tab
 * completes, ESC starts editing commands. None may reach it, whatever follows.
 */
export function checkWebshCommand(command: string): void {
  // Cc: U+0000-U+001F and U+007F-U+009F (C0, DEL, C1).
  const at = command.search(/\p{Cc}/u);
  if (at < 0) return;
  const code = command.charCodeAt(at).toString(16).toUpperCase().padStart(4, "0");
  const name = code === "000A" ? "a line break" : code === "0009" ? "a tab" : "a control character";
  throw new ConfigError(
    `A websh command cannot contain control characters: found ${name} (U+${code}) at position ${at + 1}. ` +
      "The command is typed into a terminal, where such keys edit or cut the line. Write it on one line " +
      "(join lines with ; or &&), spell the character with printf escapes such as '\\t' or '\\025', " +
      "or run multi-line scripts with commands.run.",
  );
}

/**
 * A fresh, unguessable marker id: 96 random bits as 24 hex digits. Random bytes are drawn in
 * blocks, as one call per command costs more than building the line.
 */
export function markerId(): string {
  if (randomAt + ID_BYTES > random.length) {
    crypto.getRandomValues(random);
    randomAt = 0;
  }
  let id = "";
  for (let end = randomAt + ID_BYTES; randomAt < end; randomAt++) id += HEX[random[randomAt]!];
  return id;
}

const ID_BYTES = 12;
const random = new Uint8Array(ID_BYTES * 64);
let randomAt = random.length;
const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"));

export interface MarkerScan {
  /** Output seen after the start marker (raw terminal text); its end when over the cap. */
  output: string;
  truncated: boolean;
  exitCode: number | undefined;
}

/** Long enough to hold an end marker split across two frames. */
const HOLD_BACK = 64;

/**
 * Feeds terminal output in and finds the command's output between the markers. Memory stays
 * bounded: past `maxBytes` the oldest output is dropped, so what is returned is the end, where
 * errors and summaries are. Each piece is searched once, with plain `indexOf` over what arrived
 * since the last frame plus a short tail.
 */
export class MarkerScanner {
  private readonly start: string;
  /** `__ALPE_<id>_`, followed by the status and `__`. */
  private readonly end: string;
  /** `__ALPX_<exit id>_`, the EXIT trap's marker. */
  private readonly exit: string;
  /**
   * The status of the last exit marker seen: the command's if the session ends next (the shell
   * exited); if the end marker comes instead, the exit marker was only output.
   */
  private exitStatus: number | undefined;
  private pending = "";
  private started = false;
  private readonly kept: TailBuffer;
  private exitCode: number | undefined;

  constructor(ids: LineIds, maxBytes: number) {
    this.start = `__ALPS_${ids.end}__`;
    this.end = `__ALPE_${ids.end}_`;
    this.exit = `__ALPX_${ids.exit}_`;
    this.kept = new TailBuffer(maxBytes);
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
    this.findExit();
    if (this.findEnd()) return;
    if (this.pending.length > HOLD_BACK) {
      this.kept.push(this.pending.slice(0, -HOLD_BACK));
      this.pending = this.pending.slice(-HOLD_BACK);
    }
  }

  /**
   * What the command printed and its status. `sessionEnded`: the session ended cleanly before
   * the end marker came, so the last exit marker's status (if any) is the command's.
   */
  result(sessionEnded = false): MarkerScan {
    if (!this.done) this.kept.push(this.pending);
    this.pending = "";
    const exitCode = this.exitCode ?? (sessionEnded ? this.exitStatus : undefined);
    let { text, truncated } = this.kept.text();
    // Ended by the EXIT trap: its marker is the last one, and only a line break follows it.
    if (this.exitCode === undefined && exitCode !== undefined) {
      text = text.slice(0, Math.max(0, text.lastIndexOf(this.exit)));
    }
    return { output: cleanOutput(text, exitCode !== undefined, truncated), truncated, exitCode };
  }

  /** Whether an exit marker came (the shell may be exiting). */
  get exiting(): boolean {
    return this.exitStatus !== undefined;
  }

  /**
   * Records the status of the last complete exit marker in what is pending. The markers stay in
   * the output: unless the session ends next, they are only text the command printed.
   */
  private findExit(): void {
    const pending = this.pending;
    for (let at = pending.indexOf(this.exit); at >= 0; at = pending.indexOf(this.exit, at + 1)) {
      const found = statusAt(pending, at + this.exit.length);
      if (found !== undefined) this.exitStatus = found.status;
    }
  }

  /**
   * The end marker `__ALPE_<id>_<status>__`, printed after the command: keeps what came before
   * it and records the status.
   */
  private findEnd(): boolean {
    const pending = this.pending;
    for (let at = pending.indexOf(this.end); at >= 0; at = pending.indexOf(this.end, at + 1)) {
      const found = statusAt(pending, at + this.end.length);
      if (found === undefined) continue;
      this.kept.push(pending.slice(0, at));
      this.exitCode = found.status;
      this.pending = "";
      return true;
    }
    return false;
  }
}

/**
 * The status `<0-255>__` at `from`, as `%d` prints `$?`; undefined for anything else (not a
 * status a marker line printed, or not complete yet). `stop` is where the `__` begins.
 */
function statusAt(text: string, from: number): { status: number; stop: number } | undefined {
  let stop = from;
  while (stop < text.length && stop - from < 3 && isDigit(text.charCodeAt(stop))) stop++;
  if (!text.startsWith("__", stop)) return undefined;
  const digits = text.slice(from, stop);
  if (!/^(0|[1-9]\d*)$/.test(digits) || Number(digits) > 255) return undefined;
  return { status: Number(digits), stop };
}

/**
 * The last `maxBytes` UTF-8 bytes of a stream of text. Whole pieces are kept until the oldest
 * is not needed any more (each UTF-16 unit is at least one byte, so `maxBytes` units always
 * hold the last `maxBytes` bytes); the exact cut is made once, when the text is read.
 */
class TailBuffer {
  private readonly pieces: string[] = [];
  private units = 0;
  private dropped = false;

  constructor(private readonly maxBytes: number) {}

  push(text: string): void {
    if (text === "") return;
    this.pieces.push(text);
    this.units += text.length;
    while (this.pieces.length > 1 && this.units - this.pieces[0]!.length >= this.maxBytes) {
      this.units -= this.pieces.shift()!.length;
      this.dropped = true;
    }
  }

  text(): { text: string; truncated: boolean } {
    const text = this.pieces.join("");
    // A UTF-16 unit is at most 3 UTF-8 bytes: below a third of the cap no counting is needed.
    if (text.length * 3 <= this.maxBytes) return { text, truncated: this.dropped };
    const bytes = encoder.encode(text);
    if (bytes.length <= this.maxBytes) return { text, truncated: this.dropped };
    let from = bytes.length - this.maxBytes;
    // Start on a character: skip the continuation bytes (10xxxxxx) of one the cut split.
    while (from < bytes.length && (bytes[from]! & 0xc0) === 0x80) from++;
    return { text: decoder.decode(bytes.subarray(from)), truncated: true };
  }
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Terminal text → plain text: no escape sequences, LF line ends, no marker newlines (the one
 * before the output is gone when the start was cut off).
 */
export function cleanOutput(raw: string, complete: boolean, truncated = false): string {
  // Every sequence strip-ansi removes starts with ESC or the 8-bit CSI; most output has neither.
  let text = raw.includes("\u001b") || raw.includes("\u009b") ? stripAnsi(raw) : raw;
  // CRLF becomes LF and a lone CR (progress redraws) goes: every CR is dropped.
  if (text.includes("\r")) text = text.replaceAll("\r", "");
  if (!truncated && text.startsWith("\n")) text = text.slice(1);
  if (complete && text.endsWith("\n")) text = text.slice(0, -1);
  return text;
}
