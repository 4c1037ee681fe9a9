import { type Sandbox, startSandbox } from "@alpacon/sandbox";
import { type AlpaconClient, createAlpaconClient } from "@alpacon/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fanOut } from "../src/fan-out.js";
import { fileRoundTrip } from "../src/file-round-trip.js";
import { fleetOverview } from "../src/fleet-overview.js";
import type { Example } from "../src/run.js";
import { webshExec } from "../src/websh-exec.js";

let sandbox: Sandbox;
let alpacon: AlpaconClient;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, servers: 12 });
  const [ws] = sandbox.workspaces;
  alpacon = createAlpaconClient({
    workspace: ws!.workspace,
    region: ws!.region,
    baseUrl: ws!.baseUrl,
    token: ws!.tokens.admin,
  });
});

afterAll(async () => {
  await alpacon.websh.closeAll();
  await sandbox.close();
});

async function run(example: Example): Promise<string[]> {
  const lines: string[] = [];
  await example(alpacon, (line) => lines.push(line));
  return lines;
}

describe("examples run against the sandbox", () => {
  it("fleet overview counts servers by status and names hot servers", async () => {
    const lines = await run(fleetOverview);
    const counts = [...lines[0]!.matchAll(/ (\d+)/g)].map((match) => Number(match[1]));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(12);
    expect(lines.slice(1).every((line) => /hot: \S+ peaked at [\d.]+ % CPU/.test(line))).toBe(true);
  });

  it("fan-out reports exit codes of every server", async () => {
    const lines = await run(fanOut);
    expect(lines[0]).toMatch(/^ran on \d+ servers$/);
    expect(lines[1]).toMatch(/^exit 0 on \d+ servers, other outcomes on 0$/);
  });

  it("websh exec keeps the working directory and reports exit codes", async () => {
    const lines = await run(webshExec);
    expect(lines[0]).toBe("cwd is /var/log (exit 0)");
    expect(lines[1]).toMatch(
      /^cat of a missing file exits 1: cat: \/no\/such\/file: No such file or directory$/,
    );
  });

  it("a file round trip returns identical bytes", async () => {
    const lines = await run(fileRoundTrip);
    expect(lines[0]).toMatch(/^uploaded \d+ bytes/);
    expect(lines[1]).toMatch(/identical: true$/);
  });
});
