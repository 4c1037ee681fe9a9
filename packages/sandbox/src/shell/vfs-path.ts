/**
 * Pure path arithmetic for the virtual filesystem. Every result is an absolute, normalized
 * POSIX path; `..` at the root stays at the root, so no input can name anything outside `/`.
 */

export function splitPath(path: string): string[] {
  return path.split("/").filter((part) => part !== "" && part !== ".");
}

/** Normalizes an absolute path: collapses `//`, `.` and `..` (clamped at `/`). */
export function normalizePath(path: string): string {
  const out: string[] = [];
  for (const part of splitPath(path)) {
    if (part === "..") out.pop();
    else out.push(part);
  }
  return `/${out.join("/")}`;
}

/**
 * Resolves `path` against `cwd`. `~` and `~/…` expand to `home` when given; the shell expands
 * `~user` itself, because only it knows the users.
 */
export function resolvePath(cwd: string, path: string, home?: string): string {
  let p = path;
  if (home !== undefined && (p === "~" || p.startsWith("~/"))) p = home + p.slice(1);
  return normalizePath(p.startsWith("/") ? p : `${cwd}/${p}`);
}

export function joinPath(dir: string, name: string): string {
  return dir === "/" ? `/${name}` : `${dir}/${name}`;
}

export function dirname(path: string): string {
  const normalized = normalizePath(path);
  const index = normalized.lastIndexOf("/");
  return index <= 0 ? "/" : normalized.slice(0, index);
}

export function basename(path: string): string {
  const trimmed = path.replace(/\/+$/, "");
  if (trimmed === "") return path.startsWith("/") ? "/" : "";
  return trimmed.slice(trimmed.lastIndexOf("/") + 1);
}
