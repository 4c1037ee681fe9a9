import { readFileSync } from "node:fs";
import { expect, test } from "vitest";
import { INDEX_FILE, sdkIndex } from "../../scripts/sdk-index.js";
import { bridgedMethods, LEFT_OUT } from "../../src/code-mode/surface.js";
import { SDK_METHODS } from "../../src/generated/sdk-index.js";
import { ALL_TOOLS } from "../../src/tools/index.js";

test("the committed SDK index is current (else: pnpm --filter @alpacon/mcp sdk-index)", () => {
  expect(readFileSync(INDEX_FILE, "utf8") === sdkIndex(), `${INDEX_FILE} is stale`).toBe(true);
});

test("every client method a tool calls is in the index", () => {
  const paths = new Set(SDK_METHODS.map((method) => method.path));
  for (const tool of ALL_TOOLS) {
    for (const part of tool.sdk.split(" + ")) {
      if (part.startsWith("client.")) expect(paths, tool.name).toContain(part.slice(7));
    }
  }
});

test("a bridged method asks as the boldest tool that makes the same call", () => {
  const byPath = new Map(bridgedMethods().map((method) => [method.path, method]));
  expect(byPath.get("commands.run")?.effect).toBe("run");
  expect(byPath.get("servers.list")?.effect).toBe("read");
  expect(byPath.get("servers.iterate")?.effect).toBe("read");
  expect(byPath.get("servers.unregister")?.effect).toBe("delete");
  expect(byPath.get("security.commandAcls.create")?.effect).toBe("grant-access");
  for (const path of Object.keys(LEFT_OUT)) expect(byPath.has(path)).toBe(false);
  // Nothing of websh, webftp or auth crosses the bridge.
  expect([...byPath.keys()].filter((path) => /^(websh|webftp|auth)\./.test(path))).toEqual([]);
  // Request options are the bridge's: each method records where the signal goes.
  expect(byPath.get("servers.list")).toMatchObject({ leading: 1, signal: "trailing" });
  expect(byPath.get("commands.run")).toMatchObject({ leading: 1, signal: "inside" });
});
