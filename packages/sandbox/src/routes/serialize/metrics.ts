import type { WorkspaceState } from "../../state/workspace.js";

/** A realtime metrics list in the workspace's variant: bare array or `{ results }`. */
export function metricsList(ws: WorkspaceState, items: unknown[]): unknown {
  return ws.variants.metricsList === "results" ? { results: items } : items;
}
