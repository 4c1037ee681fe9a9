import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, test } from "vitest";
import { type RoundRobinProxy, startRoundRobinProxy } from "../src/round-robin-proxy.js";

const closing: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closing.splice(0).map((close) => close()));
});

async function backend(name: string): Promise<string> {
  const server: Server = createServer((request, response) => {
    if (request.url === "/events") {
      response.writeHead(200, { "content-type": "text/event-stream" });
      response.write(`data: first from ${name}\n\n`);
      // The second event only after the first has reached the client: the proxy must not buffer.
      setTimeout(() => response.end(`data: second from ${name}\n\n`), 50);
      return;
    }
    let body = "";
    request.setEncoding("utf8").on("data", (chunk: string) => {
      body += chunk;
    });
    request.on("end", () => {
      response.setHeader("content-type", "application/json");
      response.end(
        JSON.stringify({ name, method: request.method, body, host: request.headers.host }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closing.push(() => new Promise((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function proxyFor(backends: string[]): Promise<RoundRobinProxy> {
  const proxy = await startRoundRobinProxy(backends);
  closing.push(() => proxy.close());
  return proxy;
}

describe("round-robin proxy", () => {
  test("sends each request to the next backend, with its body and the client's Host", async () => {
    const proxy = await proxyFor([await backend("a"), await backend("b")]);
    const seen: string[] = [];
    for (let i = 0; i < 4; i++) {
      const answer = await fetch(`${proxy.url}/mcp`, { method: "POST", body: `call ${i}` });
      const json = (await answer.json()) as { name: string; body: string; host: string };
      expect(json.body).toBe(`call ${i}`);
      expect(json.host).toBe(new URL(proxy.url).host);
      seen.push(json.name);
    }
    expect(seen).toEqual(["a", "b", "a", "b"]);
    expect(proxy.counts).toEqual([2, 2]);
  });

  test("passes a stream through as it comes", async () => {
    const proxy = await proxyFor([await backend("a")]);
    const answer = await fetch(`${proxy.url}/events`);
    const reader = answer.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toBe("data: first from a\n\n");
    let rest = "";
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      rest += new TextDecoder().decode(chunk.value);
    }
    expect(rest).toBe("data: second from a\n\n");
  });

  test("answers 502 when a backend is down, and refuses a backend off loopback", async () => {
    const gone = await backend("gone");
    await closing.pop()!();
    const proxy = await proxyFor([gone]);
    expect((await fetch(proxy.url)).status).toBe(502);
    await expect(startRoundRobinProxy(["http://10.0.0.1:80"])).rejects.toThrow(/loopback/);
  });
});
