import { closeSync, constants, fstatSync, openSync, writeSync } from "node:fs";
import { ConfigError } from "@alpacon/sdk";
import { redact } from "./errors.js";

/** One line of the audit log: a tool call, as it reached a tool (see register.ts). */
export interface AuditEntry {
  /** When the call started (ISO 8601). */
  time: string;
  tool: string;
  /** The workspace and region the call went to; null for local tools that name none. */
  workspace: string | null;
  region: string | null;
  /**
   * The arguments, with secrets, contents and standard input left out, environment variables
   * reduced to their names and long strings cut. For a call its schema refused, the arguments
   * as sent, treated the same way.
   */
  arguments: Record<string, unknown>;
  /** `denied`: refused by the confirmation step (declined, or the confirm mode). */
  outcome: "ok" | "error" | "denied" | "cancelled";
  /** For `error` and `denied`: why, in one short line. */
  error?: string;
  durationMs: number;
  /** The MCP session (Streamable HTTP / SSE), when there is one. */
  session?: string;
}

/** Receives one entry per tool call. `openAuditLog` makes the file-backed one. */
export interface AuditSink {
  write(entry: AuditEntry): void;
}

// Arguments whose value is a credential: replaced, never written.
const SECRET_KEY = /token|password|passwd|secret|authorization|api[-_]?key|websocketurl|cookie/i;
// Arguments that carry file contents or a command's standard input: only their size is written.
const CONTENT_KEY = /^(contents?|data|body|bytes|base64|file(content|data)?|stdin)$/i;
// Environment variables: models are told to put secrets there, so only the names are written.
const ENV_KEY = /^env(ironment)?$/i;
const MAX_ENV_NAMES = 50;
const MAX_STRING = 200;

/** What the audit log keeps of a call's arguments. */
export function auditArguments(
  args: Record<string, unknown>,
  secrets: readonly string[],
): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(args).map(([key, value]) => [key, auditValue(key, value, secrets, 0)]),
  );
}

function auditValue(
  key: string,
  value: unknown,
  secrets: readonly string[],
  depth: number,
): unknown {
  if (value === undefined || value === null) return value;
  if (SECRET_KEY.test(key)) return "[redacted]";
  if (ENV_KEY.test(key)) return envNames(value, secrets);
  if (CONTENT_KEY.test(key) && typeof value === "string") {
    return `[${value.length} characters left out]`;
  }
  if (typeof value === "string") {
    const text = redact(value, secrets);
    return text.length > MAX_STRING
      ? `${text.slice(0, MAX_STRING)}… (${text.length - MAX_STRING} more characters)`
      : text;
  }
  if (typeof value !== "object") return value;
  if (depth >= 3) return "[nested value left out]";
  if (Array.isArray(value)) {
    const items = value.slice(0, 20).map((item) => auditValue(key, item, secrets, depth + 1));
    return value.length > 20 ? [...items, `… ${value.length - 20} more`] : items;
  }
  return Object.fromEntries(
    Object.entries(value).map(([inner, item]) => [
      inner,
      auditValue(inner, item, secrets, depth + 1),
    ]),
  );
}

/** `{MYSQL_PWD: "…"}` → `["MYSQL_PWD"]`; anything else under an env key is left out whole. */
function envNames(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return "[value left out]";
  }
  const names = Object.keys(value).map((name) => redact(name, secrets).slice(0, MAX_STRING));
  return names.length > MAX_ENV_NAMES
    ? [...names.slice(0, MAX_ENV_NAMES), `… ${names.length - MAX_ENV_NAMES} more`]
    : names;
}

export interface AuditLog extends AuditSink {
  /** Set when the file is readable by group or others (the log is still written). */
  readonly warning: string | undefined;
  close(): void;
}

/**
 * Opens (or creates, mode 0600) an append-only JSON-lines audit file. A file that others may
 * write to is refused: its lines could not be trusted. Links are not followed.
 */
export function openAuditLog(
  file: string,
  onError: (message: string) => void = () => {},
): AuditLog {
  let fd: number;
  try {
    fd = openSync(
      file,
      constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | (constants.O_NOFOLLOW ?? 0),
      0o600,
    );
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === "ELOOP"
        ? "it is a symbolic link"
        : code === "ENOENT"
          ? "its directory does not exist"
          : code === "EACCES"
            ? "permission denied"
            : (error as Error).message;
    throw new ConfigError(`Cannot open the audit log ${file}: ${why}.`);
  }
  const stat = fstatSync(fd);
  if (!stat.isFile()) {
    closeSync(fd);
    throw new ConfigError(`The audit log ${file} is not a regular file.`);
  }
  if (process.platform !== "win32" && (stat.mode & 0o022) !== 0) {
    closeSync(fd);
    throw new ConfigError(
      `The audit log ${file} is writable by other users (mode ${(stat.mode & 0o777).toString(8)}); make it private with chmod 600 ${file}, or choose another file.`,
    );
  }
  const warning =
    process.platform !== "win32" && (stat.mode & 0o044) !== 0
      ? `the audit log ${file} is readable by other users (mode ${(stat.mode & 0o777).toString(8)}); chmod 600 it to keep the arguments private`
      : undefined;
  let open = true;
  let failed = false;
  return {
    warning,
    write(entry) {
      if (!open) return;
      try {
        // One write per line on an O_APPEND descriptor: lines never interleave.
        writeSync(fd, `${JSON.stringify(entry)}\n`);
      } catch (error) {
        if (!failed) onError(`cannot write the audit log ${file}: ${(error as Error).message}`);
        failed = true;
      }
    },
    close() {
      if (!open) return;
      open = false;
      closeSync(fd);
    },
  };
}
