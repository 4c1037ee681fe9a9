/**
 * WebFTP bytes: the presigned storage URLs and the simulated agent that moves files between
 * storage and the servers' filesystems. The REST half (records, trigger, status) is in
 * `routes/webftp.ts`; this plugs into it through `TransferStore.hooks`.
 */
import type { PluginContext } from "../server/sandbox.js";
import { createAgentHooks } from "./agent.js";
import { TransferStorage } from "./storage.js";
import { getDownload, putUpload } from "./storage-routes.js";

export { createAgentHooks } from "./agent.js";
export { TransferStorage } from "./storage.js";
export { extractZip, INLINE_LIMIT, zipFolder } from "./zip.js";

export function webftpPlugin({ app, core }: PluginContext): { close(): Promise<void> } {
  const storage = new TransferStorage();
  for (const ws of core.workspaces.values()) ws.transfers.hooks = createAgentHooks(ws, storage);
  app.rawRoute("PUT", "/storage/uploads/:id", putUpload(storage));
  app.rawRoute("GET", "/storage/downloads/:id", getDownload());
  return { close: () => storage.close() };
}
