import { randomBytes } from "node:crypto";
import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ConnectionError, fetchTransport, type Transport } from "../../src/index.js";
import { downloadFile, uploadFile } from "../../src/node.js";
import { useSdkSandbox } from "../helpers/sandbox.js";
import { useTempDir } from "../helpers/temp-dir.js";

const env = useSdkSandbox({ servers: 2 });
const dir = useTempDir("alpacon-seam-test-");

afterEach(() => {
  env.sandbox.control.clearFaults();
});

function server() {
  return env.serverIds(1)[0]!;
}

/** A fetch that records "METHOD /path" of every request, then sends it. */
function recordingFetch() {
  const seen: string[] = [];
  const recorder: typeof fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    // Without the workspace's base path, ids replaced: "PUT /storage/uploads/:id".
    const path = url.pathname.replace(/^\/[^/]+\/[^/]+/, "").replace(/[0-9a-f-]{36}/g, ":id");
    seen.push(`${init?.method ?? "GET"} ${path}`);
    return fetch(input, init);
  };
  return { recorder, seen };
}

async function localFile(name: string, bytes: Uint8Array): Promise<string> {
  const path = join(dir(), name);
  await writeFile(path, bytes);
  return path;
}

describe("one transport for everything a client sends", () => {
  it("a client's own fetch carries the API calls and both storage transfers of the file helpers", async () => {
    const { recorder, seen } = recordingFetch();
    const client = env.client({ fetch: recorder });
    const bytes = randomBytes(70_000);
    const local = await localFile("fetch-up.bin", bytes);
    await uploadFile(client, { server: server(), localPath: local, remotePath: "/tmp/seam.bin" });
    const back = join(dir(), "fetch-down.bin");
    const result = await downloadFile(client, {
      server: server(),
      remotePath: "/tmp/seam.bin",
      localPath: back,
    });
    expect(result.bytes).toBe(bytes.length);
    expect((await readFile(back)).equals(bytes)).toBe(true);
    expect((await stat(back)).mode & 0o777).toBe(0o600);
    expect(seen).toContain("PUT /storage/uploads/:id");
    expect(seen).toContain("GET /storage/downloads/:id");
    expect(seen.filter((line) => line.includes("/api/webftp/")).length).toBeGreaterThan(3);
  });

  it("a client's own transport is asked for every request, the API's and storage's", async () => {
    const calls: string[] = [];
    const inner = fetchTransport();
    const transport: Transport = {
      send: (request) => {
        calls.push(`send ${request.method}`);
        expect(request.deadlineMs).toBe(5_000);
        return inner.send(request);
      },
      upload: (request) => {
        calls.push("upload");
        return inner.upload(request);
      },
      download: (request) => {
        calls.push("download");
        return inner.download(request);
      },
    };
    const client = env.client({ transport });
    await client.servers.list();
    const bytes = new TextEncoder().encode("through the seam\n");
    await client.webftp.upload({ server: server(), remotePath: "/tmp/seam.txt", source: bytes });
    const chunks: Uint8Array[] = [];
    await client.webftp.download({
      server: server(),
      remotePath: "/tmp/seam.txt",
      destination: new WritableStream({ write: (chunk) => void chunks.push(chunk) }),
    });
    expect(Buffer.concat(chunks).toString()).toBe("through the seam\n");
    expect(calls).toContain("send GET");
    expect(calls).toContain("send POST");
    expect(calls.filter((call) => call === "upload")).toHaveLength(1);
    expect(calls.filter((call) => call === "download")).toHaveLength(1);
  });

  it("refuses a client given both a transport and a fetch", () => {
    expect(() => env.client({ transport: fetchTransport(), fetch })).toThrow(
      /either transport or fetch/,
    );
  });
});

describe("Retry-After, storage included", () => {
  it("an API GET answered 503 with Retry-After waits as asked, then succeeds", async () => {
    env.sandbox.control.addFault({
      kind: "error",
      status: 503,
      retryAfter: 1,
      path: "/api/servers/servers/",
      method: "GET",
      times: 1,
    });
    const started = performance.now();
    await env.client().servers.list();
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
  });

  it.each([
    ["the Node transport (downloadFile)", "node"],
    ["a client's fetch (downloadFile)", "fetch"],
  ])("a storage GET answered 503 with Retry-After through %s waits as asked", async (_, via) => {
    const bytes = randomBytes(10_000);
    const local = await localFile(`retry-${via}.bin`, bytes);
    const remotePath = `/tmp/retry-${via}.bin`;
    await uploadFile(env.client(), { server: server(), localPath: local, remotePath });
    env.sandbox.control.addFault({
      kind: "error",
      status: 503,
      retryAfter: 1,
      path: "/storage/downloads/*",
      method: "GET",
      times: 1,
    });
    const client =
      via === "fetch" ? env.client({ fetch: recordingFetch().recorder }) : env.client();
    const back = join(dir(), `retry-${via}.back`);
    const started = performance.now();
    await downloadFile(client, { server: server(), remotePath, localPath: back });
    // The backoff alone would be 250-500 ms.
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    expect((await readFile(back)).equals(bytes)).toBe(true);
  });

  it("a storage PUT answered 429 with Retry-After waits as asked, then sends the file again", async () => {
    const bytes = randomBytes(10_000);
    const local = await localFile("retry-up.bin", bytes);
    env.sandbox.control.addFault({
      kind: "error",
      status: 429,
      retryAfter: 1,
      path: "/storage/uploads/*",
      method: "PUT",
      times: 1,
    });
    const started = performance.now();
    const result = await uploadFile(env.client(), {
      server: server(),
      localPath: local,
      remotePath: "/tmp/retry-up.bin",
    });
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    expect(result.bytes).toBe(bytes.length);
  });
});

describe("a download into a caller's stream", () => {
  it("is not retried once bytes reached the stream", async () => {
    const bytes = randomBytes(4 * 1024 * 1024);
    const local = await localFile("cut.bin", bytes);
    await uploadFile(env.client(), {
      server: server(),
      localPath: local,
      remotePath: "/tmp/cut.bin",
    });
    env.sandbox.control.addFault({
      kind: "truncate",
      path: "/storage/downloads/*",
      method: "GET",
      bytes: 1024 * 1024,
    });
    const { recorder, seen } = recordingFetch();
    let received = 0;
    const error = await env
      .client({ fetch: recorder })
      .webftp.download({
        server: server(),
        remotePath: "/tmp/cut.bin",
        destination: new WritableStream({
          write: (chunk) => {
            received += chunk.length;
          },
        }),
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(received).toBeGreaterThan(0);
    expect(seen.filter((line) => line.startsWith("GET /storage/"))).toHaveLength(1);
  });
});
