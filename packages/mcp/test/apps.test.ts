import { existsSync, readFileSync } from "node:fs";
import {
  EXTENSION_ID,
  RESOURCE_MIME_TYPE,
  RESOURCE_URI_META_KEY,
} from "@modelcontextprotocol/ext-apps/server";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { ClientCapabilities, Tool } from "@modelcontextprotocol/sdk/types.js";
import { beforeAll, describe, expect, test } from "vitest";
import { BUNDLE_FILE, chartViewBundle } from "../scripts/chart-view.js";
import { type RenderResult, renderCharts } from "../scripts/render-chart.js";
import {
  CHART_RESULT_META_KEY,
  LEGACY_RESOURCE_URI_KEY,
  registerApps,
  supportsUi,
  UI_EXTENSION_ID,
  UI_MIME_TYPE,
} from "../src/apps/index.js";
import { CHART_TOOLS, METRICS_CHART_URI, metricsChartHtml } from "../src/apps/metrics-chart.js";
import type { ToolRoute } from "../src/server/register.js";
import type { AnyTool } from "../src/tools/define.js";
import { useHarness } from "./helpers/file-harness.js";

const UI_CLIENT: ClientCapabilities = {
  extensions: { [UI_EXTENSION_ID]: { mimeTypes: [UI_MIME_TYPE] } },
};

const h = useHarness();

/** Arguments that make each chart tool return data from the sandbox. */
function argsFor(name: string): Record<string, unknown> {
  return name === "get_cpu_usage" || name === "get_memory_usage"
    ? { workspace: "acme", server: h.server, hours: 24, buckets: 24 }
    : { workspace: "acme", server: h.server };
}

test("the protocol constants match @modelcontextprotocol/ext-apps", () => {
  expect(UI_EXTENSION_ID).toBe(EXTENSION_ID);
  expect(UI_MIME_TYPE).toBe(RESOURCE_MIME_TYPE);
  expect(LEGACY_RESOURCE_URI_KEY).toBe(RESOURCE_URI_META_KEY);
});

test("supportsUi needs the extension with the MCP Apps MIME type", () => {
  expect(supportsUi(undefined)).toBe(false);
  expect(supportsUi({})).toBe(false);
  expect(supportsUi({ extensions: { [UI_EXTENSION_ID]: {} } })).toBe(false);
  expect(
    supportsUi({
      extensions: { [UI_EXTENSION_ID]: { mimeTypes: ["text/html"] } },
    }),
  ).toBe(false);
  expect(supportsUi(UI_CLIENT)).toBe(true);
});

describe("a client that renders MCP Apps", () => {
  test("sees the chart on exactly the chart tools", async () => {
    const { client } = await h.connect({}, UI_CLIENT);
    const { tools } = await client.listTools();
    const withUi = tools.filter((tool) => tool._meta?.ui !== undefined).map((tool) => tool.name);
    expect(withUi.sort()).toEqual([...CHART_TOOLS].sort());
    const cpu = tools.find((tool) => tool.name === "get_cpu_usage") as Tool;
    expect(cpu._meta).toEqual({
      "anthropic/searchHint": expect.any(String),
      ui: { resourceUri: METRICS_CHART_URI },
      "ui/resourceUri": METRICS_CHART_URI,
      "openai/outputTemplate": METRICS_CHART_URI,
    });
  });

  test("lists and reads the chart resource", async () => {
    const { client } = await h.connect({}, UI_CLIENT);
    const { resources } = await client.listResources();
    const chart = resources.find((item) => item.uri === METRICS_CHART_URI);
    expect(chart?.mimeType).toBe(UI_MIME_TYPE);
    const read = await client.readResource({ uri: METRICS_CHART_URI });
    const content = read.contents[0] as { mimeType: string; text: string; _meta: unknown };
    expect(content.mimeType).toBe(UI_MIME_TYPE);
    expect(content.text).toBe(metricsChartHtml());
    expect(content._meta).toEqual({ ui: { prefersBorder: true, csp: {} } });
  });

  test("results keep their text and structuredContent and name their tool in _meta", async () => {
    const plain = await h.connect();
    const ui = await h.connect({}, UI_CLIENT);
    // A pinned window, so that two calls return the same data (the summary always ends now).
    const hour = 3_600_000;
    const now = Math.floor(Date.now() / hour) * hour;
    const window = {
      start: new Date(now - 6 * hour).toISOString(),
      end: new Date(now - hour).toISOString(),
    };
    for (const name of CHART_TOOLS) {
      const pinned = name !== "get_server_metrics_summary";
      const args = { ...argsFor(name), ...(pinned ? window : {}) };
      const a = await plain.client.callTool({ name, arguments: args });
      const b = await ui.client.callTool({ name, arguments: args });
      expect(a._meta).toBeUndefined();
      expect(b._meta).toEqual({ [CHART_RESULT_META_KEY]: { tool: name } });
      expect(b.isError).toBeFalsy();
      if (pinned) {
        expect(JSON.stringify(a.structuredContent)).toMatch(/"(avg|latest)":/);
        expect(b.content).toEqual(a.content);
        expect(b.structuredContent).toEqual(a.structuredContent);
      }
    }
  });

  test("errors are left alone", async () => {
    const { client } = await h.connect({}, UI_CLIENT);
    const result = await client.callTool({
      name: "get_cpu_usage",
      arguments: { workspace: "acme", server: "00000000-0000-4000-8000-000000000000" },
    });
    expect(result.isError).toBe(true);
    expect(result._meta).toBeUndefined();
  });

  test("no chart when the chart tools are not selected", async () => {
    const { client } = await h.connect({ toolsets: ["servers"] }, UI_CLIENT);
    const { tools } = await client.listTools();
    expect(tools.some((tool) => tool._meta?.ui)).toBe(false);
    const { resources } = await client.listResources();
    expect(resources.some((item) => item.uri === METRICS_CHART_URI)).toBe(false);
  });
});

describe("a client without the extension", () => {
  test("sees no chart _meta, no chart resource, and cannot read it", async () => {
    const { client } = await h.connect();
    const { tools } = await client.listTools();
    const keys = tools.flatMap((tool) => Object.keys(tool._meta ?? {}));
    expect(new Set(keys)).toEqual(new Set(["anthropic/searchHint", "anthropic/alwaysLoad"]));
    const { resources } = await client.listResources();
    expect(resources.some((item) => item.uri.startsWith("ui://"))).toBe(false);
    await expect(client.readResource({ uri: METRICS_CHART_URI })).rejects.toThrow(/disabled/);
  });

  test("gets the same tools/list as a server without apps support at all", async () => {
    const plain = await h.connect();
    const ui = await h.connect({}, UI_CLIENT);
    // The chart keys off, what remains (the tool-search hints) is the same.
    const strip = (tools: Tool[]) =>
      tools.map(({ _meta, ...rest }) => {
        const {
          ui: _ui,
          "ui/resourceUri": _uri,
          "openai/outputTemplate": _template,
          ...meta
        } = _meta ?? {};
        return { ...rest, _meta: meta };
      });
    const a = (await plain.client.listTools()).tools;
    const b = (await ui.client.listTools()).tools;
    expect(strip(b)).toEqual(strip(a));
  });
});

describe("the chart document", () => {
  const html = metricsChartHtml();

  test("is self-contained with a strict CSP", () => {
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("connect-src 'none'");
    expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'(;|$)/);
    expect(csp).not.toContain("unsafe-inline");
    expect(csp).not.toContain("unsafe-eval");
    // Nothing loaded from anywhere: no src/href attributes, no URLs besides the SVG namespace.
    expect(html).not.toMatch(/\s(src|href)=/);
    const urls = html.match(/https?:\/\/[^\s"')]+/g) ?? [];
    expect(urls).toEqual(["http://www.w3.org/2000/svg"]);
  });

  test("is built from the current view.ts, view.css and view.html (pnpm --filter @alpacon/mcp chart)", () => {
    expect(readFileSync(BUNDLE_FILE, "utf8")).toBe(chartViewBundle());
  });

  test("its script parses", () => {
    const script = /<script>([\s\S]*)<\/script>/.exec(html)?.[1] ?? "";
    expect(script.length).toBeGreaterThan(1000);
    expect(() => new Function(script)).not.toThrow();
  });
});

// Rendering needs a browser: Debian's `chromium` package (`apt-get install -y chromium`). CI
// machines without it skip this block and say so; the block runs wherever /usr/bin/chromium is.
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) {
  console.warn(
    `apps.test.ts: skipping the headless-Chromium rendering check: ${CHROMIUM} not found (apt-get install -y chromium).`,
  );
}

describe.skipIf(!haveChromium)("rendered in headless Chromium (skipped without chromium)", () => {
  let rendered: RenderResult[];
  beforeAll(async () => {
    rendered = await renderCharts({
      sandbox: h.sandbox,
      configFile: h.configFile,
      executablePath: CHROMIUM,
      cases: CHART_TOOLS.flatMap((tool) =>
        (["light", "dark"] as const).map((theme) => ({ tool, theme })),
      ),
    });
  }, 120_000);

  test.each(
    CHART_TOOLS.flatMap((tool) => (["light", "dark"] as const).map((theme) => [tool, theme])),
  )("%s (%s) draws a non-blank chart with no console errors", (tool, theme) => {
    const item = rendered.find((entry) => entry.tool === tool && entry.theme === theme)!;
    expect(item.consoleErrors).toEqual([]);
    expect(item.state).toBe("ready");
    expect(item.pixels.stddev).toBeGreaterThan(10);
    expect(item.pixels.nonBackground).toBeGreaterThan(0.02);
    expect(item.svgCount).toBeGreaterThan(0);
    expect(item.texts.join(" ")).toMatch(/%|bit\/s/);
  });

  test("the summary fetched the CPU and memory series through the host", () => {
    const item = rendered.find(
      (entry) => entry.tool === "get_server_metrics_summary" && entry.theme === "light",
    )!;
    expect(item.hostToolCalls.sort()).toEqual(["get_cpu_usage", "get_memory_usage"]);
  });

  test("dark and light differ", () => {
    const light = rendered.find(
      (entry) => entry.tool === "get_cpu_usage" && entry.theme === "light",
    )!;
    const dark = rendered.find(
      (entry) => entry.tool === "get_cpu_usage" && entry.theme === "dark",
    )!;
    expect(light.pixels.background).not.toEqual(dark.pixels.background);
  });
});

describe("the tools load after the handshake (server.ts)", () => {
  /** A server with the CPU chart tool offered, whose route comes when the test says. */
  async function handshake(capabilities: ClientCapabilities) {
    const server = new McpServer({ name: "test", version: "0.0.0" }, { capabilities: {} });
    const attach = registerApps(server, new Set(["get_cpu_usage"]));
    const route: ToolRoute = {
      definition: { name: "get_cpu_usage" } as AnyTool,
      handler: async () => ({ content: [{ type: "text", text: "ok" }] }),
      _meta: { "anthropic/searchHint": "cpu" },
    };
    const client = new Client({ name: "test", version: "0.0.0" }, { capabilities });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
    // The client's notifications/initialized has been sent; let the server read it.
    await new Promise((resolve) => setTimeout(resolve, 10));
    return { attach, route, close: () => Promise.all([client.close(), server.close()]) };
  }

  test("a client that said it renders apps before the tools loaded gets the chart", async () => {
    const { attach, route, close } = await handshake(UI_CLIENT);
    attach(new Map([["get_cpu_usage", route]]));
    expect(route._meta.ui).toEqual({ resourceUri: METRICS_CHART_URI });
    const result = await route.handler({}, {} as never);
    expect(result._meta).toEqual({ [CHART_RESULT_META_KEY]: { tool: "get_cpu_usage" } });
    await close();
  });

  test("a client without the extension gets nothing, whenever the tools load", async () => {
    const { attach, route, close } = await handshake({});
    attach(new Map([["get_cpu_usage", route]]));
    expect(route._meta).toEqual({ "anthropic/searchHint": "cpu" });
    expect((await route.handler({}, {} as never))._meta).toBeUndefined();
    await close();
  });
});
