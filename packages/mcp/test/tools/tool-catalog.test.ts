import { readFileSync } from "node:fs";
import { expect, test } from "vitest";
import { CATALOG_FILE, toolCatalog } from "../../scripts/tool-catalog.js";

test("the committed tool catalog is current (else: pnpm --filter @alpacon/mcp tool-catalog)", () => {
  expect(readFileSync(CATALOG_FILE, "utf8") === toolCatalog(), `${CATALOG_FILE} is stale`).toBe(
    true,
  );
});
