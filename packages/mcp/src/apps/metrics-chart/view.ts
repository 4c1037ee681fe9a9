// The metrics chart view: browser code, run inside the host's sandboxed iframe. It is type-checked
// with the DOM library (tsconfig.json here), and scripts/chart-view.ts compiles it into the one
// inline script of the document (metrics-chart.ts), wrapped in a function so nothing is global.
//
// It speaks the MCP Apps postMessage protocol directly (ui/initialize →
// ui/notifications/initialized, then tool-input, tool-result and host-context-changed), answers
// ping and ui/resource-teardown, and reports its size. For the summary it asks the host (when it
// proxies server tools) for the CPU and memory series through tools/call; without that it draws
// the summary's statistics alone. SVG is drawn by hand: the document loads nothing.

// Replaced with the package version when the document is built.
declare const __VERSION__: string;

// --- the shapes it reads (tools/metrics.ts writes them)

interface Stats {
  avg: number;
  max: number;
  min: number;
  latest: number;
  samples: number;
}
interface Bucket {
  start: string;
  avg: number;
  max: number;
}
interface Device {
  device: string;
  mount_point?: string | null;
  usage?: Partial<Stats>;
  latest?: { used?: number; total?: number };
}
interface NetInterface {
  interface: string;
  samples: number;
  input_bps: { avg: number };
  output_bps: { avg: number };
  peak_input_bps?: number | null;
  peak_output_bps?: number | null;
}
interface ChartData {
  server?: string;
  start?: string;
  end?: string;
  stats?: Stats | null;
  series?: Bucket[];
  devices?: Device[];
  interfaces?: NetInterface[];
  disks?: Device[];
  cpu?: Stats | null;
  memory?: Stats | null;
  unavailable?: { metric: string; reason: string }[];
}
interface ToolResult {
  content?: { type: string; text?: string }[];
  structuredContent?: ChartData;
  isError?: boolean;
  _meta?: Record<string, { tool?: string } | undefined>;
}
interface HostContext {
  theme?: string | undefined;
  locale?: string;
  timeZone?: string;
  styles?: { variables?: Record<string, unknown> };
  containerDimensions?: { maxWidth?: unknown };
  toolInfo?: { tool?: { name?: string } };
  [key: string]: unknown;
}
interface RpcMessage {
  jsonrpc?: string;
  id?: number | string;
  method?: string;
  params?: Record<string, unknown>;
  result?: unknown;
  error?: { code?: number; message?: string };
}
type Child = Node | string | null | undefined | false;
type Attrs = Record<string, string | number | null | undefined>;
type RateUnit = readonly [number, string];
interface BarRow {
  label: string;
  sub?: string | null;
  bars: {
    value: number | undefined;
    peak?: number | null | undefined;
    kind: string;
    peakKind?: string;
  }[];
  text: string;
}
interface Scale {
  max: number;
  ticks: number[];
  format(value: number): string;
}
type View = (data: ChartData, width: number) => Node[];

const SVG = "http://www.w3.org/2000/svg";
const PROTOCOL = "2026-01-26";
const RESULT_META = "io.alpacon/chart";
const HOUR = 3600000;
const app = document.getElementById("app") as HTMLElement;
const state: {
  context: HostContext;
  args: Record<string, unknown>;
  result: ToolResult | null;
  tool: string | null;
  serverTools: boolean;
  series: Record<string, Bucket[] | undefined>;
  loading: boolean;
  width: number;
} = {
  context: {},
  args: {},
  result: null,
  tool: null,
  serverTools: false,
  series: {},
  loading: false,
  width: 0,
};
let nextId = 1;
const pending: Record<string, { resolve(value: unknown): void; reject(error: Error): void }> = {};

// --- protocol (JSON-RPC over postMessage with the host)

function post(message: RpcMessage): void {
  window.parent.postMessage(message, "*");
}
function request(method: string, params: Record<string, unknown>): Promise<unknown> {
  const id = nextId++;
  post({ jsonrpc: "2.0", id, method, params });
  return new Promise((resolve, reject) => {
    pending[id] = { resolve, reject };
  });
}
function notify(method: string, params?: Record<string, unknown>): void {
  post({ jsonrpc: "2.0", method, params: params || {} });
}

window.addEventListener("message", (event: MessageEvent) => {
  if (event.source !== window.parent) return;
  const m = event.data as RpcMessage | null;
  if (m?.jsonrpc !== "2.0") return;
  if (m.method === undefined) {
    const waiting = m.id === undefined ? undefined : pending[m.id];
    if (!waiting || m.id === undefined) return;
    delete pending[m.id];
    if (m.error) waiting.reject(new Error(m.error.message || "request failed"));
    else waiting.resolve(m.result);
    return;
  }
  if (m.id !== undefined) {
    if (m.method === "ping" || m.method === "ui/resource-teardown") {
      post({ jsonrpc: "2.0", id: m.id, result: {} });
    } else {
      post({
        jsonrpc: "2.0",
        id: m.id,
        error: { code: -32601, message: `Method not found: ${m.method}` },
      });
    }
    return;
  }
  const params = m.params || {};
  if (m.method === "ui/notifications/tool-input") {
    state.args = (params.arguments as Record<string, unknown>) || {};
  } else if (m.method === "ui/notifications/tool-result") receive(params as ToolResult);
  else if (m.method === "ui/notifications/tool-cancelled") {
    message(`The tool call was cancelled${params.reason ? `: ${params.reason}` : ""}.`);
  } else if (m.method === "ui/notifications/host-context-changed") {
    for (const key in params) state.context[key] = params[key];
    applyContext();
    render();
  }
});

function start(): void {
  request("ui/initialize", {
    appInfo: { name: "alpacon-metrics-chart", version: __VERSION__ },
    appCapabilities: { availableDisplayModes: ["inline"] },
    protocolVersion: PROTOCOL,
  }).then(
    (value) => {
      const result = value as {
        hostContext?: HostContext;
        hostCapabilities?: { serverTools?: unknown };
      } | null;
      state.context = result?.hostContext || {};
      state.serverTools = !!result?.hostCapabilities?.serverTools;
      applyContext();
      notify("ui/notifications/initialized");
      watchSize();
    },
    (error: Error) => {
      message(`Could not connect to the host: ${error.message}`);
    },
  );
}

// ChatGPT-compatible hosts without the MCP Apps bridge hand the result over window.openai.
function openaiFallback(): boolean {
  const openai = (
    window as unknown as {
      openai?: {
        toolOutput?: ChartData;
        toolResponseMetadata?: ToolResult["_meta"];
        theme?: string;
      };
    }
  ).openai;
  if (!openai?.toolOutput || state.result) return false;
  state.context.theme = openai.theme;
  applyContext();
  receive({ structuredContent: openai.toolOutput, _meta: openai.toolResponseMetadata || {} });
  return true;
}

function watchSize(): void {
  let last = "";
  const report = () => {
    const width = Math.ceil(document.documentElement.scrollWidth);
    const height = Math.ceil(document.documentElement.scrollHeight);
    if (`${width}x${height}` === last) return;
    last = `${width}x${height}`;
    notify("ui/notifications/size-changed", { width, height });
  };
  if (typeof ResizeObserver === "function") {
    new ResizeObserver(() => {
      if (Math.abs(app.clientWidth - state.width) > 2 && state.result) render();
      report();
    }).observe(document.body);
  }
  report();
}

function applyContext(): void {
  const context = state.context;
  const root = document.documentElement;
  root.setAttribute("data-theme", context.theme === "dark" ? "dark" : "light");
  const variables = context.styles?.variables;
  if (variables) {
    for (const name in variables) {
      const value = variables[name];
      if (name.indexOf("--") === 0 && typeof value === "string")
        root.style.setProperty(name, value);
    }
  }
  const dims = context.containerDimensions;
  if (dims && typeof dims.maxWidth === "number") root.style.maxWidth = `${dims.maxWidth}px`;
}

// --- data

function receive(result: ToolResult): void {
  state.result = result || {};
  const meta = state.result._meta?.[RESULT_META];
  const info = state.context.toolInfo?.tool;
  state.tool = info?.name || meta?.tool || guessTool(state.result.structuredContent);
  state.series = {};
  state.loading = false;
  if (
    state.tool === "get_server_metrics_summary" &&
    state.serverTools &&
    !state.result.isError &&
    state.result.structuredContent
  ) {
    fetchSeries(state.result.structuredContent);
  } else render();
}

function guessTool(data: ChartData | undefined): string | null {
  if (!data) return null;
  if (data.series) return "usage";
  if (data.devices) return "get_disk_usage";
  if (data.interfaces && data.cpu === undefined) return "get_network_traffic";
  if (data.cpu !== undefined) return "get_server_metrics_summary";
  return null;
}

// The summary carries statistics only; the host can fetch the series behind them.
function fetchSeries(data: ChartData): void {
  const base: Record<string, unknown> = {
    server: data.server,
    start: data.start,
    end: data.end,
    buckets: 48,
  };
  if (state.args.workspace) base.workspace = state.args.workspace;
  if (state.args.region) base.region = state.args.region;
  const kinds = [
    ["cpu", "get_cpu_usage"],
    ["memory", "get_memory_usage"],
  ] as const;
  const jobs = kinds
    .filter((kind) => data[kind[0]])
    .map((kind) =>
      request("tools/call", { name: kind[1], arguments: base }).then(
        (value) => {
          const result = value as ToolResult | null;
          if (result && !result.isError && result.structuredContent) {
            state.series[kind[0]] = result.structuredContent.series;
          }
        },
        () => {},
      ),
    );
  state.loading = true;
  render();
  Promise.all(jobs).then(() => {
    state.loading = false;
    render();
  });
}

// --- formatting

function fmtPercent(value: number | undefined): string {
  if (typeof value !== "number" || !Number.isFinite(value)) return "n/a";
  return `${Math.abs(value) >= 10 ? value.toFixed(0) : value.toFixed(1)}%`;
}
function fmtBytes(bytes: number | undefined): string {
  if (typeof bytes !== "number" || !Number.isFinite(bytes)) return "?";
  const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
  let i = 0;
  while (Math.abs(bytes) >= 1024 && i < units.length - 1) {
    bytes /= 1024;
    i++;
  }
  return `${bytes >= 100 || i === 0 ? bytes.toFixed(0) : bytes.toFixed(1)} ${units[i]}`;
}
const RATE_UNITS: RateUnit[] = [
  [1e9, "Gbit/s"],
  [1e6, "Mbit/s"],
  [1e3, "kbit/s"],
  [1, "bit/s"],
];
function rateUnit(max: number): RateUnit {
  for (const unit of RATE_UNITS) if (max >= unit[0]) return unit;
  return RATE_UNITS[RATE_UNITS.length - 1] as RateUnit;
}
function fmtRate(value: number, unit?: RateUnit): string {
  const u = unit || rateUnit(Math.abs(value));
  const scaled = value / u[0];
  const digits = scaled >= 100 ? 0 : scaled >= 10 ? 1 : 2;
  return `${scaled.toFixed(digits)} ${u[1]}`;
}
function timeFormat(options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const context = state.context;
  try {
    const merged: Intl.DateTimeFormatOptions = { hourCycle: "h23", ...options };
    if (context.timeZone) merged.timeZone = context.timeZone;
    return new Intl.DateTimeFormat(context.locale || undefined, merged);
  } catch {
    return new Intl.DateTimeFormat(undefined, options);
  }
}
function fmtRange(start: string, end: string): string {
  const a = Date.parse(start);
  const b = Date.parse(end);
  if (!Number.isFinite(a) || !Number.isFinite(b)) return "";
  const long = timeFormat({ month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
  const zone = state.context.timeZone || "";
  return `${long.format(a)} – ${long.format(b)}${zone ? ` (${zone})` : ""}`;
}
function niceMax(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  const steps = [1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10];
  for (const step of steps) if (step * power >= value) return step * power;
  return 10 * power;
}

// --- DOM helpers

function el(tag: string, attrs?: Attrs, children?: Child[]): HTMLElement {
  const node = document.createElement(tag);
  setAttrs(node, attrs);
  append(node, children);
  return node;
}
function svg(tag: string, attrs?: Attrs, children?: Child[]): SVGElement {
  const node = document.createElementNS(SVG, tag);
  setAttrs(node, attrs);
  append(node, children);
  return node;
}
function setAttrs(node: Element, attrs: Attrs = {}): void {
  for (const key in attrs) {
    const value = attrs[key];
    if (value === undefined || value === null) continue;
    if (key === "text") node.textContent = String(value);
    else node.setAttribute(key, String(value));
  }
}
function append(node: Node, children: Child[] = []): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
  }
}
function round(value: number): number {
  return Math.round(value * 10) / 10;
}

function legend(items: [string, string][]): HTMLElement {
  return el(
    "div",
    { class: "legend" },
    items.map((item) => el("span", {}, [el("i", { class: item[1] }), item[0]])),
  );
}
function statsRow(items: [string, string][]): HTMLElement {
  return el(
    "div",
    { class: "stats" },
    items.map((item) =>
      el("div", { class: "stat" }, [el("b", { text: item[1] }), el("span", { text: item[0] })]),
    ),
  );
}

// --- charts

/** Milliseconds the display time zone is ahead of UTC at t, so ticks fall on local hours. */
function zoneOffset(t: number): number {
  try {
    const options: Intl.DateTimeFormatOptions = {
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      hourCycle: "h23",
    };
    if (state.context.timeZone) options.timeZone = state.context.timeZone;
    const parts: Record<string, number> = {};
    for (const p of new Intl.DateTimeFormat("en-US", options).formatToParts(t)) {
      parts[p.type] = Number(p.value);
    }
    const { year = 0, month = 1, day = 1, hour = 0, minute = 0 } = parts;
    return Date.UTC(year, month - 1, day, hour % 24, minute) - Math.floor(t / 60000) * 60000;
  } catch {
    return 0;
  }
}

function chooseStep(span: number): number {
  const steps = [0.25, 0.5, 1, 2, 3, 6, 12, 24, 48, 72, 168].map((h) => h * HOUR);
  for (const step of steps) if (span / step <= 6) return step;
  return steps[steps.length - 1] as number;
}

/** Percent over time: the average as a line over a shaded area, the peak dashed. */
function usageChart(
  series: Bucket[] | undefined,
  start: string | undefined,
  end: string | undefined,
  kind: string,
  width: number,
  height: number,
): SVGElement {
  const left = 40;
  const right = 10;
  const top = 8;
  const bottom = 22;
  const w = Math.max(120, width - left - right);
  const h = height - top - bottom;
  const points = (series || [])
    .map((b) => ({ t: Date.parse(b.start), avg: b.avg, max: b.max }))
    .filter((p) => Number.isFinite(p.t));
  const firstPoint = points[0];
  const lastPoint = points[points.length - 1];
  let t0 = Date.parse(start ?? "");
  let t1 = Date.parse(end ?? "");
  if (!Number.isFinite(t0) || !Number.isFinite(t1) || t1 <= t0) {
    t0 = firstPoint ? firstPoint.t : 0;
    t1 = lastPoint ? lastPoint.t : 1;
    if (t1 <= t0) t1 = t0 + HOUR;
  }
  const x = (t: number) => left + ((t - t0) / (t1 - t0)) * w;
  const y = (v: number) => top + h - (Math.max(0, Math.min(100, v)) / 100) * h;
  const nodes: Child[] = [];
  for (const v of [0, 25, 50, 75, 100]) {
    nodes.push(
      svg("line", {
        class: v === 0 ? "axis" : "gridline",
        x1: left,
        x2: left + w,
        y1: y(v),
        y2: y(v),
      }),
    );
    nodes.push(svg("text", { x: left - 6, y: y(v) + 4, "text-anchor": "end", text: `${v}%` }));
  }
  const span = t1 - t0;
  const step = chooseStep(span);
  const multiDay = span > 36 * HOUR;
  const tickFormat =
    step >= 24 * HOUR
      ? timeFormat({ month: "short", day: "numeric" })
      : multiDay
        ? timeFormat({ day: "numeric", hour: "2-digit", minute: "2-digit" })
        : timeFormat({ hour: "2-digit", minute: "2-digit" });
  const offset = zoneOffset(t0);
  const first = Math.ceil((t0 + offset) / step) * step - offset;
  for (let t = first; t <= t1; t += step) {
    nodes.push(svg("line", { class: "gridline", x1: x(t), x2: x(t), y1: top, y2: top + h }));
    nodes.push(
      svg("text", {
        x: x(t),
        y: top + h + 15,
        "text-anchor": "middle",
        text: tickFormat.format(t),
      }),
    );
  }
  if (firstPoint && lastPoint) {
    const line = (key: "avg" | "max") =>
      points.map((p, i) => `${i ? "L" : "M"}${round(x(p.t))} ${round(y(p[key]))}`).join(" ");
    const area = `${line("avg")} L${round(x(lastPoint.t))} ${y(0)} L${round(x(firstPoint.t))} ${y(0)} Z`;
    nodes.push(svg("path", { class: `area ${kind}`, d: area }));
    nodes.push(svg("path", { class: `peak ${kind}`, d: line("max") }));
    nodes.push(svg("path", { class: `line ${kind}`, d: line("avg") }));
    nodes.push(
      svg("circle", { class: `dot ${kind}`, cx: x(lastPoint.t), cy: y(lastPoint.avg), r: 3 }),
    );
  }
  const chart = svg(
    "svg",
    { width, height, viewBox: `0 0 ${width} ${height}`, role: "img" },
    nodes,
  );
  chart.insertBefore(
    svg("title", { text: `${kind} usage in percent over time` }),
    chart.firstChild,
  );
  return chart;
}

/** Horizontal bars on a shared scale. */
function barChart(rows: BarRow[], scale: Scale, width: number): SVGElement {
  const labelWidth = Math.min(170, Math.max(90, Math.round(width * 0.28)));
  const textWidth = Math.min(190, Math.max(96, Math.round(width * 0.28)));
  const left = labelWidth;
  const right = textWidth;
  const w = Math.max(80, width - left - right);
  const barH = 10;
  const gap = 4;
  const rowPad = 12;
  const nodes: Child[] = [];
  let yPos = 4;
  const rowTops = rows.map((row) => {
    const block = row.bars.length * barH + (row.bars.length - 1) * gap;
    const top = yPos + (row.sub ? Math.max(0, (28 - block) / 2) : 0);
    yPos += Math.max(block, row.sub ? 28 : 0) + rowPad;
    return top;
  });
  const height = yPos + 14;
  const x = (v: number) => left + (Math.max(0, Math.min(scale.max, v)) / scale.max) * w;
  for (const v of scale.ticks) {
    nodes.push(
      svg("line", {
        class: v === 0 ? "axis" : "gridline",
        x1: x(v),
        x2: x(v),
        y1: 0,
        y2: height - 16,
      }),
    );
    nodes.push(
      svg("text", { x: x(v), y: height - 3, "text-anchor": "middle", text: scale.format(v) }),
    );
  }
  rows.forEach((row, i) => {
    const top = rowTops[i] as number;
    const block = row.bars.length * barH + (row.bars.length - 1) * gap;
    const mid = top + block / 2;
    nodes.push(
      svg("text", {
        class: "label",
        x: 0,
        y: row.sub ? mid - 2 : mid + 4,
        text: clip(row.label, labelWidth - 8),
      }),
    );
    if (row.sub)
      nodes.push(svg("text", { x: 0, y: mid + 12, text: clip(row.sub, labelWidth - 8) }));
    row.bars.forEach((bar, j) => {
      const by = top + j * (barH + gap);
      nodes.push(svg("rect", { class: "track", x: left, y: by, width: w, height: barH, rx: 2 }));
      if (typeof bar.value === "number" && bar.value > 0) {
        nodes.push(
          svg("rect", {
            class: `bar ${bar.kind}`,
            x: left,
            y: by,
            width: Math.max(1.5, x(bar.value) - left),
            height: barH,
            rx: 2,
          }),
        );
      }
      if (typeof bar.peak === "number") {
        nodes.push(
          svg("line", {
            class: `marker ${bar.peakKind || bar.kind}`,
            x1: x(bar.peak),
            x2: x(bar.peak),
            y1: by - 2,
            y2: by + barH + 2,
          }),
        );
      }
    });
    nodes.push(
      svg("text", { class: "value", x: width, y: mid + 4, "text-anchor": "end", text: row.text }),
    );
  });
  return svg("svg", { width, height, viewBox: `0 0 ${width} ${height}`, role: "img" }, nodes);
}

function contentWidth(): number {
  const style = window.getComputedStyle(app);
  return Math.floor(
    app.clientWidth - Number.parseFloat(style.paddingLeft) - Number.parseFloat(style.paddingRight),
  );
}

function clip(text: string, pixels: number): string {
  const max = Math.max(6, Math.floor(pixels / 6.6));
  const value = String(text);
  return value.length > max ? `${value.slice(0, max - 1)}…` : value;
}

const PERCENT_SCALE: Scale = { max: 100, ticks: [0, 25, 50, 75, 100], format: (v) => `${v}%` };

function diskRows(devices: Device[]): BarRow[] {
  return devices.map((d) => {
    const usage = d.usage || {};
    const latest = d.latest || {};
    return {
      label: d.mount_point || d.device,
      sub: d.mount_point ? d.device : null,
      bars: [{ value: usage.latest, peak: usage.max, kind: "disk", peakKind: "fg" }],
      text: `${fmtPercent(usage.latest)} · ${fmtBytes(latest.used)} of ${fmtBytes(latest.total)}`,
    };
  });
}

function trafficChart(interfaces: NetInterface[], width: number): HTMLElement {
  let top = 0;
  for (const n of interfaces) {
    top = Math.max(
      top,
      n.peak_input_bps || 0,
      n.peak_output_bps || 0,
      n.input_bps.avg,
      n.output_bps.avg,
    );
  }
  const max = niceMax(top);
  const unit = rateUnit(max);
  const scale: Scale = {
    max,
    ticks: [0, max / 4, max / 2, (3 * max) / 4, max],
    format: (v) => fmtRate(v, unit).replace(/\.0+ /, " "),
  };
  const rows: BarRow[] = interfaces.map((n) => ({
    label: n.interface,
    sub: `${n.samples} samples`,
    bars: [
      { value: n.input_bps.avg, peak: n.peak_input_bps, kind: "in" },
      { value: n.output_bps.avg, peak: n.peak_output_bps, kind: "out" },
    ],
    text: `↓ ${fmtRate(n.input_bps.avg, unit)}  ↑ ${fmtRate(n.output_bps.avg, unit)}`,
  }));
  return el("div", {}, [
    legend([
      ["Received (avg)", "in"],
      ["Sent (avg)", "out"],
      ["Peak", "tick in"],
    ]),
    barChart(rows, scale, width),
    el("p", {
      class: "note",
      text: `Average throughput over the range in ${unit[1]}; the tick marks the peak.`,
    }),
  ]);
}

// --- views

function header(title: string, data: ChartData): Node[] {
  const sub = el("p", { class: "sub" }, [
    "Server ",
    el("code", { text: data.server || "?" }),
    data.start && data.end ? ` · ${fmtRange(data.start, data.end)}` : "",
  ]);
  return [el("h1", { text: title }), sub];
}

function usageView(data: ChartData, width: number): Node[] {
  const kind = state.tool === "get_memory_usage" ? "memory" : "cpu";
  const noun =
    state.tool === "get_memory_usage"
      ? "Memory usage"
      : state.tool === "get_cpu_usage"
        ? "CPU usage"
        : "Usage";
  const parts = header(noun, data);
  const stats = data.stats;
  if (!stats) return parts.concat([el("p", { class: "empty", text: "No samples in this range." })]);
  parts.push(
    statsRow([
      ["average", fmtPercent(stats.avg)],
      ["peak", fmtPercent(stats.max)],
      ["minimum", fmtPercent(stats.min)],
      ["latest", fmtPercent(stats.latest)],
      ["samples", String(stats.samples)],
    ]),
  );
  parts.push(
    legend([
      ["Average", kind],
      ["Peak", `dash ${kind}`],
    ]),
  );
  parts.push(usageChart(data.series, data.start, data.end, kind, width, 200));
  return parts;
}

function diskView(data: ChartData, width: number): Node[] {
  const parts = header("Disk usage", data);
  const devices = data.devices ?? [];
  if (!devices.length) {
    return parts.concat([el("p", { class: "empty", text: "No disk samples in this range." })]);
  }
  parts.push(
    legend([
      ["Used now", "disk"],
      ["Peak in range", "tick fg"],
    ]),
  );
  parts.push(barChart(diskRows(devices), PERCENT_SCALE, width));
  return parts;
}

function networkView(data: ChartData, width: number): Node[] {
  const parts = header("Network traffic", data);
  const interfaces = data.interfaces ?? [];
  if (!interfaces.length) {
    return parts.concat([el("p", { class: "empty", text: "No traffic samples in this range." })]);
  }
  parts.push(trafficChart(interfaces, width));
  return parts;
}

function statBars(stats: Stats, kind: string, width: number): SVGElement {
  const items: [string, number][] = [
    ["average", stats.avg],
    ["peak", stats.max],
    ["latest", stats.latest],
  ];
  const rows = items.map((item) => ({
    label: item[0],
    bars: [{ value: item[1], kind }],
    text: fmtPercent(item[1]),
  }));
  return barChart(rows, PERCENT_SCALE, width);
}

function summaryView(data: ChartData, width: number): Node[] {
  const parts = header("Server health", data);
  const columns = width >= 560 ? 2 : 1;
  const half = columns === 2 ? Math.floor((width - 18) / 2) : width;
  const charted = [
    ["cpu", "CPU"],
    ["memory", "Memory"],
  ] as const;
  const cells = charted.map((item) => {
    const stats = data[item[0]];
    const title = el("h2", {
      text:
        item[1] +
        (stats
          ? ` · avg ${fmtPercent(stats.avg)}, peak ${fmtPercent(stats.max)}, now ${fmtPercent(stats.latest)}`
          : ""),
    });
    if (!stats) return el("div", {}, [title, el("p", { class: "empty", text: "Not available." })]);
    const series = state.series[item[0]];
    const drawn = series?.length;
    const chart = drawn
      ? usageChart(series, data.start, data.end, item[0], half, 150)
      : statBars(stats, item[0], half);
    const key = drawn
      ? legend([
          ["Average", item[0]],
          ["Peak", `dash ${item[0]}`],
        ])
      : null;
    return el("div", {}, [title, key, chart]);
  });
  parts.push(el("div", { class: "grid2" }, cells));
  const disks = el("div", { class: "panel" }, [el("h2", { text: "Disks" })]);
  if (data.disks?.length) {
    append(disks, [
      legend([
        ["Used now", "disk"],
        ["Peak in range", "tick fg"],
      ]),
      barChart(diskRows(data.disks), PERCENT_SCALE, width),
    ]);
  } else append(disks, [el("p", { class: "empty", text: "Not available." })]);
  parts.push(disks);
  const net = el("div", { class: "panel" }, [el("h2", { text: "Network" })]);
  if (data.interfaces?.length) append(net, [trafficChart(data.interfaces, width)]);
  else append(net, [el("p", { class: "empty", text: "Not available." })]);
  parts.push(net);
  if (data.unavailable?.length) {
    const missing = data.unavailable.map((u) => `${u.metric} (${u.reason})`).join("; ");
    parts.push(el("p", { class: "note", text: `Unavailable: ${missing}` }));
  }
  return parts;
}

function message(text: string, isError?: boolean): void {
  app.textContent = "";
  append(app, [el("p", { class: isError ? "error" : "empty", text })]);
  document.body.setAttribute("data-state", "ready");
}

function textOf(result: ToolResult): string {
  return (result.content || [])
    .filter((c) => c.type === "text")
    .map((c) => c.text)
    .join("\n");
}

const VIEWS: Record<string, View> = {
  get_cpu_usage: usageView,
  get_memory_usage: usageView,
  usage: usageView,
  get_disk_usage: diskView,
  get_network_traffic: networkView,
  get_server_metrics_summary: summaryView,
};

function render(): void {
  const result = state.result;
  if (!result) return;
  if (result.isError) {
    message(textOf(result) || "The tool call failed.", true);
    return;
  }
  const data = result.structuredContent;
  state.width = app.clientWidth;
  const width = Math.max(280, contentWidth());
  const view = data && state.tool !== null ? VIEWS[state.tool] : undefined;
  if (!data || !view) {
    message(textOf(result) || "Nothing to draw for this result.");
    return;
  }
  let parts: Node[];
  try {
    parts = view(data, width);
  } catch (error) {
    message(`Could not draw this result (${(error as Error).message}). ${textOf(result)}`, true);
    return;
  }
  app.textContent = "";
  append(app, parts);
  document.body.setAttribute("data-state", state.loading ? "loading" : "ready");
}

if (window.parent && window.parent !== window) start();
if (!openaiFallback() && window.parent === window) {
  message("This view shows Alpacon metrics inside an MCP Apps host.");
}
window.addEventListener("openai:set_globals", () => {
  openaiFallback();
});
