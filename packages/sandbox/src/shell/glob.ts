/**
 * Pathname expansion (`*`, `?`, `[…]`) against the VFS. Patterns arrive with quoted
 * characters already backslash-escaped, so `"*.log"` never globs.
 */

import type { Credentials, Vfs } from "./vfs.js";
import { resolvePath } from "./vfs-path.js";

export function hasGlobChars(pattern: string): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === "\\") i++;
    else if (ch === "*" || ch === "?" || ch === "[") return true;
  }
  return false;
}

export function unescapeGlob(pattern: string): string {
  return pattern.replace(/\\(.)/g, "$1");
}

/** Converts one path component of a glob into an anchored RegExp. */
export function globToRegExp(pattern: string): RegExp {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === "\\" && i + 1 < pattern.length) {
      source += escapeRegExp(pattern[++i]!);
    } else if (ch === "*") {
      source += ".*";
    } else if (ch === "?") {
      source += ".";
    } else if (ch === "[") {
      const end = pattern.indexOf("]", i + 2);
      if (end < 0) {
        source += "\\[";
        continue;
      }
      let body = pattern.slice(i + 1, end);
      if (body.startsWith("!")) body = `^${body.slice(1)}`;
      source += `[${body.replace(/\\/g, "\\\\")}]`;
      i = end;
    } else {
      source += escapeRegExp(ch);
    }
  }
  return new RegExp(`^${source}$`, "s");
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/**
 * Matching paths, spelled the way the pattern was written (relative stays relative), sorted.
 * Empty when nothing matches; the caller then keeps the word literally, as bash does.
 */
export function expandGlob(vfs: Vfs, cwd: string, pattern: string, as: Credentials): string[] {
  const absolute = pattern.startsWith("/");
  const components = pattern.split("/").filter((part) => part !== "");
  let candidates: { spelled: string; path: string }[] = [
    { spelled: absolute ? "/" : "", path: absolute ? "/" : cwd },
  ];
  for (const component of components) {
    const next: typeof candidates = [];
    for (const candidate of candidates) {
      const join = (name: string) => ({
        spelled:
          candidate.spelled === "" || candidate.spelled.endsWith("/")
            ? candidate.spelled + name
            : `${candidate.spelled}/${name}`,
        path: resolvePath(candidate.path, name),
      });
      if (!hasGlobChars(component)) {
        next.push(join(unescapeGlob(component)));
        continue;
      }
      let entries: string[];
      try {
        entries = vfs.listDir(candidate.path, as).map((entry) => entry.name);
      } catch {
        continue;
      }
      const regexp = globToRegExp(component);
      const dotOk = component.startsWith(".") || component.startsWith("\\.");
      for (const name of entries) {
        if (name.startsWith(".") && !dotOk) continue;
        if (regexp.test(name)) next.push(join(name));
      }
    }
    candidates = next;
  }
  const trailingSlash = pattern.endsWith("/");
  return candidates
    .filter((candidate) => (trailingSlash ? vfs.isDir(candidate.path) : vfs.exists(candidate.path)))
    .map((candidate) => (trailingSlash ? `${candidate.spelled}/` : candidate.spelled))
    .sort();
}
