import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ContractError, contractFetch } from "./helpers/contract.js";

// A deliberately wrong server, to prove the checker catches drift.
let base = "";
const server = createServer((req, res) => {
  const send = (status: number, body: unknown) => {
    res.writeHead(status, { "Content-Type": "application/json" });
    res.end(JSON.stringify(body));
  };
  if (req.url === "/ap1/acme/api/status/") return send(200, { status: 1 });
  if (req.url === "/ap1/acme/api/servers/servers/") return send(418, { detail: "teapot" });
  if (req.url?.startsWith("/ap1/acme/api/events/events/"))
    return send(200, { count: 0, current: 1, next: null, previous: null, last: 1, results: [] });
  return send(200, {});
});

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ap1/acme`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("the contract checker", () => {
  it("rejects a body that does not match the schema", async () => {
    await expect(contractFetch(`${base}/api/status/`)).rejects.toThrow(ContractError);
  });

  it("rejects a status the operation does not declare", async () => {
    await expect(contractFetch(`${base}/api/servers/servers/`)).rejects.toThrow(
      /418 is not declared/,
    );
  });

  it("rejects a request that violates the spec unless marked invalid", async () => {
    await expect(contractFetch(`${base}/api/events/events/?server=nope`)).rejects.toThrow(
      /request violates/,
    );
    await expect(
      contractFetch(`${base}/api/events/events/?server=nope`, {}, { invalidRequest: true }),
    ).resolves.toBeInstanceOf(Response);
  });

  it("expects 404 for paths outside the spec and 405 for undeclared methods", async () => {
    await expect(contractFetch(`${base}/api/nothing/`)).rejects.toThrow(/expected 404/);
    await expect(contractFetch(`${base}/api/status/`, { method: "DELETE" })).rejects.toThrow(
      /expected 405/,
    );
  });
});
