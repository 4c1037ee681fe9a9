import { mkdtemp, readdir, readFile, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import yauzl from "yauzl";
import { ConfigError, WebftpTransferError } from "../../src/index.js";
import { downloadBulkFile, uploadFile } from "../../src/node.js";
import { destAndOutside } from "../helpers/places.js";
import { useSdkSandbox } from "../helpers/sandbox.js";
import { useTempDir } from "../helpers/temp-dir.js";

const env = useSdkSandbox();
const base = useTempDir("alpacon-bulk-download-");

const server = () => env.serverIds(1)[0]!;

async function remoteFile(remotePath: string, content: string): Promise<void> {
  const [made] = await env.client().commands.run({
    servers: server(),
    line: `mkdir -p ${remotePath.slice(0, remotePath.lastIndexOf("/"))}`,
  });
  expect(made!.exitCode).toBe(0);
  const local = join(await mkdtemp(join(base(), "src-")), "source.txt");
  await writeFile(local, content);
  await uploadFile(env.client(), { server: server(), localPath: local, remotePath });
}

/** The entry names of a zip on disk. */
function zipNames(path: string): Promise<string[]> {
  return new Promise((resolve, reject) =>
    yauzl.open(path, { lazyEntries: false }, (error, zip) => {
      if (error || !zip) return reject(error);
      const names: string[] = [];
      zip.on("entry", (entry: yauzl.Entry) => names.push(entry.fileName));
      zip.on("end", () => resolve(names.sort()));
      zip.on("error", reject);
    }),
  );
}

describe("downloadBulkFile", () => {
  it("saves one zip of several files and folders", async () => {
    await remoteFile("/tmp/bulk-sdk/a.txt", "alpha");
    await remoteFile("/tmp/bulk-sdk/conf/b.yml", "beta");
    const { dest } = await destAndOutside(base());
    const result = await downloadBulkFile(env.client(), {
      server: server(),
      remotePaths: ["/tmp/bulk-sdk/a.txt", "/tmp/bulk-sdk/conf"],
      localPath: join(dest, "out.zip"),
    });
    expect(result).toMatchObject({ name: "download.zip", localPath: join(dest, "out.zip") });
    expect(result.bytes).toBeGreaterThan(0);
    expect(await zipNames(result.localPath)).toEqual(["a.txt", "conf/b.yml"]);
    // Only the zip: no temporary file left beside it.
    expect(await readdir(dest)).toEqual(["out.zip"]);
  });

  it("extracts into a directory, each path under its own name", async () => {
    await remoteFile("/tmp/bulk-sdk2/a.txt", "alpha");
    await remoteFile("/tmp/bulk-sdk2/conf/b.yml", "beta");
    const { dest } = await destAndOutside(base());
    const result = await downloadBulkFile(env.client(), {
      server: server(),
      remotePaths: ["/tmp/bulk-sdk2/a.txt", "/tmp/bulk-sdk2/conf"],
      localPath: dest,
      extract: true,
    });
    expect(result.files?.sort()).toEqual([join(dest, "a.txt"), join(dest, "conf", "b.yml")]);
    expect(await readFile(join(dest, "conf", "b.yml"), "utf8")).toBe("beta");
  });

  it("never extracts through a link in the destination", async () => {
    await remoteFile("/tmp/bulk-sdk3/conf/b.yml", "beta");
    const { dest, outside } = await destAndOutside(base());
    await symlink(outside, join(dest, "conf"));
    await expect(
      downloadBulkFile(env.client(), {
        server: server(),
        remotePaths: ["/tmp/bulk-sdk3/conf"],
        localPath: dest,
        extract: true,
      }),
    ).rejects.toThrow(/conf is a symbolic link/);
    expect(await readdir(outside)).toEqual([]);
  });

  it("reports the agent's refusal of a missing path and writes nothing", async () => {
    const { dest } = await destAndOutside(base());
    const refused = downloadBulkFile(env.client(), {
      server: server(),
      remotePaths: ["/etc/hostname", "/tmp/bulk-none"],
      localPath: join(dest, "out.zip"),
    });
    await expect(refused).rejects.toBeInstanceOf(WebftpTransferError);
    await expect(refused).rejects.toThrow(/stat \/tmp\/bulk-none: no such file or directory/);
    expect(await readdir(dest)).toEqual([]);
  });

  it("refuses an empty list before calling the API", async () => {
    await expect(
      env.client().webftp.downloadBulk({
        server: server(),
        remotePaths: [],
        destination: new WritableStream(),
      }),
    ).rejects.toBeInstanceOf(ConfigError);
  });
});
