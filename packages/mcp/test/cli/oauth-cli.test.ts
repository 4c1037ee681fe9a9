import { EventEmitter } from "node:events";
import { expect, test } from "vitest";
import { main } from "../../src/cli/main.js";
import { waitFor } from "../helpers/http.js";
import { memoryStreams } from "../helpers/memory-streams.js";
import { oauthWorld, signIn, whoAmI } from "../helpers/oauth-client.js";

// `alpacon-mcp --transport http --auth oauth` as the CLI starts it: variables and flags reach
// the handler, no token file is read, and an MCP client signs in and works as that person.

const world = await oauthWorld();

test("the CLI in OAuth mode: sign in, call as that person, no secret in its output", async () => {
  const ws = world.sandbox.workspaces[0]!;
  const io = { ...memoryStreams(), signals: new EventEmitter() };
  const secret = "client-secret-never-logged";
  const env = {
    ALPACON_MCP_OAUTH_ISSUER: world.idp.issuer,
    ALPACON_MCP_OAUTH_CLIENT_ID: world.idp.clientId,
    ALPACON_MCP_OAUTH_CLIENT_SECRET: secret,
    ALPACON_MCP_OAUTH_KEY: world.key,
    [`ALPACON_MCP_${ws.region.toUpperCase()}_${ws.workspace.toUpperCase()}_URL`]: ws.baseUrl,
    // A token file that must not be read: it does not exist.
    ALPACON_MCP_CONFIG_FILE: "/nonexistent/token.json",
  };
  const argv = [
    "--transport",
    "http",
    "--port",
    "0",
    "--auth",
    "oauth",
    "--workspace",
    ws.workspace,
  ];
  const extra = ["--region", ws.region, "--tools", "get_current_user", "--log-level", "debug"];
  const exited = main([...argv, ...extra], env, io);
  await waitFor(() => io.err().includes("listening on"), 10_000);
  const url = /listening on (\S+)/.exec(io.err())![1]!;
  expect(io.err()).toMatch(/OAuth sign-in for workspace acme/);
  const { client } = await signIn(world, url, "owner");
  const owner = await whoAmI(client);
  await client.close();
  const second = await signIn(world, url, "member");
  expect(await whoAmI(second.client)).not.toBe(owner);
  await second.client.close();
  io.signals.emit("SIGTERM");
  expect(await exited).toBe(0);
  expect(io.out()).toBe("");
  const log = io.err();
  expect(log).not.toContain(secret);
  expect(log).not.toContain(world.key);
  for (const { token } of world.idp.issued) expect(log).not.toContain(token);
});
