import { AlpaconError, ConfigError, NotFoundError, ValidationError } from "../core/errors.js";
import type { ClientContext } from "../core/resource.js";
import { isTransient } from "../core/retry.js";
import type { DownloadDestination, Transport } from "../core/transport.js";
import { Downloads, Uploads, WebftpSessions } from "../resources/webftp.js";
import { WebftpTransferError } from "./errors.js";
import {
  checkStorageUrl,
  remoteBasename,
  storageTransfer,
  type TransferProgress,
  toUploadSource,
  type UploadSource,
  uploadTimeoutMs,
  waitForTransfer,
} from "./transfer.js";

export interface UploadOptions {
  server: string;
  /** Full remote file path, such as /etc/app/app.conf. */
  remotePath: string;
  source: Uint8Array | Blob | UploadSource;
  username?: string | undefined;
  groupname?: string | undefined;
  /** Work session id to attach (the API's `work_session`): browser logins may need one. */
  workSession?: string | undefined;
  /** Replace an existing file. Default true, as in the CLI. */
  overwrite?: boolean | undefined;
  /** Extract an uploaded zip on the server. Default false. */
  unzip?: boolean | undefined;
  onProgress?: ((progress: TransferProgress) => void) | undefined;
  signal?: AbortSignal | undefined;
  /** Until the agent reports; default 30 s + 5 s per MiB. */
  timeoutMs?: number | undefined;
  /**
   * Moves the bytes when the client was given no `fetch` or `transport` of its own;
   * `uploadFile` from `@alpacon/sdk/node` passes nodeTransport.
   */
  transport?: Transport | undefined;
}

export interface UploadResult {
  id: string;
  remotePath: string;
  /** Bytes sent to storage: 0 for a direct upload, where the API gave no `upload_url`. */
  bytes: number;
  /**
   * The API answered no `upload_url` (the reference's "direct upload" branch), so no bytes were
   * sent from here; only the agent's report below says what was written.
   */
  direct: boolean;
  /** The agent's report, such as "Successfully downloaded /etc/app/app.conf." */
  message: string;
}

export interface DownloadOptions {
  server: string;
  remotePath: string;
  /** Folders arrive as one zip. Default "file". */
  resourceType?: "file" | "folder" | undefined;
  /** A stream, or (from `downloadFile` in `@alpacon/sdk/node`) a new local file. */
  destination: WritableStream<Uint8Array> | DownloadDestination;
  username?: string | undefined;
  groupname?: string | undefined;
  /** Work session id to attach (the API's `work_session`): browser logins may need one. */
  workSession?: string | undefined;
  onProgress?: ((progress: TransferProgress) => void) | undefined;
  signal?: AbortSignal | undefined;
  /** Until the agent has stored the file; default 10 minutes. */
  timeoutMs?: number | undefined;
  /** As UploadOptions.transport; `downloadFile` passes nodeTransport. */
  transport?: Transport | undefined;
}

export interface BulkDownloadOptions extends Omit<DownloadOptions, "remotePath" | "resourceType"> {
  /** Files and folders on `server`, zipped into one archive (each under its basename). */
  remotePaths: readonly string[];
}

export interface DownloadResult {
  id: string;
  name: string;
  bytes: number;
}

/** A download the agent has stored: the presigned URL to GET (no Authorization header). */
export interface PreparedDownload {
  id: string;
  name: string;
  downloadUrl: string;
  idleTimeoutMs: number;
}

const DOWNLOAD_TIMEOUT_MS = 10 * 60 * 1000;

/** The optional run-as and work-session fields of a download body, left out when empty. */
function runAsFields(options: {
  username?: string | undefined;
  groupname?: string | undefined;
  workSession?: string | undefined;
}) {
  return {
    ...(options.username ? { username: options.username } : {}),
    ...(options.groupname ? { groupname: options.groupname } : {}),
    ...(options.workSession ? { work_session: options.workSession } : {}),
  };
}

/** WebFTP: REST records plus streaming transfers through presigned storage URLs. */
export class Webftp {
  readonly sessions: WebftpSessions;
  readonly uploads: Uploads;
  readonly downloads: Downloads;

  constructor(private readonly context: ClientContext) {
    this.sessions = new WebftpSessions(context);
    this.uploads = new Uploads(context);
    this.downloads = new Downloads(context);
  }

  /**
   * Uploads bytes to a file on a server: create the upload, stream the bytes to storage (never
   * held in memory whole), trigger the agent, and wait for its report.
   */
  async upload(options: UploadOptions): Promise<UploadResult> {
    const source = toUploadSource(options.source);
    const name = remoteBasename(options.remotePath);
    const request = { signal: options.signal };
    const created = await this.uploads.create(
      {
        server: options.server,
        name,
        path: options.remotePath,
        allow_overwrite: options.overwrite ?? true,
        allow_unzip: options.unzip ?? false,
        ...(options.username ? { username: options.username } : {}),
        ...(options.groupname ? { groupname: options.groupname } : {}),
        ...(options.workSession ? { work_session: options.workSession } : {}),
      },
      request,
    );
    if (created.upload_url)
      checkStorageUrl(created.upload_url, this.context.settings.allowInsecure);
    // No `upload_url` (empty, null or absent): skip the PUT but still trigger and read the
    // status, as the CLI does; the reference MCP reports success without asking, we do not.
    const direct = !created.upload_url;
    const uploadUrl = created.upload_url;
    const transport = this.storageTransport(options.transport);
    const transfer = {
      signal: options.signal,
      idleTimeoutMs: this.context.settings.timeoutMs,
      onProgress: options.onProgress,
    };
    const bytes = uploadUrl
      ? await storageTransfer(
          "upload",
          () => transport.upload({ ...transfer, url: uploadUrl, source }),
          transfer,
        )
      : 0;
    await this.triggerOnce(created.id, options.signal, direct);
    const status = await waitForTransfer(
      () => this.uploads.status(created.id, request),
      options.timeoutMs ?? uploadTimeoutMs(source.size),
      options.signal,
    );
    if (!status.success) {
      const reason = status.message ?? "";
      throw new WebftpTransferError(
        created.id,
        "upload",
        direct
          ? `${reason || "no reason given"} (the API gave no upload URL, so no bytes could be sent from here)`
          : reason,
      );
    }
    return {
      id: created.id,
      remotePath: options.remotePath,
      bytes,
      direct,
      message: status.message ?? "",
    };
  }

  /**
   * Downloads a file (or a folder, as a zip) into a writable stream: create the download,
   * wait for the agent to store it, then stream it from storage.
   */
  async download(options: DownloadOptions): Promise<DownloadResult> {
    const { destination, onProgress, transport, ...rest } = options;
    return this.fetchStored(await this.prepareDownload(rest), options);
  }

  /**
   * Downloads several files and folders of one server as one zip (`createBulkDownload`) into a
   * writable stream, as `download` does; `downloadBulkFile` in `@alpacon/sdk/node` saves it or
   * extracts it safely.
   */
  async downloadBulk(options: BulkDownloadOptions): Promise<DownloadResult> {
    const { destination, onProgress, transport, ...rest } = options;
    return this.fetchStored(await this.prepareBulkDownload(rest), options);
  }

  /** Streams a stored download from its presigned URL into the destination. */
  private async fetchStored(
    prepared: PreparedDownload,
    options: Pick<DownloadOptions, "destination" | "onProgress" | "transport" | "signal">,
  ): Promise<DownloadResult> {
    const { destination, onProgress } = options;
    const transport = this.storageTransport(options.transport);
    // A stream is written once: no retry once bytes reached it. A file is created afresh by
    // each attempt (its owner removes a failed one's), so it may be retried at any point.
    let opened = false;
    const target: DownloadDestination =
      destination instanceof WritableStream
        ? {
            open: async () => {
              opened = true;
              return destination;
            },
          }
        : destination;
    const transfer = { signal: options.signal, idleTimeoutMs: prepared.idleTimeoutMs, onProgress };
    const bytes = await storageTransfer(
      "download",
      async () => {
        await target.prepare?.();
        return transport.download({ ...transfer, url: prepared.downloadUrl, destination: target });
      },
      { ...transfer, canRetry: () => !opened },
    );
    return { id: prepared.id, name: prepared.name, bytes };
  }

  /** The client's own transport, else the one a caller prefers for bytes (Node's), else the default. */
  private storageTransport(preferred: Transport | undefined): Transport {
    const { transport, transportChosen } = this.context.settings;
    return transportChosen ? transport : (preferred ?? transport);
  }

  /**
   * The first half of a download: create it and wait until the agent has stored the file.
   * Answers the presigned `downloadUrl` to GET (no Authorization header; it expires).
   */
  async prepareDownload(
    options: Omit<DownloadOptions, "destination" | "onProgress">,
  ): Promise<PreparedDownload> {
    const name = remoteBasename(options.remotePath, options.resourceType ?? "file");
    const created = await this.downloads.create(
      {
        server: options.server,
        path: options.remotePath,
        name,
        resource_type: options.resourceType ?? "file",
        ...runAsFields(options),
      },
      { signal: options.signal },
    );
    return this.whenStored(created, name, options);
  }

  /** The first half of `downloadBulk`: create the bulk download and wait until the zip is stored. */
  async prepareBulkDownload(
    options: Omit<BulkDownloadOptions, "destination" | "onProgress">,
  ): Promise<PreparedDownload> {
    if (options.remotePaths.length === 0) {
      throw new ConfigError("remotePaths is empty: name at least one file or folder.");
    }
    const created = await this.downloads.createBulk(
      { server: options.server, path: [...options.remotePaths], ...runAsFields(options) },
      { signal: options.signal },
    );
    return this.whenStored(created, created.name || "download.zip", options);
  }

  /** Waits for the agent's report, then answers the URL to GET (checked). */
  private async whenStored(
    created: { id: string; download_url?: string | null },
    name: string,
    options: { signal?: AbortSignal | undefined; timeoutMs?: number | undefined },
  ): Promise<PreparedDownload> {
    const request = { signal: options.signal };
    const status = await waitForTransfer(
      () => this.downloads.status(created.id, request),
      options.timeoutMs ?? DOWNLOAD_TIMEOUT_MS,
      options.signal,
    );
    if (!status.success)
      throw new WebftpTransferError(created.id, "download", status.message ?? "");
    // The create answer's URL (CLI), else the one the finished status carries (the reference
    // MCP's remote mode, where the create answer has none).
    const downloadUrl = created.download_url || status.download_url;
    if (!downloadUrl) {
      throw new AlpaconError(
        `Download ${created.id} finished on the server, but the API named no download URL (neither in the create answer nor in its status), so the file cannot be fetched. Please report it to the maintainers.`,
      );
    }
    checkStorageUrl(downloadUrl, this.context.settings.allowInsecure);
    // The client's per-request timeout bounds silence while the bytes flow.
    return { id: created.id, name, downloadUrl, idleTimeoutMs: this.context.settings.timeoutMs };
  }

  /**
   * The trigger is a GET but not idempotent: it starts the agent. It is sent once; only when
   * its answer was lost is it sent again, and a refusal of that second one ("already
   * transferred") means the first went through. The status poll then tells the outcome.
   */
  private async triggerOnce(
    id: string,
    signal: AbortSignal | undefined,
    direct: boolean,
  ): Promise<void> {
    try {
      await this.uploads.trigger(id, { signal, maxRetries: 0 });
    } catch (error) {
      // A direct upload may need no trigger (the reference MCP sends none): a refusal leaves
      // the outcome to the status poll.
      if (direct && (error instanceof ValidationError || error instanceof NotFoundError)) return;
      if (!isTransient(error)) throw error;
      try {
        await this.uploads.trigger(id, { signal, maxRetries: 0 });
      } catch (retryError) {
        if (!(retryError instanceof ValidationError)) throw retryError;
      }
    }
  }
}
