import { type IterateOptions, iteratePages, type Page } from "../core/pagination.js";
import { type ClientContext, data, Resource } from "../core/resource.js";
import type { RequestOptions } from "../core/transport.js";
import type { QueryOf, Schemas } from "../core/types.js";

export type SystemPackageEntry = Schemas["SystemPackageEntry"];
export type PythonPackageEntry = Schemas["PythonPackageEntry"];
export type ListPackageEntriesQuery = QueryOf<"listSystemPackageEntries">;
/** The reference MCP's "install on a server" body: `{server, name, version?}`. */
export type PackageInstallBody = Schemas["PackageInstallRequest"];

/** A package file for the workspace's repository (the CLI's `alpacon package upload`). */
export interface PackageUpload {
  /** The file's bytes. */
  content: Blob | Uint8Array;
  /** Its file name, which becomes the entry's `name` (`htop_3.3.0-4_amd64.deb`, a `.whl`). */
  filename: string;
}

/**
 * What an upload answers: the new entry, or `{}` (the CLI's test; it reads nothing back), so
 * every field may be missing.
 */
export type PackageUploadResult<E> = Partial<E>;

type Kind = "system" | "python";

/**
 * The workspace's repository of system (`.deb`, `.rpm`) or Python (wheels, sdists) packages,
 * and what was installed on servers through it. The sources disagree on what adding an entry
 * does (openapi/README.md): the CLI uploads a file (`create`); the reference MCP installs a
 * package on a server (`install`), and deleting that entry removes the package again.
 */
export class PackageEntries<E extends SystemPackageEntry | PythonPackageEntry> extends Resource {
  constructor(
    context: ClientContext,
    private readonly kind: Kind,
  ) {
    super(context);
  }

  /**
   * One implementation for both repositories: their operations differ in the path and the entry
   * fields only, so calls are typed with the system paths (`at` swaps the kind in) and entries
   * cast to their kind. The SDK method table knows this pattern (scripts/sdk-method-table.mjs).
   */
  private at<P extends string>(template: P): P {
    return template.replace("/packages/system/", `/packages/${this.kind}/`) as P;
  }

  /** One page of entries: `list{System,Python}PackageEntries` (`name`: a file name; `server`). */
  list(query: ListPackageEntriesQuery = {}, options?: RequestOptions): Promise<Page<E>> {
    return data(
      this.http.GET(this.at("/api/packages/system/entries/"), {
        params: { query },
        ...this.request(options),
      }),
    ) as Promise<Page<E>>;
  }

  iterate(
    query: ListPackageEntriesQuery = {},
    options: IterateOptions & RequestOptions = {},
  ): AsyncGenerator<E> {
    return iteratePages((page) => this.list(page, options), query, options);
  }

  /** `get{System,Python}PackageEntry`. */
  get(id: string, options?: RequestOptions): Promise<E> {
    return data(
      this.http.GET(this.at("/api/packages/system/entries/{id}/"), {
        params: { path: { id } },
        ...this.request(options),
      }),
    ) as Promise<E>;
  }

  /** `create{System,Python}PackageEntry` as the CLI calls it: uploads a file (multipart). */
  create(upload: PackageUpload, options?: RequestOptions): Promise<PackageUploadResult<E>> {
    const form = new FormData();
    const blob =
      upload.content instanceof Blob
        ? upload.content
        : new Blob([upload.content as Uint8Array<ArrayBuffer>]);
    form.append("content", blob, upload.filename);
    return data(
      this.http.POST(this.at("/api/packages/system/entries/"), { form, ...this.request(options) }),
    ) as Promise<PackageUploadResult<E>>;
  }

  /**
   * `create{System,Python}PackageEntry` as the reference MCP calls it: installs `name` (at
   * `version`, else the current one) on a connected server. Unverified against the service.
   */
  install(body: PackageInstallBody, options?: RequestOptions): Promise<E> {
    return data(
      this.http.POST(this.at("/api/packages/system/entries/"), { body, ...this.request(options) }),
    ) as Promise<E>;
  }

  /** `delete{System,Python}PackageEntry`; for an install, the package leaves its server. */
  async delete(id: string, options?: RequestOptions): Promise<void> {
    await this.http.DELETE(this.at("/api/packages/system/entries/{id}/"), {
      params: { path: { id } },
      ...this.request(options),
    });
  }
}

export interface Packages {
  readonly system: PackageEntries<SystemPackageEntry>;
  readonly python: PackageEntries<PythonPackageEntry>;
}

export function createPackages(context: ClientContext): Packages {
  return {
    system: new PackageEntries<SystemPackageEntry>(context, "system"),
    python: new PackageEntries<PythonPackageEntry>(context, "python"),
  };
}
