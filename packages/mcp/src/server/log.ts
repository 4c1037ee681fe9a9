import { redact } from "./errors.js";

/** The MCP (syslog) levels, least severe first; `--log-level` and `logging/setLevel` take them. */
export const LOG_LEVELS = [
  "debug",
  "info",
  "notice",
  "warning",
  "error",
  "critical",
  "alert",
  "emergency",
] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

/** Whether a message at `level` passes a threshold. */
export function atLeast(level: LogLevel, threshold: LogLevel): boolean {
  return LOG_LEVELS.indexOf(level) >= LOG_LEVELS.indexOf(threshold);
}

/**
 * Where the server's own messages go (the CLI writes them to stderr). Messages arrive already
 * scrubbed of the tokens the server knows; a logger adds its own scrubbing on top.
 */
export interface Logger {
  log(level: LogLevel, message: string): void;
}

export interface StderrLoggerOptions {
  /** Least severe level written; default `info`. */
  level?: LogLevel | undefined;
  /** Default: process.stderr. Never stdout: in stdio mode stdout is the protocol. */
  write?: ((line: string) => void) | undefined;
  /** Values to scrub besides token shapes (configured tokens, the HTTP bearer). */
  secrets?: (() => readonly string[]) | undefined;
  /** Prefix lines with an ISO timestamp; default true. */
  timestamps?: boolean | undefined;
}

/** Loggers with lines queued; one `exit` listener for all of them, added on first use. */
const unwritten = new Set<() => void>();
let exitHooked = false;

function writeOnExit(flush: () => void): void {
  unwritten.add(flush);
  if (exitHooked) return;
  exitHooked = true;
  process.once("exit", () => {
    for (const pending of [...unwritten]) pending();
  });
}

/** How long a line may wait for others before they are written together. */
const BATCH_MS = 100;

/**
 * A logger writing one line per message, with level, to stderr. Lines are written together, at
 * most BATCH_MS after the first of them was logged (or on `flush`): a write is a system call,
 * and one per tool call made a busy server's calls measurably slower, even after the answer
 * went out (bench/README, B3). What is still queued when the process exits is written then.
 */
export function stderrLogger(options: StderrLoggerOptions = {}): Logger & { flush(): void } {
  const threshold = options.level ?? "info";
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const secrets = options.secrets ?? (() => []);
  const timestamps = options.timestamps ?? true;
  let queued: Array<{ level: LogLevel; message: string; at: number }> = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const format = ({ level, message, at }: (typeof queued)[number]) => {
    const text = redact(message, secrets()).replace(/\r?\n/g, " | ");
    return `${timestamps ? `${new Date(at).toISOString()} ` : ""}${level} alpacon-mcp: ${text}\n`;
  };
  const flush = () => {
    unwritten.delete(flush);
    clearTimeout(timer);
    timer = undefined;
    const lines = queued;
    queued = [];
    if (lines.length > 0) write(lines.map(format).join(""));
  };
  return {
    log(level, message) {
      if (!atLeast(level, threshold)) return;
      queued.push({ level, message, at: Date.now() });
      if (timer !== undefined) return;
      // Unref'd: a pending line never keeps the process alive; the exit hook writes it.
      timer = setTimeout(flush, BATCH_MS);
      timer.unref?.();
      writeOnExit(flush);
    },
    /** Writes what is queued now (before other output that must come after it). */
    flush,
  };
}
