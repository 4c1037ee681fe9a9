/**
 * The baseline of B1, B2, B3 and B7: the smallest useful MCP server one can write with the MCP
 * SDK, on stdio, with ONE tool. Built to plain JS (tsup, dependencies external, like
 * packages/mcp) so it starts the way `alpacon-mcp` does: `node file.js`, no loader in between.
 *
 * MINIMAL_TOOL picks the tool (still one per server):
 * - `fetch` (default): a raw `fetch` of MINIMAL_FETCH_URL, the body returned as text (B1, B2, B7);
 * - `websh`: a raw WebSocket marker exec in one websh session on MINIMAL_WEBSH_SERVER, opened
 *   on first use and kept (B3: the same stdio hop as our server, none of its machinery).
 */
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import WebSocket from "ws";
import * as z from "zod";

const authorization = process.env.MINIMAL_FETCH_AUTHORIZATION ?? "";
const server = new McpServer({ name: "minimal", version: "1.0.0" });

if (process.env.MINIMAL_TOOL === "websh") {
  const baseUrl = process.env.MINIMAL_BASE_URL ?? "http://127.0.0.1:1";
  const target = process.env.MINIMAL_WEBSH_SERVER ?? "";
  let socket: Promise<WebSocket> | undefined;
  let text = "";
  let wake: (() => void) | undefined;
  const open = async () => {
    const response = await fetch(`${baseUrl}/api/websh/sessions/`, {
      method: "POST",
      headers: { Authorization: authorization, "Content-Type": "application/json" },
      body: JSON.stringify({ server: target, rows: 24, cols: 80 }),
    });
    const { websocket_url: url } = (await response.json()) as { websocket_url: string };
    const ws = new WebSocket(url, { headers: { Origin: new URL(url).origin } });
    ws.on("message", (data: Buffer) => {
      text += data.toString("utf8");
      wake?.();
    });
    await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
    return ws;
  };
  let id = 0;
  server.registerTool(
    "run",
    { description: "Runs a command in a shell.", inputSchema: { command: z.string() } },
    async ({ command }) => {
      socket ??= open();
      const ws = await socket;
      const marker = `__BM_${++id}__`;
      text = "";
      const done = new Promise<void>((resolve) => {
        wake = () => {
          if (text.includes(marker)) resolve();
        };
      });
      ws.send(Buffer.from(`${command}; printf '__BM_%s__\\n' ${id}\r`));
      await done;
      return { content: [{ type: "text", text }] };
    },
  );
} else {
  const url = process.env.MINIMAL_FETCH_URL ?? "http://127.0.0.1:1/";
  server.registerTool(
    "fetch_servers",
    {
      description: "Fetches the server list of the workspace.",
      inputSchema: { page: z.int().min(1).optional() },
    },
    async () => {
      const response = await fetch(url, { headers: { Authorization: authorization } });
      return { content: [{ type: "text", text: await response.text() }] };
    },
  );
}

await server.connect(new StdioServerTransport());
// Exit through process.exit on SIGTERM, so `--cpu-prof` can write its profile (benchmarks only).
process.once("SIGTERM", () => process.exit(0));
