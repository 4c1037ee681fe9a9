import stripAnsi from "strip-ansi";

/**
 * Completion is detected with markers, not silence: the line sent prints a start marker, runs
 * the command through `eval` (so comments and quotes in it cannot swallow what follows), and
 * prints an end marker carrying `$?`. An EXIT trap prints the end marker too when the command
 * ends the shell (`exit 3`). The markers are built by printf from a format and an argument, so
 * the echoed input never contains them verbatim: only the shell's output does.
 */
export function markerLine(command: string, id: string): string {
  const end = `printf '\\n__ALPE_%s_%d__\\n' ${id}`;
  return [
    `trap "${end} \\$?" EXIT`,
    `printf '\\n__ALPS_%s__\\n' ${id}`,
    `eval ${shellQuote(command)}`,
    `__alp_rc=$?`,
    `trap - EXIT`,
    `${end} $__alp_rc\r`,
  ].join("; ");
}

export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

export interface MarkerScan {
  /** Output seen after the start marker (raw terminal text), capped. */
  output: string;
  truncated: boolean;
  exitCode: number | undefined;
}

/**
 * Feeds terminal output in and finds the command's output between the markers. Memory stays
 * bounded: past `maxBytes` only a short tail is kept, to find the end marker.
 */
export class MarkerScanner {
  private readonly start: string;
  private readonly end: RegExp;
  private pending = "";
  private started = false;
  private captured = "";
  private capturedBytes = 0;
  private truncated = false;
  private exitCode: number | undefined;

  constructor(
    id: string,
    private readonly maxBytes: number,
  ) {
    this.start = `__ALPS_${id}__`;
    this.end = new RegExp(`__ALPE_${id}_(\\d+)__`);
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
    const match = this.end.exec(this.pending);
    if (match) {
      this.keep(this.pending.slice(0, match.index));
      this.exitCode = Number(match[1]);
      this.pending = "";
      return;
    }
    // Hold back enough characters to hold a marker split across two frames.
    const holdBack = 64;
    if (this.pending.length > holdBack) {
      this.keep(this.pending.slice(0, -holdBack));
      this.pending = this.pending.slice(-holdBack);
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

  private keep(text: string): void {
    if (this.truncated || text === "") return;
    const bytes = encoder.encode(text).length;
    if (this.capturedBytes + bytes <= this.maxBytes) {
      this.captured += text;
      this.capturedBytes += bytes;
      return;
    }
    const room = this.maxBytes - this.capturedBytes;
    // Cut on a byte boundary, then drop a character the cut split in two.
    this.captured += decoder.decode(encoder.encode(text).subarray(0, room)).replace(/\uFFFD$/, "");
    this.capturedBytes = this.maxBytes;
    this.truncated = true;
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Terminal text → plain text: no escape sequences, LF line ends, no marker newlines. */
export function cleanOutput(raw: string, complete: boolean): string {
  let text = stripAnsi(raw).replace(/\r+\n/g, "\n").replace(/\r/g, "");
  if (text.startsWith("\n")) text = text.slice(1);
  if (complete && text.endsWith("\n")) text = text.slice(0, -1);
  return text;
}
