/**
 * A simulated PTY in cooked mode in front of a simulated shell: what alpamon's `openpty` gives
 * the proxy. Keystrokes come in as raw bytes; the line discipline echoes them, handles erase,
 * Ctrl-C/Ctrl-D/Ctrl-U/Ctrl-W, and hands complete lines to the shell; output goes out with LF
 * turned into CRLF (ONLCR) and a prompt after each command.
 */
import { StringDecoder } from "node:string_decoder";
import type { Shell } from "../shell/index.js";
import { LineAborts } from "../shell/line-aborts.js";

export interface PtyOptions {
  shell: Shell;
  /**
   * The session's current size. Read before each command, so a resize (REST `PATCH`) shows up
   * in `stty size`, `$COLUMNS` and `ls` the way bash's `checkwinsize` picks it up.
   */
  size: () => { rows: number; cols: number };
  /** Terminal output, already with CRLF line ends. */
  onOutput: (text: string) => void;
  /** The shell exited (`exit`, Ctrl-D): the session is over. */
  onExit: (code: number) => void;
}

type EscapeState = "none" | "esc" | "csi" | "ss3" | "osc";

export class Pty {
  private readonly shell: Shell;
  private readonly decoder = new StringDecoder("utf8");
  /** The line being typed (not yet submitted with Enter). */
  private line = "";
  /** Lines submitted while a command was running, as the kernel's input queue holds them. */
  private readonly queue: string[] = [];
  private current: AbortController | undefined;
  private readonly aborts = new LineAborts();
  private escape: EscapeState = "none";
  private lastSize: { rows: number; cols: number };
  private ended = false;

  constructor(private readonly options: PtyOptions) {
    this.shell = options.shell;
    this.lastSize = { ...options.size() };
    this.shell.resize(this.lastSize.rows, this.lastSize.cols);
  }

  get busy(): boolean {
    return this.current !== undefined;
  }

  get closed(): boolean {
    return this.ended;
  }

  /**
   * What a channel that connects now should see to have a usable screen: the prompt and the
   * typed text when idle (the login prompt for the first channel), nothing while a command runs.
   */
  screen(): string {
    return this.busy || this.ended ? "" : `${this.shell.prompt()}${this.line}`;
  }

  /** Raw keystrokes from a (writable) user channel. */
  input(data: Buffer | string): void {
    if (this.ended) return;
    const text = typeof data === "string" ? data : this.decoder.write(data);
    let at = 0;
    while (at < text.length && !this.ended) {
      // A run of printable characters only extends the line and is echoed as it is: take it
      // whole instead of one key at a time (a marker line is a few hundred of them).
      const end = this.escape === "none" ? printableRunEnd(text, at) : at;
      if (end > at) {
        this.type(text.slice(at, end));
        at = end;
        continue;
      }
      const ch = String.fromCodePoint(text.codePointAt(at)!);
      this.key(ch);
      at += ch.length;
    }
  }

  /** Ends the PTY without running anything more (session closed from outside, sandbox close). */
  close(): void {
    this.ended = true;
    this.queue.length = 0;
    this.current?.abort();
  }

  private key(ch: string): void {
    if (this.escape !== "none") {
      this.skipEscape(ch);
      return;
    }
    switch (ch) {
      case "\r":
      case "\n":
        // ICRNL: Enter arrives as CR and is read as NL.
        this.submit();
        return;
      case "\x03":
        this.interrupt();
        return;
      case "\x04":
        this.endOfFile();
        return;
      case "\x7f":
      case "\b":
        if (this.line === "") return;
        this.line = [...this.line].slice(0, -1).join("");
        this.write("\b \b");
        return;
      case "\x15":
        this.write("\b \b".repeat([...this.line].length));
        this.line = "";
        return;
      case "\x17": {
        const kept = this.line.replace(/\S+\s*$/, "");
        this.write("\b \b".repeat([...this.line].length - [...kept].length));
        this.line = kept;
        return;
      }
      case "\x1b":
        // Arrow keys and other sequences drive readline's history and editing, which the
        // simulation does not have: swallow them instead of echoing garbage.
        this.escape = "esc";
        return;
      default:
        // Other control characters (Tab completion, Ctrl-L…) are not simulated.
        if (ch < " ") return;
        this.type(ch);
    }
  }

  private type(text: string): void {
    this.line += text;
    this.write(text);
  }

  private skipEscape(ch: string): void {
    if (this.escape === "esc") {
      this.escape = ch === "[" ? "csi" : ch === "O" ? "ss3" : ch === "]" ? "osc" : "none";
      return;
    }
    if (this.escape === "csi") {
      if (ch >= "@" && ch <= "~") this.escape = "none";
      return;
    }
    if (this.escape === "osc") {
      if (ch === "\x07") this.escape = "none";
      return;
    }
    this.escape = "none";
  }

  private submit(): void {
    const line = this.line;
    this.line = "";
    this.write("\r\n");
    if (this.busy) {
      this.queue.push(line);
      return;
    }
    this.execute(line);
  }

  private interrupt(): void {
    // ECHOCTL shows the key; SIGINT flushes the input queue (no NOFLSH).
    this.write("^C");
    this.queue.length = 0;
    this.line = "";
    if (this.current !== undefined) {
      // The shell prints the newline and the prompt once the command has stopped.
      this.current.abort();
      return;
    }
    // At the prompt readline abandons the line and starts a fresh one.
    this.write(`\r\n${this.shell.prompt()}`);
  }

  private endOfFile(): void {
    // Ctrl-D on an empty line at the prompt makes bash exit, printing "exit" (and running the
    // EXIT trap); anywhere else it is not simulated.
    if (this.busy || this.line !== "") return;
    this.execute("exit");
  }

  /**
   * The session was resized (the agent's `resizepty`): the new size applies at once, even to a
   * running command, as `TIOCSWINSZ` does. A size set inside the shell (`stty rows`) is kept
   * until the session's size changes again.
   */
  syncSize(): void {
    const size = this.options.size();
    if (size.rows === this.lastSize.rows && size.cols === this.lastSize.cols) return;
    this.lastSize = { ...size };
    this.shell.resize(size.rows, size.cols);
  }

  private execute(line: string): void {
    this.syncSize();
    const controller = this.aborts.next();
    this.current = controller;
    this.shell
      .run(line, {
        signal: controller.signal,
        echoInterrupt: false,
        onOutput: (chunk) => {
          // ONLCR: the terminal driver turns every LF the program writes into CRLF.
          if (!this.ended) this.write(chunk.replace(/\n/g, "\r\n"));
        },
      })
      .then(
        (result) => this.finished(result.exited, result.interrupted, result.exitCode),
        () => this.finished(false, false, 1),
      );
  }

  private finished(exited: boolean, interrupted: boolean, exitCode: number): void {
    this.current = undefined;
    if (this.ended) return;
    if (exited) {
      this.ended = true;
      this.queue.length = 0;
      this.options.onExit(exitCode);
      return;
    }
    this.write(`${interrupted ? "\r\n" : ""}${this.shell.prompt()}`);
    const next = this.queue.shift();
    if (next !== undefined) {
      // readline reads the queued line and echoes it after the prompt, as on a real terminal.
      this.write(`${next}\r\n`);
      this.execute(next);
      return;
    }
    if (this.line !== "") this.write(this.line);
  }

  /** Sends terminal bytes as they are (echo and program output already use CRLF). */
  private write(text: string): void {
    if (text !== "") this.options.onOutput(text);
  }
}

/** Where the run of printable characters (no C0 control, no DEL) starting at `from` ends. */
function printableRunEnd(text: string, from: number): number {
  let at = from;
  while (at < text.length) {
    const code = text.charCodeAt(at);
    if (code < 0x20 || code === 0x7f) break;
    at++;
  }
  return at;
}
