import { Collection } from "../http/list.js";

export type PackageKind = "system" | "python";

/**
 * An entry of the workspace's package repository (`/api/packages/{system,python}/entries/`).
 * An uploaded file (the CLI's reading) has no server; an "install on a server" (the reference
 * MCP's reading) names one, and its package shows in that server's inventory until the entry is
 * deleted (openapi/README.md: that side of the API is a guess).
 */
export interface PackageEntryRecord {
  id: string;
  kind: PackageKind;
  /** The file name for uploads; the package name for installs. */
  name: string;
  version: string;
  platform: string;
  arch: string;
  /** Python target and ABI (wheel tags); empty for system packages. */
  target: string;
  abi: string;
  filesize: number;
  ownerId: string;
  addedAt: number;
  serverId: string | null;
}

/** What an install or a removal did to one server's inventory, over the generated packages. */
export interface InventoryChange {
  /** The row id an installed package shows with (its entry's). */
  id: string;
  name: string;
  /** null: removed. */
  version: string | null;
  arch: string;
}

/** An inventory row as `/api/proc/packages/` lists it. */
export interface InventoryRow {
  id: string;
  name: string;
  version: string;
  source: string;
  arch: string;
}

/** A server's generated packages with its installs and removals applied. */
export function applyChanges(
  rows: readonly InventoryRow[],
  changes: ReadonlyMap<string, InventoryChange> | undefined,
): InventoryRow[] {
  // Most servers never had an install: their generated rows go out as they are, uncopied.
  if (!changes || changes.size === 0) return rows as InventoryRow[];
  const out: InventoryRow[] = [];
  for (const row of rows) {
    const change = changes.get(row.name);
    if (!change) out.push(row);
    else if (change.version !== null) out.push({ ...row, version: change.version });
  }
  const present = new Set(rows.map((r) => r.name));
  for (const change of changes.values()) {
    if (change.version === null || present.has(change.name)) continue;
    out.push({
      id: change.id,
      name: change.name,
      version: change.version,
      source: "",
      arch: change.arch,
    });
  }
  return out;
}

export class PackageStore {
  readonly entries = new Collection<PackageEntryRecord>();
  readonly byId = new Map<string, PackageEntryRecord>();
  /** server id → package name → change (system packages; `/api/proc/packages/` applies them). */
  private readonly changes = new Map<string, Map<string, InventoryChange>>();

  add(entry: PackageEntryRecord): void {
    this.entries.add(entry);
    this.byId.set(entry.id, entry);
  }

  remove(entry: PackageEntryRecord): void {
    this.entries.remove((e) => e.id === entry.id);
    this.byId.delete(entry.id);
  }

  /** Records an install (a version) or a removal (null) of a system package on a server. */
  change(serverId: string, change: InventoryChange): void {
    let map = this.changes.get(serverId);
    if (!map) {
      map = new Map();
      this.changes.set(serverId, map);
    }
    map.set(change.name, change);
  }

  changesOf(serverId: string): ReadonlyMap<string, InventoryChange> | undefined {
    return this.changes.get(serverId);
  }
}

/**
 * What a repository file name says: Debian `name_version_arch.deb`, RPM
 * `name-version-release.arch.rpm`, wheels `name-version-pytag-abitag-platform.whl` (PEP 427)
 * and sdists `name-version.tar.gz`. Anything else keeps only its name.
 */
export function describeFile(
  kind: PackageKind,
  file: string,
): Pick<PackageEntryRecord, "version" | "platform" | "arch" | "target" | "abi"> {
  const none = { version: "", platform: "", arch: "", target: "", abi: "" };
  if (kind === "python") {
    const wheel = /^([^-]+)-([^-]+)(?:-\d[^-]*)?-([^-]+)-([^-]+)-([^-]+)\.whl$/.exec(file);
    if (wheel) {
      return {
        ...none,
        version: wheel[2]!,
        target: wheel[3]!,
        abi: wheel[4]!,
        platform: wheel[5]!,
      };
    }
    const sdist = /^(.+)-(\d[^-]*)\.(?:tar\.gz|zip)$/.exec(file);
    return sdist ? { ...none, version: sdist[2]!, platform: "any" } : none;
  }
  const deb = /^([^_]+)_([^_]+)_([^_.]+)\.deb$/.exec(file);
  if (deb) return { ...none, version: deb[2]!, arch: deb[3]!, platform: "debian" };
  const rpm = /^(.+)-([^-]+-[^-]+)\.([^.]+)\.rpm$/.exec(file);
  if (rpm) return { ...none, version: rpm[2]!, arch: rpm[3]!, platform: "rhel" };
  return none;
}
