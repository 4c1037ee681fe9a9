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

/** A logger writing one line per message, with level, to stderr. */
export function stderrLogger(options: StderrLoggerOptions = {}): Logger {
  const threshold = options.level ?? "info";
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const secrets = options.secrets ?? (() => []);
  const timestamps = options.timestamps ?? true;
  return {
    log(level, message) {
      if (!atLeast(level, threshold)) return;
      const text = redact(message, secrets()).replace(/\r?\n/g, " | ");
      write(`${timestamps ? `${new Date().toISOString()} ` : ""}${level} alpacon-mcp: ${text}\n`);
    },
  };
}
