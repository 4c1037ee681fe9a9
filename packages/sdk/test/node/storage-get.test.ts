import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { createServer, type Socket } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { TimeoutError } from "../../src/index.js";
import { nodeStorageGetToFile } from "../../src/node/storage-get.js";
import { startLoopbackServer } from "../helpers/loopback-server.js";
import { openFilesNamed } from "../helpers/open-files.js";
import { useTempDir } from "../helpers/temp-dir.js";

const MIB = 1024 * 1024;
const dir = useTempDir("alpacon-storage-get-");

/** A fresh target path whose name carries a marker, to look for open descriptors. */
function target(): { path: string; marker: string } {
  const marker = `get-${randomBytes(4).toString("hex")}`;
  return { path: join(dir(), `${marker}.part`), marker };
}

/** A GET expected to fail: its error, and the descriptors of its file still open after it. */
async function failedGet(url: string, idleTimeoutMs: number) {
  const { path, marker } = target();
  const error = await nodeStorageGetToFile(url, path, undefined, undefined, idleTimeoutMs).then(
    () => new Error("the GET succeeded"),
    (caught: unknown) => caught,
  );
  return { error, openFiles: openFilesNamed(marker) };
}

/** A raw TCP server that answers every connection with `answer` (to shape odd responses). */
async function rawServer(answer: (socket: Socket) => void) {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once("data", () => answer(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/object?X-Amz-Signature=abc%2Fdef`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describe("nodeStorageGetToFile", () => {
  it.each([
    ["a Content-Length body", false],
    ["a chunked body", true],
  ])("writes %s byte for byte, with progress up to the end", async (_, chunked) => {
    const bytes = randomBytes(3 * MIB + 11);
    const loopback = await startLoopbackServer();
    try {
      loopback.always((_request, response) => {
        response.writeHead(200, chunked ? {} : { "content-length": String(bytes.length) });
        // Several writes, so the body arrives over many reads.
        for (let at = 0; at < bytes.length; at += 200_000) {
          response.write(bytes.subarray(at, at + 200_000));
        }
        response.end();
      });
      const { path } = target();
      const seen: number[] = [];
      const result = await nodeStorageGetToFile(
        `${loopback.url}/object?sig=a%2Fb`,
        path,
        ({ bytes: done }) => seen.push(done),
        undefined,
        5_000,
      );
      expect(result).toEqual({ status: 200, bytes: bytes.length });
      expect((await readFile(path)).equals(bytes)).toBe(true);
      expect((await stat(path)).mode & 0o777).toBe(0o600);
      expect(seen.at(-1)).toBe(bytes.length);
      expect(loopback.requests[0]?.url).toBe("/object?sig=a%2Fb");
    } finally {
      await loopback.close();
    }
  });

  it("writes a body that ends with the connection", async () => {
    const body = randomBytes(700_000);
    const server = await rawServer((socket) => {
      socket.write("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n");
      socket.end(body);
    });
    try {
      const { path } = target();
      const result = await nodeStorageGetToFile(server.url, path, undefined, undefined, 5_000);
      expect(result).toEqual({ status: 200, bytes: body.length });
      expect((await readFile(path)).equals(body)).toBe(true);
    } finally {
      await server.close();
    }
  });

  it("answers another status without creating the file", async () => {
    const loopback = await startLoopbackServer();
    try {
      loopback.always((_request, response) => {
        response.writeHead(403, { "content-type": "application/xml" });
        response.end("<Error><Code>AccessDenied</Code></Error>");
      });
      const { path } = target();
      const result = await nodeStorageGetToFile(loopback.url, path, undefined, undefined, 5_000);
      expect(result).toEqual({ status: 403, bytes: 0 });
      await expect(stat(path)).rejects.toMatchObject({ code: "ENOENT" });
    } finally {
      await loopback.close();
    }
  });

  it("fails on a body cut short, with the file closed", async () => {
    const server = await rawServer((socket) => {
      socket.write("HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n");
      socket.end(randomBytes(400_000));
    });
    try {
      const { error, openFiles } = await failedGet(server.url, 5_000);
      expect((error as Error).message).toMatch(/closed before the body ended/);
      expect(openFiles).toBe(0);
    } finally {
      await server.close();
    }
  });

  it("a body that goes silent midway ends after the idle timeout, with the file closed", async () => {
    const loopback = await startLoopbackServer();
    try {
      loopback.always((_request, response) => {
        response.writeHead(200, { "content-length": String(8 * MIB) });
        // Part of the body, then silence with the connection open.
        response.write(Buffer.alloc(3 * MIB + 17));
      });
      const started = performance.now();
      const { error, openFiles } = await failedGet(loopback.url, 300);
      expect(error).toBeInstanceOf(TimeoutError);
      expect(performance.now() - started).toBeLessThan(3_000);
      expect(openFiles).toBe(0);
    } finally {
      await loopback.close();
    }
  });

  it("stops on the caller's abort with its reason, with the file closed", async () => {
    const loopback = await startLoopbackServer();
    try {
      loopback.always((_request, response) => {
        response.writeHead(200, { "content-length": String(64 * MIB) });
        response.write(Buffer.alloc(2 * MIB));
      });
      const { path, marker } = target();
      const controller = new AbortController();
      const pending = nodeStorageGetToFile(
        loopback.url,
        path,
        ({ bytes }) => {
          if (bytes >= MIB) controller.abort(new Error("stop here"));
        },
        controller.signal,
        5_000,
      );
      await expect(pending).rejects.toThrow("stop here");
      expect(openFilesNamed(marker)).toBe(0);
    } finally {
      await loopback.close();
    }
  });

  it.each([
    ["every write is slow", { slowWriteMs: 0 }],
    ["every MiB of writes is slow", { slowWriteMs: Number.POSITIVE_INFINITY, slowMibMs: 0 }],
  ])(
    "moves to batched thread-pool writes when %s, and still writes every byte",
    async (_, tuning) => {
      const bytes = randomBytes(5 * MIB + 3);
      const loopback = await startLoopbackServer();
      try {
        loopback.always((_request, response) => {
          response.writeHead(200, { "content-length": String(bytes.length) });
          response.end(bytes);
        });
        const { path } = target();
        const seen: number[] = [];
        // After the first three slow ones, the rest goes in batches.
        const result = await nodeStorageGetToFile(
          loopback.url,
          path,
          ({ bytes: done }) => seen.push(done),
          undefined,
          5_000,
          tuning,
        );
        expect(result.bytes).toBe(bytes.length);
        expect((await readFile(path)).equals(bytes)).toBe(true);
        expect(seen.at(-1)).toBe(bytes.length);
      } finally {
        await loopback.close();
      }
    },
  );
});

describe("nodeStorageGetToFile over HTTPS", () => {
  it("verifies the certificate and writes the body", () => {
    // Node reads extra trusted certificates only at start: a child process trusts the test's.
    const fixtures = fileURLToPath(new URL("../fixtures/tls/", import.meta.url));
    const source = fileURLToPath(new URL("../../src/node/storage-get.ts", import.meta.url));
    const script = `
      import { createServer } from "node:https";
      import { readFileSync } from "node:fs";
      import { nodeStorageGetToFile } from ${JSON.stringify(source)};
      const body = Buffer.alloc(3 * 1024 * 1024 + 5, 7);
      const tls = { key: readFileSync(${JSON.stringify(`${fixtures}key.pem`)}), cert: readFileSync(${JSON.stringify(`${fixtures}cert.pem`)}) };
      const server = createServer(tls, (request, response) => response.end(body));
      await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
      const path = ${JSON.stringify(join(dir(), "https.bin"))};
      const url = "https://localhost:" + server.address().port + "/object?sig=1";
      const result = await nodeStorageGetToFile(url, path, undefined, undefined, 5000);
      server.close();
      console.log(JSON.stringify({ ...result, same: readFileSync(path).equals(body) }));
    `;
    const child = spawnSync(
      process.execPath,
      ["--import", "tsx", "--input-type=module", "-e", script],
      {
        cwd: fileURLToPath(new URL("../..", import.meta.url)),
        encoding: "utf8",
        env: { PATH: process.env.PATH ?? "", NODE_EXTRA_CA_CERTS: `${fixtures}cert.pem` },
      },
    );
    expect(child.stderr).toBe("");
    expect(JSON.parse(child.stdout)).toEqual({ status: 200, bytes: 3 * MIB + 5, same: true });
  });
});
