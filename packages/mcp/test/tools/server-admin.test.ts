import { beforeAll, describe, expect, test } from "vitest";
import { expectInvalidInput, expectToolError } from "../helpers/expect-tool.js";
import { useHarness } from "../helpers/file-harness.js";
import { call, MISSING_ID, sdkClient } from "../helpers/harness.js";

const h = useHarness({
  servers: 40,
  commandDelays: 3,
  serverActionDelays: { agentRestart: 100, reboot: 200 },
});
// The toolset is opt-in: every call here selects it.
const ADMIN = { toolsets: ["server-admin" as const, "servers" as const] };

/** Connected Linux servers, one per test that changes one (actions disconnect them). */
let pool: { id: string; name: string }[] = [];
const take = () => pool.shift()!;

beforeAll(() => {
  pool = (
    h.sandbox.control.workspace("ap1", "acme").servers() as {
      id: string;
      name: string;
      is_connected: boolean;
      os_name: string;
    }[]
  ).filter((s) => s.is_connected && s.os_name !== "Windows");
});

const run = (name: string, args: Record<string, unknown>, options = {}) =>
  h.call(name, { workspace: "acme", ...args }, { ...ADMIN, ...options });

function offline(): { id: string; name: string } {
  const server = take();
  h.sandbox.control.workspace("ap1", "acme").setServerConnected(server.id, false);
  return server;
}

/** A client whose user answers yes (or no), keeping the questions asked. */
const askingClient = (answer: boolean) => h.asking(ADMIN, answer);

describe("the server-admin toolset", () => {
  test("is off by default: a plain server has no reboot_system", async () => {
    const result = await h.call("reboot_system", { workspace: "acme", server: MISSING_ID });
    expectToolError(result, "reboot_system");
  });
});

describe("reboot_system", () => {
  test("asks with the server's name and id, then reboots it", async () => {
    const server = take();
    const { client, questions } = await askingClient(true);
    const result = await call(client, "reboot_system", { workspace: "acme", server: server.name });
    expect(result.isError).toBe(false);
    expect(result.structured).toMatchObject({ server: server.id, action: "reboot_system" });
    expect(questions[0]).toContain(`Reboot server \`${server.name}\` (id ${server.id})?`);
    expect(questions[0]).toContain("stays disconnected until it has booted");
    const sdk = sdkClient(h.sandbox);
    await expect.poll(async () => (await sdk.servers.get(server.id)).is_connected).toBe(false);
  });

  test("a declined question reboots nothing", async () => {
    const server = take();
    const { client } = await askingClient(false);
    const result = await call(client, "reboot_system", { workspace: "acme", server: server.id });
    expectToolError(result, "declined");
    expect((await sdkClient(h.sandbox).servers.get(server.id)).is_connected).toBe(true);
  });

  test("a busy server is refused with the way out (force)", async () => {
    const server = take();
    await sdkClient(h.sandbox).websh.sessions.create({ server: server.id, rows: 24, cols: 80 });
    const busy = await run("reboot_system", { server: server.id });
    expectToolError(busy, /busy with user work[\s\S]*pass force: true/);
    const forced = await run("reboot_system", { server: server.id, force: true });
    expect(forced.isError).toBe(false);
  });
});

describe("shutdown_system", () => {
  test("shuts a server down", async () => {
    const server = take();
    const result = await run("shutdown_system", { server: server.id });
    expect(result.isError).toBe(false);
    expect(result.text).toContain(`Asked to shut down server ${server.id}`);
  });

  test("a disconnected server is refused with the API's reason", async () => {
    const result = await run("shutdown_system", { server: offline().id });
    expectToolError(result, "not connected now");
  });
});

describe("upgrade_system", () => {
  test("upgrades the packages, returning the command to follow", async () => {
    const result = await run("upgrade_system", { server: take().id });
    expect(result.isError).toBe(false);
    expect(result.structured!.commandId).toEqual(expect.any(String));
  });

  test("a read-only token is refused", async () => {
    const result = await run("upgrade_system", { server: take().id }, { token: "readOnly" });
    expectToolError(result, /ACL/);
  });
});

describe("restart_agent", () => {
  test("restarts the agent", async () => {
    const result = await run("restart_agent", { server: take().id });
    expect(result.isError).toBe(false);
    expect(result.structured!.action).toBe("restart_agent");
  });

  test("an unknown server is a 404", async () => {
    expectToolError(await run("restart_agent", { server: MISSING_ID }), "404");
  });
});

describe("shutdown_agent", () => {
  test("asks, saying remote access is lost, then stops the agent", async () => {
    const server = take();
    const { client, questions } = await askingClient(true);
    const result = await call(client, "shutdown_agent", { workspace: "acme", server: server.id });
    expect(result.isError).toBe(false);
    expect(questions[0]).toContain(`(id ${server.id})`);
    expect(questions[0]).toContain("until someone starts the agent on the host");
  });

  test("a disconnected server is refused", async () => {
    expectToolError(await run("shutdown_agent", { server: offline().id }), "not connected now");
  });
});

describe("upgrade_agent", () => {
  test("upgrades the agent to a new version", async () => {
    const server = take();
    const sdk = sdkClient(h.sandbox);
    const before = (await sdk.servers.get(server.id)).version;
    expect((await run("upgrade_agent", { server: server.id })).isError).toBe(false);
    await expect
      .poll(async () => (await sdk.servers.get(server.id)).version, { timeout: 3000 })
      .not.toBe(before);
  });

  test("an unknown server name is refused before any call", async () => {
    expectToolError(await run("upgrade_agent", { server: "no-such-host" }), "no server is named");
  });
});

describe("update_information", () => {
  test("asks for a fresh inventory without asking the user", async () => {
    const { client, questions } = await askingClient(true);
    const result = await call(client, "update_information", {
      workspace: "acme",
      server: take().id,
    });
    expect(result.isError).toBe(false);
    expect(questions).toEqual([]);
  });

  test("a disconnected server is refused", async () => {
    expectToolError(await run("update_information", { server: offline().id }), "not connected");
  });
});

describe("update_server", () => {
  test("renames a server", async () => {
    const server = take();
    const result = await run("update_server", { server: server.id, name: `${server.name}-old` });
    expect(result.isError).toBe(false);
    expect(result.structured!.server).toMatchObject({ name: `${server.name}-old` });
  });

  test("nothing to change is refused", async () => {
    expectToolError(await run("update_server", { server: take().id }), "no field to change");
  });
});

describe("star_server", () => {
  test("stars and unstars a server", async () => {
    const server = take();
    expect((await run("star_server", { server: server.id })).structured).toEqual({
      server: server.id,
      starred: true,
    });
    const unstar = await run("star_server", { server: server.id, starred: false });
    expect(unstar.text).toContain("Unstarred");
  });

  test("unstarring a server that is not starred is the API's refusal", async () => {
    const result = await run("star_server", { server: take().id, starred: false });
    expectToolError(result, "400");
  });
});

describe("unregister_server", () => {
  test("asks, then removes the server", async () => {
    const server = take();
    const { client, questions } = await askingClient(true);
    const result = await call(client, "unregister_server", {
      workspace: "acme",
      server: server.id,
    });
    expect(result.isError).toBe(false);
    expect(questions[0]).toContain(`Unregister server \`${server.name}\` (id ${server.id})`);
    const after = await run("server_get", { server: server.id });
    expect(after.isError).toBe(true);
  });

  test("an unknown server is a 404", async () => {
    expectToolError(await run("unregister_server", { server: MISSING_ID }), "404");
  });
});

describe("registration tokens", () => {
  let tokenId: string;

  test("create_registration_token asks, then shows the key once", async () => {
    const { client, questions } = await askingClient(true);
    const result = await call(client, "create_registration_token", {
      workspace: "acme",
      name: "batch-7",
    });
    expect(result.isError).toBe(false);
    expect(questions[0]).toMatch(/^Create registration token `batch-7` in workspace acme\? Anyone/);
    const token = result.structured!.token as { id: string; key: string };
    expect(result.text).toContain(token.key);
    tokenId = token.id;
  });

  test("create_registration_token refuses an expiry in the past", async () => {
    const result = await run("create_registration_token", {
      name: "old",
      expiresAt: "2000-01-01T00:00:00Z",
    });
    expectToolError(result, "expiry must be in the future");
  });

  test("list_registration_tokens lists them without keys", async () => {
    const result = await run("list_registration_tokens", { search: "batch" });
    expect(result.isError).toBe(false);
    expect(result.structured!.tokens).toEqual([
      expect.not.objectContaining({ key: expect.anything() }),
    ]);
    expect(result.text).toContain("batch-7");
  });

  test("list_registration_tokens refuses page 0", async () => {
    expectInvalidInput(await run("list_registration_tokens", { page: 0 }));
  });

  test("get_registration_guide asks, then gives the install commands", async () => {
    const { client, questions } = await askingClient(true);
    const result = await call(client, "get_registration_guide", {
      workspace: "acme",
      tokenId,
      serverName: "web-77",
    });
    expect(result.isError).toBe(false);
    expect(questions[0]).toContain("Whoever runs them enrols a host named `web-77`");
    expect(result.structured!.registerCommand).toContain("--name web-77");
  });

  test("delete_registration_token deletes it; the guide then refuses it", async () => {
    expect((await run("delete_registration_token", { tokenId })).isError).toBe(false);
    expectToolError(await run("get_registration_guide", { tokenId }), "400");
  });

  test("delete_registration_token of an unknown token points to the list", async () => {
    const result = await run("delete_registration_token", { tokenId: MISSING_ID });
    expectToolError(result, "list_registration_tokens");
  });
});
