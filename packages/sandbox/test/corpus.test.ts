/**
 * The contract corpus (openapi/corpus/): payloads taken from the official clients' tests and
 * types, each with its source. The spec must accept every one of them: `full` entries as they
 * are, `shape` entries (placeholder ids, left-out fields) for structure and types.
 */
import { describe, expect, it } from "vitest";
import { operations, validateResponseBody } from "./helpers/contract.js";
import { loadCorpus } from "./helpers/corpus.js";

const entries = loadCorpus();

describe("contract corpus", () => {
  it("has entries, each naming its source as repo@commit:path", () => {
    expect(entries.length).toBeGreaterThanOrEqual(20);
    for (const { name, entry } of entries) {
      expect(entry.source, name).toMatch(/^alpacax\/alpacon-(cli|mcp)@[0-9a-f]{7}:\S+/);
      expect(["full", "shape"], name).toContain(entry.check);
      expect(
        operations.some((op) => op.id === entry.operation),
        name,
      ).toBe(true);
    }
  });

  it.each(entries)("the spec accepts $name", ({ entry }) => {
    expect(validateResponseBody(entry.operation, entry.status, entry.payload, entry.check)).toEqual(
      [],
    );
  });

  it("still tells a wrong shape apart in shape mode", () => {
    expect(validateResponseBody("getEvent", 200, { id: "x", server: 42 }, "shape")).not.toEqual([]);
    expect(validateResponseBody("getCpuUsage", 200, { points: [] }, "shape")).not.toEqual([]);
    expect(
      validateResponseBody("getCpuUsage", 200, { results: [{ usage: "high" }] }, "shape"),
    ).not.toEqual([]);
  });
});
