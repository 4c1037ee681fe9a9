import { realpathSync, statSync } from "node:fs";
import { lstat, realpath, stat } from "node:fs/promises";
import { homedir } from "node:os";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { ToolError } from "./errors.js";

export interface AllowedRootsOptions {
  /**
   * The token file this server reads (undefined when it was given ready-made clients). It, its
   * temporary copies, and its directory when that is a dedicated one are never read or written.
   */
  tokenFile?: string | undefined;
  /** The default configuration directory, also protected. Default ~/.alpacon-mcp. */
  configDir?: string | undefined;
}

/**
 * The local directories webftp tools may read from and write to. A model chooses the paths, so
 * every path is resolved through the real file system (symlinks included) and must stay inside
 * one of the roots: `..` and links that point outside are refused. The paths here are checked
 * first for a clear early answer; the SDK then calls `checkRead`/`checkWrite` with the real
 * path of what it actually opened or created, which is the check that holds against a link
 * swapped in meanwhile. The token file and the configuration directory are out of bounds even
 * inside a root.
 */
export class AllowedRoots {
  readonly roots: readonly string[];
  /** The roots as given and as resolved, for the lexical check before the file system one. */
  private readonly spellings: readonly string[];
  private readonly protectedFiles: readonly string[];
  private readonly protectedDirs: readonly string[];

  constructor(dirs: readonly string[], options: AllowedRootsOptions = {}) {
    if (dirs.length === 0) throw new Error("At least one allowed directory is required.");
    this.roots = dirs.map((dir) => {
      try {
        return realpathSync(resolve(dir));
      } catch {
        throw new Error(`Allowed directory ${dir} does not exist.`);
      }
    });
    this.spellings = [...this.roots, ...dirs.map((dir) => resolve(dir))];
    const configDir = options.configDir ?? join(homedir(), ".alpacon-mcp");
    const tokenFile = options.tokenFile === undefined ? undefined : resolve(options.tokenFile);
    this.protectedFiles = tokenFile ? [tokenFile] : [];
    // The token file's directory is protected too unless it is where the allowed directories
    // are (a token file in a project folder): then only the file itself is.
    const tokenDir = tokenFile ? dirname(tokenFile) : undefined;
    this.protectedDirs = [
      configDir,
      ...(tokenDir && !this.roots.some((root) => inside(realOrLexical(tokenDir), root))
        ? [tokenDir]
        : []),
    ];
  }

  /**
   * For the SDK's `checkOpened`: the real path and identity of the file an upload actually
   * opened. A hard link to the token file has another path but the same identity.
   */
  checkRead(realPath: string, asked: string, identity?: { dev: number; ino: number }): void {
    this.checkReal(asked, realPath, "read");
    if (identity && this.protectedFiles.some((file) => sameFile(file, identity))) {
      throw new ToolError(
        `${asked} is a hard link to this server's token file, which webftp tools never read`,
        "Tokens stay on this machine: choose another file",
      );
    }
  }

  /** For the SDK's `checkOpened`: the real path a download is about to create or extract into. */
  checkWrite(realPath: string, asked: string): void {
    this.checkReal(asked, realPath, "write");
  }

  /** An existing regular file to read (an upload's source). Returns its real path. */
  async readable(path: string): Promise<string> {
    const real = await this.real(path, "read");
    const info = await stat(real);
    if (!info.isFile()) {
      throw new ToolError(`${path} is not a regular file`, "Give the path of a file to upload");
    }
    return real;
  }

  /**
   * A file to create or replace (a download's destination). Its directory must exist inside a
   * root; an existing file there must not be a link leading outside.
   */
  async writable(path: string): Promise<string> {
    const absolute = this.absolute(path);
    const parent = await this.real(dirname(absolute), "write");
    const target = join(parent, basename(absolute));
    this.checkReal(path, target, "write");
    const existing = await lstat(target).catch(() => undefined);
    if (existing?.isSymbolicLink()) await this.real(target, "write");
    if (existing?.isDirectory()) {
      throw new ToolError(
        `${path} is a directory`,
        "Give a file path (for a folder download, a .zip file name)",
      );
    }
    return target;
  }

  /** An existing directory to write into (a folder download that is extracted). */
  async directory(path: string): Promise<string> {
    const real = await this.real(path, "write");
    if (!(await stat(real)).isDirectory()) {
      throw new ToolError(
        `${path} is not a directory`,
        "Give an existing directory to extract into",
      );
    }
    return real;
  }

  private absolute(path: string): string {
    if (path.includes("\0")) throw new ToolError("the path contains a NUL byte", "Fix the path");
    // Relative paths are taken from the first root, not from wherever the server was started.
    return isAbsolute(path) ? resolve(path) : resolve(this.roots[0]!, path);
  }

  private async real(path: string, use: "read" | "write"): Promise<string> {
    const absolute = this.absolute(path);
    // `..` is refused as written, before the file system is asked anything about it.
    if (!this.spellings.some((root) => inside(root, absolute))) throw this.outside(path, use);
    let real: string;
    try {
      real = await realpath(absolute);
    } catch {
      throw new ToolError(
        `${path} does not exist${use === "write" ? " (the destination's directory must exist)" : ""}`,
        `Give a path inside ${this.describe()}`,
      );
    }
    this.checkReal(path, real, use);
    return real;
  }

  private checkReal(path: string, real: string, use: "read" | "write"): void {
    // Links are followed: one that leads out of the roots is refused like `..`.
    if (!this.roots.some((root) => inside(root, real))) throw this.outside(path, use, real);
    const tokenFile = this.protectedFiles.find(
      (file) => real === realOrLexical(file) || real.startsWith(`${realOrLexical(file)}.`),
    );
    const configDir = this.protectedDirs.find((dir) => inside(realOrLexical(dir), real));
    if (tokenFile || configDir) {
      throw new ToolError(
        `${path} is ${tokenFile ? "this server's token file" : `inside the configuration directory ${configDir}`}, which webftp tools never ${use}`,
        "Tokens stay on this machine: choose another file",
      );
    }
  }

  private outside(path: string, use: "read" | "write", real?: string): ToolError {
    return new ToolError(
      `${path} is outside the directories this server may ${use}${real ? ` (it resolves to ${real})` : ""}`,
      `Use a path inside ${this.describe()}, or restart the server with --allow-dir for another directory`,
    );
  }

  private describe(): string {
    return this.roots.join(", ");
  }
}

function sameFile(path: string, identity: { dev: number; ino: number }): boolean {
  try {
    const info = statSync(path);
    return info.dev === identity.dev && info.ino === identity.ino;
  } catch {
    return false;
  }
}

/** A path's real path, or for one that does not exist (yet), its real parent's plus the rest. */
function realOrLexical(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    const parent = dirname(path);
    return parent === path ? path : join(realOrLexical(parent), basename(path));
  }
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (rel.split(sep)[0] !== ".." && !isAbsolute(rel));
}
