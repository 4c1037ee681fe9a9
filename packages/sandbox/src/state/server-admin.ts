import { randomBytes } from "node:crypto";
import type { Timers } from "../server/timers.js";
import type { ServerRecord } from "./model.js";

/** How long the simulated agent stays away after an action (ms). */
export interface ServerActionDelays {
  /** `restart_agent` and `upgrade_agent`: the agent process restarts and reconnects. */
  agentRestart: number;
  /** `reboot_system`: the host boots and its agent reconnects with a new boot time. */
  reboot: number;
}

export const DEFAULT_SERVER_ACTION_DELAYS: ServerActionDelays = {
  agentRestart: 1_000,
  reboot: 5_000,
};

export const SERVER_ACTIONS = [
  "restart_agent",
  "shutdown_agent",
  "upgrade_agent",
  "reboot_system",
  "shutdown_system",
  "upgrade_system",
  "update_information",
] as const;

export type ServerAction = (typeof SERVER_ACTIONS)[number];

/**
 * The `internal`-shell line each action becomes (`oss:servers/models.py`, in `ServerAction`'s
 * order; see api-surface.md S5).
 */
export const ACTION_LINES: Record<ServerAction, string> = {
  restart_agent: "restart",
  shutdown_agent: "quit",
  upgrade_agent: "upgrade",
  reboot_system: "reboot",
  shutdown_system: "shutdown",
  upgrade_system: "update",
  update_information: "commit",
};

/** The actions the busy guard protects (the CLI's `runDisruptiveServerAction` callers). */
export const DISRUPTIVE_ACTIONS: ReadonlySet<ServerAction> = new Set([
  "reboot_system",
  "shutdown_system",
  "upgrade_system",
]);

/** The agent release an upgrade installs: the newest one the fleet knows, or the next patch. */
export const LATEST_AGENT_VERSION = "1.4.2";

export function upgradedAgentVersion(current: string): string {
  if (compareVersions(current, LATEST_AGENT_VERSION) < 0) return LATEST_AGENT_VERSION;
  const parts = current.split(".").map((p) => Number.parseInt(p, 10) || 0);
  while (parts.length < 3) parts.push(0);
  parts[2] = (parts[2] as number) + 1;
  return parts.join(".");
}

function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export interface RegistrationTokenRecord {
  id: string;
  name: string;
  /** The secret an install script presents; only the create answer shows it. */
  key: string;
  allowedGroups: string[];
  expiresAt: number | null;
  enabled: boolean;
  addedAt: number;
}

export function newRegistrationKey(): string {
  return `alpacax_${randomBytes(24).toString("base64url")}`;
}

/** What the workspace gives the action logic: its clock, timers and server bookkeeping. */
export interface ActionHost {
  timers: Timers;
  now: () => number;
  delays: ServerActionDelays;
  setConnected(server: ServerRecord, connected: boolean): void;
  /** Still registered (an unregistered server never comes back). */
  isRegistered(server: ServerRecord): boolean;
  /** Drops the cached inventory so the next read reflects a fresh report. */
  refreshInventory(server: ServerRecord): void;
}

/**
 * Carries out an action once its command ran: the agent or host goes away (after the command
 * finished, so the command itself succeeds) and, for restarts, upgrades and reboots, comes back
 * after the configured delay.
 */
export function applyAction(host: ActionHost, server: ServerRecord, action: ServerAction): void {
  const back = (ms: number, change: () => void) => {
    host.timers.set(() => {
      if (!host.isRegistered(server)) return;
      change();
      host.setConnected(server, true);
    }, ms);
  };
  switch (action) {
    case "update_information":
      host.refreshInventory(server);
      server.updatedAt = host.now();
      return;
    case "upgrade_system":
      server.updatedAt = host.now();
      return;
    case "shutdown_agent":
    case "shutdown_system":
      host.setConnected(server, false);
      return;
    case "restart_agent":
      host.setConnected(server, false);
      back(host.delays.agentRestart, () => {});
      return;
    case "upgrade_agent":
      host.setConnected(server, false);
      back(host.delays.agentRestart, () => {
        server.agentVersion = upgradedAgentVersion(server.agentVersion);
      });
      return;
    case "reboot_system":
      host.setConnected(server, false);
      back(host.delays.reboot, () => {
        server.bootTime = host.now();
      });
      return;
  }
}

/** What the agent prints for each action's internal command. */
export function actionOutput(server: ServerRecord, action: ServerAction): string {
  switch (action) {
    case "restart_agent":
      return "Restarting alpamon.\n";
    case "shutdown_agent":
      return "Shutting down alpamon.\n";
    case "upgrade_agent":
      return `Upgrading alpamon from ${server.agentVersion} to ${upgradedAgentVersion(server.agentVersion)}.\n`;
    case "reboot_system":
      return "The system is going down for reboot NOW!\n";
    case "shutdown_system":
      return "The system is going down for poweroff NOW!\n";
    case "upgrade_system":
      return "Upgrading system packages.\n0 upgraded, 0 newly installed, 0 to remove.\n";
    case "update_information":
      return "Committed system information.\n";
  }
}
