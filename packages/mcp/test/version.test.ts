import { readFileSync } from "node:fs";
import { expect, test } from "vitest";
import { MCP_VERSION } from "../src/index.js";

test("MCP_VERSION matches package.json", () => {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
  expect(MCP_VERSION).toBe(pkg.version);
});
