/**
 * Alerts fire from the simulated metrics: a rule that watches a server (attached, or default)
 * opens one alert when the metric's latest sample crosses its threshold and resolves it when the
 * metric falls back; a disconnected agent has its own alert; rules are per workspace.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { type Api, useSandbox } from "./helpers/sandbox.js";

const STEP = 5 * 60_000;
// A fixed clock on the sample grid, moved by the tests.
let clock = Math.floor(Date.parse("2026-03-02T09:00:00Z") / STEP) * STEP;
const h = useSandbox({ servers: 12, seed: 11, now: () => clock });

interface Alert {
  id: string;
  status: string;
  rule: string | null;
  alert_type: string;
  severity: string;
  value?: number;
  added_at: string;
  resolved_at: string | null;
  server: { id: string };
}

let api: Api;
let server: { id: string; name: string };

beforeAll(() => {
  api = h.api();
  const servers = h.sandbox.control.workspace("ap1", "acme").servers() as {
    id: string;
    name: string;
    is_connected: boolean;
  }[];
  server = servers.find((s) => s.is_connected) as { id: string; name: string };
});

async function alertsOf(query: string): Promise<Alert[]> {
  const res = await api.get(`/api/alerts/?page_size=100&${query}`);
  expect(res.status).toBe(200);
  return res.body.results;
}

async function latestCpu(serverId: string): Promise<number> {
  const start = encodeURIComponent(new Date(clock - 2 * STEP).toISOString());
  const res = await api.get(`/api/metrics/realtime/cpu/?server=${serverId}&start=${start}`);
  return (res.body as { usage: number }[]).at(-1)?.usage as number;
}

async function newRule(body: Record<string, unknown>): Promise<string> {
  const res = await api.post("/api/metrics/alert-rules/", { is_default: false, ...body });
  expect(res.status).toBe(201);
  return res.body.id;
}

describe("alerts fired from metrics", () => {
  it("an attached rule's alert is open exactly while the latest CPU sample is over it", async () => {
    const threshold = (await latestCpu(server.id)) - 0.5;
    const rule = await newRule({ name: "cpu watch", target: "cpu-usage", threshold });
    // Not attached, not default: it watches nothing yet.
    expect((await alertsOf(`server=${server.id}`)).filter((a) => a.rule === rule)).toEqual([]);
    await api.post(`/api/servers/servers/${server.id}/attach-rule/`, { rule });

    const states: boolean[] = [];
    for (let step = 0; step < 36; step++) {
      const cpu = await latestCpu(server.id);
      const mine = (await alertsOf(`server=${server.id}`)).filter((a) => a.rule === rule);
      const open = mine.filter((a) => a.status === "triggered");
      expect(open.length).toBe(cpu > threshold ? 1 : 0);
      if (open[0]) expect(open[0].value).toBe(cpu);
      states.push(cpu > threshold);
      clock += STEP;
    }
    // The series wandered both ways, so the alert fired and resolved at least once.
    expect(states).toContain(true);
    expect(states).toContain(false);
    const all = (await alertsOf(`server=${server.id}`)).filter((a) => a.rule === rule);
    expect(all.some((a) => a.status === "resolved" && a.resolved_at !== null)).toBe(true);
    await api.post(`/api/servers/servers/${server.id}/detach-rule/`, { rule });
    expect(
      (await alertsOf(`server=${server.id}`)).filter(
        (a) => a.rule === rule && a.status === "triggered",
      ),
    ).toEqual([]);
  });

  it("a default rule watches every connected server without being attached", async () => {
    const rules = await api.get("/api/metrics/alert-rules/");
    const memory = rules.body.results.find(
      (r: { target: string; is_default: boolean }) => r.target === "memory-usage" && r.is_default,
    );
    await api.patch(`/api/metrics/alert-rules/${memory.id}/`, { threshold: 0.5 });
    const connected = h.sandbox.control
      .workspace("ap1", "acme")
      .servers()
      .filter((s) => s.is_connected);
    const open = (await alertsOf("alert_type=metric_threshold")).filter(
      (a) => a.rule === memory.id && a.status === "triggered",
    );
    expect(new Set(open.map((a) => a.server.id)).size).toBe(connected.length);
    // Back to 90: the next look resolves what no longer crosses it.
    await api.patch(`/api/metrics/alert-rules/${memory.id}/`, { threshold: 100 });
    const still = (await alertsOf("")).filter(
      (a) => a.rule === memory.id && a.status === "triggered",
    );
    expect(still).toEqual([]);
  });

  it("a disconnected agent has one critical alert until it is back", async () => {
    const ws = h.sandbox.control.workspace("ap1", "acme");
    ws.setServerConnected(server.id, false);
    const down = await alertsOf(`server=${server.id}&alert_type=server_disconnected`);
    expect(down.filter((a) => a.status === "triggered")).toHaveLength(1);
    expect(down[0]?.severity).toBe("critical");
    clock += STEP;
    ws.setServerConnected(server.id, true);
    const back = await alertsOf(`server=${server.id}&alert_type=server_disconnected`);
    expect(back.map((a) => a.status)).toEqual(["resolved"]);
  });

  it("acknowledging hides an alert from the unacknowledged list and records who", async () => {
    const [first] = await alertsOf("acknowledged=false");
    expect(first).toBeDefined();
    const res = await api.post(`/api/alerts/${first?.id}/acknowledge/`, {
      action_type: "dismissed",
    });
    expect(res.body).toEqual({ message: "Alert dismissed successfully" });
    expect((await alertsOf("acknowledged=false")).map((a) => a.id)).not.toContain(first?.id);
    expect((await alertsOf("dismissed=true")).map((a) => a.id)).toContain(first?.id);
    const detail = await api.get(`/api/alerts/${first?.id}/`);
    const owner = h.sandbox.control.workspace("ap1", "acme").users()[0] as { id: string };
    expect(detail.body.acknowledgements[0]).toMatchObject({
      user: { id: owner.id },
      action_type: "dismissed",
      added_at: new Date(clock).toISOString(),
    });
    // Another user may acknowledge it too: one acknowledgement per user.
    const other = await h.api(0, "jwt").post(`/api/alerts/${first?.id}/acknowledge/`, {
      action_type: "checked",
    });
    expect(other.status).toBe(200);
  });

  it("deleting a rule resolves its open alerts and leaves them without a rule", async () => {
    const rule = await newRule({ name: "disk watch", target: "disk-usage", threshold: 0.01 });
    await api.post(`/api/servers/servers/${server.id}/attach-rule/`, { rule });
    const [open] = (await alertsOf(`server=${server.id}`)).filter((a) => a.rule === rule);
    expect(open?.status).toBe("triggered");
    expect((await api.delete(`/api/metrics/alert-rules/${rule}/`)).status).toBe(204);
    const after = await api.get(`/api/alerts/${open?.id}/`);
    expect(after.body).toMatchObject({ status: "resolved", rule: null });
  });
});

describe("alert rules", () => {
  it("are per workspace", async () => {
    await newRule({ name: "acme only", target: "avg-input-bps", threshold: 1e9 });
    const globex = await h.api(1).get("/api/metrics/alert-rules/");
    expect(globex.body.results.map((r: { name: string }) => r.name)).not.toContain("acme only");
  });

  it("lists the rules watching a server: attached ones and the defaults", async () => {
    const rule = await newRule({ name: "traffic", target: "peak-output-pps", threshold: 1e6 });
    await api.post(`/api/servers/servers/${server.id}/attach-rule/`, { rule });
    // Attaching twice changes nothing (a many-to-many add).
    await api.post(`/api/servers/servers/${server.id}/attach-rule/`, { rule });
    const res = await api.get(`/api/metrics/alert-rules/?server=${server.id}`);
    const names = res.body.results.map((r: { name: string }) => r.name);
    expect(names).toEqual(["CPU usage", "Disk usage", "Memory usage", "traffic"]);
  });

  it("refuses a second rule with the same name", async () => {
    const res = await api.post(
      "/api/metrics/alert-rules/",
      { name: "traffic", target: "cpu-usage", threshold: 5 },
      { invalidRequest: false },
    );
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ name: ["alert rule with this name already exists."] });
  });

  it("needs a paid plan to author, not to attach, and staff rights to change", async () => {
    const ws = h.sandbox.control.workspace("ap1", "acme");
    const rule = await newRule({ name: "paid", target: "cpu-usage", threshold: 99 });
    ws.setGates({ freePlan: true });
    try {
      const create = await api.post("/api/metrics/alert-rules/", {
        name: "free",
        target: "cpu-usage",
        threshold: 99,
      });
      expect(create.status).toBe(402);
      expect((await api.patch(`/api/metrics/alert-rules/${rule}/`, { threshold: 5 })).status).toBe(
        402,
      );
      const attach = await api.post(`/api/servers/servers/${server.id}/attach-rule/`, { rule });
      expect(attach.status).toBe(204);
    } finally {
      ws.setGates({ freePlan: false });
    }
    const member = await h.api(0, "jwt").delete(`/api/metrics/alert-rules/${rule}/`);
    expect(member.status).toBe(403);
  });

  it("serves the reference MCP fixture's field names in the metric variant", async () => {
    const ws = h.sandbox.control.workspace("ap1", "acme");
    ws.setVariants({ alertRules: "metric" });
    try {
      const res = await api.get(`/api/metrics/alert-rules/?server=${server.id}`);
      const traffic = res.body.results.find((r: { name: string }) => r.name === "traffic");
      expect(traffic).toEqual({
        id: expect.any(String),
        name: "traffic",
        metric: "peak-output-pps",
        threshold: 1e6,
        comparison: "gt",
        server: server.id,
        enabled: true,
      });
    } finally {
      ws.setVariants({ alertRules: "target" });
    }
  });
});
