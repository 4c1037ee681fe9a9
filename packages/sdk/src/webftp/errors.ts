import { AlpaconError } from "../core/errors.js";

const HINTS = {
  upload:
    "Check that the remote directory exists and that the user may write there; pass overwrite: true to replace an existing file",
  download:
    "Check the remote path (and resourceType: folder for a directory) and that the user may read it",
} as const;

/** The agent reported that a transfer failed (file exists, permission denied, no such file…). */
export class WebftpTransferError extends AlpaconError {
  override name = "WebftpTransferError";
  readonly transferId: string;
  readonly direction: "upload" | "download";
  /** The agent's own words ("" when it gave none). */
  readonly detail: string;
  constructor(transferId: string, direction: "upload" | "download", detail: string) {
    // The hint is a field only: the message stays the agent's report, as scripts know it.
    super(`The ${direction} failed on the server: ${detail || "no reason given"}`, {
      hint: HINTS[direction],
    });
    this.transferId = transferId;
    this.direction = direction;
    this.detail = detail;
  }
}
