import { execFileSync } from "node:child_process";
import { link, lstat, mkdtemp, readdir, readFile, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { downloadFile, remoteFilePath, uploadFile } from "../../src/node.js";
import { destAndOutside } from "../helpers/places.js";
import { useSdkSandbox } from "../helpers/sandbox.js";
import { useTempDir } from "../helpers/temp-dir.js";

const env = useSdkSandbox();
const base = useTempDir("alpacon-files-safety-");

function server(): string {
  return env.serverIds(1)[0]!;
}

function places(): Promise<{ dest: string; outside: string }> {
  return destAndOutside(base());
}

async function remoteFile(remotePath: string, content: string): Promise<void> {
  const local = join(await mkdtemp(join(base(), "src-")), "source.txt");
  await writeFile(local, content);
  await uploadFile(env.client(), { server: server(), localPath: local, remotePath });
}

describe("downloadFile never writes through what is at the target", () => {
  it("replaces a hard link's name; the outside file keeps its content", async () => {
    const { dest, outside } = await places();
    await remoteFile("/tmp/safety-hard.txt", "downloaded");
    await writeFile(join(outside, "victim.txt"), "original");
    await link(join(outside, "victim.txt"), join(dest, "hard.txt"));
    await downloadFile(env.client(), {
      server: server(),
      remotePath: "/tmp/safety-hard.txt",
      localPath: join(dest, "hard.txt"),
    });
    expect(await readFile(join(outside, "victim.txt"), "utf8")).toBe("original");
    expect(await readFile(join(dest, "hard.txt"), "utf8")).toBe("downloaded");
  });

  it("replaces a dangling symlink instead of creating its target outside", async () => {
    const { dest, outside } = await places();
    await remoteFile("/tmp/safety-dangling.txt", "downloaded");
    await symlink(join(outside, "created.txt"), join(dest, "new.txt"));
    await downloadFile(env.client(), {
      server: server(),
      remotePath: "/tmp/safety-dangling.txt",
      localPath: join(dest, "new.txt"),
    });
    expect(await readdir(outside)).toEqual([]);
    expect((await lstat(join(dest, "new.txt"))).isFile()).toBe(true);
  });

  it("refuses a FIFO at the target at once, leaving it and no temporary file", async () => {
    const { dest } = await places();
    await remoteFile("/tmp/safety-fifo.txt", "downloaded");
    execFileSync("mkfifo", [join(dest, "pipe")]);
    await expect(
      downloadFile(env.client(), {
        server: server(),
        remotePath: "/tmp/safety-fifo.txt",
        localPath: join(dest, "pipe"),
      }),
    ).rejects.toThrow(/pipe exists and is not a regular file/);
    expect(await readdir(dest)).toEqual(["pipe"]);
  }, 5_000);

  it("checkOpened sees the real destination and can refuse it before anything is written", async () => {
    const { dest } = await places();
    const seen: string[] = [];
    await expect(
      downloadFile(env.client(), {
        server: server(),
        remotePath: "/tmp/safety-fifo.txt",
        localPath: join(dest, "x.txt"),
        checkOpened: (real) => {
          seen.push(real);
          throw new Error("refused by the caller");
        },
      }),
    ).rejects.toThrow("refused by the caller");
    expect(seen).toEqual([join(dest, "x.txt")]);
    expect(await readdir(dest)).toEqual([]);
  });
});

describe("uploadFile reads only the regular file it opened", () => {
  it("refuses a FIFO at once instead of blocking on it", async () => {
    const { dest } = await places();
    execFileSync("mkfifo", [join(dest, "pipe")]);
    await expect(
      uploadFile(env.client(), {
        server: server(),
        localPath: join(dest, "pipe"),
        remotePath: "/tmp/pipe",
      }),
    ).rejects.toThrow(/is not a regular file/);
  }, 5_000);

  it("refuses a character device", async () => {
    await expect(
      uploadFile(env.client(), {
        server: server(),
        localPath: "/dev/zero",
        remotePath: "/tmp/zero",
      }),
    ).rejects.toThrow(/is not a regular file/);
  });

  it("passes the real path of the opened file to checkOpened", async () => {
    const { dest, outside } = await places();
    await writeFile(join(outside, "secret.txt"), "secret");
    await symlink(join(outside, "secret.txt"), join(dest, "link.txt"));
    const seen: string[] = [];
    await expect(
      uploadFile(env.client(), {
        server: server(),
        localPath: join(dest, "link.txt"),
        remotePath: "/tmp/x",
        checkOpened: (real) => {
          seen.push(real);
          throw new Error("outside");
        },
      }),
    ).rejects.toThrow("outside");
    expect(seen).toEqual([join(outside, "secret.txt")]);
  });

  it("a remote path ending in / keeps the local file name", async () => {
    expect(remoteFilePath("/home/user/", "config/app.txt")).toBe("/home/user/app.txt");
    expect(remoteFilePath("/home/user/app.conf", "x.txt")).toBe("/home/user/app.conf");
    const { dest } = await places();
    await writeFile(join(dest, "config.txt"), "key=value\n");
    const result = await uploadFile(env.client(), {
      server: server(),
      localPath: join(dest, "config.txt"),
      remotePath: "/tmp/",
    });
    expect(result.remotePath).toBe("/tmp/config.txt");
    const back = join(dest, "back.txt");
    await downloadFile(env.client(), {
      server: server(),
      remotePath: "/tmp/config.txt",
      localPath: back,
    });
    expect(await readFile(back, "utf8")).toBe("key=value\n");
  });
});

/**
 * An API that names a plain-http storage URL on another host. The answer is rewritten on its
 * way back; the storage side is a recorder, so no byte ever leaves loopback.
 */
function hostileClient(allowInsecure?: boolean) {
  const contacted: string[] = [];
  const fetchImpl: typeof fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.hostname !== "127.0.0.1") {
      contacted.push(url.href);
      throw new Error("the test refuses to leave loopback");
    }
    const response = await fetch(input, init);
    if (!/\/api\/webftp\/(uploads|downloads)\/$/.test(url.pathname) || init?.method !== "POST") {
      return response;
    }
    const body = (await response.json()) as Record<string, unknown>;
    for (const key of ["upload_url", "download_url"]) {
      if (typeof body[key] === "string") {
        const moved = new URL(body[key] as string);
        body[key] = `http://storage.example.com${moved.pathname}${moved.search}`;
      }
    }
    return new Response(JSON.stringify(body), {
      status: response.status,
      headers: { "content-type": "application/json" },
    });
  };
  return { client: env.client({ fetch: fetchImpl, allowInsecure }), contacted };
}

describe("storage URLs from the API", () => {
  it("refuses plain http to a non-loopback host for uploads, sending nothing", async () => {
    const { client, contacted } = hostileClient();
    await expect(
      client.webftp.upload({
        server: server(),
        remotePath: "/tmp/hostile.txt",
        source: new TextEncoder().encode("file contents"),
      }),
    ).rejects.toThrow(/storage URL .*http:\/\/storage\.example\.com is not https/);
    expect(contacted).toEqual([]);
  });

  it("refuses plain http to a non-loopback host for downloads", async () => {
    await remoteFile("/tmp/hostile-down.txt", "x");
    const { client, contacted } = hostileClient();
    const chunks: Uint8Array[] = [];
    await expect(
      client.webftp.download({
        server: server(),
        remotePath: "/tmp/hostile-down.txt",
        destination: new WritableStream({ write: (chunk) => void chunks.push(chunk) }),
      }),
    ).rejects.toThrow(/not https/);
    expect(contacted).toEqual([]);
  });

  it("allowInsecure is the explicit opt-in", async () => {
    const { client, contacted } = hostileClient(true);
    // The client's own fetch carries the storage PUT too: it records the URL and refuses it.
    await client.webftp
      .upload({
        server: server(),
        remotePath: "/tmp/hostile.txt",
        source: new TextEncoder().encode("x"),
        timeoutMs: 200,
      })
      .catch(() => undefined);
    expect(contacted[0]).toMatch(/^http:\/\/storage\.example\.com\//);
  });
});
