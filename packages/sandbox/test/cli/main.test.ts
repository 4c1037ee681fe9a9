import { mkdtemp, readFile, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  describeSandbox,
  main,
  parseCliArgs,
  parseFaultSpec,
  writeTokenFile,
} from "../../src/cli/main.js";
import { useSandbox } from "../helpers/sandbox.js";

const h = useSandbox({ servers: 4, controlToken: "test-control-token" });

describe("CLI", () => {
  it("parses flags and fault specs", () => {
    const cfg = parseCliArgs([
      "--port",
      "0",
      "--servers",
      "1000",
      "--seed",
      "9",
      "--latency",
      "20",
      "--jitter",
      "5",
      "--fault",
      "error:status=503,rate=0.1,path=/api/servers/*",
      "--fault",
      "reset:times=1,method=GET|POST",
      "--workspace",
      "ap1/acme",
      "--command-delay",
      "manual",
      "--token-file",
      "/tmp/x.json",
    ]);
    expect(cfg.options).toMatchObject({
      port: 0,
      servers: 1000,
      seed: 9,
      latency: { ms: 20, jitter: 5 },
      commandDelays: "manual",
      workspaces: [{ region: "ap1", workspace: "acme" }],
    });
    expect(cfg.options.faults).toEqual([
      { kind: "error", status: 503, rate: 0.1, path: "/api/servers/*" },
      { kind: "reset", times: 1, method: ["GET", "POST"] },
    ]);
    expect(cfg.tokenFile).toBe("/tmp/x.json");
    expect(() => parseFaultSpec("explode")).toThrow(/Unknown fault kind/);
    expect(() => parseCliArgs(["--servers", "many"])).toThrow();
  });

  it("prints each workspace's identity provider in the banner", () => {
    const banner = describeSandbox(h.sandbox, 1, 4, null);
    const idp = h.sandbox.idp("ap1/acme");
    expect(banner).toContain(`idp          ${idp.issuer}  (OIDC; client ${idp.cliClientId})`);
  });

  it("writes a 0600 token file in the {region: {workspace: {token, url}}} form", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sandbox-"));
    const path = await writeTokenFile(join(dir, "nested", "token.json"), h.sandbox);
    const content = JSON.parse(await readFile(path, "utf8"));
    expect(content.ap1.acme).toEqual({
      token: h.sandbox.workspaces[0]!.tokens.admin,
      url: h.sandbox.workspaces[0]!.baseUrl,
    });
    expect(content.us1.globex.url).toBe(h.sandbox.workspaces[1]!.baseUrl);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it("prints usage for --help and refuses bad flags", async () => {
    const out: string[] = [];
    expect(await main(["--help"], (t) => out.push(t))).toBe(0);
    expect(out[0]).toContain("alpacon-sandbox");
    expect(await main(["--nope"], (t) => out.push(t))).toBe(2);
    expect(await main(["--host", "0.0.0.0", "--port", "0"], (t) => out.push(t))).toBe(1);
  });
});
