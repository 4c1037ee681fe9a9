import type { PluginContext } from "../server/sandbox.js";
import { createWebshServer, type WebshServer } from "./websh-server.js";

export { Pty, type PtyOptions } from "./pty.js";
export { SESSION_CLOSE_CODE, SessionHub } from "./session-hub.js";
export { createWebshServer, type WebshServer } from "./websh-server.js";

/** Serves the websh user-channel WebSockets of every workspace. */
export function webshPlugin({ app, core }: PluginContext): WebshServer {
  const server = createWebshServer(core);
  app.onUpgrade(server.handleUpgrade);
  return server;
}
