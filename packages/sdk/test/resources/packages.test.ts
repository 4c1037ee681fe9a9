import { describe, expect, it } from "vitest";
import { NotFoundError, PermissionDeniedError, ValidationError } from "../../src/index.js";
import { nodeTransport } from "../../src/node.js";
import { useSdkSandbox } from "../helpers/sandbox.js";

const env = useSdkSandbox({ servers: 4 });

describe("client.packages", () => {
  // The upload's multipart bytes are encoded once, above the transport: both send them alike.
  it.each([
    ["fetch", undefined],
    ["node", nodeTransport],
  ] as const)(
    "uploads a file to the repository (%s transport), finds it by name, deletes it",
    async (_name, transport) => {
      const client = env.client(transport ? { transport } : {});
      const filename = `htop_3.3.0-4_${transport ? "arm64" : "amd64"}.deb`;
      const bytes = new Uint8Array(300).map((_, i) => i % 256);
      const created = await client.packages.system.create({ content: bytes, filename });
      expect(created).toMatchObject({ name: filename, filesize: 300, version: "3.3.0-4" });
      const page = await client.packages.system.list({ name: filename });
      expect(page.results.map((e) => e.id)).toEqual([created.id]);
      expect((await client.packages.system.get(created.id!)).name).toBe(filename);
      await client.packages.system.delete(created.id!);
      await expect(client.packages.system.get(created.id!)).rejects.toBeInstanceOf(NotFoundError);
    },
  );

  it("installs a Python package on a server and iterates that server's entries", async () => {
    const client = env.client();
    const [server] = env.serverIds(1);
    const entry = await client.packages.python.install({ server: server!, name: "requests" });
    expect(entry).toMatchObject({ name: "requests", server, version: "latest" });
    const names = [];
    for await (const e of client.packages.python.iterate({ server: server! })) names.push(e.name);
    expect(names).toEqual(["requests"]);
    await expect(
      client.packages.python.install({ server: server!, name: "requests" }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(
      env.client({ token: "jwt" }).packages.python.delete(entry.id),
    ).rejects.toBeInstanceOf(PermissionDeniedError);
    await client.packages.python.delete(entry.id);
  });
});
