// Renders the metrics chart (the MCP Apps view of the metrics tools) in headless Chromium, fed
// with real tool results from the sandbox, and checks that the pictures are not blank.
//
//   pnpm --filter @alpacon/mcp render:chart            writes docs/metrics-chart.png
//   pnpm --filter @alpacon/mcp render:chart --all DIR  every chart tool, light and dark, into DIR
//
// Needs Debian's chromium (apt-get install -y chromium) or CHROMIUM_PATH, and built workspace
// packages (pnpm build). test/apps.test.ts runs the same code on the sources.
//
// The host is the real one: AppBridge from @modelcontextprotocol/ext-apps, in this process,
// talking to the view through a tiny page (an iframe sandboxed like hosts do it, and two
// postMessage relays). The bridge validates every message the view sends against the spec's
// schemas, answers ui/initialize with a host context (theme, locale, time zone, tool), sends
// tool-input and tool-result, resizes the iframe on size-changed, and forwards the view's
// tools/call to a real MCP client connected to the server.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Sandbox } from "@alpacon/sandbox";
import { loadConfig } from "@alpacon/sdk/node";
import { AppBridge } from "@modelcontextprotocol/ext-apps/app-bridge";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { CallToolResult, JSONRPCMessage, Tool } from "@modelcontextprotocol/sdk/types.js";
import { type Browser, chromium, type Page } from "playwright-core";
import { UI_EXTENSION_ID, UI_MIME_TYPE } from "../src/apps/index.js";
import { CHART_TOOLS } from "../src/apps/metrics-chart.js";
import { createAlpaconMcpServer } from "../src/index.js";

export interface RenderCase {
  tool: string;
  theme: "light" | "dark";
  /** Width of the iframe in CSS pixels; default 760. */
  width?: number;
}

export interface RenderResult {
  tool: string;
  theme: "light" | "dark";
  png: Buffer;
  /** The view's `data-state` at the end: `ready` once it has drawn. */
  state: string;
  /** Console errors and uncaught exceptions of the page and the view (CSP violations too). */
  consoleErrors: string[];
  pixels: {
    stddev: number;
    nonBackground: number;
    background: number[];
    width: number;
    height: number;
  };
  svgCount: number;
  /** The text of every SVG label (axis ticks, values). */
  texts: string[];
  /** Tools the view called through the host. */
  hostToolCalls: string[];
}

export interface RenderOptions {
  sandbox: Sandbox;
  /** A token file for the sandbox's workspaces. */
  configFile: string;
  executablePath: string;
  cases: RenderCase[];
  /** Device pixel ratio of the screenshots; default 1. */
  scale?: number;
}

// Flags for a headless browser that reaches nothing: the view is loaded from a string.
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

const HOST_PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><style>
  body { margin: 0; padding: 16px; background: #8a8f98; }
  iframe { display: block; border: 0; height: 120px; }
</style></head><body>
<iframe id="view" sandbox="allow-scripts"></iframe>
<script>
  const frame = document.getElementById("view");
  window.addEventListener("message", (event) => {
    if (event.source === frame.contentWindow) window.toHost(event.data);
  });
  window.toView = (message) => frame.contentWindow.postMessage(message, "*");
  window.sizeView = (width, height) => {
    if (width) frame.style.width = width + "px";
    if (height) frame.style.height = height + "px";
  };
  window.loadView = (html) => { frame.srcdoc = html; };
</script>
</body></html>`;

/** The MCP transport of the bridge: messages cross into the page by the two relays above. */
class PageTransport implements Transport {
  onmessage?: (message: JSONRPCMessage) => void;
  onclose?: () => void;
  onerror?: (error: Error) => void;
  constructor(private readonly page: Page) {}
  async start(): Promise<void> {}
  async send(message: JSONRPCMessage): Promise<void> {
    await this.page.evaluate((m) => (globalThis as unknown as Relay).toView(m), message);
  }
  async close(): Promise<void> {
    this.onclose?.();
  }
}

/** What the host page offers (see HOST_PAGE). */
interface Relay {
  toView(message: unknown): void;
  sizeView(width: number, height: number): void;
  loadView(html: string): void;
}
// page.evaluate callbacks are sent to the page as source text: they may use only their
// arguments and the page's globals (type casts vanish), never functions of this module.

/** A connected server id of the sandbox's `acme` workspace. */
function connectedServer(sandbox: Sandbox): string {
  const server = sandbox.control
    .workspace("ap1", "acme")
    .servers()
    .find((item) => item.is_connected === true && item.commissioned === true);
  if (!server) throw new Error("The sandbox has no connected server.");
  return server.id as string;
}

function argumentsFor(tool: string, server: string): Record<string, unknown> {
  if (tool === "get_cpu_usage" || tool === "get_memory_usage") {
    return { workspace: "acme", server, hours: 24, buckets: 48 };
  }
  return { workspace: "acme", server, hours: 24 };
}

export async function renderCharts(options: RenderOptions): Promise<RenderResult[]> {
  const mcp = createAlpaconMcpServer({
    config: loadConfig({ configFile: options.configFile, env: {} }),
    confirm: "deny",
  });
  const client = new Client(
    { name: "render-chart", version: "0.0.0" },
    { capabilities: { extensions: { [UI_EXTENSION_ID]: { mimeTypes: [UI_MIME_TYPE] } } } },
  );
  const [a, b] = InMemoryTransport.createLinkedPair();
  await Promise.all([mcp.connect(a), client.connect(b)]);
  let browser: Browser | undefined;
  try {
    const { tools } = await client.listTools();
    const server = connectedServer(options.sandbox);
    browser = await chromium.launch({
      executablePath: options.executablePath,
      args: CHROMIUM_ARGS,
      headless: true,
    });
    const results: RenderResult[] = [];
    for (const item of options.cases) {
      const tool = tools.find((entry) => entry.name === item.tool);
      if (!tool) throw new Error(`${item.tool} is not listed.`);
      results.push(await renderOne(browser, client, tool, server, item, options.scale ?? 1));
    }
    return results;
  } finally {
    await browser?.close();
    await client.close();
    await mcp.close();
  }
}

async function renderOne(
  browser: Browser,
  client: Client,
  tool: Tool,
  server: string,
  item: RenderCase,
  scale: number,
): Promise<RenderResult> {
  const uri = (tool._meta?.ui as { resourceUri?: string } | undefined)?.resourceUri;
  if (!uri) throw new Error(`${tool.name} has no _meta.ui.resourceUri.`);
  const read = await client.readResource({ uri });
  const html = (read.contents[0] as { text: string }).text;
  const args = argumentsFor(tool.name, server);
  const result = (await client.callTool({ name: tool.name, arguments: args })) as CallToolResult;
  if (result.isError) throw new Error(`${tool.name} failed: ${JSON.stringify(result.content)}`);

  const width = item.width ?? 760;
  const page = await browser.newPage({
    viewport: { width: width + 32, height: 900 },
    deviceScaleFactor: scale,
  });
  const consoleErrors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(message.text());
  });
  page.on("pageerror", (error) => consoleErrors.push(error.message));
  const transport = new PageTransport(page);
  await page.exposeFunction("toHost", (message: JSONRPCMessage) => transport.onmessage?.(message));
  await page.setContent(HOST_PAGE);
  await page.evaluate((w) => (globalThis as unknown as Relay).sizeView(w, 0), width);

  const hostToolCalls: string[] = [];
  const bridge = new AppBridge(
    null,
    { name: "render-chart-host", version: "0.0.0" },
    { serverTools: {}, logging: {} },
    {
      hostContext: {
        theme: item.theme,
        locale: "en-US",
        timeZone: "UTC",
        platform: "desktop",
        displayMode: "inline",
        availableDisplayModes: ["inline"],
        containerDimensions: { width, maxHeight: 3000 },
        // The dark runs leave toolInfo out, so the view must find the tool in the result's _meta.
        ...(item.theme === "light" ? { toolInfo: { id: 1, tool } } : {}),
      },
    },
  );
  bridge.oncalltool = async (params) => {
    hostToolCalls.push(params.name);
    return (await client.callTool(params)) as CallToolResult;
  };
  bridge.onsizechange = ({ height }) => {
    if (height === undefined) return;
    void page.evaluate((h) => (globalThis as unknown as Relay).sizeView(0, h), height);
  };
  // The published .d.ts of ext-apps 1.7 imports "./events" without an extension, which NodeNext
  // cannot resolve, so the inherited Protocol methods are invisible to tsc: named here.
  const events = bridge as unknown as {
    addEventListener(event: "initialized", listener: () => void): void;
    close(): Promise<void>;
  };
  events.addEventListener("initialized", () => {
    void bridge
      .sendToolInput({ arguments: args })
      .then(() => bridge.sendToolResult(result))
      .catch((error: Error) => consoleErrors.push(`host: ${error.message}`));
  });
  await bridge.connect(transport);
  await page.evaluate((doc) => (globalThis as unknown as Relay).loadView(doc), html);

  const view = page.frameLocator("#view");
  let state = "timeout";
  try {
    await view.locator('body[data-state="ready"]').waitFor({ timeout: 15_000 });
    state = "ready";
  } catch {
    state =
      (await view
        .locator("body")
        .getAttribute("data-state")
        .catch(() => null)) ?? "none";
  }
  // Let the last size-changed notification resize the iframe before the picture.
  await page.waitForTimeout(300);
  const frame = page.frames().find((entry) => entry !== page.mainFrame());
  const inside = (await frame?.evaluate(() => {
    const doc = (globalThis as unknown as { document: DocLike }).document;
    return {
      svgCount: doc.querySelectorAll("svg").length,
      texts: Array.from(doc.querySelectorAll("svg text")).map((node) => node.textContent ?? ""),
    };
  })) ?? { svgCount: 0, texts: [] };
  const png = await page.locator("#view").screenshot();
  const pixels = await page.evaluate(pixelStats, png.toString("base64"));
  await events.close().catch(() => {});
  await page.close();
  return {
    tool: tool.name,
    theme: item.theme,
    png,
    state,
    consoleErrors,
    pixels,
    svgCount: inside.svgCount,
    texts: inside.texts,
    hostToolCalls,
  };
}

interface DocLike {
  querySelectorAll(selector: string): ArrayLike<{ textContent: string | null }>;
}

/** Runs in the page: decodes the PNG and measures it (luminance spread, share of background). */
async function pixelStats(base64: string): Promise<RenderResult["pixels"]> {
  // biome-ignore lint/suspicious/noExplicitAny: browser globals; this package has no DOM types
  const g = globalThis as any;
  const image = new g.Image();
  image.src = `data:image/png;base64,${base64}`;
  await image.decode();
  const canvas = g.document.createElement("canvas");
  canvas.width = image.width;
  canvas.height = image.height;
  const context = canvas.getContext("2d");
  context.drawImage(image, 0, 0);
  const data: Uint8ClampedArray = context.getImageData(0, 0, canvas.width, canvas.height).data;
  const count = data.length / 4;
  const colors = new Map<number, number>();
  let sum = 0;
  let squares = 0;
  for (let index = 0; index < data.length; index += 4) {
    const [r, gr, b] = [data[index]!, data[index + 1]!, data[index + 2]!];
    const luminance = 0.299 * r + 0.587 * gr + 0.114 * b;
    sum += luminance;
    squares += luminance * luminance;
    const key = (r << 16) | (gr << 8) | b;
    colors.set(key, (colors.get(key) ?? 0) + 1);
  }
  let background = 0;
  let most = 0;
  for (const [key, seen] of colors) {
    if (seen > most) [background, most] = [key, seen];
  }
  const mean = sum / count;
  return {
    stddev: Math.sqrt(Math.max(0, squares / count - mean * mean)),
    nonBackground: 1 - most / count,
    background: [(background >> 16) & 255, (background >> 8) & 255, background & 255],
    width: canvas.width,
    height: canvas.height,
  };
}

/** Not blank: the picture has contrast and more than a sliver of non-background pixels. */
export function looksDrawn(result: RenderResult): boolean {
  return (
    result.state === "ready" &&
    result.consoleErrors.length === 0 &&
    result.pixels.stddev > 10 &&
    result.pixels.nonBackground > 0.02
  );
}

async function main(argv: string[]): Promise<number> {
  const here = dirname(fileURLToPath(import.meta.url));
  const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  const all = argv[0] === "--all";
  const outDir = all ? resolve(argv[1] ?? mkdtempSync(join(tmpdir(), "alpacon-chart-"))) : "";
  const { startSandbox } = await import("@alpacon/sandbox");
  const sandbox = await startSandbox({ servers: 6 });
  const dir = mkdtempSync(join(tmpdir(), "alpacon-chart-tokens-"));
  try {
    const tokens: Record<string, Record<string, { token: string; url: string }>> = {};
    for (const ws of sandbox.workspaces) {
      tokens[ws.region] ??= {};
      tokens[ws.region]![ws.workspace] = { token: ws.tokens.admin, url: ws.baseUrl };
    }
    const configFile = join(dir, "token.json");
    writeFileSync(configFile, JSON.stringify(tokens), { mode: 0o600 });
    const cases: RenderCase[] = all
      ? CHART_TOOLS.flatMap((tool) =>
          (["light", "dark"] as const).map((theme) => ({ tool, theme })),
        )
      : [{ tool: "get_server_metrics_summary", theme: "light" }];
    const results = await renderCharts({ sandbox, configFile, executablePath, cases, scale: 2 });
    let failed = 0;
    for (const result of results) {
      const file = all
        ? join(outDir, `${result.tool}-${result.theme}.png`)
        : join(here, "..", "docs", "metrics-chart.png");
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, result.png);
      const ok = looksDrawn(result);
      if (!ok) failed++;
      const { stddev, nonBackground, width, height } = result.pixels;
      console.log(
        `${ok ? "ok  " : "FAIL"} ${result.tool} (${result.theme}) ${width}x${height} stddev ${stddev.toFixed(1)}, ${(nonBackground * 100).toFixed(1)}% drawn, state ${result.state}${result.consoleErrors.length ? `, errors: ${result.consoleErrors.join(" | ")}` : ""} → ${file}`,
      );
    }
    return failed ? 1 : 0;
  } finally {
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: Error) => {
      console.error(error.message);
      process.exit(1);
    },
  );
}
