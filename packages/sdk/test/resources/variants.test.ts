/**
 * The SDK against both shapes of every split case (openapi/README.md, "Where the evidence is
 * split"): workspace 0 serves the defaults, workspace 1 every alternative. The same calls must
 * give the same normalised answers.
 */
import { ALTERNATIVE_VARIANTS } from "@alpacon/sandbox";
import { describe, expect, it } from "vitest";
import { WebftpTransferError } from "../../src/index.js";
import { useSdkSandbox } from "../helpers/sandbox.js";

const env = useSdkSandbox({
  servers: 6,
  commandDelays: 6,
  workspaces: [
    { region: "ap1", workspace: "acme" },
    {
      region: "ap1",
      workspace: "tolerant",
      variants: ALTERNATIVE_VARIANTS,
    },
  ],
});

const SHAPES = [
  { label: "default shapes", index: 0 },
  { label: "alternative shapes", index: 1 },
] as const;

describe.each(SHAPES)("with the $label", ({ index }) => {
  const client = () => env.client({ index, timeoutMs: 15_000 });
  const server = () => env.serverIds(1, index)[0]!;

  it("reads realtime metrics and top rankings as arrays", async () => {
    const start = new Date(Date.now() - 3_600_000);
    const cpu = await client().metrics.cpuUsage({ server: server(), start });
    expect(cpu.length).toBeGreaterThan(0);
    expect(typeof cpu[0]?.usage).toBe("number");
    const traffic = await client().metrics.networkTraffic({ server: server(), start });
    expect(traffic[0]).toHaveProperty("interface");
    const disks = await client().metrics.diskUsage({ server: server(), start });
    expect(disks[0]).toHaveProperty("device");
    const top = await client().metrics.cpuTopServers();
    expect(top.length).toBeGreaterThan(0);
    expect(top[0]?.server.id).toMatch(/^[0-9a-f-]{36}$/);
    const summary = await client().metrics.summary({ server: server(), start });
    expect(summary.unavailable).toEqual([]);
    expect(summary.cpu?.samples).toBeGreaterThan(0);
  });

  it("reads one-row system endpoints as a page of one", async () => {
    const os = await client().system.osVersion({ server: server() });
    expect(os.results).toHaveLength(1);
    expect(os.results[0]?.name).toBeTruthy();
    const time = await client().system.time({ server: server() });
    expect(time.results[0]?.timezone).toBeTruthy();
    const info = await client().system.info({ server: server() });
    expect(info.results[0]?.hostname).toBeTruthy();
  });

  it("reads events with the server as a reference that always has an id", async () => {
    const page = await client().events.list({ page_size: 3 });
    const [first] = page.results;
    expect(first?.server.id).toMatch(/^[0-9a-f-]{36}$/);
    if (index === 0) expect(first?.server.name).toBeTruthy();
    else expect(first?.server.name).toBeUndefined();
    const again = await client().events.get(first!.id);
    expect(again.server.id).toBe(first?.server.id);
  });

  it("runs a command to its exit code, whatever the create and detail shapes", async () => {
    const [created] = await client().commands.create({
      shell: "system",
      line: "true",
      server: server(),
    });
    expect(created?.id).toMatch(/^[0-9a-f-]{36}$/);
    const [result] = await client().commands.run({ servers: server(), line: "echo hi; exit 3" });
    expect(result).toMatchObject({ exitCode: 3, status: "failed", output: "hi\n" });
    expect(result?.error).toBeUndefined();
  });

  it("lists webftp sessions and transfers with server references", async () => {
    const session = await client().webftp.sessions.create({ server: server() });
    expect(session.server?.id).toBe(server());
    const sessions = await client().webftp.sessions.list({ server: server() });
    expect(sessions.results[0]?.server?.id).toBe(server());
    await client().webftp.download({
      server: server(),
      remotePath: "/etc/hostname",
      destination: new WritableStream(),
    });
    const downloads = await client().webftp.downloads.list({ server: server() });
    expect(downloads.results[0]?.server.id).toBe(server());
  });

  it("downloads a file whether the URL comes with the create answer or the status", async () => {
    const chunks: Uint8Array[] = [];
    const result = await client().webftp.download({
      server: server(),
      remotePath: "/etc/hostname",
      destination: new WritableStream({ write: (chunk) => void chunks.push(chunk) }),
    });
    expect(result.bytes).toBeGreaterThan(0);
    expect(Buffer.concat(chunks).toString().trim()).not.toBe("");
  });
});

describe("an upload without an upload URL", () => {
  it("sends no bytes, still triggers, and reports the agent's refusal with the reason", async () => {
    const server = env.serverIds(1, 1)[0]!;
    env.sandbox.control.clearJournal();
    const upload = env.client({ index: 1 }).webftp.upload({
      server,
      remotePath: "/tmp/direct.txt",
      source: new TextEncoder().encode("hello"),
    });
    await expect(upload).rejects.toThrow(WebftpTransferError);
    await expect(upload).rejects.toThrow(/no upload URL, so no bytes could be sent from here/);
    const journal = env.sandbox.control.journal();
    expect(journal.some((entry) => entry.method === "PUT")).toBe(false);
    expect(journal.filter((entry) => /\/uploads\/[^/]+\/upload\/$/.test(entry.path))).toHaveLength(
      1,
    );
  });

  it("reports success and direct: false with a presigned URL", async () => {
    const result = await env.client({ index: 0 }).webftp.upload({
      server: env.serverIds(1, 0)[0]!,
      remotePath: "/tmp/presigned.txt",
      source: new TextEncoder().encode("hello"),
    });
    expect(result).toMatchObject({ bytes: 5, direct: false });
  });
});
