/**
 * The response-shape variants (openapi/README.md, "Where the evidence is split"): one workspace
 * serves the defaults, the other every alternative. Every call goes through the contract check,
 * so each shape is also proof that the spec accepts it.
 */
import { describe, expect, it } from "vitest";
import { ALTERNATIVE_VARIANTS, DEFAULT_VARIANTS } from "../src/index.js";
import { eventually, readJson, useSandbox } from "./helpers/sandbox.js";
import { waitForStatus } from "./webftp/transfer-client.js";

const h = useSandbox({
  servers: 6,
  workspaces: [
    { region: "ap1", workspace: "acme" },
    {
      region: "ap1",
      workspace: "tolerant",
      variants: ALTERNATIVE_VARIANTS,
    },
  ],
});

const DEFAULT = 0;
const TOLERANT = 1;

function onlineServer(index: number): string {
  const ws = h.sandbox.workspaces[index]!;
  const servers = h.sandbox.control.workspace(ws.region, ws.workspace).servers();
  const online = servers.find((s) => s.is_connected === true && s.os_name !== "Windows");
  return String(online?.id);
}

const since = () => new Date(Date.now() - 3_600_000).toISOString();

describe("metrics lists", () => {
  it("serve a bare array by default and { results } in the variant", async () => {
    const query = (index: number) =>
      `/api/metrics/realtime/cpu/?server=${onlineServer(index)}&start=${encodeURIComponent(since())}`;
    const plain = await h.api(DEFAULT).get(query(DEFAULT));
    expect(Array.isArray(plain.body)).toBe(true);
    const wrapped = await h.api(TOLERANT).get(query(TOLERANT));
    expect(Object.keys(wrapped.body)).toEqual(["results"]);
    expect(wrapped.body.results[0]).toHaveProperty("usage");
    const top = await h.api(TOLERANT).get("/api/metrics/realtime/traffic/top/");
    expect(top.body.results[0].server).toHaveProperty("name");
  });
});

describe("foreign keys", () => {
  it("nest summaries by default and send bare UUIDs in the variant", async () => {
    const nested = await h.api(DEFAULT).get("/api/events/events/?page_size=1");
    expect(nested.body.results[0].server).toHaveProperty("name");
    const flat = await h.api(TOLERANT).get("/api/events/events/?page_size=1");
    expect(flat.body.results[0].server).toMatch(/^[0-9a-f-]{36}$/);
    const detail = await h.api(TOLERANT).get(`/api/events/events/${flat.body.results[0].id}/`);
    expect(typeof detail.body.server).toBe("string");

    const server = onlineServer(TOLERANT);
    const session = await h.api(TOLERANT).post("/api/webftp/sessions/", { server });
    expect(session.body.server).toBe(server);
    expect(typeof session.body.user).toBe("string");
  });
});

describe("commands", () => {
  it("answer the create with one object and the detail with only the CLI's fields", async () => {
    const api = h.api(TOLERANT);
    const created = await api.post("/api/events/commands/", {
      shell: "system",
      line: "echo hi",
      server: onlineServer(TOLERANT),
    });
    expect(created.status).toBe(201);
    expect(Array.isArray(created.body)).toBe(false);
    const detail = await eventually(async () => {
      const res = await api.get(`/api/events/commands/${created.body.id}/`);
      return res.body.status === "success" ? res.body : undefined;
    });
    expect(detail.result).toBe("hi\n");
    expect(detail).not.toHaveProperty("handled_at");
    expect(detail).not.toHaveProperty("acked_at");
    expect(detail).not.toHaveProperty("username");

    const full = await h.api(DEFAULT).post("/api/events/commands/", {
      shell: "system",
      line: "true",
      server: onlineServer(DEFAULT),
    });
    expect(Array.isArray(full.body)).toBe(true);
  });
});

describe("webftp without presigned URLs", () => {
  it("answers an upload with upload_url null; with nothing stored the agent reports failure", async () => {
    const api = h.api(TOLERANT);
    const server = onlineServer(TOLERANT);
    const created = await api.post("/api/webftp/uploads/", {
      server,
      name: "a.txt",
      path: "/tmp/a.txt",
      allow_overwrite: true,
      allow_unzip: false,
    });
    expect(created.status).toBe(201);
    expect(created.body.upload_url).toBeNull();
    expect((await api.get(`/api/webftp/uploads/${created.body.id}/upload/`)).status).toBe(200);
    const status = await waitForStatus(api, "uploads", created.body.id);
    expect(status.success).toBe(false);
    const listed = await api.get(`/api/webftp/uploads/?server=${server}`);
    expect(listed.body.results[0].server).toBe(server);
  });

  it("answers a download with download_url null and carries the URL in the finished status", async () => {
    const api = h.api(TOLERANT);
    const created = await api.post("/api/webftp/downloads/", {
      server: onlineServer(TOLERANT),
      path: "/etc/hostname",
      resource_type: "file",
    });
    expect(created.body.download_url).toBeNull();
    await waitForStatus(api, "downloads", created.body.id);
    const status = await api.get(`/api/webftp/downloads/${created.body.id}/status/`);
    expect(status.body.success).toBe(true);
    const bytes = await fetch(status.body.download_url);
    expect(bytes.status).toBe(200);
    expect((await bytes.text()).trim()).not.toBe("");

    const plain = await h.api(DEFAULT).post("/api/webftp/downloads/", {
      server: onlineServer(DEFAULT),
      path: "/etc/hostname",
      resource_type: "file",
    });
    await waitForStatus(h.api(DEFAULT), "downloads", plain.body.id);
    const plainStatus = await h.api(DEFAULT).get(`/api/webftp/downloads/${plain.body.id}/status/`);
    expect(plainStatus.body).not.toHaveProperty("download_url");
  });
});

describe("one-row system endpoints", () => {
  it("answer a page by default and the row itself in the variant", async () => {
    const page = await h.api(DEFAULT).get(`/api/proc/os/?server=${onlineServer(DEFAULT)}`);
    expect(page.body.results).toHaveLength(1);
    const row = await h.api(TOLERANT).get(`/api/proc/os/?server=${onlineServer(TOLERANT)}`);
    expect(row.body).toHaveProperty("platform");
    expect(row.body).not.toHaveProperty("results");
    const time = await h.api(TOLERANT).get(`/api/proc/time/?server=${onlineServer(TOLERANT)}`);
    expect(time.body).toHaveProperty("timezone");
    const info = await h.api(TOLERANT).get(`/api/proc/info/?server=${onlineServer(TOLERANT)}`);
    expect(info.body).toHaveProperty("hostname");
    const users = await h.api(TOLERANT).get(`/api/proc/users/?server=${onlineServer(TOLERANT)}`);
    expect(users.body).toHaveProperty("results");
  });
});

describe("setting variants", () => {
  it("switches one workspace at run time and refuses unknown names or choices", async () => {
    const control = h.sandbox.control;
    control.setVariants({ metricsList: "results" }, "ap1/acme");
    expect(control.workspace("ap1", "acme").variants().metricsList).toBe("results");
    expect(control.workspace("ap1", "tolerant").variants().foreignKeys).toBe("uuid");
    expect(() => control.setVariants({ metricsList: "xml" } as never)).toThrow(
      /metricsList must be one of array, results/,
    );
    expect(() => control.setVariants({ nope: "x" } as never)).toThrow(/Unknown variant "nope"/);

    const res = await fetch(`${h.sandbox.url}/_sandbox/variants`, {
      method: "PUT",
      headers: {
        authorization: `Bearer ${h.sandbox.controlToken}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({ workspace: "ap1/acme", ...DEFAULT_VARIANTS }),
    });
    expect(res.status).toBe(200);
    const body = await readJson(res);
    expect(body.variants[0]).toEqual({ workspace: "ap1/acme", ...DEFAULT_VARIANTS });
    const bad = await fetch(`${h.sandbox.url}/_sandbox/variants`, {
      method: "PUT",
      headers: {
        authorization: `Bearer ${h.sandbox.controlToken}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({ uploadUrl: "maybe" }),
    });
    expect(bad.status).toBe(400);
    expect((await readJson(bad)).detail).toMatch(/uploadUrl must be one of presigned, null/);
  });

  it("takes --variant name=value on the command line", async () => {
    const { parseCliArgs } = await import("../src/cli/main.js");
    const cfg = parseCliArgs(["--variant", "metricsList=results", "--variant", "uploadUrl=null"]);
    expect(cfg.options.variants).toEqual({ metricsList: "results", uploadUrl: "null" });
    expect(() => parseCliArgs(["--variant", "metricsList"])).toThrow(/name=value/);
    expect(() => parseCliArgs(["--variant", "metricsList=csv"])).toThrow(/array, results/);
  });

  it("refuses a bad variant at start", async () => {
    const { startSandbox } = await import("../src/index.js");
    await expect(
      startSandbox({ port: 0, variants: { foreignKeys: "flat" } as never }),
    ).rejects.toThrow(/foreignKeys must be one of nested, uuid/);
  });
});
