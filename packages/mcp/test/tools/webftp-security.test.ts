import { type ChildProcess, spawn } from "node:child_process";
import {
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { basename, join } from "node:path";
import { afterEach, beforeAll, describe, expect, test } from "vitest";
import { expectToolError } from "../helpers/expect-tool.js";
import { useHarness } from "../helpers/file-harness.js";
import { call, tempDir } from "../helpers/harness.js";

const h = useHarness();
const SECRET = "TOP-SECRET-CONTENT-THAT-MUST-NOT-LEAVE\n";
// The same length: the size cannot tell them apart, only the content can.
const INSIDE = `${"inside-".repeat(6).slice(0, SECRET.length - 1)}\n`;

beforeAll(() => {
  writeFileSync(join(h.dir, "app.conf"), "listen 8080\n");
});

let toggler: ChildProcess | undefined;
afterEach(() => {
  toggler?.kill();
  toggler = undefined;
});

/**
 * Swaps `<dir>/d` between a real directory and a symlink to `outside`, as fast as it can, in
 * another process: the attacker of a check-then-use race.
 */
function swapDirectoryForLink(dir: string, outside: string): void {
  mkdirSync(join(dir, "d"));
  symlinkSync(outside, join(dir, "dlink"));
  const script = `
    const { renameSync } = require("node:fs");
    process.chdir(${JSON.stringify(dir)});
    for (;;) {
      try { renameSync("d", "dreal"); renameSync("dlink", "d"); } catch {}
      try { renameSync("d", "dlink"); renameSync("dreal", "d"); } catch {}
    }`;
  toggler = spawn(process.execPath, ["-e", script], { stdio: "ignore" });
}

describe("check-then-use races on local paths (a directory swapped for a link)", () => {
  test("an upload never sends the file behind the swapped-in link", async () => {
    const dir = join(h.dir, "race-up");
    const outside = tempDir();
    mkdirSync(dir);
    writeFileSync(join(outside, "data.txt"), SECRET);
    swapDirectoryForLink(dir, outside);
    writeFileSync(join(dir, "d", "data.txt"), INSIDE);
    const { client } = await h.connect();
    const sent: string[] = [];
    for (let i = 0; i < 30; i++) {
      const result = await client.callTool({
        name: "webftp_upload_file",
        arguments: {
          workspace: "acme",
          server: h.server,
          localPath: "race-up/d/data.txt",
          remotePath: `/tmp/race-up-${i}.txt`,
          overwrite: true,
        },
      });
      if (!result.isError) sent.push(`/tmp/race-up-${i}.txt`);
    }
    toggler?.kill();
    expect(sent.length).toBeGreaterThan(0);
    const read = await call(client, "command_run", {
      workspace: "acme",
      servers: [h.server],
      command: `cat ${sent.join(" ")}`,
    });
    expect(read.text).toContain(INSIDE.trim());
    expect(read.text).not.toContain("TOP-SECRET");
  }, 60_000);

  test("a download never lands outside through the swapped-in link", async () => {
    await h.call("webftp_upload_file", {
      workspace: "acme",
      server: h.server,
      localPath: "app.conf",
      remotePath: "/tmp/race-down.conf",
      overwrite: true,
    });
    const dir = join(h.dir, "race-down");
    const outside = tempDir();
    mkdirSync(dir);
    swapDirectoryForLink(dir, outside);
    const { client } = await h.connect();
    for (let i = 0; i < 30; i++) {
      await client.callTool({
        name: "webftp_download_file",
        arguments: {
          workspace: "acme",
          server: h.server,
          remotePath: "/tmp/race-down.conf",
          localPath: "race-down/d/out.conf",
        },
      });
      expect(readdirSync(outside)).toEqual([]);
    }
  }, 60_000);
});

describe("the token file and the configuration directory", () => {
  const upload = (localPath: string) =>
    h.call("webftp_upload_file", {
      workspace: "acme",
      server: h.server,
      localPath,
      remotePath: "/tmp/",
    });

  test("the token file is refused for upload, even inside an allowed directory", async () => {
    // The harness keeps its token file in the allowed directory: the attacker's setup.
    expect(h.configFile.startsWith(h.dir)).toBe(true);
    expectToolError(await upload(basename(h.configFile)), "this server's token file");
  });

  test("a link to the token file is refused too", async () => {
    symlinkSync(h.configFile, join(h.dir, "innocent.json"));
    expectToolError(await upload("innocent.json"), "this server's token file");
  });

  test("a hard link to the token file is refused too", async () => {
    linkSync(h.configFile, join(h.dir, "hard.json"));
    expectToolError(await upload("hard.json"), "hard link to this server's token file");
  });

  test("a download never replaces the token file", async () => {
    const result = await h.call("webftp_download_file", {
      workspace: "acme",
      server: h.server,
      remotePath: "/etc/hostname",
      localPath: basename(h.configFile),
    });
    expectToolError(result, "this server's token file");
    expect(existsSync(h.configFile)).toBe(true);
  });

  test("a bulk download never replaces the token file", async () => {
    const before = readFileSync(h.configFile, "utf8");
    const result = await h.call("webftp_bulk_download", {
      workspace: "acme",
      server: h.server,
      remotePaths: ["/etc/hostname"],
      localPath: basename(h.configFile),
    });
    expectToolError(result, "this server's token file");
    expect(readFileSync(h.configFile, "utf8")).toBe(before);
  });
});

describe("webftp_upload_file to a directory", () => {
  test("a remote path ending in / keeps the file name, and the text says uploaded", async () => {
    const result = await h.call("webftp_upload_file", {
      workspace: "acme",
      server: h.server,
      localPath: "app.conf",
      remotePath: "/tmp/",
      overwrite: true,
    });
    expect(result.isError).toBe(false);
    expect(result.structured).toMatchObject({ remotePath: "/tmp/app.conf", bytes: 12 });
    expect(result.text).toMatch(/^Uploaded .*app\.conf \(12 B\) to \/tmp\/app\.conf on server /);
    expect(result.text).not.toMatch(/download/i);
  });
});

describe("webftp_download_file extract", () => {
  test("refuses a symlinked directory in the destination and writes nothing outside", async () => {
    await h.call("command_run", {
      workspace: "acme",
      servers: [h.server],
      command: "mkdir -p /tmp/linked/conf && echo evil > /tmp/linked/conf/evil.txt",
    });
    const dest = join(h.dir, "extract-dest");
    const outside = tempDir();
    mkdirSync(dest);
    symlinkSync(outside, join(dest, "conf"));
    const result = await h.call("webftp_download_file", {
      workspace: "acme",
      server: h.server,
      remotePath: "/tmp/linked",
      localPath: "extract-dest",
      resourceType: "folder",
      extract: true,
    });
    expectToolError(result, "conf is a symbolic link");
    expect(result.text).toContain("Choose another local path");
    expect(readdirSync(outside)).toEqual([]);
    expect(readdirSync(dest)).toEqual(["conf"]);
  });
});
