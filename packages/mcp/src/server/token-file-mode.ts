/**
 * Who else can read or change the token file. `doctor` shows it as a check; the server warns
 * about it at start, since most people never run `doctor`.
 */
import { statSync } from "node:fs";

export interface TokenFileExposure {
  /** "0644". */
  mode: string;
  /** What is wrong, e.g. "mode 0644: other users on this machine can read your tokens". */
  problems: string[];
  /** Shell commands that fix it, in order. */
  fixes: string[];
}

/** Undefined when there is nothing to check (no file yet, or Windows, where modes mean little). */
export function tokenFileExposure(
  file: string,
  platform: NodeJS.Platform = process.platform,
): TokenFileExposure | undefined {
  if (platform === "win32") return undefined;
  let info: ReturnType<typeof statSync>;
  try {
    info = statSync(file);
  } catch {
    return undefined;
  }
  const mode = info.mode & 0o777;
  const octal = `0${mode.toString(8).padStart(3, "0")}`;
  const uid = process.getuid?.();
  const problems: string[] = [];
  const fixes: string[] = [];
  const quoted = shellQuote(file);
  if (mode & 0o077) {
    problems.push(
      `mode ${octal}: other users on this machine can ${mode & 0o022 ? "change" : "read"} your tokens`,
    );
    fixes.push(`chmod 600 ${quoted}`);
  }
  if (uid !== undefined && info.uid !== uid) {
    problems.push(`owned by user id ${info.uid}, not you (${uid})`);
    fixes.push(`sudo chown "$(id -un)" ${quoted}`);
  }
  return { mode: octal, problems, fixes };
}

/** A path as one shell word (the fix is meant to be pasted). */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}
