import { createHash } from "node:crypto";
import { MCP_VERSION } from "../version.js";

/** The chart view's resource. */
export const METRICS_CHART_URI = "ui://alpacon/metrics-chart";

/** Tools whose results the chart draws (their structuredContent shapes are in tools/metrics.ts). */
export const CHART_TOOLS = [
  "get_cpu_usage",
  "get_memory_usage",
  "get_disk_usage",
  "get_network_traffic",
  "get_server_metrics_summary",
] as const;

// The view is one self-contained document: no external scripts, styles, fonts or requests (its
// Content-Security-Policy allows none), SVG drawn by hand. It speaks the MCP Apps postMessage
// protocol directly (ui/initialize → ui/notifications/initialized, then tool-input, tool-result
// and host-context-changed), answers ping and ui/resource-teardown, and reports its size.
// For the summary it asks the host (when it proxies server tools) for the CPU and memory series
// through tools/call; without that it draws the summary's statistics alone.
//
// The script is plain browser JavaScript in a string (this package compiles without DOM types);
// test/apps.test.ts parses it and the headless-Chromium check runs it against the real host
// implementation of @modelcontextprotocol/ext-apps.

const STYLE = `
:root {
  color-scheme: light;
  --bg: var(--color-background-primary, #ffffff);
  --panel: var(--color-background-secondary, #f6f8fa);
  --fg: var(--color-text-primary, #1f2328);
  --muted: var(--color-text-secondary, #59636e);
  --border: var(--color-border-primary, #d1d9e0);
  --grid: var(--color-border-secondary, #e6eaef);
  --danger: var(--color-text-danger, #cf222e);
  --radius: var(--border-radius-md, 8px);
  --font: var(--font-sans, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif);
  --mono: var(--font-mono, ui-monospace, SFMono-Regular, Menlo, Consolas, monospace);
  --c-cpu: #2563eb;
  --c-memory: #9333ea;
  --c-disk: #ea580c;
  --c-in: #059669;
  --c-out: #2563eb;
  --c-track: #e6eaef;
}
:root[data-theme="dark"] {
  color-scheme: dark;
  --bg: var(--color-background-primary, #0d1117);
  --panel: var(--color-background-secondary, #151b23);
  --fg: var(--color-text-primary, #e6edf3);
  --muted: var(--color-text-secondary, #9198a1);
  --border: var(--color-border-primary, #3d444d);
  --grid: var(--color-border-secondary, #262c36);
  --danger: var(--color-text-danger, #ff7b72);
  --c-cpu: #60a5fa;
  --c-memory: #c084fc;
  --c-disk: #fb923c;
  --c-in: #34d399;
  --c-out: #60a5fa;
  --c-track: #262c36;
}
* { box-sizing: border-box; }
html, body { margin: 0; padding: 0; background: var(--bg); color: var(--fg); }
body { font: 13px/1.4 var(--font); }
#app { padding: 14px 16px 12px; }
h1 { font-size: 15px; font-weight: 600; margin: 0; }
h2 { font-size: 13px; font-weight: 600; margin: 0 0 6px; }
.sub { color: var(--muted); font-size: 12px; margin: 2px 0 10px; }
.sub code { font-family: var(--mono); font-size: 11px; }
.stats { display: flex; flex-wrap: wrap; gap: 6px; margin: 0 0 8px; }
.stat { background: var(--panel); border: 1px solid var(--border); border-radius: var(--radius); padding: 4px 9px; min-width: 78px; }
.stat b { display: block; font-size: 15px; font-weight: 600; }
.stat span { color: var(--muted); font-size: 11px; }
.panel { margin: 12px 0 0; }
.grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(260px, 1fr)); gap: 8px 18px; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 14px; color: var(--muted); font-size: 12px; margin: 2px 0 4px; }
.legend i { display: inline-block; width: 14px; height: 0; border: 0 solid; border-top-width: 3px; vertical-align: middle; margin-right: 5px; }
.legend i.dash { border-top-style: dashed; border-top-width: 2px; }
.legend i.tick { width: 0; height: 11px; border-top-width: 0; border-left-width: 3px; }
.legend .cpu { border-color: var(--c-cpu); }
.legend .memory { border-color: var(--c-memory); }
.legend .disk { border-color: var(--c-disk); }
.legend .in { border-color: var(--c-in); }
.legend .out { border-color: var(--c-out); }
.legend .fg { border-color: var(--fg); }
.note, .empty { color: var(--muted); font-size: 12px; margin: 6px 0 0; }
.error { color: var(--danger); white-space: pre-wrap; }
svg { display: block; overflow: visible; }
svg text { fill: var(--muted); font: 11px var(--font); }
svg text.label { fill: var(--fg); }
svg text.value { fill: var(--fg); font-variant-numeric: tabular-nums; }
.gridline { stroke: var(--grid); stroke-width: 1; }
.axis { stroke: var(--border); stroke-width: 1; }
.track { fill: var(--c-track); }
.line { fill: none; stroke-width: 2; stroke-linejoin: round; stroke-linecap: round; }
.peak { fill: none; stroke-width: 1.5; stroke-dasharray: 4 3; }
.area { stroke: none; opacity: 0.14; }
.cpu { stroke: var(--c-cpu); }
.memory { stroke: var(--c-memory); }
.disk { stroke: var(--c-disk); }
.in { stroke: var(--c-in); }
.out { stroke: var(--c-out); }
.fg { stroke: var(--fg); }
.area.cpu, .bar.cpu, .dot.cpu { fill: var(--c-cpu); }
.area.memory, .bar.memory, .dot.memory { fill: var(--c-memory); }
.bar.disk, .dot.disk { fill: var(--c-disk); }
.bar.in { fill: var(--c-in); }
.bar.out { fill: var(--c-out); }
.marker { stroke-width: 3; }
`;

const SCRIPT = `(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var PROTOCOL = "2026-01-26";
  var RESULT_META = "io.alpacon/chart";
  var HOUR = 3600000;
  var app = document.getElementById("app");
  var state = { context: {}, args: {}, result: null, tool: null, serverTools: false, series: {}, loading: false, width: 0 };
  var nextId = 1;
  var pending = {};

  // --- protocol (JSON-RPC over postMessage with the host)

  function post(message) { window.parent.postMessage(message, "*"); }
  function request(method, params) {
    var id = nextId++;
    post({ jsonrpc: "2.0", id: id, method: method, params: params });
    return new Promise(function (resolve, reject) { pending[id] = { resolve: resolve, reject: reject }; });
  }
  function notify(method, params) { post({ jsonrpc: "2.0", method: method, params: params || {} }); }

  window.addEventListener("message", function (event) {
    if (event.source !== window.parent) return;
    var m = event.data;
    if (!m || m.jsonrpc !== "2.0") return;
    if (m.method === undefined) {
      var waiting = pending[m.id];
      if (!waiting) return;
      delete pending[m.id];
      if (m.error) waiting.reject(new Error(m.error.message || "request failed"));
      else waiting.resolve(m.result);
      return;
    }
    if (m.id !== undefined) {
      if (m.method === "ping" || m.method === "ui/resource-teardown") post({ jsonrpc: "2.0", id: m.id, result: {} });
      else post({ jsonrpc: "2.0", id: m.id, error: { code: -32601, message: "Method not found: " + m.method } });
      return;
    }
    var params = m.params || {};
    if (m.method === "ui/notifications/tool-input") state.args = params.arguments || {};
    else if (m.method === "ui/notifications/tool-result") receive(params);
    else if (m.method === "ui/notifications/tool-cancelled") message("The tool call was cancelled" + (params.reason ? ": " + params.reason : "") + ".");
    else if (m.method === "ui/notifications/host-context-changed") {
      for (var key in params) state.context[key] = params[key];
      applyContext();
      render();
    }
  });

  function start() {
    request("ui/initialize", {
      appInfo: { name: "alpacon-metrics-chart", version: "__VERSION__" },
      appCapabilities: { availableDisplayModes: ["inline"] },
      protocolVersion: PROTOCOL
    }).then(function (result) {
      state.context = (result && result.hostContext) || {};
      state.serverTools = !!(result && result.hostCapabilities && result.hostCapabilities.serverTools);
      applyContext();
      notify("ui/notifications/initialized");
      watchSize();
    }, function (error) {
      message("Could not connect to the host: " + error.message);
    });
  }

  // ChatGPT-compatible hosts without the MCP Apps bridge hand the result over window.openai.
  function openaiFallback() {
    var openai = window.openai;
    if (!openai || !openai.toolOutput || state.result) return false;
    state.context.theme = openai.theme;
    applyContext();
    receive({ structuredContent: openai.toolOutput, _meta: openai.toolResponseMetadata || {} });
    return true;
  }

  function watchSize() {
    var last = "";
    var report = function () {
      var width = Math.ceil(document.documentElement.scrollWidth);
      var height = Math.ceil(document.documentElement.scrollHeight);
      if (width + "x" + height === last) return;
      last = width + "x" + height;
      notify("ui/notifications/size-changed", { width: width, height: height });
    };
    if (typeof ResizeObserver === "function") {
      new ResizeObserver(function () {
        if (Math.abs(app.clientWidth - state.width) > 2 && state.result) render();
        report();
      }).observe(document.body);
    }
    report();
  }

  function applyContext() {
    var context = state.context;
    var root = document.documentElement;
    root.setAttribute("data-theme", context.theme === "dark" ? "dark" : "light");
    var variables = context.styles && context.styles.variables;
    if (variables) {
      for (var name in variables) {
        if (name.indexOf("--") === 0 && typeof variables[name] === "string") root.style.setProperty(name, variables[name]);
      }
    }
    var dims = context.containerDimensions;
    if (dims && typeof dims.maxWidth === "number") root.style.maxWidth = dims.maxWidth + "px";
  }

  // --- data

  function receive(result) {
    state.result = result || {};
    var meta = state.result._meta && state.result._meta[RESULT_META];
    var info = state.context.toolInfo && state.context.toolInfo.tool;
    state.tool = (info && info.name) || (meta && meta.tool) || guessTool(state.result.structuredContent);
    state.series = {};
    state.loading = false;
    if (state.tool === "get_server_metrics_summary" && state.serverTools && !state.result.isError && state.result.structuredContent) fetchSeries();
    else render();
  }

  function guessTool(data) {
    if (!data) return null;
    if (data.series) return "usage";
    if (data.devices) return "get_disk_usage";
    if (data.interfaces && data.cpu === undefined) return "get_network_traffic";
    if (data.cpu !== undefined) return "get_server_metrics_summary";
    return null;
  }

  // The summary carries statistics only; the host can fetch the series behind them.
  function fetchSeries() {
    var data = state.result.structuredContent;
    var base = { server: data.server, start: data.start, end: data.end, buckets: 48 };
    if (state.args.workspace) base.workspace = state.args.workspace;
    if (state.args.region) base.region = state.args.region;
    var kinds = [["cpu", "get_cpu_usage"], ["memory", "get_memory_usage"]];
    var jobs = kinds.filter(function (kind) { return data[kind[0]]; }).map(function (kind) {
      return request("tools/call", { name: kind[1], arguments: base }).then(function (result) {
        if (result && !result.isError && result.structuredContent) state.series[kind[0]] = result.structuredContent.series;
      }, function () {});
    });
    state.loading = true;
    render();
    Promise.all(jobs).then(function () {
      state.loading = false;
      render();
    });
  }

  // --- formatting

  function fmtPercent(value) {
    if (typeof value !== "number" || !isFinite(value)) return "n/a";
    return (Math.abs(value) >= 10 ? value.toFixed(0) : value.toFixed(1)) + "%";
  }
  function fmtBytes(bytes) {
    if (typeof bytes !== "number" || !isFinite(bytes)) return "?";
    var units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    var i = 0;
    while (Math.abs(bytes) >= 1024 && i < units.length - 1) { bytes /= 1024; i++; }
    return (bytes >= 100 || i === 0 ? bytes.toFixed(0) : bytes.toFixed(1)) + " " + units[i];
  }
  var RATE_UNITS = [[1e9, "Gbit/s"], [1e6, "Mbit/s"], [1e3, "kbit/s"], [1, "bit/s"]];
  function rateUnit(max) {
    for (var i = 0; i < RATE_UNITS.length; i++) if (max >= RATE_UNITS[i][0]) return RATE_UNITS[i];
    return RATE_UNITS[RATE_UNITS.length - 1];
  }
  function fmtRate(value, unit) {
    var u = unit || rateUnit(Math.abs(value));
    var scaled = value / u[0];
    return (scaled >= 100 ? scaled.toFixed(0) : scaled >= 10 ? scaled.toFixed(1) : scaled.toFixed(2)) + " " + u[1];
  }
  function timeFormat(options) {
    var context = state.context;
    try {
      var merged = { hourCycle: "h23" };
      for (var key in options) merged[key] = options[key];
      if (context.timeZone) merged.timeZone = context.timeZone;
      return new Intl.DateTimeFormat(context.locale || undefined, merged);
    } catch (error) {
      return new Intl.DateTimeFormat(undefined, options);
    }
  }
  function fmtRange(start, end) {
    var a = Date.parse(start), b = Date.parse(end);
    if (!isFinite(a) || !isFinite(b)) return "";
    var long = timeFormat({ month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
    var zone = state.context.timeZone || "";
    return long.format(a) + " – " + long.format(b) + (zone ? " (" + zone + ")" : "");
  }
  function niceMax(value) {
    if (!(value > 0)) return 1;
    var power = Math.pow(10, Math.floor(Math.log10(value)));
    var steps = [1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10];
    for (var i = 0; i < steps.length; i++) if (steps[i] * power >= value) return steps[i] * power;
    return 10 * power;
  }

  // --- DOM helpers

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    setAttrs(node, attrs);
    append(node, children);
    return node;
  }
  function svg(tag, attrs, children) {
    var node = document.createElementNS(SVG, tag);
    setAttrs(node, attrs);
    append(node, children);
    return node;
  }
  function setAttrs(node, attrs) {
    for (var key in attrs || {}) {
      if (attrs[key] === undefined || attrs[key] === null) continue;
      if (key === "text") node.textContent = attrs[key];
      else node.setAttribute(key, attrs[key]);
    }
  }
  function append(node, children) {
    (children || []).forEach(function (child) {
      if (child === null || child === undefined || child === false) return;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
  }
  function round(value) { return Math.round(value * 10) / 10; }

  function legend(items) {
    return el("div", { class: "legend" }, items.map(function (item) {
      return el("span", {}, [el("i", { class: item[1] }), item[0]]);
    }));
  }
  function statsRow(items) {
    return el("div", { class: "stats" }, items.map(function (item) {
      return el("div", { class: "stat" }, [el("b", { text: item[1] }), el("span", { text: item[0] })]);
    }));
  }

  // --- charts

  /** Milliseconds the display time zone is ahead of UTC at t, so ticks fall on local hours. */
  function zoneOffset(t) {
    try {
      var options = { year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", hourCycle: "h23" };
      if (state.context.timeZone) options.timeZone = state.context.timeZone;
      var parts = {};
      new Intl.DateTimeFormat("en-US", options).formatToParts(t).forEach(function (p) { parts[p.type] = Number(p.value); });
      return Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour % 24, parts.minute) - Math.floor(t / 60000) * 60000;
    } catch (error) {
      return 0;
    }
  }

  function chooseStep(span) {
    var steps = [0.25, 0.5, 1, 2, 3, 6, 12, 24, 48, 72, 168].map(function (h) { return h * HOUR; });
    for (var i = 0; i < steps.length; i++) if (span / steps[i] <= 6) return steps[i];
    return steps[steps.length - 1];
  }

  /** Percent over time: the average as a line over a shaded area, the peak dashed. */
  function usageChart(series, start, end, kind, width, height) {
    var left = 40, right = 10, top = 8, bottom = 22;
    var w = Math.max(120, width - left - right), h = height - top - bottom;
    var points = (series || []).map(function (b) { return { t: Date.parse(b.start), avg: b.avg, max: b.max }; })
      .filter(function (p) { return isFinite(p.t); });
    var t0 = Date.parse(start), t1 = Date.parse(end);
    if (!isFinite(t0) || !isFinite(t1) || t1 <= t0) {
      t0 = points.length ? points[0].t : 0;
      t1 = points.length ? points[points.length - 1].t : 1;
      if (t1 <= t0) t1 = t0 + HOUR;
    }
    var x = function (t) { return left + ((t - t0) / (t1 - t0)) * w; };
    var y = function (v) { return top + h - (Math.max(0, Math.min(100, v)) / 100) * h; };
    var nodes = [];
    [0, 25, 50, 75, 100].forEach(function (v) {
      nodes.push(svg("line", { class: v === 0 ? "axis" : "gridline", x1: left, x2: left + w, y1: y(v), y2: y(v) }));
      nodes.push(svg("text", { x: left - 6, y: y(v) + 4, "text-anchor": "end", text: v + "%" }));
    });
    var span = t1 - t0;
    var step = chooseStep(span);
    var multiDay = span > 36 * HOUR;
    var tickFormat = step >= 24 * HOUR
      ? timeFormat({ month: "short", day: "numeric" })
      : multiDay ? timeFormat({ day: "numeric", hour: "2-digit", minute: "2-digit" }) : timeFormat({ hour: "2-digit", minute: "2-digit" });
    var offset = zoneOffset(t0);
    var first = Math.ceil((t0 + offset) / step) * step - offset;
    for (var t = first; t <= t1; t += step) {
      nodes.push(svg("line", { class: "gridline", x1: x(t), x2: x(t), y1: top, y2: top + h }));
      nodes.push(svg("text", { x: x(t), y: top + h + 15, "text-anchor": "middle", text: tickFormat.format(t) }));
    }
    if (points.length > 0) {
      var line = function (key) {
        return points.map(function (p, i) { return (i ? "L" : "M") + round(x(p.t)) + " " + round(y(p[key])); }).join(" ");
      };
      var area = line("avg") + " L" + round(x(points[points.length - 1].t)) + " " + y(0) + " L" + round(x(points[0].t)) + " " + y(0) + " Z";
      nodes.push(svg("path", { class: "area " + kind, d: area }));
      nodes.push(svg("path", { class: "peak " + kind, d: line("max") }));
      nodes.push(svg("path", { class: "line " + kind, d: line("avg") }));
      var last = points[points.length - 1];
      nodes.push(svg("circle", { class: "dot " + kind, cx: x(last.t), cy: y(last.avg), r: 3 }));
    }
    var chart = svg("svg", { width: width, height: height, viewBox: "0 0 " + width + " " + height, role: "img" }, nodes);
    chart.insertBefore(svg("title", { text: kind + " usage in percent over time" }), chart.firstChild);
    return chart;
  }

  /**
   * Horizontal bars on a shared scale. rows: [{ label, sub, bars: [{ value, peak, kind }], text }].
   * scale: { max, ticks: [values], format(value) }.
   */
  function barChart(rows, scale, width) {
    var labelWidth = Math.min(170, Math.max(90, Math.round(width * 0.28)));
    var textWidth = Math.min(190, Math.max(96, Math.round(width * 0.28)));
    var left = labelWidth, right = textWidth;
    var w = Math.max(80, width - left - right);
    var barH = 10, gap = 4, rowPad = 12;
    var nodes = [];
    var yPos = 4;
    var rowTops = rows.map(function (row) {
      var block = row.bars.length * barH + (row.bars.length - 1) * gap;
      var top = yPos + (row.sub ? Math.max(0, (28 - block) / 2) : 0);
      yPos += Math.max(block, row.sub ? 28 : 0) + rowPad;
      return top;
    });
    var height = yPos + 14;
    var x = function (v) { return left + (Math.max(0, Math.min(scale.max, v)) / scale.max) * w; };
    scale.ticks.forEach(function (v) {
      nodes.push(svg("line", { class: v === 0 ? "axis" : "gridline", x1: x(v), x2: x(v), y1: 0, y2: height - 16 }));
      nodes.push(svg("text", { x: x(v), y: height - 3, "text-anchor": "middle", text: scale.format(v) }));
    });
    rows.forEach(function (row, i) {
      var top = rowTops[i];
      var block = row.bars.length * barH + (row.bars.length - 1) * gap;
      var mid = top + block / 2;
      nodes.push(svg("text", { class: "label", x: 0, y: row.sub ? mid - 2 : mid + 4, text: clip(row.label, labelWidth - 8) }));
      if (row.sub) nodes.push(svg("text", { x: 0, y: mid + 12, text: clip(row.sub, labelWidth - 8) }));
      row.bars.forEach(function (bar, j) {
        var by = top + j * (barH + gap);
        nodes.push(svg("rect", { class: "track", x: left, y: by, width: w, height: barH, rx: 2 }));
        if (typeof bar.value === "number" && bar.value > 0) {
          nodes.push(svg("rect", { class: "bar " + bar.kind, x: left, y: by, width: Math.max(1.5, x(bar.value) - left), height: barH, rx: 2 }));
        }
        if (typeof bar.peak === "number") {
          nodes.push(svg("line", { class: "marker " + (bar.peakKind || bar.kind), x1: x(bar.peak), x2: x(bar.peak), y1: by - 2, y2: by + barH + 2 }));
        }
      });
      nodes.push(svg("text", { class: "value", x: width, y: mid + 4, "text-anchor": "end", text: row.text }));
    });
    return svg("svg", { width: width, height: height, viewBox: "0 0 " + width + " " + height, role: "img" }, nodes);
  }

  function contentWidth() {
    var style = window.getComputedStyle(app);
    return Math.floor(app.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight));
  }

  function clip(text, pixels) {
    var max = Math.max(6, Math.floor(pixels / 6.6));
    text = String(text);
    return text.length > max ? text.slice(0, max - 1) + "…" : text;
  }

  var PERCENT_SCALE = { max: 100, ticks: [0, 25, 50, 75, 100], format: function (v) { return v + "%"; } };

  function diskRows(devices) {
    return devices.map(function (d) {
      var usage = d.usage || {};
      var latest = d.latest || {};
      return {
        label: d.mount_point || d.device,
        sub: d.mount_point ? d.device : null,
        bars: [{ value: usage.latest, peak: usage.max, kind: "disk", peakKind: "fg" }],
        text: fmtPercent(usage.latest) + " · " + fmtBytes(latest.used) + " of " + fmtBytes(latest.total)
      };
    });
  }

  function trafficChart(interfaces, width) {
    var top = 0;
    interfaces.forEach(function (n) { top = Math.max(top, n.peak_input_bps || 0, n.peak_output_bps || 0, n.input_bps.avg, n.output_bps.avg); });
    var max = niceMax(top);
    var unit = rateUnit(max);
    var scale = { max: max, ticks: [0, max / 4, max / 2, (3 * max) / 4, max], format: function (v) { return fmtRate(v, unit).replace(/\\.0+ /, " "); } };
    var rows = interfaces.map(function (n) {
      return {
        label: n.interface,
        sub: n.samples + " samples",
        bars: [
          { value: n.input_bps.avg, peak: n.peak_input_bps, kind: "in" },
          { value: n.output_bps.avg, peak: n.peak_output_bps, kind: "out" }
        ],
        text: "↓ " + fmtRate(n.input_bps.avg, unit) + "  ↑ " + fmtRate(n.output_bps.avg, unit)
      };
    });
    return el("div", {}, [
      legend([["Received (avg)", "in"], ["Sent (avg)", "out"], ["Peak", "tick in"]]),
      barChart(rows, scale, width),
      el("p", { class: "note", text: "Average throughput over the range in " + unit[1] + "; the tick marks the peak." })
    ]);
  }

  // --- views

  function header(title, data) {
    var sub = el("p", { class: "sub" }, [
      "Server ", el("code", { text: data.server || "?" }),
      data.start && data.end ? " · " + fmtRange(data.start, data.end) : ""
    ]);
    return [el("h1", { text: title }), sub];
  }

  function usageView(data, width) {
    var kind = state.tool === "get_memory_usage" ? "memory" : "cpu";
    var noun = state.tool === "get_memory_usage" ? "Memory usage" : state.tool === "get_cpu_usage" ? "CPU usage" : "Usage";
    var parts = header(noun, data);
    var stats = data.stats;
    if (!stats) return parts.concat([el("p", { class: "empty", text: "No samples in this range." })]);
    parts.push(statsRow([
      ["average", fmtPercent(stats.avg)], ["peak", fmtPercent(stats.max)],
      ["minimum", fmtPercent(stats.min)], ["latest", fmtPercent(stats.latest)], ["samples", String(stats.samples)]
    ]));
    parts.push(legend([["Average", kind], ["Peak", "dash " + kind]]));
    parts.push(usageChart(data.series, data.start, data.end, kind, width, 200));
    return parts;
  }

  function diskView(data, width) {
    var parts = header("Disk usage", data);
    if (!data.devices.length) return parts.concat([el("p", { class: "empty", text: "No disk samples in this range." })]);
    parts.push(legend([["Used now", "disk"], ["Peak in range", "tick fg"]]));
    parts.push(barChart(diskRows(data.devices), PERCENT_SCALE, width));
    return parts;
  }

  function networkView(data, width) {
    var parts = header("Network traffic", data);
    if (!data.interfaces.length) return parts.concat([el("p", { class: "empty", text: "No traffic samples in this range." })]);
    parts.push(trafficChart(data.interfaces, width));
    return parts;
  }

  function statBars(stats, kind, width) {
    var rows = [["average", stats.avg], ["peak", stats.max], ["latest", stats.latest]].map(function (item) {
      return { label: item[0], bars: [{ value: item[1], kind: kind }], text: fmtPercent(item[1]) };
    });
    return barChart(rows, PERCENT_SCALE, width);
  }

  function summaryView(data, width) {
    var parts = header("Server health", data);
    var columns = width >= 560 ? 2 : 1;
    var half = columns === 2 ? Math.floor((width - 18) / 2) : width;
    var cells = [["cpu", "CPU"], ["memory", "Memory"]].map(function (item) {
      var stats = data[item[0]];
      var title = el("h2", { text: item[1] + (stats ? " · avg " + fmtPercent(stats.avg) + ", peak " + fmtPercent(stats.max) + ", now " + fmtPercent(stats.latest) : "") });
      if (!stats) return el("div", {}, [title, el("p", { class: "empty", text: "Not available." })]);
      var series = state.series[item[0]];
      var chart = series && series.length ? usageChart(series, data.start, data.end, item[0], half, 150) : statBars(stats, item[0], half);
      var key = series && series.length ? legend([["Average", item[0]], ["Peak", "dash " + item[0]]]) : null;
      return el("div", {}, [title, key, chart]);
    });
    parts.push(el("div", { class: "grid2" }, cells));
    var disks = el("div", { class: "panel" }, [el("h2", { text: "Disks" })]);
    if (data.disks.length) {
      append(disks, [legend([["Used now", "disk"], ["Peak in range", "tick fg"]]), barChart(diskRows(data.disks), PERCENT_SCALE, width)]);
    } else append(disks, [el("p", { class: "empty", text: "Not available." })]);
    parts.push(disks);
    var net = el("div", { class: "panel" }, [el("h2", { text: "Network" })]);
    if (data.interfaces.length) append(net, [trafficChart(data.interfaces, width)]);
    else append(net, [el("p", { class: "empty", text: "Not available." })]);
    parts.push(net);
    if (data.unavailable && data.unavailable.length) {
      parts.push(el("p", { class: "note", text: "Unavailable: " + data.unavailable.map(function (u) { return u.metric + " (" + u.reason + ")"; }).join("; ") }));
    }
    return parts;
  }

  function message(text, isError) {
    app.textContent = "";
    append(app, [el("p", { class: isError ? "error" : "empty", text: text })]);
    document.body.setAttribute("data-state", "ready");
  }

  function textOf(result) {
    return (result.content || []).filter(function (c) { return c.type === "text"; }).map(function (c) { return c.text; }).join("\\n");
  }

  function render() {
    var result = state.result;
    if (!result) return;
    if (result.isError) return message(textOf(result) || "The tool call failed.", true);
    var data = result.structuredContent;
    state.width = app.clientWidth;
    var width = Math.max(280, contentWidth());
    var views = {
      get_cpu_usage: usageView, get_memory_usage: usageView, usage: usageView,
      get_disk_usage: diskView, get_network_traffic: networkView, get_server_metrics_summary: summaryView
    };
    var view = data && views[state.tool];
    if (!view) return message(textOf(result) || "Nothing to draw for this result.");
    var parts;
    try {
      parts = view(data, width);
    } catch (error) {
      return message("Could not draw this result (" + error.message + "). " + textOf(result), true);
    }
    app.textContent = "";
    append(app, parts);
    document.body.setAttribute("data-state", state.loading ? "loading" : "ready");
  }

  if (window.parent && window.parent !== window) start();
  if (!openaiFallback() && window.parent === window) message("This view shows Alpacon metrics inside an MCP Apps host.");
  window.addEventListener("openai:set_globals", function () { openaiFallback(); });
})();`;

function sha256(text: string): string {
  return `'sha256-${createHash("sha256").update(text).digest("base64")}'`;
}

let cached: string | undefined;

/** The chart's HTML document; its CSP allows exactly its own inline script and style. */
export function metricsChartHtml(): string {
  if (cached) return cached;
  const script = SCRIPT.replace("__VERSION__", MCP_VERSION);
  const csp = [
    "default-src 'none'",
    `script-src ${sha256(script)}`,
    `style-src ${sha256(STYLE)}`,
    "img-src data:",
    "connect-src 'none'",
    "font-src 'none'",
    "frame-src 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
  cached = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Alpacon metrics</title>
<style>${STYLE}</style>
</head>
<body data-state="waiting">
<main id="app" aria-live="polite"><p class="empty">Waiting for the metrics…</p></main>
<script>${script}</script>
</body>
</html>
`;
  return cached;
}
