import type { Page } from "../core/pagination.js";
import { data, Resource } from "../core/resource.js";
import type { RequestOptions } from "../core/transport.js";
import type { QueryOf, Schemas } from "../core/types.js";

export type WebftpSession = Schemas["WebftpSession"];
export type TransferStatus = Schemas["TransferStatus"];
export type CreateUploadBody = Schemas["UploadCreateRequest"];
export type CreateDownloadBody = Schemas["DownloadCreateRequest"];

/** File-manager sessions (the web console's browser). */
export class WebftpSessions extends Resource {
  /** `createWebftpSession`. */
  create(
    body: Schemas["WebftpSessionCreateRequest"],
    options?: RequestOptions,
  ): Promise<WebftpSession> {
    return data(this.http.POST("/api/webftp/sessions/", { body, ...this.request(options) }));
  }

  /** `listWebftpSessions`. */
  list(
    query: QueryOf<"listWebftpSessions"> = {},
    options?: RequestOptions,
  ): Promise<Page<WebftpSession>> {
    return data(
      this.http.GET("/api/webftp/sessions/", { params: { query }, ...this.request(options) }),
    );
  }
}

/** Upload records: create one, PUT the bytes to its `upload_url`, trigger it, poll its status. */
export class Uploads extends Resource {
  /** `createUpload`: returns the presigned `upload_url`. */
  create(body: CreateUploadBody, options?: RequestOptions) {
    return data(this.http.POST("/api/webftp/uploads/", { body, ...this.request(options) }));
  }

  /** `listUploads`. */
  list(query: QueryOf<"listUploads"> = {}, options?: RequestOptions) {
    return data(
      this.http.GET("/api/webftp/uploads/", { params: { query }, ...this.request(options) }),
    );
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
  /** `createDownload`: returns the presigned `download_url`. */
  create(body: CreateDownloadBody, options?: RequestOptions) {
    return data(this.http.POST("/api/webftp/downloads/", { body, ...this.request(options) }));
  }

  /** `listDownloads`. */
  list(query: QueryOf<"listDownloads"> = {}, options?: RequestOptions) {
    return data(
      this.http.GET("/api/webftp/downloads/", { params: { query }, ...this.request(options) }),
    );
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
