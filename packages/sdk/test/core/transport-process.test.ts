import { spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

describe("a retried request in a script", () => {
  it("keeps the process alive until it settles (no exit 13 while the backoff waits)", async () => {
    // A loopback port nobody listens on: bound, then released.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const port = (probe.address() as { port: number }).port;
    await new Promise((resolve) => probe.close(resolve));
    const script = `
      import { createAlpaconClient } from "./src/index.ts";
      const client = createAlpaconClient({
        workspace: "acme", region: "ap1", token: "alpat-process-test-0000",
        baseUrl: "http://127.0.0.1:${port}", maxRetries: 1,
      });
      try { await client.auth.status(); } catch (error) { console.log(error.name); }
    `;
    const child = spawnSync(
      process.execPath,
      ["--import", "tsx", "--input-type=module", "-e", script],
      { cwd: fileURLToPath(new URL("../..", import.meta.url)), encoding: "utf8", timeout: 30_000 },
    );
    expect(child.stdout).toBe("ConnectionError\n");
    expect(child.status).toBe(0);
  }, 40_000);
});
