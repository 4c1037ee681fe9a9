import { createServer } from "node:http";
import { isIP } from "node:net";
import { createHttpHandler, type HttpOptions } from "./handler.js";
import { isLoopback } from "./loopback.js";

export interface StartHttpOptions extends HttpOptions {
  /** Default `127.0.0.1`. Anything but loopback needs `authToken` or `oauth`. */
  host?: string | undefined;
  /** Default 8237; 0 picks a free port. */
  port?: number | undefined;
}

export interface RunningHttpServer {
  /** The MCP endpoint: `http://127.0.0.1:8237/mcp` (or `…/sse`). */
  url: string;
  host: string;
  port: number;
  sessionCount(): number;
  /** Closes the sessions, then the listener. */
  close(): Promise<void>;
}

/**
 * Listens on `host:port` (default `127.0.0.1:8237`) with `createHttpHandler`. Refuses, before
 * binding anything, a non-loopback address without `authToken`.
 */
export async function startHttpServer(options: StartHttpOptions = {}): Promise<RunningHttpServer> {
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? 8237;
  if (!isLoopback(host) && options.oauth && !options.oauth.publicUrl) {
    throw new Error(
      `OAuth on ${host} needs the public URL clients reach this server at (--public-url, ALPACON_MCP_PUBLIC_URL): it is not taken from Host headers.`,
    );
  }
  if (!isLoopback(host) && !options.authToken && !options.oauth) {
    throw new Error(
      `Refusing to listen on ${host} without a bearer token: anyone who can reach it could use your Alpacon workspaces. Set --auth-token (ALPACON_MCP_AUTH_TOKEN), or listen on 127.0.0.1.`,
    );
  }
  const wildcard = host === "0.0.0.0" || host === "::" || host === "[::]";
  const allowedHosts = [...(options.allowedHosts ?? [])];
  if (!isLoopback(host) && !wildcard) allowedHosts.push(host);
  if (wildcard && allowedHosts.length === 0) {
    // Which names reach this machine is unknown; the bearer token is the protection here.
    allowedHosts.push("*");
    options.logger?.log(
      "notice",
      `listening on every interface: any Host header is accepted (set --allowed-hosts to restrict)`,
    );
  }
  const handler = createHttpHandler({ ...options, allowedHosts });
  const server = createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host.replace(/^\[|\]$/g, ""), () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  const actualPort = typeof address === "object" && address ? address.port : port;
  const shownHost =
    isIP(host.replace(/^\[|\]$/g, "")) === 6 ? `[${host.replace(/^\[|\]$/g, "")}]` : host;
  return {
    url: `http://${shownHost}:${actualPort}${options.transport === "sse" ? "/sse" : "/mcp"}`,
    host,
    port: actualPort,
    sessionCount: handler.sessionCount,
    async close() {
      await handler.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
