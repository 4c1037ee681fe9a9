// A load balancer without session affinity, on loopback: each request goes to the next backend in
// turn, whatever its headers say. Team mode must work behind one (issue 18): nothing an instance
// keeps in memory may be needed by the next request.

import { createServer, request as httpRequest, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface RoundRobinProxy {
  /** `http://127.0.0.1:<port>`: the address clients use. */
  readonly url: string;
  /** How many requests each backend received, in backend order. */
  readonly counts: readonly number[];
  close(): Promise<void>;
}

// Hop-by-hop headers (RFC 9110 §7.6.1) belong to one connection, not to the request.
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "upgrade",
  "te",
  "trailer",
]);

function endToEnd(headers: IncomingMessage["headers"]): IncomingMessage["headers"] {
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name.toLowerCase())),
  );
}

/** Starts the proxy on 127.0.0.1, port 0, in front of `backends` (base URLs on loopback). */
export async function startRoundRobinProxy(backends: readonly string[]): Promise<RoundRobinProxy> {
  if (backends.length === 0) throw new Error("A proxy needs at least one backend.");
  const targets = backends.map((backend) => new URL(backend));
  for (const target of targets) {
    if (target.hostname !== "127.0.0.1") throw new Error(`Not a loopback backend: ${target.href}`);
  }
  const counts = targets.map(() => 0);
  let next = 0;
  const server: Server = createServer((incoming, outgoing) => {
    const index = next;
    next = (next + 1) % targets.length;
    counts[index]! += 1;
    const target = targets[index]!;
    // Forwarded headers, as a load balancer in front of a TLS terminator would send them.
    const headers = {
      ...endToEnd(incoming.headers),
      host: incoming.headers.host ?? target.host,
      "x-forwarded-for": incoming.socket.remoteAddress ?? "127.0.0.1",
    };
    const upstream = httpRequest(
      {
        hostname: target.hostname,
        port: target.port,
        method: incoming.method,
        path: incoming.url,
        headers,
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, endToEnd(answer.headers));
        // Streams (SSE) go through as they come: flush each chunk.
        answer.pipe(outgoing);
      },
    );
    upstream.on("error", () => {
      if (!outgoing.headersSent) outgoing.writeHead(502, { "content-type": "text/plain" });
      outgoing.end("bad gateway");
    });
    outgoing.on("close", () => upstream.destroy());
    incoming.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
