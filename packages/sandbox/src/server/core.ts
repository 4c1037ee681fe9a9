import type { FaultInjector } from "../control/faults.js";
import type { Journal } from "../control/journal.js";
import type { WorkspaceState } from "../state/workspace.js";
import type { Timers } from "./timers.js";

/** Shared by every route, the control API and the plug-in modules (websh, webftp storage). */
export interface SandboxCore {
  /** By `region/workspace`. */
  workspaces: Map<string, WorkspaceState>;
  faults: FaultInjector;
  journal: Journal;
  timers: Timers;
  now: () => number;
  /** `http://127.0.0.1:PORT`, set once listening. */
  origin: string;
  /** `ws://127.0.0.1:PORT`. */
  wsOrigin: string;
}
