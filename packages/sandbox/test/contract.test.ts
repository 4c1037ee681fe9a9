/**
 * One happy path and one main error for every operation of openapi/alpacon.yaml. Every call goes
 * through the contract check (request and response validated against the spec); the last test
 * asserts that each operation was seen with a 2xx and a 4xx status.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { approvalsContract } from "./contract/approvals.js";
import { auditContract } from "./contract/audit.js";
import { certsContract } from "./contract/certs.js";
import { packagesContract, webhooksContract } from "./contract/packages.js";
import { securityContract } from "./contract/security.js";
import { describeServerAdminContract } from "./contract/server-admin.js";
import { tokenContract } from "./contract/tokens.js";
import { describeWorkspaceContract } from "./contract/workspace.js";
import { coverage, operations } from "./helpers/contract.js";
import { type Api, eventually, useSandbox } from "./helpers/sandbox.js";

const h = useSandbox({ servers: 20, seed: 7 });
const NOBODY = "00000000-0000-4000-8000-000000000000";

let api: Api;
let jwt: Api;
let linux: { id: string; name: string };
let offline: { id: string; name: string };

beforeAll(() => {
  api = h.api();
  jwt = h.api(0, "jwt");
  const ws = h.sandbox.control.workspace("ap1", "acme");
  const servers = ws.servers() as {
    id: string;
    name: string;
    is_connected: boolean;
    os_name: string;
  }[];
  const online = servers.filter((s) => s.is_connected && s.os_name !== "Windows");
  linux = online[0] as { id: string; name: string };
  offline = online[1] as { id: string; name: string };
  ws.setServerConnected(offline.id, false);
});

describe("auth", () => {
  it("getStatus", async () => {
    expect((await api.get("/api/status/")).body).toEqual({ status: "Good" });
    const anon = await api.withAuthorization(null).get("/api/status/");
    expect(anon.status).toBe(401);
    expect(anon.body).toEqual({ detail: "Authentication credentials were not provided." });
  });
});

describe("servers", () => {
  it("listServers", async () => {
    const res = await api.get("/api/servers/servers/?page_size=5");
    expect(res.status).toBe(200);
    expect(res.body.results).toHaveLength(5);
    const bad = await api.get("/api/servers/servers/?owner=nope", { invalidRequest: true });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ owner: ["Enter a valid UUID."] });
  });

  it("getServer", async () => {
    const res = await api.get(`/api/servers/servers/${linux.id}/`);
    expect(res.body.name).toBe(linux.name);
    expect(typeof res.body.uptime).toBe("number");
    expect((await api.get(`/api/servers/servers/${NOBODY}/`)).status).toBe(404);
  });
});

describe("notes", () => {
  let noteId: string;

  it("createServerNote", async () => {
    const res = await api.post("/api/servers/notes/", {
      server: linux.id,
      content: "Patched openssl.",
    });
    expect(res.status).toBe(201);
    expect(res.body.server.id).toBe(linux.id);
    noteId = res.body.id;
    const long = await api.post(
      "/api/servers/notes/",
      { server: linux.id, content: "x".repeat(513) },
      { invalidRequest: true },
    );
    expect(long.status).toBe(400);
    expect(long.body).toEqual({ content: ["Ensure this field has no more than 512 characters."] });
  });

  it("listServerNotes", async () => {
    const res = await api.get(`/api/servers/notes/?server=${linux.id}`);
    expect(res.body.results.some((n: { id: string }) => n.id === noteId)).toBe(true);
    expect((await api.get("/api/servers/notes/?server=x", { invalidRequest: true })).status).toBe(
      400,
    );
  });

  it("getServerNote", async () => {
    expect((await api.get(`/api/servers/notes/${noteId}/`)).body.content).toBe("Patched openssl.");
    expect((await api.get(`/api/servers/notes/${NOBODY}/`)).status).toBe(404);
  });

  it("updateServerNote", async () => {
    const res = await api.patch(`/api/servers/notes/${noteId}/`, { pinned: true });
    expect(res.body.pinned).toBe(true);
    // A non-staff member may not edit someone else's note.
    const denied = await jwt.patch(`/api/servers/notes/${noteId}/`, { content: "mine now" });
    expect(denied.status).toBe(403);
  });

  it("deleteServerNote", async () => {
    expect((await api.delete(`/api/servers/notes/${noteId}/`)).status).toBe(204);
    expect((await api.delete(`/api/servers/notes/${noteId}/`)).status).toBe(404);
  });
});

describe("metrics", () => {
  const start = () => encodeURIComponent(new Date(Date.now() - 3 * 3_600_000).toISOString());

  it("getCpuUsage", async () => {
    const res = await api.get(`/api/metrics/realtime/cpu/?server=${linux.id}&start=${start()}`);
    expect(res.body.length).toBeGreaterThan(30);
    const missing = await api.get(`/api/metrics/realtime/cpu/?server=${linux.id}`, {
      invalidRequest: true,
    });
    expect(missing.body).toEqual({ start: ["This field is required."] });
  });

  it("getMemoryUsage", async () => {
    const res = await api.get(`/api/metrics/realtime/memory/?server=${linux.id}&start=${start()}`);
    expect(res.body[0].usage).toBeGreaterThan(0);
    const empty = await api.get(
      `/api/metrics/realtime/memory/?server=${linux.id}&start=2001-01-01T00:00:00Z&end=2001-01-02T00:00:00Z`,
    );
    expect(empty.status).toBe(400);
    expect(empty.body.code).toBe("api_insufficient_data");
  });

  it("getDiskUsage", async () => {
    const res = await api.get(
      `/api/metrics/realtime/disk-usage/?server=${linux.id}&start=${start()}&partition=/`,
    );
    expect(res.body[0].mount_point).toBe("/");
    expect(res.body[0].used + res.body[0].free).toBe(res.body[0].total);
    const neither = await api.get(
      `/api/metrics/realtime/disk-usage/?server=${linux.id}&start=${start()}`,
    );
    expect(neither.status).toBe(400);
  });

  it("listDiskUsageDevices", async () => {
    const res = await api.get(`/api/metrics/realtime/disk-usage/device/?server=${linux.id}`);
    expect(res.body.devices.length).toBeGreaterThan(0);
    const missing = await api.get("/api/metrics/realtime/disk-usage/device/", {
      invalidRequest: true,
    });
    expect(missing.body).toEqual({ server: ["This field is required."] });
  });

  it("getDiskIo", async () => {
    const res = await api.get(`/api/metrics/realtime/disk-io/?server=${linux.id}&start=${start()}`);
    expect(res.body[0]).toHaveProperty("peak_read_bps");
    expect(
      (
        await api.get(`/api/metrics/realtime/disk-io/?server=x&start=${start()}`, {
          invalidRequest: true,
        })
      ).status,
    ).toBe(400);
  });

  it("getNetworkTraffic", async () => {
    const res = await api.get(`/api/metrics/realtime/traffic/?server=${linux.id}&start=${start()}`);
    expect(res.body[0]).toHaveProperty("interface");
    const none = await api.get(
      `/api/metrics/realtime/traffic/?server=${linux.id}&start=${start()}&interface=wlan9`,
    );
    expect(none.body.code).toBe("api_insufficient_data");
  });

  for (const [op, path] of [
    ["getCpuTopServers", "cpu"],
    ["getMemoryTopServers", "memory"],
    ["getDiskIoTopServers", "disk-io"],
    ["getTrafficTopServers", "traffic"],
  ] as const) {
    it(op, async () => {
      const res = await api.get(`/api/metrics/realtime/${path}/top/`);
      expect(res.body).toHaveLength(5);
      expect(res.body[0].value).toBeGreaterThanOrEqual(res.body[4].value);
      expect(
        (await api.withAuthorization('token="wrong"').get(`/api/metrics/realtime/${path}/top/`))
          .status,
      ).toBe(401);
    });
  }
});

describe("alerts", () => {
  let ruleId: string;
  let alertId: string;

  it("listAlertRules", async () => {
    const res = await api.get("/api/metrics/alert-rules/");
    expect(res.body.results.map((r: { target: string }) => r.target)).toEqual(
      expect.arrayContaining(["cpu-usage", "memory-usage", "disk-usage"]),
    );
    const bad = await api.get("/api/metrics/alert-rules/?server=nope", { invalidRequest: true });
    expect(bad.status).toBe(400);
  });

  it("createAlertRule", async () => {
    const res = await api.post("/api/metrics/alert-rules/", {
      name: "any CPU",
      target: "cpu-usage",
      threshold: 0.01,
      is_default: false,
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: "any CPU", target: "cpu-usage", is_default: false });
    ruleId = res.body.id;
    const bad = await api.post(
      "/api/metrics/alert-rules/",
      { name: "disk", target: "disk", threshold: 85 },
      { invalidRequest: true },
    );
    expect(bad.body).toEqual({ target: ['"disk" is not a valid choice.'] });
  });

  it("getAlertRule", async () => {
    expect((await api.get(`/api/metrics/alert-rules/${ruleId}/`)).body.threshold).toBe(0.01);
    expect((await api.get(`/api/metrics/alert-rules/${NOBODY}/`)).status).toBe(404);
  });

  it("attachAlertRule", async () => {
    const res = await api.post(`/api/servers/servers/${linux.id}/attach-rule/`, { rule: ruleId });
    expect(res.status).toBe(204);
    const unknown = await api.post(`/api/servers/servers/${NOBODY}/attach-rule/`, {
      rule: ruleId,
    });
    expect(unknown.status).toBe(404);
  });

  it("listAlerts", async () => {
    // The attached rule's threshold is under any CPU reading: the latest sample fires it.
    const res = await api.get(`/api/alerts/?server=${linux.id}&alert_type=metric_threshold`);
    const fired = res.body.results.find((a: { rule: string }) => a.rule === ruleId);
    expect(fired).toMatchObject({ status: "triggered", target: "cpu-usage", acknowledged: false });
    expect(fired.value).toBeGreaterThan(0.01);
    alertId = fired.id;
    const bad = await api.get("/api/alerts/?server=x", { invalidRequest: true });
    expect(bad.status).toBe(400);
  });

  it("getAlert", async () => {
    expect((await api.get(`/api/alerts/${alertId}/`)).body.server.id).toBe(linux.id);
    expect((await api.get(`/api/alerts/${NOBODY}/`)).status).toBe(404);
  });

  it("acknowledgeAlert", async () => {
    const res = await api.post(`/api/alerts/${alertId}/acknowledge/`, { action_type: "checked" });
    expect(res.body).toEqual({ message: "Alert checked successfully" });
    const again = await api.post(`/api/alerts/${alertId}/acknowledge/`, {
      action_type: "dismissed",
    });
    expect(again.status).toBe(400);
    const after = await api.get(`/api/alerts/${alertId}/`);
    expect(after.body.acknowledgements).toEqual([
      {
        user: expect.objectContaining({ id: expect.any(String) }),
        action_type: "checked",
        added_at: expect.any(String),
      },
    ]);
  });

  it("updateAlertRule", async () => {
    const res = await api.patch(`/api/metrics/alert-rules/${ruleId}/`, { threshold: 100 });
    expect(res.body.threshold).toBe(100);
    const clash = await api.patch(`/api/metrics/alert-rules/${ruleId}/`, {
      is_default: true,
    });
    expect(clash.status).toBe(400);
    expect(clash.body).toEqual({ is_default: ["A default rule for cpu-usage already exists."] });
  });

  it("detachAlertRule", async () => {
    const res = await api.post(`/api/servers/servers/${linux.id}/detach-rule/`, { rule: ruleId });
    expect(res.status).toBe(204);
    const bad = await api.post(`/api/servers/servers/${linux.id}/detach-rule/`, { rule: NOBODY });
    expect(bad.body).toEqual({ rule: [`Invalid pk "${NOBODY}" - object does not exist.`] });
  });

  it("deleteAlertRule", async () => {
    const defaults = await api.get("/api/metrics/alert-rules/");
    const cpu = defaults.body.results.find((r: { is_default: boolean }) => r.is_default);
    expect((await api.delete(`/api/metrics/alert-rules/${cpu.id}/`)).status).toBe(400);
    expect((await api.delete(`/api/metrics/alert-rules/${ruleId}/`)).status).toBe(204);
  });
});

describe("system", () => {
  for (const [op, path] of [
    ["listSystemInfo", "info"],
    ["listOsVersions", "os"],
    ["listSystemUsers", "users"],
    ["listSystemGroups", "groups"],
    ["listSystemPackages", "packages"],
    ["listNetworkInterfaces", "interfaces"],
    ["listDisks", "disks"],
    ["listPartitions", "partitions"],
    ["listSystemTimes", "time"],
  ] as const) {
    it(op, async () => {
      const res = await api.get(`/api/proc/${path}/?server=${linux.id}`);
      expect(res.body.count).toBeGreaterThan(0);
      const missing = await api.get(`/api/proc/${path}/`, { invalidRequest: true });
      expect(missing.status).toBe(400);
      expect((await api.get(`/api/proc/${path}/?server=${linux.id}&page=999`)).status).toBe(404);
    });
  }
});

describe("events", () => {
  it("listEvents and getEvent", async () => {
    const res = await api.get(`/api/events/events/?server=${linux.id}`);
    expect(res.body.count).toBeGreaterThan(0);
    const event = res.body.results[0];
    const detail = await api.get(`/api/events/events/${event.id}/`);
    expect(detail.body.data).toBeDefined();
    expect((await api.get("/api/events/events/?server=x", { invalidRequest: true })).status).toBe(
      400,
    );
    expect((await api.get(`/api/events/events/${NOBODY}/`)).status).toBe(404);
  });
});

describe("commands", () => {
  let commandId: string;

  it("createCommand", async () => {
    const res = await api.post("/api/events/commands/", {
      server: linux.id,
      line: "hostname",
      shell: "system",
    });
    expect(res.status).toBe(201);
    expect(Array.isArray(res.body)).toBe(true);
    commandId = res.body[0].id;
    const bash = await api.post(
      "/api/events/commands/",
      { server: linux.id, line: "ls", shell: "bash" },
      { invalidRequest: true },
    );
    expect(bash.body).toEqual({ shell: ['"bash" is not a valid choice.'] });
  });

  it("getCommand", async () => {
    const done = await eventually(async () => {
      const r = await api.get(`/api/events/commands/${commandId}/`);
      return r.body.handled_at ? r : null;
    });
    expect(done.body.status).toBe("success");
    expect(done.body.result).toBe(`${linux.name}\n`);
    expect((await api.get(`/api/events/commands/${NOBODY}/`)).status).toBe(404);
  });

  it("listCommands", async () => {
    const res = await api.get(`/api/events/commands/?server=${linux.id}&ordering=-added_at`);
    expect(res.body.results[0].id).toBe(commandId);
    expect(
      (await api.get("/api/events/commands/?requested_by=x", { invalidRequest: true })).status,
    ).toBe(400);
  });

  it("listCommandChunks", async () => {
    const res = await api.get(`/api/events/commands/${commandId}/chunks/?seq__gte=0&ordering=seq`);
    expect(res.body.results[0]).toEqual({ seq: 0, content: `${linux.name}\n` });
    expect(
      (
        await api.get(`/api/events/commands/${commandId}/chunks/?seq__gte=abc`, {
          invalidRequest: true,
        })
      ).body,
    ).toEqual({
      seq__gte: ["Enter a number."],
    });
  });

  it("cancelCommand", async () => {
    const later = new Date(Date.now() + 3_600_000).toISOString();
    const created = await api.post("/api/events/commands/", {
      server: linux.id,
      line: "uptime",
      scheduled_at: later,
    });
    const id = created.body[0].id;
    expect((await api.delete(`/api/events/commands/${id}/`)).status).toBe(204);
    expect((await api.get(`/api/events/commands/${id}/`)).body.status).toBe("cancelled");
    const tooLate = await api.delete(`/api/events/commands/${commandId}/`);
    expect(tooLate.status).toBe(400);
  });

  it("acknowledgeCommand and finishCommand (agent credentials only)", async () => {
    h.sandbox.control.setCommandDelays("manual");
    try {
      const created = await api.post("/api/events/commands/", { server: linux.id, line: "uptime" });
      const id = created.body[0].id;
      const agent = api.withAuthorization(
        h.sandbox.control.workspace("ap1", "acme").agentAuthorization(linux.id),
      );
      expect((await api.post(`/api/events/commands/${id}/ack/`)).status).toBe(403);
      expect((await agent.post(`/api/events/commands/${id}/ack/`)).status).toBe(200);
      expect((await api.post(`/api/events/commands/${id}/fin/`, { success: true })).status).toBe(
        403,
      );
      const fin = await agent.post(`/api/events/commands/${id}/fin/`, {
        success: true,
        result: "up 3 days",
        exit_code: 0,
        elapsed_time: 0.1,
      });
      expect(fin.status).toBe(200);
      const detail = await api.get(`/api/events/commands/${id}/`);
      expect(detail.body).toMatchObject({ status: "success", result: "up 3 days", exit_code: 0 });
      expect(detail.body.acked_at).not.toBeNull();
      expect((await agent.post(`/api/events/commands/${id}/fin/`, { success: true })).status).toBe(
        400,
      );
    } finally {
      h.sandbox.control.setCommandDelays({ delivered: 10, acked: 10, running: 10 });
    }
  });
});

describe("websh", () => {
  let sessionId: string;

  it("createWebshSession", async () => {
    const res = await api.post("/api/websh/sessions/", { server: linux.id, rows: 24, cols: 80 });
    expect(res.status).toBe(201);
    expect(res.body.websocket_url).toMatch(
      new RegExp(
        `^ws://127\\.0\\.0\\.1:\\d+/ap1/acme/ws/websh/${res.body.id}/${res.body.userchannel_id}/[\\w-]+/$`,
      ),
    );
    sessionId = res.body.id;
    const down = await api.post("/api/websh/sessions/", { server: offline.id, rows: 24, cols: 80 });
    expect(down.status).toBe(400);
  });

  it("listWebshSessions and getWebshSession", async () => {
    const list = await api.get(`/api/websh/sessions/?server=${linux.id}&is_connectable=true`);
    expect(list.body.results[0].id).toBe(sessionId);
    expect((await api.get("/api/websh/sessions/?server=x", { invalidRequest: true })).status).toBe(
      400,
    );
    expect((await api.get(`/api/websh/sessions/${sessionId}/`)).body.closed_at).toBeNull();
    expect((await api.get(`/api/websh/sessions/${NOBODY}/`)).status).toBe(404);
  });

  it("updateWebshSession (resize)", async () => {
    const res = await api.patch(`/api/websh/sessions/${sessionId}/`, { rows: 40, cols: 120 });
    expect(res.body).toMatchObject({ rows: 40, cols: 120 });
    const bad = await api.patch(
      `/api/websh/sessions/${sessionId}/`,
      { rows: 0, cols: 80 },
      { invalidRequest: true },
    );
    expect(bad.body).toEqual({ rows: ["Ensure this value is greater than or equal to 1."] });
  });

  it("shareWebshSession and joinWebshUserChannel", async () => {
    const share = await api.post(`/api/websh/sessions/${sessionId}/share/`, { read_only: true });
    expect(share.status).toBe(201);
    const channel = new URL(share.body.shared_url).searchParams.get("channel");
    const joined = await jwt.post(`/api/websh/user-channels/${channel}/join/`, {
      password: share.body.password,
    });
    expect(joined.status).toBe(200);
    expect(joined.body.id).toBe(sessionId);
    const wrong = await jwt.post(`/api/websh/user-channels/${channel}/join/`, { password: "nope" });
    expect(wrong.status).toBe(400);
    expect(
      (await api.post(`/api/websh/sessions/${NOBODY}/share/`, { read_only: true })).status,
    ).toBe(404);
  });

  it("inviteToWebshSession", async () => {
    const res = await api.post(`/api/websh/sessions/${sessionId}/invite/`, {
      emails: ["ops@example.com"],
      read_only: true,
    });
    expect(res.status).toBe(200);
    const stranger = await jwt.post(`/api/websh/sessions/${sessionId}/invite/`, {
      emails: ["ops@example.com"],
    });
    expect(stranger.status).toBe(404);
  });

  it("createWebshTunnel, listWebshTunnels and closeWebshTunnel", async () => {
    const res = await api.post("/api/websh/tunnels/", { server: linux.id, target_port: 5432 });
    expect(res.status).toBe(201);
    const down = await api.post("/api/websh/tunnels/", { server: offline.id, target_port: 22 });
    expect(down.status).toBe(400);
    const list = await api.get(`/api/websh/tunnels/?server=${linux.id}`);
    expect(list.body.results[0].id).toBe(res.body.id);
    expect((await api.get("/api/websh/tunnels/?server=x", { invalidRequest: true })).status).toBe(
      400,
    );
    expect((await api.post(`/api/websh/tunnels/${res.body.id}/close/`, {})).status).toBe(200);
    expect((await api.post(`/api/websh/tunnels/${NOBODY}/close/`, {})).status).toBe(404);
  });

  it("createWebshUserChannel", async () => {
    const res = await api.post("/api/websh/user-channels/", {
      session: sessionId,
      is_master: true,
      read_only: false,
    });
    expect(res.status).toBe(201);
    expect(res.body.userchannel_id).not.toBe("");
    const missing = await api.post(
      "/api/websh/user-channels/",
      { is_master: true },
      { invalidRequest: true },
    );
    expect(missing.body).toEqual({ session: ["This field is required."] });
  });

  it("closeWebshSession and forceCloseWebshSession", async () => {
    const mine = await jwt.post("/api/websh/sessions/", { server: linux.id, rows: 24, cols: 80 });
    expect((await jwt.post(`/api/websh/sessions/${mine.body.id}/force-close/`, {})).status).toBe(
      403,
    );
    expect((await api.post(`/api/websh/sessions/${mine.body.id}/force-close/`, {})).status).toBe(
      200,
    );
    expect((await jwt.post(`/api/websh/sessions/${sessionId}/close/`, {})).status).toBe(404);
    const closed = await api.post(`/api/websh/sessions/${sessionId}/close/`, {});
    expect(closed.status).toBe(200);
    expect((await api.get(`/api/websh/sessions/${sessionId}/`)).body.closed_at).not.toBeNull();
  });
});

describe("webftp", () => {
  it("createWebftpSession and listWebftpSessions", async () => {
    const res = await api.post("/api/webftp/sessions/", { server: linux.id });
    expect(res.status).toBe(201);
    expect((await api.post("/api/webftp/sessions/", { server: offline.id })).status).toBe(400);
    const list = await api.get(`/api/webftp/sessions/?server=${linux.id}`);
    expect(list.body.results[0].id).toBe(res.body.id);
    expect((await api.get("/api/webftp/sessions/?server=x", { invalidRequest: true })).status).toBe(
      400,
    );
  });

  it("upload: create, trigger, status (422 while in progress)", async () => {
    const res = await api.post("/api/webftp/uploads/", {
      server: linux.id,
      name: "app.conf",
      path: "/tmp/",
      allow_overwrite: true,
      allow_unzip: false,
    });
    expect(res.status).toBe(201);
    expect(res.body.upload_url).toMatch(/\/ap1\/acme\/storage\/uploads\/.+sig=/);
    const id = res.body.id;
    const pending = await api.get(`/api/webftp/uploads/${id}/status/`);
    expect(pending.status).toBe(422);
    expect(pending.body.code).toBe("webftp_transfer_in_progress");
    // The presigned PUT carries no Authorization header (it is not an API operation).
    const put = await fetch(res.body.upload_url, { method: "PUT", body: "listen 8080\n" });
    expect(put.ok).toBe(true);
    expect((await api.get(`/api/webftp/uploads/${id}/upload/`)).status).toBe(200);
    const done = await eventually(async () => {
      const r = await api.get(`/api/webftp/uploads/${id}/status/`);
      return r.status === 200 ? r : null;
    });
    expect(done.body.success).toBe(true);
    expect((await api.get(`/api/webftp/uploads/${id}/upload/`)).status).toBe(400);
    expect((await api.get(`/api/webftp/uploads/${NOBODY}/upload/`)).status).toBe(404);
    expect((await api.get(`/api/webftp/uploads/${NOBODY}/status/`)).status).toBe(404);
    const missing = await api.post(
      "/api/webftp/uploads/",
      { server: linux.id },
      { invalidRequest: true },
    );
    expect(missing.body).toEqual({ name: ["This field is required."] });
    const list = await api.get(`/api/webftp/uploads/?server=${linux.id}`);
    expect(list.body.count).toBe(1);
    expect((await api.get("/api/webftp/uploads/?user=x", { invalidRequest: true })).status).toBe(
      400,
    );
  });

  it("download: create, status, list", async () => {
    const res = await api.post("/api/webftp/downloads/", {
      server: linux.id,
      path: "/etc/hostname",
      name: "hostname",
      resource_type: "file",
    });
    expect(res.status).toBe(201);
    expect(res.body.download_url).toMatch(/\/ap1\/acme\/storage\/downloads\/.+sig=/);
    const done = await eventually(async () => {
      const r = await api.get(`/api/webftp/downloads/${res.body.id}/status/`);
      return r.status === 200 ? r : null;
    });
    expect(done.body.success).toBe(true);
    expect((await api.get(`/api/webftp/downloads/${NOBODY}/status/`)).status).toBe(404);
    const bad = await api.post(
      "/api/webftp/downloads/",
      { server: linux.id, path: "/x", resource_type: "dir" },
      { invalidRequest: true },
    );
    expect(bad.body).toEqual({ resource_type: ['"dir" is not a valid choice.'] });
    expect((await api.get(`/api/webftp/downloads/?server=${linux.id}`)).body.count).toBe(1);
    expect(
      (await api.get("/api/webftp/downloads/?server=x", { invalidRequest: true })).status,
    ).toBe(400);
  });

  it("createBulkDownload: one zip of several paths; an empty list is refused", async () => {
    const res = await api.post("/api/webftp/downloads/bulk/", {
      server: linux.id,
      path: ["/etc/hostname", "/etc/os-release"],
      username: "root",
      groupname: "",
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: "download.zip",
      path: ["/etc/hostname", "/etc/os-release"],
      server: { id: linux.id },
    });
    const done = await eventually(async () => {
      const r = await api.get(`/api/webftp/downloads/${res.body.id}/status/`);
      return r.status === 200 ? r : null;
    });
    expect(done.body.success).toBe(true);
    const empty = await api.post(
      "/api/webftp/downloads/bulk/",
      { server: linux.id, path: [] },
      { invalidRequest: true },
    );
    expect(empty.body).toEqual({ path: ["This list may not be empty."] });
    const one = await api.post(
      "/api/webftp/downloads/bulk/",
      { server: linux.id, path: "/etc/hostname" },
      { invalidRequest: true },
    );
    expect(one.body.path[0]).toMatch(/^Expected a list of items but got type/);
  });
});

describe("iam", () => {
  let userId: string;
  let groupId: string;
  let membershipId: string;

  it("listIamUsers", async () => {
    const res = await api.get("/api/iam/users/");
    expect(res.body.results[0].is_superuser).toBe(true);
    expect((await api.withAuthorization(null).get("/api/iam/users/")).status).toBe(401);
  });

  it("createIamUser", async () => {
    const res = await api.post("/api/iam/users/", {
      username: "zed",
      email: "zed@example.com",
      first_name: "Zed",
    });
    expect(res.status).toBe(201);
    userId = res.body.id;
    expect((await api.post("/api/iam/users/", { username: "root" })).body.code).toBe(
      "user_username_disallowed",
    );
    expect((await api.post("/api/iam/users/", { username: "zed" })).body.code).toBe(
      "user_username_in_use",
    );
    const invalid = await api.post(
      "/api/iam/users/",
      { username: "Zed!" },
      { invalidRequest: true },
    );
    expect(invalid.body.code).toBe("user_username_invalid");
    expect((await jwt.post("/api/iam/users/", { username: "yan" })).status).toBe(403);
  });

  it("getIamUser", async () => {
    expect((await api.get(`/api/iam/users/${userId}/`)).body.username).toBe("zed");
    expect((await jwt.get("/api/iam/users/-/")).body.is_staff).toBe(false);
    expect((await api.get(`/api/iam/users/${NOBODY}/`)).status).toBe(404);
  });

  it("updateIamUser", async () => {
    expect(
      (await api.patch(`/api/iam/users/${userId}/`, { last_name: "Zulu" })).body.last_name,
    ).toBe("Zulu");
    const me = (await api.get("/api/iam/users/-/")).body;
    const last = await api.patch(`/api/iam/users/${me.id}/`, { is_superuser: false });
    expect(last.body).toEqual({
      non_field_errors: ["There should be at least a superuser in the system."],
    });
  });

  it("has no roles or permissions endpoints, as the service (404 on the old paths)", async () => {
    for (const path of [
      "/api/iam/roles/",
      "/api/iam/permissions/",
      `/api/iam/users/${userId}/permissions/`,
    ]) {
      expect((await api.get(path)).status).toBe(404);
    }
    expect((await api.post(`/api/iam/users/${userId}/roles/`, { role_id: "x" })).status).toBe(404);
  });

  it("createIamGroup, getIamGroup, listIamGroups", async () => {
    const res = await api.post("/api/iam/groups/", {
      name: "oncall",
      display_name: "On-call",
      servers: [linux.id],
    });
    expect(res.status).toBe(201);
    groupId = res.body.id;
    expect(res.body.servers[0].id).toBe(linux.id);
    expect((await api.post("/api/iam/groups/", { name: "oncall" })).body).toEqual({
      name: ["group with this name already exists."],
    });
    expect((await api.get(`/api/iam/groups/${groupId}/`)).body.num_members).toBe(1);
    expect((await api.get(`/api/iam/groups/${NOBODY}/`)).status).toBe(404);
    expect((await api.get("/api/iam/groups/?name=oncall")).body.count).toBe(1);
    expect((await api.withAuthorization(null).get("/api/iam/groups/")).status).toBe(401);
  });

  it("memberships", async () => {
    const res = await api.post("/api/iam/memberships/", {
      group: groupId,
      user: userId,
      role: "member",
    });
    expect(res.status).toBe(201);
    membershipId = res.body.id;
    expect((await api.post("/api/iam/memberships/", { group: groupId, user: userId })).status).toBe(
      400,
    );
    const list = await api.get(`/api/iam/memberships/?group=${groupId}`);
    expect(list.body.count).toBe(2);
    expect((await api.get("/api/iam/memberships/?group=x", { invalidRequest: true })).status).toBe(
      400,
    );
    const got = await api.get(`/api/iam/memberships/${membershipId}/`);
    expect(got.body).toMatchObject({ id: membershipId, group_name: "oncall", role: "member" });
    expect(got.body.user.id).toBe(userId);
    expect((await api.get(`/api/iam/memberships/${NOBODY}/`)).status).toBe(404);
    const promoted = await api.patch(`/api/iam/memberships/${membershipId}/`, { role: "manager" });
    expect(promoted.body.role).toBe("manager");
    const bogus = await api.patch(
      `/api/iam/memberships/${membershipId}/`,
      { role: "admin" },
      { invalidRequest: true },
    );
    expect(bogus.body).toEqual({ role: ['"admin" is not a valid choice.'] });
    // Only a group owner (or a superuser) changes roles; the JWT user is neither.
    expect(
      (await jwt.patch(`/api/iam/memberships/${membershipId}/`, { role: "owner" })).body,
    ).toEqual({ detail: "Requires group owner." });
    const owner = list.body.results.find((m: { role: string }) => m.role === "owner");
    expect((await api.patch(`/api/iam/memberships/${owner.id}/`, { role: "member" })).body).toEqual(
      {
        non_field_errors: [
          "This user is the only owner of the group. Add another owner to proceed.",
        ],
      },
    );
    expect((await api.delete(`/api/iam/memberships/${membershipId}/`)).status).toBe(204);
    expect((await api.delete(`/api/iam/memberships/${membershipId}/`)).status).toBe(404);
  });

  it("deleteIamUser", async () => {
    expect((await jwt.delete(`/api/iam/users/${userId}/`)).status).toBe(403);
    expect((await api.delete(`/api/iam/users/${userId}/`)).status).toBe(204);
  });
});

describe("work sessions", () => {
  const base = "/api/work-sessions/sessions/";
  // The owner's browser login: a staff person, the only one who may approve or reject.
  let owner: Api;
  beforeAll(() => {
    owner = api.as("ownerJwt");
  });
  const inHours = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString();
  const ask = (extra: Record<string, unknown> = {}) =>
    jwt.post(base, {
      description: "Restart nginx on web-1 to clear 502s",
      requester_type: "agent",
      scopes: ["command", "websh"],
      servers: [linux.id],
      expires_at: inHours(2),
      ...extra,
    });
  let sessionId: string;

  it("createWorkSession", async () => {
    const res = await ask({ title: "nginx" });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: "pending", requester_type: "agent", title: "nginx" });
    sessionId = res.body.id;
    const bad = await ask({ scopes: ["root"], expires_at: inHours(-1) });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({
      scopes: ['"root" is not a valid choice.'],
      expires_at: ["Expiry must be in the future."],
    });
  });

  it("listWorkSessions", async () => {
    const res = await jwt.get(`${base}?status=pending&requester_type=agent`);
    expect(res.body.results.map((s: { id: string }) => s.id)).toContain(sessionId);
    const bad = await jwt.get(`${base}?status=requested`, { invalidRequest: true });
    expect(bad.body).toEqual({
      status: ["Select a valid choice. requested is not one of the available choices."],
    });
  });

  it("getWorkSession", async () => {
    expect((await jwt.get(`${base}${sessionId}/`)).body.servers[0].id).toBe(linux.id);
    expect((await jwt.get(`${base}${NOBODY}/`)).status).toBe(404);
  });

  it("approveWorkSession: a person approves; API tokens are refused as /api/approvals/ does", async () => {
    // ADR 0015: even a staff API token is the agent's channel, with the approvals' 403 body.
    const token = await api.post(`${base}${sessionId}/approve/`, { adjusted_scopes: ["command"] });
    expect(token.status).toBe(403);
    const approvals = await api.post(`/api/approvals/approvals/${NOBODY}/approve/`, {});
    expect(token.body).toEqual(approvals.body);
    expect(token.body.detail).toMatch(/web console or Slack, not with an API token/);
    expect((await jwt.post(`${base}${sessionId}/approve/`, {})).status).toBe(403);
    const res = await owner.post(`${base}${sessionId}/approve/`, { adjusted_scopes: ["command"] });
    expect(res.status).toBe(200);
    // No starts_at: the approved session starts at once, with the narrowed scopes.
    expect(res.body).toMatchObject({ status: "active", scopes: ["command"] });
    expect(res.body.adjustments.scopes).toEqual({ old: ["command", "websh"], new: ["command"] });
    const again = await owner.post(`${base}${sessionId}/approve/`, {});
    expect(again.body).toEqual({ detail: "Only pending work sessions can be approved." });
  });

  it("updateWorkSession: pending applies, active queues scope changes", async () => {
    const pending = (await ask()).body.id;
    const applied = await jwt.patch(`${base}${pending}/`, { description: "Now with logs" });
    expect(applied.status).toBe(200);
    expect(applied.body.pending_modification_request).toBeNull();
    const queued = await jwt.patch(`${base}${sessionId}/`, { scopes: ["command", "webftp"] });
    expect(queued.status).toBe(202);
    expect(queued.body.pending_modification_request.changes).toEqual({
      scopes: ["command", "webftp"],
    });
    expect((await jwt.patch(`${base}${sessionId}/`, { servers: [linux.id] })).status).toBe(400);
    await jwt.post(`${base}${pending}/cancel/`, {});
    const closed = await jwt.patch(`${base}${pending}/`, { title: "x" });
    expect(closed.body).toEqual({ detail: "Work session is not modifiable." });
  });

  it("extendWorkSession", async () => {
    const res = await jwt.post(`${base}${sessionId}/extend/`, { expires_at: inHours(4) });
    expect(res.status).toBe(200);
    expect(Date.parse(res.body.expires_at)).toBeGreaterThan(Date.now() + 3 * 3_600_000);
    const earlier = await jwt.post(`${base}${sessionId}/extend/`, { expires_at: inHours(3) });
    expect(earlier.body).toEqual({
      expires_at: ["New expiry must be later than current expiry."],
    });
  });

  it("activateWorkSession: an approved session scheduled for later starts early", async () => {
    const id = (await ask()).body.id;
    await jwt.patch(`${base}${id}/`, { starts_at: inHours(1) });
    expect((await owner.post(`${base}${id}/approve/`, {})).body.status).toBe("approved");
    const res = await jwt.post(`${base}${id}/activate/`, {});
    expect(res.body).toMatchObject({ status: "active", started_at: expect.any(String) });
    const again = await jwt.post(`${base}${id}/activate/`, {});
    expect(again.body).toEqual({ detail: "Only approved work sessions can be activated." });
    expect((await jwt.post(`${base}${id}/revoke/`, {})).status).toBe(403);
    expect((await api.post(`${base}${id}/revoke/`, {})).body.status).toBe("revoked");
  });

  it("revokeWorkSession: superusers only, live sessions only", async () => {
    const id = (await ask()).body.id;
    const res = await api.post(`${base}${id}/revoke/`, {});
    expect(res.body).toEqual({ detail: "Only approved or active work sessions can be revoked." });
  });

  it("rejectWorkSession and cancelWorkSession end a pending request", async () => {
    const first = (await ask()).body.id;
    expect((await jwt.post(`${base}${first}/reject/`, {})).status).toBe(403);
    const token = await api.post(`${base}${first}/reject/`, {});
    expect(token.body.detail).toMatch(/not with an API token/);
    expect((await owner.post(`${base}${first}/reject/`, {})).body.status).toBe("rejected");
    expect((await owner.post(`${base}${first}/reject/`, {})).status).toBe(400);
    const second = (await ask()).body.id;
    expect((await jwt.post(`${base}${second}/cancel/`, {})).body.status).toBe("cancelled");
    const again = await jwt.post(`${base}${second}/cancel/`, {});
    expect(again.body).toEqual({ detail: "Only pending work sessions can be cancelled." });
  });

  it("commands under the session reach its timeline; completing it runs the analysis", async () => {
    h.sandbox.control.setWorkSessionRequired(true);
    try {
      const ran = await jwt.post("/api/events/commands/", {
        server: linux.id,
        line: "uptime",
        work_session: sessionId,
      });
      expect(ran.status).toBe(201);
      const websh = await jwt.post("/api/websh/sessions/", {
        server: linux.id,
        work_session: sessionId,
      });
      expect(websh.body).toEqual({ code: "work_session_scope_not_allowed", source: "websh" });
    } finally {
      h.sandbox.control.setWorkSessionRequired(false);
    }
    const early = await jwt.post(`${base}${sessionId}/analyze/`, {});
    expect(early.body).toEqual({ detail: "Work session is not in a terminal state." });
    const done = await jwt.post(`${base}${sessionId}/complete/`, {});
    expect(done.body).toMatchObject({ status: "completed", completed_at: expect.any(String) });
    expect((await jwt.post(`${base}${sessionId}/complete/`, {})).status).toBe(400);
    const analysis = h.sandbox.control.workspace("ap1", "acme").workSessionAnalysis(sessionId);
    expect(analysis?.summary).toMatchObject({ commands: 1, servers: [linux.id] });
  });

  it("analyzeWorkSession: accepted once, then already_exists", async () => {
    const id = (await ask()).body.id;
    await owner.post(`${base}${id}/approve/`, {});
    await api.post(`${base}${id}/revoke/`, {});
    const res = await jwt.post(`${base}${id}/analyze/?force=true`, {});
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ status: "accepted", work_session: id });
    expect((await jwt.post(`${base}${id}/analyze/`, {})).body.status).toBe("already_exists");
    expect((await jwt.post(`${base}${NOBODY}/analyze/`, {})).status).toBe(404);
  });

  it("listWorkSessionTimeline", async () => {
    const res = await jwt.get(`${base}${sessionId}/timeline/`);
    const items = res.body.results as { type: string; status?: string; line?: string }[];
    expect(items.filter((i) => i.type === "status").map((i) => i.status)).toEqual([
      "pending",
      "approved",
      "active",
      "completed",
    ]);
    expect(items.find((i) => i.type === "command")?.line).toBe("uptime");
    expect((await jwt.get(`${base}${NOBODY}/timeline/`)).status).toBe(404);
  });
});
tokenContract(() => ({ api, jwt }));
securityContract(() => ({ jwt, servers: [linux, offline] }));
certsContract(() => ({
  api,
  jwt,
  agent: linux,
  ownerId: (h.sandbox.control.workspace("ap1", "acme").users()[0] as { id: string }).id,
}));
approvalsContract(() => ({ api, jwt, owner: api.as("ownerJwt"), server: linux }));
packagesContract(() => ({ api, jwt, server: linux.id }));
webhooksContract(() => ({
  api,
  jwt,
  owner: (h.sandbox.control.workspace("ap1", "acme").users()[0] as { id: string }).id,
}));

describeServerAdminContract(h);
describeWorkspaceContract(h);
auditContract(() => ({ api, server: linux }));

describe("contract coverage", () => {
  afterAll(() => {
    // Runs after every test above: each operation was exercised with a 2xx and a 4xx answer.
    const missing: string[] = [];
    for (const op of operations) {
      const seen = [...(coverage.get(op.id) ?? [])];
      if (!seen.some((s) => s >= 200 && s < 300)) missing.push(`${op.id} (no 2xx)`);
      if (!seen.some((s) => s >= 400 && s < 500)) missing.push(`${op.id} (no 4xx)`);
    }
    expect(missing).toEqual([]);
  });

  it("the spec has the operations the sandbox serves", () => {
    expect(operations.length).toBeGreaterThanOrEqual(66);
  });
});

describe("top servers agree with the series", () => {
  const env = useSandbox({ servers: 30 });

  it("ranks CPU by the same 24-hour peak the cpu series shows", async () => {
    const api = env.api();
    const top = await api.get("/api/metrics/realtime/cpu/top/");
    expect(top.status).toBe(200);
    const start = new Date(Date.now() - 24 * 3_600_000).toISOString();
    for (const row of top.body as Array<{ server: { id: string }; value: number }>) {
      const series = await api.get(
        `/api/metrics/realtime/cpu/?server=${row.server.id}&start=${encodeURIComponent(start)}`,
      );
      const peak = Math.max(
        ...(series.body as Array<{ usage: number }>).map((point) => point.usage),
      );
      expect(Math.abs(peak - row.value)).toBeLessThanOrEqual(1);
    }
  });
});

describe("memberships as the 2024 open-source server sent them", () => {
  const env = useSandbox({
    servers: 3,
    workspaces: [{ region: "ap1", workspace: "acme", membershipShape: "oss" }],
  });

  it("answers a bare array whose user is a uuid next to user_name", async () => {
    const api = env.api();
    const res = await api.get("/api/iam/memberships/?role=owner");
    expect(Array.isArray(res.body)).toBe(true);
    const first = res.body[0] as { user: unknown; user_name: string };
    expect(typeof first.user).toBe("string");
    expect(first.user_name).toBeTruthy();
  });
});
