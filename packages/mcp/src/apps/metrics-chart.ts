import { createHash } from "node:crypto";
import { VIEW_SCRIPT, VIEW_STYLE, VIEW_TEMPLATE } from "../generated/metrics-chart-view.js";
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
// Content-Security-Policy allows none). Its sources are real files in metrics-chart/ (view.ts,
// type-checked against the DOM; view.css; view.html), compiled into src/generated/metrics-chart-view.ts by
// scripts/chart-view.ts. test/apps.test.ts parses the script, and the headless-Chromium check
// runs it against the real host implementation of @modelcontextprotocol/ext-apps.

function sha256(text: string): string {
  return `'sha256-${createHash("sha256").update(text).digest("base64")}'`;
}

let cached: string | undefined;

/** The chart's HTML document; its CSP allows exactly its own inline script and style. */
export function metricsChartHtml(): string {
  if (cached) return cached;
  const script = VIEW_SCRIPT.replace("__VERSION__", () => JSON.stringify(MCP_VERSION));
  const csp = [
    "default-src 'none'",
    `script-src ${sha256(script)}`,
    `style-src ${sha256(VIEW_STYLE)}`,
    "img-src data:",
    "connect-src 'none'",
    "font-src 'none'",
    "frame-src 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
  cached = VIEW_TEMPLATE.replace("__CSP__", () => csp)
    .replace("/* view.css */", () => VIEW_STYLE)
    .replace("/* view.ts */", () => script);
  return cached;
}
