import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { WebftpTransferError } from "../../src/index.js";
import { downloadFile, uploadFile } from "../../src/node.js";
import { useSdkSandbox } from "../helpers/sandbox.js";
import { useTempDir } from "../helpers/temp-dir.js";

const env = useSdkSandbox({ servers: 2 });
const dir = useTempDir("alpacon-webftp-errors-");

describe("WebftpTransferError", () => {
  it("an upload the agent refused keeps its direction, detail and id, and took no effect", async () => {
    const server = env.serverIds(1)[0]!;
    const local = join(dir(), "keep.txt");
    await writeFile(local, "first");
    await uploadFile(env.client(), { server, localPath: local, remotePath: "/tmp/err-keep.txt" });
    const error: WebftpTransferError = await uploadFile(env.client(), {
      server,
      localPath: local,
      remotePath: "/tmp/err-keep.txt",
      overwrite: false,
    }).catch((e) => e);
    expect(error).toBeInstanceOf(WebftpTransferError);
    expect(error.direction).toBe("upload");
    expect(error.detail).toMatch(/already exists/);
    expect(error.transferId).not.toBe("");
    expect(error.hint).toMatch(/overwrite: true/);
    expect(error.mayHaveTakenEffect).toBe(false);
    expect(error.message).toBe(`The upload failed on the server: ${error.detail}`);
  });

  it("a download of a missing file says download, with its own hint", async () => {
    const error: WebftpTransferError = await downloadFile(env.client(), {
      server: env.serverIds(1)[0]!,
      remotePath: "/no/such/file",
      localPath: join(dir(), "missing.txt"),
    }).catch((e) => e);
    expect(error).toBeInstanceOf(WebftpTransferError);
    expect(error.direction).toBe("download");
    expect(error.detail).toMatch(/no such file or directory/i);
    expect(error.hint).toMatch(/resourceType: folder/);
  });

  it("says so when the agent gave no reason", () => {
    const error = new WebftpTransferError("t-1", "download", "");
    expect(error).toMatchObject({ transferId: "t-1", direction: "download", detail: "" });
    expect(error.message).toBe("The download failed on the server: no reason given");
  });
});
