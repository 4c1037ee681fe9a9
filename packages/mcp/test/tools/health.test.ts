import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "@alpacon/sdk/node";
import { expect, test } from "vitest";
import { useHarness } from "../helpers/file-harness.js";
import { call, tempDir } from "../helpers/harness.js";

const h = useHarness();

test("health_check reports its version and that each configured workspace answers", async () => {
  const result = await h.call("health_check");
  expect(result.isError).toBe(false);
  const structured = result.structured!;
  expect(structured.version).toMatch(/^\d+\.\d+\.\d+/);
  expect(structured.workspaces).toEqual([
    expect.objectContaining({ workspace: "acme", region: "ap1", reachable: true }),
    expect.objectContaining({ workspace: "globex", region: "us1", reachable: true }),
  ]);
  expect(result.text).toContain("acme (ap1): answers");
});

test("health_check names a workspace whose token is refused, without the token", async () => {
  const token = "alpat-not-a-real-token-0123456789";
  const file = join(tempDir(), "token.json");
  const url = h.sandbox.workspaces[0]!.baseUrl;
  writeFileSync(file, JSON.stringify({ ap1: { acme: { token, url } } }), { mode: 0o600 });
  const { client } = await h.connect({ config: loadConfig({ configFile: file, env: {} }) });
  const result = await call(client, "health_check");
  expect(result.isError).toBe(false);
  expect(result.structured!.workspaces).toEqual([
    expect.objectContaining({ workspace: "acme", reachable: false, problem: expect.any(String) }),
  ]);
  expect(result.text).toMatch(/acme \(ap1\): unreachable: .*401/);
  expect(JSON.stringify(result)).not.toContain(token);
});

test("health_check without probing sends nothing and says so", async () => {
  const result = await h.call("health_check", { probe: false });
  expect(result.structured!.workspaces).toEqual([
    expect.objectContaining({ workspace: "acme", reachable: null }),
    expect.objectContaining({ workspace: "globex", reachable: null }),
  ]);
  expect(result.text).toContain("not probed");
});
