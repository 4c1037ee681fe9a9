import { copyFileSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { createAlpaconClient } from "@alpacon/sdk";
import { loadConfig } from "@alpacon/sdk/node";
import { describe, expect, test } from "vitest";
import { expectToolError } from "../helpers/expect-tool.js";
import { useHarness } from "../helpers/file-harness.js";
import { call, connect, tempDir } from "../helpers/harness.js";

const h = useHarness();

const NEW_TOKEN = "alpat-NewTokenForTests0123456789";

/** A server on its own copy of the token file, so tests can change it freely. */
async function withOwnFile() {
  const file = join(tempDir(), "token.json");
  copyFileSync(h.configFile, file);
  const connected = await connect({
    config: loadConfig({ configFile: file, env: {} }),
    confirm: "allow",
  });
  return { file, ...connected };
}

describe("auth_set_token", () => {
  test("saves the token with mode 0600, keeps the URL and never shows the token", async () => {
    const { client, file, close } = await withOwnFile();
    const result = await call(client, "auth_set_token", {
      workspace: "acme",
      region: "ap1",
      token: NEW_TOKEN,
    });
    expect(result.isError).toBe(false);
    expect(result.structured).toMatchObject({ replaced: true, configFile: file });
    expect(JSON.stringify(result)).not.toContain(NEW_TOKEN);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(readFileSync(file, "utf8"));
    expect(saved.ap1.acme).toEqual({ token: NEW_TOKEN, url: expect.stringContaining("/ap1/acme") });

    // The next call uses the new token, which the sandbox does not know.
    const rejected = await call(client, "servers_list", { workspace: "acme" });
    expectToolError(rejected, "token was rejected");
    expect(rejected.text).not.toContain(NEW_TOKEN);

    const admin = h.sandbox.workspaces.find((item) => item.workspace === "acme")!.tokens.admin;
    await call(client, "auth_set_token", { workspace: "acme", region: "ap1", token: admin });
    expect((await call(client, "servers_list", { workspace: "acme" })).isError).toBe(false);
    await close();
  });

  test("a token with spaces is refused without being echoed", async () => {
    const { client, close } = await withOwnFile();
    const result = await call(client, "auth_set_token", {
      workspace: "acme",
      token: "alpat-has a space",
    });
    await close();
    expect(result.isError).toBe(true);
    expect(result.text).not.toContain("has a space");
  });
});

describe("auth_remove_token", () => {
  test("removes the token and stops using the workspace", async () => {
    const { client, file, close } = await withOwnFile();
    const result = await call(client, "auth_remove_token", { workspace: "globex", region: "us1" });
    expect(result.isError).toBe(false);
    expect(result.structured).toMatchObject({ removedFromFile: true, stillSetBy: null });
    expect(JSON.parse(readFileSync(file, "utf8")).us1).toBeUndefined();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const after = await call(client, "servers_list", { workspace: "globex" });
    expectToolError(after, "not configured");
    await close();
  });

  test("a server built from ready-made clients has no token file to change", async () => {
    const acme = h.sandbox.workspaces.find((item) => item.workspace === "acme")!;
    const sdk = createAlpaconClient({
      workspace: "acme",
      region: "ap1",
      token: acme.tokens.admin,
      baseUrl: acme.baseUrl,
    });
    const { client, close } = await connect({ clients: [sdk], confirm: "allow" });
    const result = await call(client, "auth_remove_token", { workspace: "acme" });
    await close();
    expectToolError(result, "ready-made clients");
  });
});

describe("workspaces_list", () => {
  test("lists configured workspaces without tokens", async () => {
    const result = await h.call("workspaces_list");
    expect(result.isError).toBe(false);
    expect(result.structured!.workspaces).toHaveLength(2);
    for (const ws of h.sandbox.workspaces)
      expect(JSON.stringify(result)).not.toContain(ws.tokens.admin);
  });

  test("with nothing configured it says how to add a token", async () => {
    const { client, close } = await connect({
      config: loadConfig({ configFile: join(tempDir(), "none.json"), env: {} }),
    });
    const result = await call(client, "workspaces_list");
    await close();
    expect(result.structured).toEqual({ workspaces: [] });
    expect(result.text).toContain("auth_set_token");
  });
});
