import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { ClientCapabilities } from "@modelcontextprotocol/sdk/types.js";
import type { ToolRoute } from "../server/register.js";
import { CHART_TOOLS, METRICS_CHART_URI, metricsChartHtml } from "./metrics-chart.js";

// MCP Apps (SEP-1865, extension `io.modelcontextprotocol/ui`, spec 2026-01-26): a tool names a
// `ui://` resource in `_meta.ui.resourceUri`; a host that renders apps reads that resource
// (HTML), shows it in a sandboxed iframe and hands it the tool result over postMessage.
//
// The server side is three conventions on top of what the MCP SDK already has, written here
// rather than imported: `@modelcontextprotocol/ext-apps` is 1.5 MB, its `./server` entry (three
// one-line helpers) bundles the whole browser App class, and its current major (2.x) targets the
// split v2 SDK packages, not the `@modelcontextprotocol/sdk` 1.x this package uses. Its 1.x line
// is a dev dependency: the tests check these constants against it and drive the chart with its
// real host implementation (AppBridge).

/** The extension's key in `capabilities.extensions`. */
export const UI_EXTENSION_ID = "io.modelcontextprotocol/ui";
/** The MIME type of MCP Apps HTML resources. */
export const UI_MIME_TYPE = "text/html;profile=mcp-app";
/** Deprecated flat form of `_meta.ui.resourceUri`, still read by hosts built before the spec. */
export const LEGACY_RESOURCE_URI_KEY = "ui/resourceUri";
/** Where the chart finds which tool produced a result when the host does not say. */
export const CHART_RESULT_META_KEY = "io.alpacon/chart";

/** Whether the client declared that it renders MCP Apps HTML views. */
export function supportsUi(capabilities: ClientCapabilities | undefined): boolean {
  // MCP SDK 1.32 keeps `capabilities.extensions` (SEP-1724) from the initialize request.
  const ui = capabilities?.extensions?.[UI_EXTENSION_ID] as { mimeTypes?: unknown } | undefined;
  return Array.isArray(ui?.mimeTypes) && ui.mimeTypes.includes(UI_MIME_TYPE);
}

/** The `_meta` a chart tool carries for clients that render apps. */
export function chartToolMeta(): Record<string, unknown> {
  return {
    ui: { resourceUri: METRICS_CHART_URI },
    [LEGACY_RESOURCE_URI_KEY]: METRICS_CHART_URI,
    // ChatGPT-compatible hosts look the view up here.
    "openai/outputTemplate": METRICS_CHART_URI,
  };
}

/**
 * Offers the metrics chart to clients that declared the UI extension, and changes nothing for
 * the others. Returns what to do with the tools' routes once they exist (server.ts).
 *
 * Tools are listed from their definitions, so their `_meta` cannot depend on the client until
 * it has said what it supports (`notifications/initialized`, which by the protocol comes before
 * any `tools/list`). Then the chart tools get their `_meta`, the `ui://` resource is switched
 * on, and successful results of those tools name their tool in `_meta` (for hosts that do not
 * pass `toolInfo` to the view). The routes load after `initialize` is answered (server.ts), so
 * whichever comes second, routes or the client's word, applies it. Without the extension
 * nothing is added: tools/list, resources/list and every result stay exactly as they were.
 *
 * Stateless HTTP has no session, so its per-request servers never see the client's
 * capabilities: charts are off there.
 */
export function registerApps(
  server: McpServer,
  offered: ReadonlySet<string>,
): (routes: ReadonlyMap<string, ToolRoute>) => void {
  const charted = CHART_TOOLS.filter((name) => offered.has(name));
  if (charted.length === 0) return () => {};

  const resource = server.registerResource(
    "metrics-chart",
    METRICS_CHART_URI,
    {
      title: "Metrics chart",
      description:
        "Interactive chart of CPU, memory, disk and network metrics for MCP Apps hosts (the view of the metrics tools).",
      mimeType: UI_MIME_TYPE,
      _meta: { ui: { prefersBorder: true } },
    },
    async (uri) => ({
      contents: [
        {
          uri: uri.href,
          mimeType: UI_MIME_TYPE,
          text: metricsChartHtml(),
          // No csp domains: the view makes no network requests and loads nothing.
          _meta: { ui: { prefersBorder: true, csp: {} } },
        },
      ],
    }),
  );
  // Hidden (not listed, not readable) until a client declares the extension.
  resource.enabled = false;

  let enabled = false;
  let tools: ToolRoute[] = [];
  const showCharts = () => {
    for (const tool of tools) tool._meta = { ...tool._meta, ...chartToolMeta() };
  };

  const previous = server.server.oninitialized;
  server.server.oninitialized = () => {
    previous?.();
    if (!supportsUi(server.server.getClientCapabilities())) return;
    enabled = true;
    resource.enabled = true;
    showCharts();
  };

  return (routes) => {
    tools = charted.flatMap((name) => routes.get(name) ?? []);
    for (const tool of tools) {
      const { handler } = tool;
      const name = tool.definition.name;
      tool.handler = async (args, extra) => {
        const result = await handler(args, extra);
        if (!enabled || result.isError) return result;
        return { ...result, _meta: { ...result._meta, [CHART_RESULT_META_KEY]: { tool: name } } };
      };
    }
    if (enabled) showCharts();
  };
}
