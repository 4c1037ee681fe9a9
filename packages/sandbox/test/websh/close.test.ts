import { createHook } from "node:async_hooks";
import { existsSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { startSandbox } from "../../src/index.js";
import { Api, authorizationFor } from "../helpers/sandbox.js";
import { createUpload, putBytes } from "../webftp/transfer-client.js";
import { createSession, TerminalClient } from "./terminal-client.js";

/** Storage directories (created after `known`) holding a file of exactly `size` bytes. */
function storageDirsWith(size: number, known: Set<string>): string[] {
  return readdirSync(tmpdir())
    .filter((name) => name.startsWith("alpacon-sandbox-") && !known.has(name))
    .map((name) => join(tmpdir(), name))
    .filter((dir) => {
      try {
        return readdirSync(dir).some((file) => statSync(join(dir, file)).size === size);
      } catch {
        return false;
      }
    });
}

it("close() ends shells, sockets and storage, leaving no timers behind", async () => {
  // Every timer created from here on, until it fires or is cleared.
  // Timers the sandbox's own code sets (the test's HTTP client and Node's internals set
  // theirs too), until they fire or are cleared.
  const live = new Map<number, string>();
  const hook = createHook({
    init(id, type) {
      if (type !== "Timeout") return;
      const stack = new Error().stack ?? "";
      if (stack.includes("/packages/sandbox/src/")) live.set(id, stack);
    },
    destroy(id) {
      live.delete(id);
    },
  }).enable();
  const known = new Set(readdirSync(tmpdir()));
  try {
    const sandbox = await startSandbox({ port: 0 });
    const ws = sandbox.workspaces[0]!;
    const api = new Api(ws, authorizationFor(ws, "admin"));

    const session = await createSession(api);
    const client = await TerminalClient.connect(session.websocketUrl);
    await client.waitFor(/\$ $/);
    client.type("sleep 100\r");
    await client.waitFor("sleep 100\r\n");

    const size = 12_345;
    const server = (await api.get(`/api/websh/sessions/${session.id}/`)).body.server.id;
    const created = await createUpload(api, { server, name: "left.bin", path: "/tmp/left.bin" });
    const put = await putBytes(created.uploadUrl, new Uint8Array(size), size);
    expect(put.status).toBe(200);
    const dirs = storageDirsWith(size, known);
    expect(dirs).toHaveLength(1);
    // The running `sleep 100` holds a timer until close() interrupts it.
    expect(live.size).toBeGreaterThan(0);

    await sandbox.close();
    expect((await client.closed).code).toBe(1006);
    expect(existsSync(dirs[0]!)).toBe(false);
    await new Promise((resolve) => setImmediate(resolve));
    expect([...live.values()]).toEqual([]);
  } finally {
    hook.disable();
  }
});
