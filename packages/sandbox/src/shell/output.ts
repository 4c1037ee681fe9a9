/**
 * Output plumbing: a transcript of one `run()` (stdout, stderr and both interleaved, streamed
 * to a listener as produced) and the streams commands write to (terminal, pipe buffer, file).
 */
import type { Credentials, Vfs } from "./vfs.js";

export type StreamName = "stdout" | "stderr";
export type OutputListener = (chunk: string, stream: StreamName) => void;

export interface OutputStream {
  write(text: string): void;
  /** True when the bytes reach the user's terminal (websh), which changes `ls` layout. */
  readonly isTerminal: boolean;
}

export class Transcript {
  stdout = "";
  stderr = "";
  output = "";

  constructor(private readonly listener?: OutputListener) {}

  write(stream: StreamName, chunk: string): void {
    if (chunk === "") return;
    this[stream] += chunk;
    this.output += chunk;
    this.listener?.(chunk, stream);
  }

  stream(stream: StreamName, isTerminal: boolean): OutputStream {
    return { write: (text) => this.write(stream, text), isTerminal };
  }
}

export class BufferStream implements OutputStream {
  readonly isTerminal = false;
  text = "";

  write(text: string): void {
    this.text += text;
  }
}

export const nullStream: OutputStream = { write: () => {}, isTerminal: false };

/**
 * Appends each write to a VFS file right away, so `echo a > f; cat f` sees the bytes without
 * any flush step. The caller truncates or creates the file when the redirection opens.
 */
export function fileStream(vfs: Vfs, path: string, as: Credentials): OutputStream {
  return {
    write: (text) => {
      if (text !== "") vfs.appendFile(path, text, { as });
    },
    isTerminal: false,
  };
}
