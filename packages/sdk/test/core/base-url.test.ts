import { describe, expect, it } from "vitest";
import { defaultBaseUrl, normalizeBaseUrl } from "../../src/core/base-url.js";
import { ConfigError } from "../../src/core/errors.js";

describe("defaultBaseUrl", () => {
  it("builds the workspace host from workspace and region", () => {
    expect(defaultBaseUrl("acme", "ap1")).toBe("https://acme.ap1.alpacon.io");
    expect(defaultBaseUrl("my-team-2", "us1")).toBe("https://my-team-2.us1.alpacon.io");
  });

  it.each([
    "evil.com/",
    "evil.com",
    "a@b",
    "..",
    "a/b",
    "acme:8080",
    "-acme",
    "acme-",
    "Acme",
    "ａｃｍｅ",
    "acme\n",
    "",
    "a".repeat(64),
  ])("rejects the hostile or malformed workspace %j before any URL is built", (workspace) => {
    expect(() => defaultBaseUrl(workspace, "ap1")).toThrow(ConfigError);
  });

  it("rejects hostile regions too", () => {
    expect(() => defaultBaseUrl("acme", "evil.com#")).toThrow(/Invalid region name/);
    expect(() => defaultBaseUrl("acme", "ap1.attacker.net")).toThrow(ConfigError);
  });

  it("explains the expected form in the error", () => {
    expect(() => defaultBaseUrl("evil.com/", "ap1")).toThrow(
      /lowercase letters, digits and inner hyphens/,
    );
  });
});

describe("normalizeBaseUrl", () => {
  it("keeps a path prefix and drops the trailing slash", () => {
    expect(normalizeBaseUrl("http://127.0.0.1:8080/ap1/acme/")).toBe(
      "http://127.0.0.1:8080/ap1/acme",
    );
    expect(normalizeBaseUrl("https://acme.ap1.alpacon.io")).toBe("https://acme.ap1.alpacon.io");
  });

  it("allows plain http only on loopback unless opted in", () => {
    expect(normalizeBaseUrl("http://localhost:1/x")).toBe("http://localhost:1/x");
    expect(normalizeBaseUrl("http://[::1]:1")).toBe("http://[::1]:1");
    expect(() => normalizeBaseUrl("http://alpacon.internal")).toThrow(/unencrypted/);
    expect(normalizeBaseUrl("http://alpacon.internal", true)).toBe("http://alpacon.internal");
  });

  it("refuses credentials, queries and other schemes", () => {
    expect(() => normalizeBaseUrl("https://user:pw@acme.ap1.alpacon.io")).toThrow(/credentials/);
    expect(() => normalizeBaseUrl("https://acme.ap1.alpacon.io/?x=1")).toThrow(/query/);
    expect(() => normalizeBaseUrl("ftp://acme")).toThrow(/scheme/);
    expect(() => normalizeBaseUrl("not a url")).toThrow(/absolute URL/);
  });
});
