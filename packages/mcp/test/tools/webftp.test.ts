import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { expectToolError } from "../helpers/expect-tool.js";
import { useHarness } from "../helpers/file-harness.js";
import { call, MISSING_ID, tempDir } from "../helpers/harness.js";

const h = useHarness();
beforeAll(() => {
  writeFileSync(join(h.dir, "app.conf"), "listen 8080\n");
  // A link inside the allowed directory that leads out of it.
  const outside = tempDir();
  writeFileSync(join(outside, "secret.txt"), "secret\n");
  symlinkSync(outside, join(h.dir, "escape"));
});

describe("webftp_upload_file", () => {
  test("uploads a file from an allowed directory", async () => {
    const result = await h.call("webftp_upload_file", {
      workspace: "acme",
      server: h.server,
      localPath: "app.conf",
      remotePath: "/tmp/app.conf",
      overwrite: true,
    });
    expect(result.text).toContain("Uploaded");
    expect(result.structured).toMatchObject({
      remotePath: "/tmp/app.conf",
      bytes: 12,
      direct: false,
    });
  });

  test("says no bytes could be sent when the API gives no upload URL", async () => {
    h.sandbox.control.setVariants({ uploadUrl: "null" }, "ap1/acme");
    try {
      const result = await h.call("webftp_upload_file", {
        workspace: "acme",
        server: h.server,
        localPath: "app.conf",
        remotePath: "/tmp/direct.conf",
        overwrite: true,
      });
      expectToolError(result, /no upload URL, so no bytes could be sent from here/);
    } finally {
      h.sandbox.control.setVariants({ uploadUrl: "presigned" }, "ap1/acme");
    }
  });

  test("downloads when the URL comes only with the finished status", async () => {
    h.sandbox.control.setVariants({ downloadUrl: "status" }, "ap1/acme");
    try {
      mkdirSync(join(h.dir, "downloads"), { recursive: true });
      const result = await h.call("webftp_download_file", {
        workspace: "acme",
        server: h.server,
        remotePath: "/etc/hostname",
        localPath: "downloads/hostname-from-status",
      });
      expect(result.isError).toBe(false);
      expect(result.structured!.bytes).toBeGreaterThan(0);
    } finally {
      h.sandbox.control.setVariants({ downloadUrl: "create" }, "ap1/acme");
    }
  });

  test.each([
    ["../outside.txt", "outside the directories"],
    ["escape/secret.txt", "outside the directories"],
    ["missing.txt", "does not exist"],
  ])("refuses %s before any transfer", async (localPath, message) => {
    const { client } = await h.connect();
    const before = h.sandbox.control.journal({ path: /webftp/ }).length;
    const result = await call(client, "webftp_upload_file", {
      workspace: "acme",
      server: h.server,
      localPath,
      remotePath: "/tmp/x",
    });
    expectToolError(result, message);
    expect(h.sandbox.control.journal({ path: /webftp/ }).length).toBe(before);
  });
});

describe("webftp_download_file", () => {
  test("downloads a file into an allowed directory", async () => {
    const { client } = await h.connect();
    await call(client, "webftp_upload_file", {
      workspace: "acme",
      server: h.server,
      localPath: "app.conf",
      remotePath: "/tmp/roundtrip.conf",
      overwrite: true,
    });
    mkdirSync(join(h.dir, "downloads"), { recursive: true });
    const result = await call(client, "webftp_download_file", {
      workspace: "acme",
      server: h.server,
      remotePath: "/tmp/roundtrip.conf",
      localPath: "downloads/roundtrip.conf",
    });
    expect(result.text).toContain("Downloaded");
    expect(readFileSync(join(h.dir, "downloads/roundtrip.conf"), "utf8")).toBe("listen 8080\n");
  });

  test("downloads a folder and extracts it into an existing directory", async () => {
    const { client } = await h.connect();
    await call(client, "command_run", {
      workspace: "acme",
      servers: [h.server],
      command: "mkdir -p /tmp/site && echo a > /tmp/site/a.txt && echo b > /tmp/site/b.txt",
    });
    mkdirSync(join(h.dir, "site"), { recursive: true });
    const result = await call(client, "webftp_download_file", {
      workspace: "acme",
      server: h.server,
      remotePath: "/tmp/site",
      localPath: "site",
      resourceType: "folder",
      extract: true,
    });
    expect(result.text).toContain("Downloaded");
    const files = result.structured!.files as string[];
    expect(files).toHaveLength(2);
    const b = files.find((file) => file.endsWith("b.txt"))!;
    expect(readFileSync(isAbsolute(b) ? b : join(h.dir, "site", b), "utf8")).toBe("b\n");
  });

  test("refuses a destination behind a link that leaves the allowed directory", async () => {
    const result = await h.call("webftp_download_file", {
      workspace: "acme",
      server: h.server,
      remotePath: "/etc/hostname",
      localPath: "escape/hostname",
    });
    expectToolError(result, "outside the directories");
    expect(result.text).toContain("--allow-dir");
  });
});

describe.each([
  ["webftp_uploads_list", "transfers"],
  ["webftp_downloads_list", "transfers"],
  ["webftp_sessions_list", "sessions"],
])("%s", (name, key) => {
  test("lists without storage URLs", async () => {
    const result = await h.call(name, { workspace: "acme" });
    expect(result.isError).toBe(false);
    expect(Array.isArray(result.structured![key])).toBe(true);
    expect(JSON.stringify(result.structured)).not.toMatch(/upload_url|download_url|websocket_url/);
  });

  test("a page past the last one is a 404 error", async () => {
    const result = await h.call(name, { workspace: "acme", server: MISSING_ID, page: 2 });
    expectToolError(result, `${name} failed`);
  });
});

/** Reads a file of the sandbox server back through a download into the allowed directory. */
async function readBack(remotePath: string): Promise<string> {
  const name = `readback-${Math.random().toString(36).slice(2)}`;
  const result = await h.call("webftp_download_file", {
    workspace: "acme",
    server: h.server,
    remotePath,
    localPath: name,
  });
  expect(result.isError, result.text).toBe(false);
  return readFileSync(join(h.dir, name), "utf8");
}

describe("webftp_upload_content", () => {
  test("writes text, and base64 bytes, to a file on the server", async () => {
    const text = await h.call("webftp_upload_content", {
      workspace: "acme",
      server: h.server,
      remotePath: "/tmp/composed.conf",
      content: "worker_processes 4;\n",
      overwrite: true,
    });
    expect(text.structured).toMatchObject({ remotePath: "/tmp/composed.conf", bytes: 20 });
    expect(await readBack("/tmp/composed.conf")).toBe("worker_processes 4;\n");
    await h.call("webftp_upload_content", {
      workspace: "acme",
      server: h.server,
      remotePath: "/tmp/composed.conf",
      content: Buffer.from("binary\u0000ok").toString("base64"),
      encoding: "base64",
      overwrite: true,
    });
    expect(await readBack("/tmp/composed.conf")).toBe("binary\u0000ok");
  });

  test("content that is not base64 is refused before anything is sent", async () => {
    const before = h.sandbox.control.journal().length;
    const result = await h.call("webftp_upload_content", {
      workspace: "acme",
      server: h.server,
      remotePath: "/tmp/bad.bin",
      content: "not base64!",
      encoding: "base64",
    });
    expectToolError(result, /not valid base64/);
    expect(h.sandbox.control.journal().length).toBe(before);
  });
});

describe("webftp_bulk_upload", () => {
  test("copies each file into the directory, keeping their names", async () => {
    writeFileSync(join(h.dir, "bulk-one.txt"), "1\n");
    writeFileSync(join(h.dir, "bulk-two.txt"), "22\n");
    const result = await h.call("webftp_bulk_upload", {
      workspace: "acme",
      server: h.server,
      localPaths: ["bulk-one.txt", "bulk-two.txt"],
      remoteDirectory: "/tmp",
      overwrite: true,
    });
    expect(result.isError, result.text).toBe(false);
    expect(result.structured!.uploaded).toEqual([
      expect.objectContaining({ remotePath: "/tmp/bulk-one.txt", bytes: 2 }),
      expect.objectContaining({ remotePath: "/tmp/bulk-two.txt", bytes: 3 }),
    ]);
    expect(await readBack("/tmp/bulk-two.txt")).toBe("22\n");
  });

  test("a file outside the allowed directories stops it before any upload", async () => {
    const result = await h.call("webftp_bulk_upload", {
      workspace: "acme",
      server: h.server,
      localPaths: ["app.conf", "escape/secret.txt"],
      remoteDirectory: "/var/tmp/",
    });
    expectToolError(result, "webftp_bulk_upload failed");
    const listed = await h.call("webftp_uploads_list", { workspace: "acme", pageSize: 100 });
    const paths = (listed.structured!.transfers as Array<{ path: string }>).map((t) => t.path);
    expect(paths.some((path) => path.startsWith("/var/tmp/"))).toBe(false);
  });
});

describe("webftp_bulk_download", () => {
  beforeAll(async () => {
    const made = await h.call("command_run", {
      workspace: "acme",
      servers: [h.server],
      command:
        "mkdir -p /tmp/many/conf && echo one > /tmp/many/one.txt && echo two > /tmp/many/conf/two.yml",
    });
    expect(made.isError, made.text).toBe(false);
  });

  test("saves several paths as one zip, and extracts them into a directory", async () => {
    const saved = await h.call("webftp_bulk_download", {
      workspace: "acme",
      server: h.server,
      remotePaths: ["/tmp/many/one.txt", "/tmp/many/conf"],
      localPath: "many.zip",
    });
    expect(saved.isError, saved.text).toBe(false);
    expect(saved.text).toMatch(/Downloaded 2 paths .* as one zip/);
    expect(saved.structured).toMatchObject({ files: null });
    // A zip starts with its local-file-header signature.
    expect(readFileSync(join(h.dir, "many.zip")).subarray(0, 4)).toEqual(
      Buffer.from([0x50, 0x4b, 0x03, 0x04]),
    );
    mkdirSync(join(h.dir, "many"), { recursive: true });
    const extracted = await h.call("webftp_bulk_download", {
      workspace: "acme",
      server: h.server,
      remotePaths: ["/tmp/many/one.txt", "/tmp/many/conf"],
      localPath: "many",
      extract: true,
    });
    expect(extracted.isError, extracted.text).toBe(false);
    expect(extracted.structured!.files as string[]).toHaveLength(2);
    expect(readFileSync(join(h.dir, "many", "conf", "two.yml"), "utf8")).toBe("two\n");
  });

  test("asks first, naming the paths and the local destination; a no writes nothing", async () => {
    const { client, questions } = await h.asking({}, false);
    const result = await call(client, "webftp_bulk_download", {
      workspace: "acme",
      server: h.server,
      remotePaths: ["/tmp/many/one.txt", "/tmp/many/conf"],
      localPath: "declined.zip",
    });
    expect(result.isError).toBe(true);
    expect(questions).toHaveLength(1);
    expect(questions[0]).toMatch(
      /^Download 2 paths \(`\/tmp\/many\/one\.txt`, `\/tmp\/many\/conf`\)/,
    );
    expect(questions[0]).toContain(join(h.dir, "declined.zip"));
    expect(questions[0]).toContain("replacing what is there");
    expect(existsSync(join(h.dir, "declined.zip"))).toBe(false);
  });

  test("reports the agent's refusal of a missing path, writing nothing", async () => {
    const result = await h.call("webftp_bulk_download", {
      workspace: "acme",
      server: h.server,
      remotePaths: ["/tmp/many/one.txt", "/tmp/many/none.txt"],
      localPath: "none.zip",
    });
    expectToolError(result, "stat /tmp/many/none.txt: no such file or directory");
    expect(existsSync(join(h.dir, "none.zip"))).toBe(false);
  });

  test("refuses a destination outside the allowed directories before any transfer", async () => {
    const before = h.sandbox.control.journal({ path: /webftp/ }).length;
    const result = await h.call("webftp_bulk_download", {
      workspace: "acme",
      server: h.server,
      remotePaths: ["/etc/hostname"],
      localPath: "escape/out.zip",
    });
    expectToolError(result, "outside the directories");
    expect(h.sandbox.control.journal({ path: /webftp/ }).length).toBe(before);
  });
});

describe("webftp_check_status", () => {
  test("an upload that finished has succeeded", async () => {
    const written = await h.call("webftp_upload_content", {
      workspace: "acme",
      server: h.server,
      remotePath: "/tmp/status-check.txt",
      content: "ok\n",
      overwrite: true,
    });
    const result = await h.call("webftp_check_status", {
      workspace: "acme",
      transfer: (written.structured as { id: string }).id,
      kind: "upload",
    });
    expect(result.structured, result.text).toMatchObject({ state: "succeeded" });
  });

  test("an unknown transfer is a 404 that says where to find ids", async () => {
    const result = await h.call("webftp_check_status", {
      workspace: "acme",
      transfer: MISSING_ID,
      kind: "download",
    });
    expectToolError(result, /webftp_downloads_list/);
  });
});

describe("webftp_session_create", () => {
  test("opens a session that the sessions list then shows", async () => {
    const result = await h.call("webftp_session_create", { workspace: "acme", server: h.server });
    expect(result.isError, result.text).toBe(false);
    const id = (result.structured!.session as { id: string }).id;
    expect(JSON.stringify(result.structured)).not.toContain("websocket_url");
    const listed = await h.call("webftp_sessions_list", { workspace: "acme", pageSize: 100 });
    expect((listed.structured!.sessions as Array<{ id: string }>).map((s) => s.id)).toContain(id);
  });

  test("an unknown server is refused", async () => {
    const result = await h.call("webftp_session_create", { workspace: "acme", server: MISSING_ID });
    expectToolError(result, "webftp_session_create failed");
  });
});
