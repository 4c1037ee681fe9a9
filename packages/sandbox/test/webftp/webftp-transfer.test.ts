import { createHash } from "node:crypto";
import { readdirSync, statSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import yauzl from "yauzl";
import yazl from "yazl";
import { useSandbox } from "../helpers/sandbox.js";
import { linuxServer } from "../websh/terminal-client.js";
import {
  createUpload,
  putBytes,
  runCommand,
  startBulkDownload,
  startDownload,
  upload,
  waitForStatus,
} from "./transfer-client.js";

const handle = useSandbox();
let server: string;

beforeAll(async () => {
  server = (await linuxServer(handle.api())).id;
});

const MiB = 1024 * 1024;

/**
 * Deterministic pseudo-random bytes, generated chunk by chunk (never the whole file). Chunks come
 * from a small ring of reused buffers: a fresh 1 MiB buffer per chunk would leave 256 MiB of
 * garbage that V8 collects late, hiding the sandbox's own memory use in the RSS measure. The
 * ring is deep enough that a buffer is rewritten only long after the socket flushed it (and a
 * corruption would show as a digest mismatch anyway).
 */
async function* generate(size: number, seed: number): AsyncGenerator<Uint8Array> {
  const chunk = MiB;
  const base = Buffer.alloc(chunk);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < chunk; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    base.writeUInt32LE(x >>> 0, i);
  }
  const ring = Array.from({ length: 8 }, () => Buffer.alloc(chunk));
  for (let offset = 0, index = 0; offset < size; offset += chunk, index++) {
    const length = Math.min(chunk, size - offset);
    const piece = ring[index % ring.length]!.subarray(0, length);
    base.copy(piece, 0, 0, length);
    // Every chunk differs, so a swapped or repeated chunk changes the digest.
    if (length >= 8) piece.writeBigUInt64LE(BigInt(index), 0);
    yield piece;
  }
}

async function digestOf(source: AsyncIterable<Uint8Array>): Promise<{ sha: string; size: number }> {
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of source) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { sha: hash.digest("hex"), size };
}

/** Tees the generator through a hash, so the upload side's digest needs no second pass. */
async function* hashing(
  source: AsyncIterable<Uint8Array>,
  hash: ReturnType<typeof createHash>,
): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) {
    hash.update(chunk);
    yield chunk;
  }
}

async function roundTrip(size: number, path: string): Promise<void> {
  const api = handle.api();
  const sent = createHash("sha256");
  const status = await upload(
    api,
    { server, name: path.split("/").pop()!, path },
    hashing(generate(size, size + 7), sent),
    size,
  );
  expect(status).toEqual({ success: true, message: `Successfully downloaded ${path}.` });
  const download = await startDownload(api, { server, path });
  expect(download.status).toEqual({ success: true, message: "Successfully uploaded 1 file(s)." });
  const res = await fetch(download.downloadUrl);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-length")).toBe(String(size));
  const got = await digestOf(res.body as unknown as AsyncIterable<Uint8Array>);
  expect(got).toEqual({ sha: sent.digest("hex"), size });
}

/**
 * Stored objects of exactly `size` bytes in any sandbox storage directory (sizes are chosen to
 * be unique to one test, so other test files' sandboxes never match).
 */
function storedObjectsOfSize(size: number): number {
  let count = 0;
  for (const dir of readdirSync(tmpdir()).filter((name) => name.startsWith("alpacon-sandbox-"))) {
    try {
      for (const name of readdirSync(join(tmpdir(), dir))) {
        if (statSync(join(tmpdir(), dir, name)).size === size) count++;
      }
    } catch {
      // Another sandbox removed its directory meanwhile.
    }
  }
  return count;
}

describe("stored objects of big files", () => {
  const big = (size: number, fill: number) => new Uint8Array(size).fill(fill);
  const sizes = {
    first: 4 * MiB + 4321,
    second: 4 * MiB + 8765,
    kept: 4 * MiB + 2468,
    copied: 4 * MiB + 1357,
  };

  it("are deleted when an upload overwrites the file, unless a download URL still serves them", async () => {
    const api = handle.api();
    const put = (path: string, size: number, fill: number) =>
      upload(
        api,
        { server, name: path.split("/").pop()!, path, allowOverwrite: true },
        big(size, fill),
        size,
      );
    await put("/tmp/overwritten.bin", sizes.first, 1);
    expect(storedObjectsOfSize(sizes.first)).toBe(1);
    await put("/tmp/overwritten.bin", sizes.second, 2);
    expect(storedObjectsOfSize(sizes.first)).toBe(0);
    expect(storedObjectsOfSize(sizes.second)).toBe(1);

    await put("/tmp/kept.bin", sizes.kept, 3);
    const download = await startDownload(api, { server, path: "/tmp/kept.bin" });
    await put("/tmp/kept.bin", sizes.second + 1, 4);
    expect(storedObjectsOfSize(sizes.kept)).toBe(1);
    const res = await fetch(download.downloadUrl);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(Buffer.from(big(sizes.kept, 3)))).toBe(true);

    // A copy shares the bytes: overwriting the original keeps them for the copy.
    await put("/tmp/original.bin", sizes.copied, 5);
    await runCommand(api, server, "cp /tmp/original.bin /tmp/copy.bin");
    await put("/tmp/original.bin", sizes.second + 2, 6);
    expect(storedObjectsOfSize(sizes.copied)).toBe(1);
  });
});

describe("webftp uploads and downloads", () => {
  it("round-trips 0 B, 1 B and 10 MiB byte for byte", async () => {
    await roundTrip(0, "/tmp/empty.bin");
    await roundTrip(1, "/tmp/one.bin");
    await roundTrip(10 * MiB, "/tmp/ten.bin");
  });

  it("round-trips 256 MiB with bounded memory", async () => {
    const size = 256 * MiB;
    // Warm up first: V8's young generation and the HTTP client's pools grow to their working
    // size on any transfer (about 40 MiB here, whatever the file size); what must not grow
    // is anything proportional to the file.
    await roundTrip(16 * MiB, "/tmp/warm-up.bin");
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    try {
      await roundTrip(size, "/tmp/big.bin");
    } finally {
      clearInterval(sampler);
    }
    peak = Math.max(peak, process.memoryUsage().rss);
    if (process.env.WEBFTP_DEBUG)
      console.log(`rss growth ${Math.round((peak - baseline) / MiB)} MiB`);
    expect(peak - baseline).toBeLessThan(64 * MiB);
  }, 60_000);

  it("puts small files in the shell's view of the server", async () => {
    const api = handle.api();
    const status = await upload(
      api,
      { server, name: "motd.txt", path: "/tmp/" },
      new TextEncoder().encode("hello from webftp\n"),
      18,
    );
    expect(status.success).toBe(true);
    expect(await runCommand(api, server, "cat /tmp/motd.txt")).toBe("hello from webftp\n");
  });

  it("refuses to overwrite when allow_overwrite is false", async () => {
    const api = handle.api();
    const bytes = new TextEncoder().encode("v1");
    expect(
      (await upload(api, { server, name: "keep.txt", path: "/tmp/keep.txt" }, bytes, 2)).success,
    ).toBe(true);
    const second = await upload(
      api,
      { server, name: "keep.txt", path: "/tmp/keep.txt", allowOverwrite: false },
      new TextEncoder().encode("v2"),
      2,
    );
    expect(second).toEqual({ success: false, message: "/tmp/keep.txt already exists." });
    expect(await runCommand(api, server, "cat /tmp/keep.txt")).toBe("v1");
  });

  it("writes as the transfer's user, with the agent's permission message", async () => {
    const status = await upload(
      handle.api(),
      { server, name: "x.conf", path: "/etc/x.conf" },
      new TextEncoder().encode("x"),
      1,
    );
    expect(status).toEqual({
      success: false,
      message: "You do not have permission to write to the directory, or directory does not exist",
    });
  });

  it("reports a missing file as the agent does", async () => {
    const download = await startDownload(handle.api(), { server, path: "/tmp/no-such-file" });
    expect(download.status).toEqual({
      success: false,
      message: "stat /tmp/no-such-file: no such file or directory",
    });
    const res = await fetch(download.downloadUrl);
    expect(res.status).toBe(404);
    await res.body?.cancel();
  });

  it("downloads a folder as a zip with the expected entries", async () => {
    const api = handle.api();
    await runCommand(
      api,
      server,
      "mkdir -p /tmp/pack/sub /tmp/pack/empty && printf 'alpha\\n' > /tmp/pack/a.txt && printf beta > /tmp/pack/sub/b.txt",
    );
    const download = await startDownload(api, {
      server,
      path: "/tmp/pack",
      resourceType: "folder",
    });
    expect(download.status.success).toBe(true);
    const res = await fetch(download.downloadUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="pack.zip"');
    const entries = await readZip(Buffer.from(await res.arrayBuffer()));
    expect(entries).toEqual(
      new Map([
        ["pack/a.txt", "alpha\n"],
        ["pack/empty/", ""],
        ["pack/sub/b.txt", "beta"],
      ]),
    );
  });

  it("zips a folder only when its user may read every entry, as the shell does", async () => {
    const api = handle.api();
    // daemon is outside `adm`: the shell refuses it /var/log/syslog, and so must the agent.
    const refused = await startDownload(api, {
      server,
      path: "/var/log",
      resourceType: "folder",
      username: "daemon",
    });
    expect(refused.status).toEqual({
      success: false,
      message: "open /var/log/syslog: permission denied",
    });
    const res = await fetch(refused.downloadUrl);
    expect(res.status).toBe(404);
    await res.body?.cancel();

    // Whoever may read them all gets them all.
    const allowed = await startDownload(api, {
      server,
      path: "/var/log",
      resourceType: "folder",
      username: "root",
    });
    expect(allowed.status.success).toBe(true);
    const zip = await fetch(allowed.downloadUrl);
    const entries = await readZip(Buffer.from(await zip.arrayBuffer()));
    expect(entries.get("log/syslog")).toMatch(/Startup finished/);
  });

  it("zips several files and folders into one bulk download", async () => {
    const api = handle.api();
    await runCommand(
      api,
      server,
      "mkdir -p /tmp/bulk/conf && printf one > /tmp/bulk/one.txt && printf two > /tmp/bulk/conf/two.yml",
    );
    const download = await startBulkDownload(api, {
      server,
      paths: ["/tmp/bulk/one.txt", "/tmp/bulk/conf"],
    });
    expect(download.path).toEqual(["/tmp/bulk/one.txt", "/tmp/bulk/conf"]);
    expect(download.name).toBe("download.zip");
    expect(download.status).toEqual({ success: true, message: "Successfully uploaded 2 file(s)." });
    const res = await fetch(download.downloadUrl);
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="download.zip"');
    const entries = await readZip(Buffer.from(await res.arrayBuffer()));
    expect(entries).toEqual(
      new Map([
        ["one.txt", "one"],
        ["conf/two.yml", "two"],
      ]),
    );
    const listed = await api.get(`/api/webftp/downloads/?server=${server}`);
    const row = listed.body.results.find((d: { id: string }) => d.id === download.id);
    expect(row.path).toEqual(["/tmp/bulk/one.txt", "/tmp/bulk/conf"]);
  });

  it("fails a bulk download at its first missing or unreadable path, storing nothing", async () => {
    const api = handle.api();
    const missing = await startBulkDownload(api, {
      server,
      paths: ["/etc/hostname", "/tmp/no-such-file"],
    });
    expect(missing.status).toEqual({
      success: false,
      message: "stat /tmp/no-such-file: no such file or directory",
    });
    const none = await fetch(missing.downloadUrl);
    expect(none.status).toBe(404);
    await none.body?.cancel();
    const refused = await startBulkDownload(api, {
      server,
      paths: ["/etc/hostname", "/var/log"],
      username: "daemon",
    });
    expect(refused.status).toEqual({
      success: false,
      message: "open /var/log/syslog: permission denied",
    });
  });

  it("extracts an uploaded zip with allow_unzip", async () => {
    const api = handle.api();
    await runCommand(api, server, "mkdir -p /tmp/deploy");
    const zip = await makeZip({ "site/index.html": "<h1>hi</h1>", "site/css/a.css": "a{}" });
    const status = await upload(
      api,
      { server, name: "site.zip", path: "/tmp/deploy/", allowUnzip: true },
      zip,
      zip.length,
    );
    expect(status).toEqual({
      success: true,
      message: "Successfully downloaded /tmp/deploy/site.zip.",
    });
    expect(
      await runCommand(
        api,
        server,
        "cat /tmp/deploy/site/index.html /tmp/deploy/site/css/a.css; ls /tmp/deploy",
      ),
    ).toBe("<h1>hi</h1>a{}site\n");
  });

  it("answers a wrong signature with 403 and chunked PUTs with 411", async () => {
    const api = handle.api();
    const created = await createUpload(api, { server, name: "s.txt", path: "/tmp/s.txt" });
    const forged = created.uploadUrl.replace(/sig=[^&]+/, "sig=forged");
    const put = await putBytes(forged, new Uint8Array(3), 3);
    expect(put.status).toBe(403);
    expect(await put.text()).toContain("<Code>SignatureDoesNotMatch</Code>");

    const chunked = await fetch(created.uploadUrl, {
      method: "PUT",
      body: ReadableStream.from([new TextEncoder().encode("abc")]),
      duplex: "half",
    } as RequestInit);
    expect(chunked.status).toBe(411);
    await chunked.body?.cancel();

    await runCommand(api, server, "echo data > /tmp/sig.txt");
    const download = await startDownload(api, { server, path: "/tmp/sig.txt" });
    const get = await fetch(download.downloadUrl.replace(/sig=[^&]+/, "sig=forged"));
    expect(get.status).toBe(403);
    await get.body?.cancel();
    const noSide = await fetch(download.downloadUrl.replace("side=client", "side=agent"));
    expect(noSide.status).toBe(403);
    await noSide.body?.cancel();
  });

  it("cuts a download short under the truncate (mid-transfer abort) fault", async () => {
    const api = handle.api();
    await runCommand(
      api,
      server,
      "seq_data=0123456789; echo $seq_data$seq_data$seq_data > /tmp/cut.txt",
    );
    const download = await startDownload(api, { server, path: "/tmp/cut.txt" });
    const id = handle.sandbox.control.addFault({
      kind: "truncate",
      path: "/storage/downloads/*",
      bytes: 5,
    });
    try {
      const res = await fetch(download.downloadUrl);
      expect(res.headers.get("content-length")).toBe("31");
      await expect(res.arrayBuffer()).rejects.toThrow();
    } finally {
      handle.sandbox.control.removeFault(id);
    }
    const again = await fetch(download.downloadUrl);
    expect(await again.text()).toBe("012345678901234567890123456789\n");
  });

  it("stores nothing when an upload is cut mid-body, and the agent then fails", async () => {
    const api = handle.api();
    const created = await createUpload(api, { server, name: "cut.bin", path: "/tmp/cut.bin" });
    const id = handle.sandbox.control.addFault({
      kind: "truncate",
      path: "/storage/uploads/*",
      bytes: 64 * 1024,
    });
    try {
      await expect(putBytes(created.uploadUrl, generate(4 * MiB, 1), 4 * MiB)).rejects.toThrow();
    } finally {
      handle.sandbox.control.removeFault(id);
    }
    expect((await api.get(`/api/webftp/uploads/${created.id}/upload/`)).status).toBe(200);
    expect(await waitForStatus(api, "uploads", created.id)).toEqual({
      success: false,
      message: "downloading content failed",
    });
  });
});

async function makeZip(files: Record<string, string>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, text] of Object.entries(files)) zip.addBuffer(Buffer.from(text), name);
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

async function readZip(bytes: Buffer): Promise<Map<string, string>> {
  const dir = await mkdtemp(join(tmpdir(), "webftp-test-"));
  try {
    const file = join(dir, "x.zip");
    await writeFile(file, bytes);
    const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
      yauzl.open(file, { lazyEntries: true }, (error, z) => (error ? reject(error) : resolve(z))),
    );
    const entries = new Map<string, string>();
    await new Promise<void>((resolve, reject) => {
      zip.on("error", reject);
      zip.on("end", resolve);
      zip.on("entry", (entry: yauzl.Entry) => {
        zip.openReadStream(entry, async (error, stream) => {
          if (error) return reject(error);
          const chunks: Buffer[] = [];
          for await (const chunk of stream) chunks.push(chunk as Buffer);
          entries.set(entry.fileName, Buffer.concat(chunks).toString("utf8"));
          zip.readEntry();
        });
      });
      zip.readEntry();
    });
    return new Map([...entries].sort(([a], [b]) => (a < b ? -1 : 1)));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
