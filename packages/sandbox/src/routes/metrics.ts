import { sampleIso } from "../data/metrics.js";
import type { App, RequestContext } from "../http/app.js";
import { coded, fieldErrors, nonFieldError } from "../http/errors.js";
import { type ServerRecord, serverSummary } from "../state/model.js";
import { requiredServerParam } from "./common.js";
import { metricsList } from "./serialize/metrics.js";

const DAY = 86_400_000;

/** Django's DateTimeField form parsing, forgiving a `+` that arrived as a space. */
function parseTime(raw: string): number | null {
  const fixed = raw.replace(/ (\d\d:?\d\d)$/, "+$1");
  const t = Date.parse(fixed);
  return Number.isNaN(t) ? null : t;
}

interface Range {
  server: ServerRecord;
  timestamps: number[];
}

/** `server` + `start` (+ `end`) → the sample timestamps, or 400 as the real views answer. */
function range(ctx: RequestContext): Range {
  const server = requiredServerParam(ctx);
  const errors: Record<string, string[]> = {};
  const rawStart = ctx.query.get("start");
  const rawEnd = ctx.query.get("end");
  let start: number | null = null;
  let end: number | null = ctx.ws.now();
  if (rawStart === null || rawStart === "") errors.start = ["This field is required."];
  else {
    start = parseTime(rawStart);
    if (start === null) errors.start = ["Enter a valid date/time."];
  }
  if (rawEnd !== null && rawEnd !== "") {
    end = parseTime(rawEnd);
    if (end === null) errors.end = ["Enter a valid date/time."];
  }
  if (Object.keys(errors).length > 0) throw fieldErrors(errors);
  const timestamps = ctx.ws
    .metrics(server)
    .timestamps(start as number, end as number, ctx.ws.now());
  if (timestamps.length === 0) throw insufficient();
  return { server, timestamps };
}

const insufficient = () =>
  coded(400, "api_insufficient_data", "metrics", "No data in the requested range.");

/** Block device short name as the agent reports disk I/O (`/dev/nvme0n1` → `nvme0n1`). */
const shortDevice = (name: string): string => name.replace(/^\/dev\//, "");

function top(
  ctx: RequestContext,
  pick: (p: ReturnType<ReturnType<RequestContext["ws"]["metrics"]>["peaks"]>) => number,
) {
  const rows: { server: ServerRecord; value: number }[] = [];
  const since = ctx.ws.now() - DAY;
  for (const server of ctx.ws.servers.all()) {
    if (!server.isConnected && server.lastConnectivity < since) continue;
    if (!server.commissioned) continue;
    rows.push({ server, value: pick(ctx.ws.metrics(server).peaks(ctx.ws.now())) });
  }
  rows.sort((a, b) => b.value - a.value || (a.server.name < b.server.name ? -1 : 1));
  return {
    status: 200,
    body: metricsList(
      ctx.ws,
      rows.slice(0, 5).map((r) => ({ server: serverSummary(r.server), value: r.value })),
    ),
  };
}

export function registerMetrics(app: App): void {
  app.route("/api/metrics/realtime/cpu/", {
    GET: (ctx) => {
      const { server, timestamps } = range(ctx);
      const m = ctx.ws.metrics(server);
      return {
        status: 200,
        body: metricsList(
          ctx.ws,
          timestamps.map((t) => ({ timestamp: sampleIso(t), usage: m.cpu(t) })),
        ),
      };
    },
  });
  app.route("/api/metrics/realtime/memory/", {
    GET: (ctx) => {
      const { server, timestamps } = range(ctx);
      const m = ctx.ws.metrics(server);
      return {
        status: 200,
        body: metricsList(
          ctx.ws,
          timestamps.map((t) => ({ timestamp: sampleIso(t), usage: m.memory(t) })),
        ),
      };
    },
  });
  app.route("/api/metrics/realtime/disk-usage/", {
    GET: (ctx) => {
      const device = ctx.query.get("device") || null;
      const partition = ctx.query.get("partition") || null;
      const { server, timestamps } = range(ctx);
      if (device === null && partition === null) {
        throw nonFieldError("Either device or partition is required.");
      }
      const parts = ctx.ws.serverDetails(server).partitions;
      const index = parts.findIndex((p) =>
        device !== null ? p.name === device : p.mount_points.includes(partition as string),
      );
      const part = parts[index];
      if (!part) throw insufficient();
      const m = ctx.ws.metrics(server);
      return {
        status: 200,
        body: metricsList(
          ctx.ws,
          timestamps.map((t) => {
            const used = Math.round(part.size * m.diskUsedFraction(index, t));
            return {
              timestamp: sampleIso(t),
              device: part.name,
              mount_point: part.mount_points[0] ?? "",
              usage: Math.round((used / part.size) * 10_000) / 100,
              total: part.size,
              used,
              free: part.size - used,
            };
          }),
        ),
      };
    },
  });
  app.route("/api/metrics/realtime/disk-usage/device/", {
    GET: (ctx) => {
      const server = requiredServerParam(ctx);
      const devices = server.commissioned
        ? ctx.ws.serverDetails(server).partitions.map((p) => p.name)
        : [];
      return { status: 200, body: { devices } };
    },
  });
  app.route("/api/metrics/realtime/disk-io/", {
    GET: (ctx) => {
      const { server, timestamps } = range(ctx);
      const wanted = ctx.query.get("device") || null;
      const disks = ctx.ws
        .serverDetails(server)
        .disks.map((d, i) => ({ name: shortDevice(d.name), i }))
        .filter((d) => wanted === null || d.name === shortDevice(wanted));
      if (disks.length === 0) throw insufficient();
      const m = ctx.ws.metrics(server);
      const body = [];
      for (const t of timestamps) {
        for (const d of disks)
          body.push({ timestamp: sampleIso(t), device: d.name, ...m.diskIo(d.i, t) });
      }
      return { status: 200, body: metricsList(ctx.ws, body) };
    },
  });
  app.route("/api/metrics/realtime/traffic/", {
    GET: (ctx) => {
      const { server, timestamps } = range(ctx);
      const wanted = ctx.query.get("interface") || null;
      const nics = ctx.ws
        .serverDetails(server)
        .interfaces.filter((n) => !n.is_loopback)
        .map((n, i) => ({ name: n.name, i }))
        .filter((n) => wanted === null || n.name === wanted);
      if (nics.length === 0) throw insufficient();
      const m = ctx.ws.metrics(server);
      const body = [];
      for (const t of timestamps) {
        for (const n of nics)
          body.push({ timestamp: sampleIso(t), interface: n.name, ...m.traffic(n.i, t) });
      }
      return { status: 200, body: metricsList(ctx.ws, body) };
    },
  });
  app.route("/api/metrics/realtime/cpu/top/", { GET: (ctx) => top(ctx, (p) => p.cpu) });
  app.route("/api/metrics/realtime/memory/top/", { GET: (ctx) => top(ctx, (p) => p.memory) });
  app.route("/api/metrics/realtime/disk-io/top/", { GET: (ctx) => top(ctx, (p) => p.diskIo) });
  app.route("/api/metrics/realtime/traffic/top/", { GET: (ctx) => top(ctx, (p) => p.traffic) });
}
