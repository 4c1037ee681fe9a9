import type { Page } from "../core/pagination.js";
import { data, Resource } from "../core/resource.js";
import type { RequestOptions } from "../core/transport.js";
import type { QueryOf, Schemas } from "../core/types.js";
import { mapPage, type ServerRef, toServerRef, toUserRef, type UserRef } from "./shapes.js";

/** A file-manager session; `server` and `user` hold only `id` when the API sent bare UUIDs. */
export type WebftpSession = Omit<Schemas["WebftpSession"], "server" | "user"> & {
  server?: ServerRef;
  user?: UserRef;
};
/** An upload as listed; `server` holds only `id` when the API sent a bare UUID. */
export type UploadedFile = Omit<Schemas["UploadedFile"], "server"> & { server: ServerRef };
/** A download as listed; `server` holds only `id` when the API sent a bare UUID. */
export type DownloadedFile = Omit<Schemas["DownloadedFile"], "server"> & { server: ServerRef };

/** Reads a webftp session in either foreign-key shape. */
export function toWebftpSession(item: Schemas["WebftpSession"]): WebftpSession {
  const { server, user, ...rest } = item;
  return {
    ...rest,
    ...(server === undefined ? {} : { server: toServerRef(server) }),
    ...(user === undefined ? {} : { user: toUserRef(user) }),
  };
}

/** Reads a listed upload or download in either foreign-key shape. */
export function toTransfer<T extends { server: Schemas["ServerRef"] }>(
  item: T,
): Omit<T, "server"> & { server: ServerRef } {
  return { ...item, server: toServerRef(item.server) };
}
export type TransferStatus = Schemas["TransferStatus"];
export type CreateUploadBody = Schemas["UploadCreateRequest"];
export type CreateDownloadBody = Schemas["DownloadCreateRequest"];
export type CreateBulkDownloadBody = Schemas["BulkDownloadCreateRequest"];

/** File-manager sessions (the web console's browser). */
export class WebftpSessions extends Resource {
  /** `createWebftpSession`. */
  async create(
    body: Schemas["WebftpSessionCreateRequest"],
    options?: RequestOptions,
  ): Promise<WebftpSession> {
    return toWebftpSession(
      await data(this.http.POST("/api/webftp/sessions/", { body, ...this.request(options) })),
    );
  }

  /** `listWebftpSessions`. */
  async list(
    query: QueryOf<"listWebftpSessions"> = {},
    options?: RequestOptions,
  ): Promise<Page<WebftpSession>> {
    const page = await data(
      this.http.GET("/api/webftp/sessions/", { params: { query }, ...this.request(options) }),
    );
    return mapPage(page, toWebftpSession);
  }
}

/** Upload records: create one, PUT the bytes to its `upload_url`, trigger it, poll its status. */
export class Uploads extends Resource {
  /** `createUpload`: returns the presigned `upload_url` (empty or null for a direct upload). */
  create(body: CreateUploadBody, options?: RequestOptions) {
    return data(this.http.POST("/api/webftp/uploads/", { body, ...this.request(options) }));
  }

  /** `listUploads`. */
  async list(
    query: QueryOf<"listUploads"> = {},
    options?: RequestOptions,
  ): Promise<Page<UploadedFile>> {
    const page = await data(
      this.http.GET("/api/webftp/uploads/", { params: { query }, ...this.request(options) }),
    );
    return mapPage(page, toTransfer);
  }

  /** Tells the agent to fetch the uploaded bytes: `triggerUpload`. */
  trigger(id: string, options?: RequestOptions) {
    return data(
      this.http.GET("/api/webftp/uploads/{id}/upload/", {
        params: { path: { id } },
        ...this.request(options),
      }),
    );
  }

  /** `getUploadStatus`; throws a ValidationError with code `webftp_transfer_in_progress` while it runs. */
  status(id: string, options?: RequestOptions): Promise<TransferStatus> {
    return data(
      this.http.GET("/api/webftp/uploads/{id}/status/", {
        params: { path: { id } },
        ...this.request(options),
      }),
    );
  }
}

/** Download records: create one, wait for the agent, then GET its `download_url`. */
export class Downloads extends Resource {
  /** `createDownload`: returns the presigned `download_url` (or null until the status has it). */
  create(body: CreateDownloadBody, options?: RequestOptions) {
    return data(this.http.POST("/api/webftp/downloads/", { body, ...this.request(options) }));
  }

  /**
   * `createBulkDownload`: one zip of several files or folders on one server (`path` is the
   * list); then wait and fetch as after `create`.
   */
  createBulk(body: CreateBulkDownloadBody, options?: RequestOptions) {
    return data(this.http.POST("/api/webftp/downloads/bulk/", { body, ...this.request(options) }));
  }

  /** `listDownloads`. */
  async list(
    query: QueryOf<"listDownloads"> = {},
    options?: RequestOptions,
  ): Promise<Page<DownloadedFile>> {
    const page = await data(
      this.http.GET("/api/webftp/downloads/", { params: { query }, ...this.request(options) }),
    );
    return mapPage(page, toTransfer);
  }

  /** `getDownloadStatus`; throws a ValidationError with code `webftp_transfer_in_progress` while it runs. */
  status(id: string, options?: RequestOptions): Promise<TransferStatus> {
    return data(
      this.http.GET("/api/webftp/downloads/{id}/status/", {
        params: { path: { id } },
        ...this.request(options),
      }),
    );
  }
}
