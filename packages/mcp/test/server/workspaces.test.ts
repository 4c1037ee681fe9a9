import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AlpaconConfig } from "@alpacon/sdk/node";
import { afterEach, expect, test } from "vitest";
import { Workspaces } from "../../src/server/workspaces.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function workspaces(): Workspaces {
  const dir = mkdtempSync(join(tmpdir(), "alpacon-workspaces-test-"));
  dirs.push(dir);
  const acme = { region: "ap1", workspace: "acme", url: "http://127.0.0.1:9", tokenSource: "test" };
  Object.defineProperty(acme, "token", { value: "alpat-acme-token-0001", enumerable: false });
  const config = { configFile: join(dir, "token.json"), workspaces: [acme] } as AlpaconConfig;
  return new Workspaces({ config });
}

test("a selection is worked out once, and a failing one fails every time with its message", () => {
  const all = workspaces();
  const first = all.client({});
  expect(all.client({})).toBe(first);
  expect(all.client({ workspace: "acme", region: "ap1" }).client).toBe(first.client);
  // A workspace named like a missing value must not be taken for the default selection.
  for (let call = 0; call < 2; call++) {
    expect(() => all.client({ workspace: "undefined" })).toThrow(
      "workspace undefined is not configured in this server",
    );
  }
});

test("saving a token changes what a selection resolves to and which secrets are scrubbed", async () => {
  const all = workspaces();
  expect(all.secrets()).toEqual(["alpat-acme-token-0001"]);
  expect(() => all.client({ workspace: "globex" })).toThrow("not configured");
  await all.setToken({ region: "ap1", workspace: "globex" }, "alpat-globex-token-0002");
  expect(all.client({ workspace: "globex" }).target).toEqual({
    region: "ap1",
    workspace: "globex",
  });
  expect(all.secrets()).toContain("alpat-globex-token-0002");
  // Two workspaces now: a call naming none must choose.
  expect(() => all.client({})).toThrow("several workspaces are configured (acme, globex)");
});
