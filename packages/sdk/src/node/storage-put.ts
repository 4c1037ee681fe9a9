import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { StoragePut } from "../webftp/transfer.js";

/**
 * PUT over node:http with the body piped into the request, so the file is read only as fast
 * as the socket drains. (Node's fetch reads a streamed body ahead of the socket and would hold
 * a large upload in memory.)
 */
export const nodeStoragePut: StoragePut = (url, body, size, signal) =>
  new Promise<number>((resolve, reject) => {
    const target = new URL(url);
    const send = target.protocol === "https:" ? httpsRequest : httpRequest;
    const request = send(target, {
      method: "PUT",
      headers: { "content-length": String(size) },
      ...(signal ? { signal } : {}),
    });
    request.on("response", (response) => {
      response.resume();
      response.on("end", () => resolve(response.statusCode ?? 0));
      response.on("error", reject);
    });
    request.on("error", reject);
    pipeline(
      Readable.fromWeb(body as import("node:stream/web").ReadableStream<Uint8Array>),
      request,
    ).catch(reject);
  });
