/**
 * The package repository: an "install on a server" (the reference MCP's reading) shows in that
 * server's inventory (`/api/proc/packages/`) and deleting the entry removes the package again;
 * uploads (the CLI's reading) touch no server. A server must be connected for either change.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { type Api, useSandbox } from "./helpers/sandbox.js";

const h = useSandbox({ servers: 8, seed: 5 });

let api: Api;
let servers: { id: string; name: string; is_connected: boolean; os_name: string }[];

beforeAll(() => {
  api = h.api();
  servers = h.sandbox.control.workspace("ap1", "acme").servers() as typeof servers;
});

const linux = () => servers.filter((s) => s.is_connected && s.os_name !== "Windows");

async function inventory(serverId: string, name: string) {
  const res = await api.get(`/api/proc/packages/?server=${serverId}&name=${name}`);
  expect(res.status).toBe(200);
  return res.body.results as { name: string; version: string }[];
}

describe("system packages installed on a server", () => {
  it("an install adds the package at its version and the entry's removal takes it away", async () => {
    const server = linux()[0]!;
    expect(await inventory(server.id, "ripgrep")).toEqual([]);
    const entry = await api.post("/api/packages/system/entries/", {
      server: server.id,
      name: "ripgrep",
      version: "14.1.0-1",
    });
    expect(entry.status).toBe(201);
    expect(await inventory(server.id, "ripgrep")).toMatchObject([
      { name: "ripgrep", version: "14.1.0-1" },
    ]);
    // Another server is untouched.
    expect(await inventory(linux()[1]!.id, "ripgrep")).toEqual([]);
    expect((await api.delete(`/api/packages/system/entries/${entry.body.id}/`)).status).toBe(204);
    expect(await inventory(server.id, "ripgrep")).toEqual([]);
  });

  it("installing a package the server has keeps its version unless one is pinned; removing it removes it", async () => {
    const server = linux()[1]!;
    const [bash] = await inventory(server.id, "bash");
    expect(bash).toBeDefined();
    const entry = await api.post("/api/packages/system/entries/", {
      server: server.id,
      name: "bash",
    });
    expect(entry.body.version).toBe(bash!.version);
    const again = await api.post("/api/packages/system/entries/", {
      server: server.id,
      name: "bash",
    });
    expect(again.status).toBe(400);
    expect(again.body).toEqual({
      non_field_errors: ["The fields server, name must make a unique set."],
    });
    await api.delete(`/api/packages/system/entries/${entry.body.id}/`);
    expect(await inventory(server.id, "bash")).toEqual([]);
  });

  it("a disconnected server can neither get nor lose a package", async () => {
    const server = linux()[2]!;
    const ws = h.sandbox.control.workspace("ap1", "acme");
    const entry = await api.post("/api/packages/system/entries/", {
      server: server.id,
      name: "tmux",
    });
    ws.setServerConnected(server.id, false);
    try {
      const refused = await api.post("/api/packages/system/entries/", {
        server: server.id,
        name: "jq",
      });
      expect(refused.status).toBe(400);
      expect(refused.body.non_field_errors[0]).toMatch(/not connected/);
      expect((await api.delete(`/api/packages/system/entries/${entry.body.id}/`)).status).toBe(400);
    } finally {
      ws.setServerConnected(server.id, true);
    }
    expect((await api.delete(`/api/packages/system/entries/${entry.body.id}/`)).status).toBe(204);
  });
});

describe("uploads", () => {
  it("name the entry after the file and read version, arch and wheel tags from it", async () => {
    const deb = new FormData();
    deb.append("content", new Blob(["x".repeat(10)]), "htop_3.3.0-4_arm64.deb");
    const system = await api.post("/api/packages/system/entries/", deb);
    expect(system.body).toMatchObject({
      name: "htop_3.3.0-4_arm64.deb",
      version: "3.3.0-4",
      arch: "arm64",
      filesize: 10,
      server: null,
    });
    const whl = new FormData();
    whl.append("content", new Blob(["y"]), "numpy-2.1.0-cp312-cp312-manylinux_2_17_x86_64.whl");
    const python = await api.post("/api/packages/python/entries/", whl);
    expect(python.body).toMatchObject({
      version: "2.1.0",
      target: "cp312",
      abi: "cp312",
      platform: "manylinux_2_17_x86_64",
    });
    const again = await api.post("/api/packages/python/entries/", whl);
    expect(again.status).toBe(400);
    const none = new FormData();
    none.append("name", "x");
    none.append("content", "not a file");
    const notFile = await api.post("/api/packages/python/entries/", none);
    expect(notFile.status).toBe(400);
    expect(notFile.body.content[0]).toMatch(/not a file/);
  });

  it("refuse a JSON body for another media type, as every JSON route does", async () => {
    const res = await fetch(`${api.workspace.baseUrl}/api/packages/system/entries/`, {
      method: "POST",
      headers: { Authorization: api.authorization!, "Content-Type": "text/plain" },
      body: "htop",
    });
    expect(res.status).toBe(415);
  });
});
