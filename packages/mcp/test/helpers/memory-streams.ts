import { PassThrough } from "node:stream";

export interface MemoryStreams {
  stdin: PassThrough;
  stdout: PassThrough;
  stderr: PassThrough;
  /** Everything written to stdout so far. */
  out(): string;
  /** Everything written to stderr so far. */
  err(): string;
}

/** Standard streams in memory, for running the CLI's `main` in process and reading what it wrote. */
export function memoryStreams(): MemoryStreams {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  stderr.on("data", (chunk: Buffer) => {
    err += chunk.toString();
  });
  return { stdin, stdout, stderr, out: () => out, err: () => err };
}
