import { AlpaconError } from "../core/errors.js";

/** The agent reported that a transfer failed (file exists, permission denied, no such file…). */
export class WebftpTransferError extends AlpaconError {
  override name = "WebftpTransferError";
  readonly transferId: string;
  constructor(transferId: string, direction: "upload" | "download", detail: string) {
    super(`The ${direction} failed on the server: ${detail || "no reason given"}`);
    this.transferId = transferId;
  }
}
