import { describe, expect, it } from "vitest";
import { BufferedResponse } from "../../src/core/buffered-response.js";

const raw = ["Content-Type", "application/json", "Set-Cookie", "a=1", "set-cookie", "b=2"];
const body = new TextEncoder().encode('{"count":1}');

describe("BufferedResponse over Node's raw header list", () => {
  it("is a Response with real Headers that read as the raw list says", async () => {
    const response = new BufferedResponse(body, { status: 200, statusText: "OK", headers: raw });
    expect(response).toBeInstanceOf(Response);
    expect(response.headers).toBeInstanceOf(Headers);
    expect(response.ok).toBe(true);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(response.headers.get("SET-COOKIE")).toBe("a=1, b=2");
    expect(response.headers.get("x-request-id")).toBeNull();
    expect(await response.json()).toEqual({ count: 1 });
  });

  it("answers iteration, has() and getSetCookie() like Headers, before and after a get()", () => {
    const response = new BufferedResponse(body, { status: 404, statusText: "", headers: raw });
    expect(response.ok).toBe(false);
    expect(response.headers.has("Content-Type")).toBe(true);
    expect([...response.headers]).toEqual([
      ["content-type", "application/json"],
      ["set-cookie", "a=1"],
      ["set-cookie", "b=2"],
    ]);
    expect(response.headers.getSetCookie()).toEqual(["a=1", "b=2"]);
    expect(response.headers.get("set-cookie")).toBe("a=1, b=2");
    expect(Object.fromEntries(response.clone().headers)).toMatchObject({
      "content-type": "application/json",
    });
  });

  it("keeps a change made through set()", () => {
    const response = new BufferedResponse(body, { status: 200, statusText: "OK", headers: raw });
    response.headers.set("content-type", "text/plain");
    expect(response.headers.get("content-type")).toBe("text/plain");
    expect(response.headers.get("set-cookie")).toBe("a=1, b=2");
  });
});
