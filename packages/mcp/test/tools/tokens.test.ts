import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, test } from "vitest";
import { expectInvalidInput, expectToolError } from "../helpers/expect-tool.js";
import { useHarness } from "../helpers/file-harness.js";
import { type ConnectOptions, call, MISSING_ID } from "../helpers/harness.js";

const h = useHarness();
const TOKENS: ConnectOptions = { token: "jwt", toolsets: ["tokens"] };

/** A login client whose user accepts every question; it keeps what it was shown. */
async function loginClient() {
  const shown: string[] = [];
  const { client } = await h.connect(
    { ...TOKENS, confirm: "elicit" },
    { elicitation: { form: {} } },
  );
  client.setRequestHandler(ElicitRequestSchema, async (request) => {
    shown.push(request.params.message);
    return { action: "accept", content: {} };
  });
  return { client, shown };
}

/** Makes a token through the tool and returns its id and the key the user was shown. */
async function made(name: string, extra: Record<string, unknown> = {}) {
  const { client, shown } = await loginClient();
  const result = await call(client, "create_api_token", { workspace: "acme", name, ...extra });
  expect(result.isError).toBe(false);
  const key = /alpat-[A-Za-z0-9]+/.exec(shown.at(-1) ?? "")?.[0];
  expect(key).toBeTruthy();
  return {
    id: (result.structured!.token as { id: string }).id,
    key: key!,
    result,
    shown,
    client,
  };
}

async function status(key: string, path: string): Promise<number> {
  const ws = h.sandbox.workspaces[0]!;
  const res = await fetch(`${ws.baseUrl}${path}`, { headers: { Authorization: `token="${key}"` } });
  return res.status;
}

describe("list_api_tokens", () => {
  test("lists the login's tokens without keys", async () => {
    const { id, key } = await made("listed");
    const result = await h.call("list_api_tokens", { workspace: "acme", name: "listed" }, TOKENS);
    expect(result.isError).toBe(false);
    expect((result.structured!.tokens as Array<{ id: string }>).map((t) => t.id)).toEqual([id]);
    expect(JSON.stringify(result)).not.toContain(key);
  });

  test("an API token is refused, with what to use instead", async () => {
    const result = await h.call("list_api_tokens", { workspace: "acme" }, { toolsets: ["tokens"] });
    expectToolError(result, "needs a login");
  });
});

describe("get_api_token", () => {
  test("reads one token", async () => {
    const { id } = await made("one", { scopes: ["server:read"] });
    const result = await h.call("get_api_token", { workspace: "acme", token: id }, TOKENS);
    expect(result.structured!.token).toMatchObject({ id, scopes: ["server:read"] });
  });

  test("an unknown id points to list_api_tokens", async () => {
    const result = await h.call("get_api_token", { workspace: "acme", token: MISSING_ID }, TOKENS);
    expectToolError(result, "list_api_tokens");
  });
});

describe("create_api_token", () => {
  test("asks with the scopes it grants, shows the key to the user only, and the key works", async () => {
    const { key, result, shown } = await made("ci", {
      scopes: ["server:read"],
      presets: ["monitoring"],
    });
    expect(shown[0]).toMatch(
      /^Create API token `ci` acting as you, never expiring, with scopes: server:read; monitoring = server:read, metrics:read, event:read\?/,
    );
    expect(shown[1]).toContain(key);
    expect(result.text).toContain("shown to the user only");
    expect(JSON.stringify(result)).not.toContain(key);
    expect(result.structured!.keyShownToUser).toBe(true);
    expect(await status(key, "/api/servers/servers/")).toBe(200);
    expect(await status(key, "/api/iam/users/")).toBe(403);
  });

  test("says every scope when none is given", async () => {
    const { shown } = await made("full");
    expect(shown[0]).toContain("every scope (*)");
  });

  test("refuses, creating nothing, when the client cannot show the key to the user", async () => {
    const result = await h.call("create_api_token", { workspace: "acme", name: "lost" }, TOKENS);
    expectToolError(result, "no token was created");
    const after = await h.call("list_api_tokens", { workspace: "acme", name: "lost" }, TOKENS);
    expect(after.structured!.count).toBe(0);
  });
});

describe("update_api_token", () => {
  test("disables a token, which stops it at once", async () => {
    const { id, key, client, shown } = await made("paused");
    const result = await call(client, "update_api_token", {
      workspace: "acme",
      token: id,
      enabled: false,
    });
    expect(result.structured!.token).toMatchObject({ enabled: false });
    expect(shown.at(-1)).toContain("Change enabled to `false` of API token `paused`");
    expect(await status(key, "/api/status/")).toBe(401);
  });

  test("nothing to change is an error, not an empty request", async () => {
    const { id } = await made("unchanged");
    const result = await h.call("update_api_token", { workspace: "acme", token: id }, TOKENS);
    expectToolError(result, "no field to change");
  });
});

describe("delete_api_token", () => {
  test("deletes a token, which stops it at once", async () => {
    const { id, key, client, shown } = await made("doomed");
    const result = await call(client, "delete_api_token", { workspace: "acme", token: id });
    expect(result.isError).toBe(false);
    expect(shown.at(-1)).toContain("Delete API token `doomed`");
    expect(await status(key, "/api/status/")).toBe(401);
  });

  test("an unknown token is a 404", async () => {
    const { client } = await loginClient();
    const result = await call(client, "delete_api_token", { workspace: "acme", token: MISSING_ID });
    expectToolError(result, "list_api_tokens");
  });
});

describe("duplicate_api_token", () => {
  test("copies the scopes under a new key shown to the user only", async () => {
    const { id, key, client, shown } = await made("rotated", { scopes: ["server:read"] });
    const result = await call(client, "duplicate_api_token", { workspace: "acme", token: id });
    expect(result.structured!.token).toMatchObject({
      name: "rotated (copy)",
      scopes: ["server:read"],
    });
    expect(shown.at(-2)).toContain("with its scopes: server:read");
    const copyKey = /alpat-[A-Za-z0-9]+/.exec(shown.at(-1)!)![0];
    expect(copyKey).not.toBe(key);
    expect(JSON.stringify(result)).not.toContain(copyKey);
    expect(await status(copyKey, "/api/servers/servers/")).toBe(200);
  });

  test("an id that is not a UUID is refused before any call", async () => {
    const result = await h.call("duplicate_api_token", { workspace: "acme", token: "x" }, TOKENS);
    expectInvalidInput(result);
  });
});

describe("list_api_token_scopes and list_api_token_presets", () => {
  test("read the catalogs, with an API token too", async () => {
    const scopes = await h.call(
      "list_api_token_scopes",
      { workspace: "acme" },
      { toolsets: ["tokens"] },
    );
    expect(scopes.text).toContain("server: read, create, update, delete (ACL: server)");
    const presets = await h.call("list_api_token_presets", { workspace: "acme" }, TOKENS);
    expect(presets.structured!.presets).toContainEqual(
      expect.objectContaining({
        key: "file_upload",
        scopes: expect.arrayContaining(["webftp:create"]),
      }),
    );
  });

  test("an unknown workspace is refused", async () => {
    for (const name of ["list_api_token_scopes", "list_api_token_presets"]) {
      const result = await h.call(name, { workspace: "nope" }, TOKENS);
      expectToolError(result, "Pass workspace: one of acme, globex");
    }
  });
});
