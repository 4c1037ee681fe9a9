import { describe, expect, it } from "vitest";
import {
  AuthenticationError,
  createAlpaconClient,
  type Logger,
  PermissionDeniedError,
  ValidationError,
} from "../../src/index.js";
import { useSdkSandbox } from "../helpers/sandbox.js";

const env = useSdkSandbox({ servers: 2 });

describe("client.apiTokens against the sandbox", () => {
  it("creates, reads, changes, duplicates and deletes a token; the key only once", async () => {
    const client = env.client({ token: "jwt" });
    const created = await client.apiTokens.create({ name: "sdk", scopes: ["server:read"] });
    expect(created.key).toMatch(/^alpat-/);
    const got = await client.apiTokens.get(created.id);
    expect(got).not.toHaveProperty("key");
    expect(got.scopes).toEqual(["server:read"]);
    const listed = await client.apiTokens.list({ name: "sdk" });
    expect(listed.results.map((t) => t.id)).toEqual([created.id]);
    const updated = await client.apiTokens.update(created.id, { enabled: false, expires_at: null });
    expect(updated.enabled).toBe(false);
    const copy = await client.apiTokens.duplicate(created.id);
    expect(copy.name).toBe("sdk (copy)");
    expect(copy.key).toMatch(/^alpat-/);
    const walked: string[] = [];
    for await (const token of client.apiTokens.iterate({ page_size: 1 })) walked.push(token.id);
    expect(walked.sort()).toEqual([created.id, copy.id].sort());
    await client.apiTokens.delete(copy.id);
    await client.apiTokens.delete(created.id);
    expect((await client.apiTokens.list()).count).toBe(0);
  });

  it("reads the scope and preset catalogs with any token", async () => {
    const client = env.client();
    const scopes = await client.apiTokens.scopes();
    expect(scopes.resources.find((r) => r.name === "server")?.actions).toContain("read");
    const presets = await client.apiTokens.presets();
    expect(presets.monitoring?.scopes).toContain("metrics:read");
  });

  it("gives typed errors: 403 for an API-token caller, 400 for a preset on update", async () => {
    await expect(env.client().apiTokens.list()).rejects.toBeInstanceOf(PermissionDeniedError);
    const client = env.client({ token: "jwt" });
    const token = await client.apiTokens.create({ name: "typed" });
    await expect(
      client.apiTokens.update(token.id, { presets: ["monitoring"] } as never),
    ).rejects.toBeInstanceOf(ValidationError);
    await client.apiTokens.delete(token.id);
  });

  it("never puts a created key in logs or errors", async () => {
    const lines: string[] = [];
    const logger: Logger = {
      debug: (...args) => lines.push(JSON.stringify(args)),
      warn: (...args) => lines.push(JSON.stringify(args)),
    };
    const client = env.client({ token: "jwt", logger });
    const token = await client.apiTokens.create({ name: "secret" });
    const key = token.key as string;
    await client.apiTokens.delete(token.id);
    const ws = env.sandbox.workspaces[0]!;
    const revoked = createAlpaconClient({ baseUrl: ws.baseUrl, token: key, logger, maxRetries: 0 });
    const error = await revoked.servers.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(`${(error as Error).message} ${JSON.stringify(error)}`).not.toContain(key);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join("\n")).not.toContain(key);
  });
});
