import { getEventListeners } from "node:events";
import { afterEach, describe, expect, it } from "vitest";
import { createAlpaconClient, type TransportRequest } from "../../src/index.js";
import { nodeTransport } from "../../src/node.js";
import { startLoopbackServer } from "../helpers/loopback-server.js";

/** One request through Node's send, with a generous deadline unless given. */
function send(url: string, init: Partial<TransportRequest> = {}) {
  return nodeTransport.send({
    method: "GET",
    url,
    headers: {},
    body: undefined,
    deadlineMs: 5_000,
    signal: undefined,
    ...init,
  });
}

let server: Awaited<ReturnType<typeof startLoopbackServer>> | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("nodeTransport.send", () => {
  it("sends method, headers and body, and answers status, headers and the whole body", async () => {
    server = await startLoopbackServer();
    server.reply((_request, response) => {
      response.writeHead(201, { "Content-Type": "application/json", "X-Request-Id": "r-1" });
      response.end(JSON.stringify({ ok: true }));
    });
    const response = await send(`${server.url}/api/notes/?page=2`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: 'token="t"' },
      body: JSON.stringify({ content: "hi" }),
    });
    expect(response.status).toBe(201);
    expect(response.header("x-request-id")).toBe("r-1");
    expect(JSON.parse(Buffer.from(response.body).toString())).toEqual({ ok: true });
    expect(server.requests[0]).toMatchObject({
      method: "POST",
      url: "/api/notes/?page=2",
      body: '{"content":"hi"}',
      headers: { authorization: 'token="t"', "content-type": "application/json" },
    });
  });

  it("answers a 204 with an empty body", async () => {
    server = await startLoopbackServer();
    server.reply((_request, response) => {
      response.writeHead(204);
      response.end();
    });
    const response = await send(`${server.url}/x/`, { method: "DELETE" });
    expect(response.status).toBe(204);
    expect(response.body.length).toBe(0);
  });

  it("fails like fetch when nothing listens: a TypeError whose cause has the code", async () => {
    server = await startLoopbackServer();
    const url = server.url;
    await server.close();
    server = undefined;
    const error = await send(`${url}/`).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as { cause?: { code?: string } }).cause?.code).toBe("ECONNREFUSED");
  });

  it("fails like fetch when the body is cut short", async () => {
    server = await startLoopbackServer();
    server.reply((_request, response) => {
      response.writeHead(200, { "Content-Type": "application/json", "Content-Length": "100" });
      response.write('{"count": 1, "res');
      setTimeout(() => response.socket?.destroy(), 20);
    });
    const error = await send(`${server.url}/cut/`).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TypeError);
  });

  it("stops waiting when its signal aborts", async () => {
    server = await startLoopbackServer();
    server.reply(() => {
      // Never answers.
    });
    const controller = new AbortController();
    const pending = send(`${server.url}/slow/`, { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
  });

  it("rejects with a DeadlineError when no whole answer comes within the request's deadline", async () => {
    server = await startLoopbackServer();
    server.reply(() => {
      // Never answers.
    });
    const started = performance.now();
    await expect(send(`${server.url}/slow/`, { deadlineMs: 100 })).rejects.toMatchObject({
      name: "DeadlineError",
    });
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it("leaves no listener on a long-lived signal once a call has ended", async () => {
    server = await startLoopbackServer();
    server.always((_request, response) => response.end("{}"));
    const signal = new AbortController().signal;
    for (let call = 0; call < 20; call++) await send(`${server.url}/x/`, { signal });
    await send(`http://127.0.0.1:1/`, { signal }).catch(() => undefined);
    expect(getEventListeners(signal, "abort")).toHaveLength(0);
  });

  it("sends the path and query as given, and parses an unusual URL fully", async () => {
    server = await startLoopbackServer();
    server.always((_request, response) => response.end("{}"));
    await send(`${server.url}/api/a%20b/?q=%C3%A9&page=2`);
    await send(`${server.url}/api/c d/?x=1#fragment`);
    await send(new URL(`${server.url}/api/e/`).href);
    expect(server.requests.map((request) => request.url)).toEqual([
      "/api/a%20b/?q=%C3%A9&page=2",
      "/api/c%20d/?x=1",
      "/api/e/",
    ]);
  });
});

/** A client using nodeTransport against a fresh loopback server, without retries. */
async function clientOnLoopback(timeoutMs: number) {
  const loopback = await startLoopbackServer();
  server = loopback;
  const client = createAlpaconClient({
    baseUrl: loopback.url,
    token: "alpat-test",
    transport: nodeTransport,
    timeoutMs,
    maxRetries: 0,
  });
  return { client, loopback };
}

describe("a client with transport: nodeTransport", () => {
  it("maps a stalled answer to the client's TimeoutError and an HTTP error to its typed error", async () => {
    const { client, loopback } = await clientOnLoopback(100);
    loopback.reply(() => {
      // Never answers: the per-attempt timeout ends it.
    });
    await expect(client.servers.list()).rejects.toMatchObject({ name: "TimeoutError" });
    loopback.reply((_request, response) => {
      response.writeHead(404, { "Content-Type": "application/json" });
      response.end(JSON.stringify({ detail: "Not found." }));
    });
    await expect(client.servers.get("00000000-0000-4000-8000-000000000000")).rejects.toMatchObject({
      status: 404,
    });
  });

  it("times out a body that stops midway, and cancels on the caller's signal, leaving no listener", async () => {
    const { client, loopback } = await clientOnLoopback(150);
    loopback.always((_request, response) => {
      response.writeHead(200, { "Content-Type": "application/json", "Content-Length": "100" });
      response.write('{"count": 1, "res');
    });
    const started = performance.now();
    await expect(client.servers.list()).rejects.toMatchObject({ name: "TimeoutError" });
    expect(performance.now() - started).toBeLessThan(2_000);
    const controller = new AbortController();
    const pending = client.servers.list({}, { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toMatchObject({ name: "AbortedError" });
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });
});
