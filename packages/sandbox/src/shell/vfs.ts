/**
 * In-memory filesystem of one simulated server. It is shared by every shell of that server and
 * by the webftp layer, and never touches the host filesystem.
 *
 * Permission checks only happen when the caller passes credentials (`as`): the shell always
 * does, so a non-root user cannot read /root or overwrite /etc/passwd; the webftp layer may
 * choose either.
 */
import { basename, dirname, joinPath, normalizePath, splitPath } from "./vfs-path.js";

export type VfsErrorCode =
  | "ENOENT"
  | "ENOTDIR"
  | "EISDIR"
  | "EEXIST"
  | "ENOTEMPTY"
  | "EACCES"
  | "EINVAL"
  | "EBUSY";

const ERROR_TEXT: Record<VfsErrorCode, string> = {
  ENOENT: "No such file or directory",
  ENOTDIR: "Not a directory",
  EISDIR: "Is a directory",
  EEXIST: "File exists",
  ENOTEMPTY: "Directory not empty",
  EACCES: "Permission denied",
  EINVAL: "Invalid argument",
  EBUSY: "Device or resource busy",
};

export class VfsError extends Error {
  override readonly name = "VfsError";
  /** The strerror-like text commands print after the path, e.g. "No such file or directory". */
  readonly reason: string;

  constructor(
    readonly code: VfsErrorCode,
    readonly path: string,
  ) {
    super(`${path}: ${ERROR_TEXT[code]}`);
    this.reason = ERROR_TEXT[code];
  }
}

interface NodeMeta {
  /** Permission bits, including the sticky bit (0o1000). */
  mode: number;
  owner: string;
  group: string;
  mtime: Date;
}

export interface FileNode extends NodeMeta {
  kind: "file";
  data: Uint8Array;
  /**
   * Reported size when the bytes live elsewhere (see `ref`) and `data` is only a placeholder.
   * Absent means `data.length`.
   */
  size?: number;
  /**
   * Opaque handle for content kept outside memory, e.g. a host temp file owned by the webftp
   * layer. The shell never dereferences it.
   */
  ref?: string;
}

export interface DirNode extends NodeMeta {
  kind: "dir";
  children: Map<string, VfsNode>;
}

export type VfsNode = FileNode | DirNode;

export interface VfsStat {
  path: string;
  name: string;
  type: "file" | "dir";
  size: number;
  mode: number;
  owner: string;
  group: string;
  mtime: Date;
}

/** Who performs an operation; uid 0 bypasses permission checks, as on Linux. */
export interface Credentials {
  user: string;
  uid: number;
  /** Primary group, used as the group of new nodes. */
  group: string;
  /** Every group the user belongs to, including the primary one. */
  groups: readonly string[];
}

export interface MetaOptions {
  mode?: number;
  owner?: string;
  group?: string;
  mtime?: Date;
}

export interface WriteOptions extends MetaOptions {
  /** Default true; false makes an existing file an EEXIST error. */
  overwrite?: boolean;
  append?: boolean;
  /** Declared size for placeholder content, see `FileNode.size`. */
  size?: number;
  ref?: string;
  as?: Credentials;
}

export interface MkdirOptions extends MetaOptions {
  parents?: boolean;
  as?: Credentials;
}

export interface RemoveOptions {
  recursive?: boolean;
  force?: boolean;
  as?: Credentials;
}

export interface VfsOptions {
  now?: () => Date;
}

const READ = 4;
const WRITE = 2;
const EXEC = 1;
const STICKY = 0o1000;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function toBytes(content: Uint8Array | string): Uint8Array {
  return typeof content === "string" ? encoder.encode(content) : content;
}

export function bytesToText(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

function permits(node: VfsNode, cred: Credentials | undefined, want: number): boolean {
  if (cred === undefined || cred.uid === 0) return true;
  let shift = 0;
  if (node.owner === cred.user) shift = 6;
  else if (cred.groups.includes(node.group)) shift = 3;
  return ((node.mode >> shift) & want) === want;
}

function statOf(path: string, node: VfsNode): VfsStat {
  return {
    path,
    name: path === "/" ? "/" : basename(path),
    type: node.kind,
    size: node.kind === "file" ? (node.size ?? node.data.length) : 4096,
    mode: node.mode,
    owner: node.owner,
    group: node.group,
    mtime: node.mtime,
  };
}

function cloneNode(node: VfsNode, meta: Partial<NodeMeta>): VfsNode {
  if (node.kind === "file") {
    const copy: FileNode = { ...node, ...meta, data: node.data.slice() };
    return copy;
  }
  const children = new Map<string, VfsNode>();
  for (const [name, child] of node.children) children.set(name, cloneNode(child, meta));
  return { ...node, ...meta, children };
}

export class Vfs {
  private readonly root: DirNode;
  private readonly now: () => Date;

  constructor(options: VfsOptions = {}) {
    this.now = options.now ?? (() => new Date(0));
    this.root = {
      kind: "dir",
      children: new Map(),
      mode: 0o755,
      owner: "root",
      group: "root",
      mtime: this.now(),
    };
  }

  exists(path: string): boolean {
    return this.find(path) !== undefined;
  }

  /** Whether any file still points at `ref` (files share one after `cp`). */
  refersTo(ref: string): boolean {
    const walk = (dir: DirNode): boolean => {
      for (const node of dir.children.values()) {
        if (node.kind === "dir" ? walk(node) : node.kind === "file" && node.ref === ref)
          return true;
      }
      return false;
    };
    return walk(this.root);
  }

  isDir(path: string): boolean {
    return this.find(path)?.kind === "dir";
  }

  isFile(path: string): boolean {
    return this.find(path)?.kind === "file";
  }

  stat(path: string, as?: Credentials): VfsStat {
    const normalized = normalizePath(path);
    return statOf(normalized, this.lookup(normalized, as));
  }

  tryStat(path: string): VfsStat | undefined {
    const normalized = normalizePath(path);
    const node = this.find(normalized);
    return node === undefined ? undefined : statOf(normalized, node);
  }

  /** Entries of a directory, sorted by byte order of their names (like `LC_ALL=C ls`). */
  listDir(path: string, as?: Credentials): VfsStat[] {
    const normalized = normalizePath(path);
    const node = this.lookup(normalized, as);
    if (node.kind !== "dir") throw new VfsError("ENOTDIR", normalized);
    if (!permits(node, as, READ)) throw new VfsError("EACCES", normalized);
    return [...node.children.keys()]
      .sort(compareNames)
      .map((name) => statOf(joinPath(normalized, name), node.children.get(name)!));
  }

  readFile(path: string, as?: Credentials): Uint8Array {
    const normalized = normalizePath(path);
    const node = this.lookup(normalized, as);
    if (node.kind !== "file") throw new VfsError("EISDIR", normalized);
    if (!permits(node, as, READ)) throw new VfsError("EACCES", normalized);
    return node.data;
  }

  readText(path: string, as?: Credentials): string {
    return bytesToText(this.readFile(path, as));
  }

  /** The raw node, for layers (webftp) that need `ref` or placeholder sizes. */
  getNode(path: string): VfsNode | undefined {
    return this.find(path);
  }

  writeFile(path: string, content: Uint8Array | string, options: WriteOptions = {}): void {
    const normalized = normalizePath(path);
    if (normalized === "/") throw new VfsError("EISDIR", normalized);
    const { parent, name } = this.parentOf(normalized, options.as);
    const bytes = toBytes(content);
    const existing = parent.children.get(name);
    if (existing !== undefined) {
      if (existing.kind === "dir") throw new VfsError("EISDIR", normalized);
      if (options.overwrite === false && options.append !== true) {
        throw new VfsError("EEXIST", normalized);
      }
      if (!permits(existing, options.as, WRITE)) throw new VfsError("EACCES", normalized);
      if (options.append === true) {
        const merged = new Uint8Array(existing.data.length + bytes.length);
        merged.set(existing.data);
        merged.set(bytes, existing.data.length);
        existing.data = merged;
      } else {
        existing.data = bytes.slice();
      }
      delete existing.size;
      delete existing.ref;
      if (options.size !== undefined) existing.size = options.size;
      if (options.ref !== undefined) existing.ref = options.ref;
      existing.mtime = options.mtime ?? this.now();
      if (options.mode !== undefined) existing.mode = options.mode;
      if (options.owner !== undefined) existing.owner = options.owner;
      if (options.group !== undefined) existing.group = options.group;
      return;
    }
    if (!permits(parent, options.as, WRITE)) throw new VfsError("EACCES", normalized);
    const node: FileNode = {
      kind: "file",
      data: bytes.slice(),
      mode: options.mode ?? 0o644,
      owner: options.owner ?? options.as?.user ?? "root",
      group: options.group ?? options.as?.group ?? "root",
      mtime: options.mtime ?? this.now(),
    };
    if (options.size !== undefined) node.size = options.size;
    if (options.ref !== undefined) node.ref = options.ref;
    parent.children.set(name, node);
    parent.mtime = this.now();
  }

  appendFile(path: string, content: Uint8Array | string, options: WriteOptions = {}): void {
    this.writeFile(path, content, { ...options, append: true });
  }

  mkdir(path: string, options: MkdirOptions = {}): void {
    const normalized = normalizePath(path);
    if (options.parents === true) {
      let current = "/";
      for (const part of splitPath(normalized)) {
        current = joinPath(current, part);
        const node = this.find(current);
        if (node?.kind === "file") throw new VfsError("ENOTDIR", current);
        if (node === undefined) this.createDir(current, options);
      }
      return;
    }
    if (this.find(normalized) !== undefined) throw new VfsError("EEXIST", normalized);
    this.createDir(normalized, options);
  }

  remove(path: string, options: RemoveOptions = {}): void {
    const normalized = normalizePath(path);
    if (normalized === "/") throw new VfsError("EBUSY", normalized);
    const node = this.find(normalized);
    if (node === undefined) {
      if (options.force === true) return;
      throw new VfsError("ENOENT", normalized);
    }
    const { parent, name } = this.parentOf(normalized, options.as);
    if (node.kind === "dir" && options.recursive !== true) {
      throw new VfsError("EISDIR", normalized);
    }
    this.checkUnlink(parent, node, normalized, options.as);
    if (node.kind === "dir" && options.as !== undefined)
      this.checkTreeRemovable(node, normalized, options.as);
    parent.children.delete(name);
    parent.mtime = this.now();
  }

  /** Removes an empty directory (`rmdir`). */
  removeDir(path: string, as?: Credentials): void {
    const normalized = normalizePath(path);
    const node = this.lookup(normalized, as);
    if (node.kind !== "dir") throw new VfsError("ENOTDIR", normalized);
    if (node.children.size > 0) throw new VfsError("ENOTEMPTY", normalized);
    this.remove(normalized, as === undefined ? { recursive: true } : { recursive: true, as });
  }

  /** Copies `src` to exactly `dest` (the caller decides "into a directory" semantics). */
  copy(src: string, dest: string, options: { recursive?: boolean; as?: Credentials } = {}): void {
    const from = normalizePath(src);
    const to = normalizePath(dest);
    const node = this.lookup(from, options.as);
    if (node.kind === "dir") {
      if (options.recursive !== true) throw new VfsError("EISDIR", from);
      if (to === from || to.startsWith(`${from}/`)) throw new VfsError("EINVAL", to);
    }
    if (!permits(node, options.as, READ)) throw new VfsError("EACCES", from);
    const existing = this.find(to);
    if (existing?.kind === "dir") throw new VfsError("EISDIR", to);
    if (existing !== undefined && node.kind === "dir") throw new VfsError("ENOTDIR", to);
    const { parent, name } = this.parentOf(to, options.as);
    if (existing !== undefined && !permits(existing, options.as, WRITE)) {
      throw new VfsError("EACCES", to);
    }
    if (existing === undefined && !permits(parent, options.as, WRITE)) {
      throw new VfsError("EACCES", to);
    }
    const meta: Partial<NodeMeta> = { mtime: this.now() };
    if (options.as !== undefined) {
      meta.owner = options.as.user;
      meta.group = options.as.group;
    }
    parent.children.set(name, cloneNode(node, meta));
    parent.mtime = this.now();
  }

  /** Renames `src` to exactly `dest`, replacing a file there. */
  move(src: string, dest: string, options: { as?: Credentials } = {}): void {
    const from = normalizePath(src);
    const to = normalizePath(dest);
    if (from === "/") throw new VfsError("EBUSY", from);
    const node = this.lookup(from, options.as);
    if (from === to) return;
    if (node.kind === "dir" && to.startsWith(`${from}/`)) throw new VfsError("EINVAL", to);
    const existing = this.find(to);
    if (existing?.kind === "dir") throw new VfsError("EISDIR", to);
    if (existing !== undefined && node.kind === "dir") throw new VfsError("ENOTDIR", to);
    const source = this.parentOf(from, options.as);
    const target = this.parentOf(to, options.as);
    this.checkUnlink(source.parent, node, from, options.as);
    if (!permits(target.parent, options.as, WRITE)) throw new VfsError("EACCES", to);
    source.parent.children.delete(source.name);
    target.parent.children.set(target.name, node);
    source.parent.mtime = this.now();
    target.parent.mtime = this.now();
  }

  /** Creates an empty file or updates the mtime of an existing node. */
  touch(path: string, as?: Credentials): void {
    const normalized = normalizePath(path);
    const node = this.find(normalized);
    if (node === undefined) {
      this.writeFile(normalized, new Uint8Array(0), as === undefined ? {} : { as });
      return;
    }
    if (!permits(node, as, WRITE) && node.owner !== as?.user) {
      throw new VfsError("EACCES", normalized);
    }
    node.mtime = this.now();
  }

  setMeta(path: string, meta: MetaOptions): void {
    const normalized = normalizePath(path);
    const node = this.lookup(normalized);
    if (meta.mode !== undefined) node.mode = meta.mode;
    if (meta.owner !== undefined) node.owner = meta.owner;
    if (meta.group !== undefined) node.group = meta.group;
    if (meta.mtime !== undefined) node.mtime = meta.mtime;
  }

  /**
   * Pre-order walk of a tree (the node itself first, then children sorted by name), e.g. for
   * zipping a folder. A file path yields just that file.
   */
  *walk(path: string): Generator<VfsStat> {
    const normalized = normalizePath(path);
    const node = this.lookup(normalized);
    yield* this.walkNode(normalized, node);
  }

  private *walkNode(path: string, node: VfsNode): Generator<VfsStat> {
    yield statOf(path, node);
    if (node.kind !== "dir") return;
    for (const name of [...node.children.keys()].sort(compareNames)) {
      yield* this.walkNode(joinPath(path, name), node.children.get(name)!);
    }
  }

  private createDir(path: string, options: MkdirOptions): void {
    const { parent, name } = this.parentOf(path, options.as);
    if (!permits(parent, options.as, WRITE)) throw new VfsError("EACCES", path);
    parent.children.set(name, {
      kind: "dir",
      children: new Map(),
      mode: options.mode ?? 0o755,
      owner: options.owner ?? options.as?.user ?? "root",
      group: options.group ?? options.as?.group ?? "root",
      mtime: options.mtime ?? this.now(),
    });
    parent.mtime = this.now();
  }

  private checkUnlink(
    parent: DirNode,
    node: VfsNode,
    path: string,
    as: Credentials | undefined,
  ): void {
    if (!permits(parent, as, WRITE | EXEC)) throw new VfsError("EACCES", path);
    // Sticky directories such as /tmp only let owners delete their own entries.
    if (
      as !== undefined &&
      as.uid !== 0 &&
      (parent.mode & STICKY) !== 0 &&
      node.owner !== as.user &&
      parent.owner !== as.user
    ) {
      throw new VfsError("EACCES", path);
    }
  }

  private checkTreeRemovable(node: DirNode, path: string, as: Credentials): void {
    for (const [name, child] of node.children) {
      const childPath = joinPath(path, name);
      this.checkUnlink(node, child, childPath, as);
      if (child.kind === "dir") this.checkTreeRemovable(child, childPath, as);
    }
  }

  private find(path: string): VfsNode | undefined {
    let node: VfsNode = this.root;
    for (const part of splitPath(normalizePath(path))) {
      if (part === "..") continue;
      if (node.kind !== "dir") return undefined;
      const child = node.children.get(part);
      if (child === undefined) return undefined;
      node = child;
    }
    return node;
  }

  /** Like `find` but throws the errno a kernel would give, checking search (x) permission. */
  private lookup(path: string, as?: Credentials): VfsNode {
    let node: VfsNode = this.root;
    for (const part of splitPath(path)) {
      if (node.kind !== "dir") throw new VfsError("ENOTDIR", path);
      if (!permits(node, as, EXEC)) throw new VfsError("EACCES", path);
      const child = node.children.get(part);
      if (child === undefined) throw new VfsError("ENOENT", path);
      node = child;
    }
    return node;
  }

  private parentOf(path: string, as?: Credentials): { parent: DirNode; name: string } {
    const parentPath = dirname(path);
    let parent: VfsNode;
    try {
      parent = this.lookup(parentPath, as);
    } catch (error) {
      if (error instanceof VfsError) throw new VfsError(error.code, path);
      throw error;
    }
    if (parent.kind !== "dir") throw new VfsError("ENOTDIR", path);
    if (!permits(parent, as, EXEC)) throw new VfsError("EACCES", path);
    return { parent, name: basename(path) };
  }
}

function compareNames(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
