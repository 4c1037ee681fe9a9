/**
 * Every toolset, once: its name (for `--toolsets`), what it is for (shown by `alpacon-mcp
 * --help` and in the README) and whether it is on when no toolset or tool is chosen. Every tool
 * belongs to exactly one; the order here is the order of `tools/list` and of the README.
 */
export const TOOLSET_RECORD = {
  servers: { description: "Servers of a workspace and their notes", enabled: true },
  metrics: { description: "CPU, memory, disk and network metrics; busiest servers", enabled: true },
  alerts: {
    description: "Alerts fired by metric thresholds, acknowledging them, authoring alert rules",
    enabled: false,
  },
  system: {
    description:
      "Hardware, OS, local users and groups, packages, interfaces, disks (agent inventory)",
    enabled: true,
  },
  websh: {
    description: "Web shell sessions: run commands in a live shell, keep channels open",
    enabled: true,
  },
  webftp: {
    description: "File transfers between this machine and servers; transfer history",
    enabled: true,
  },
  events: {
    description: "Server events, search, and the command lifecycle steps (ack, finish)",
    enabled: true,
  },
  commands: {
    description: "Run commands on one or many servers through the Command API; read results",
    enabled: true,
  },
  // On by default, as the reference keeps it always on: a workspace that requires work sessions
  // refuses commands, shells and transfers without one, and the refusal points to these tools.
  "work-sessions": {
    description: "Approval-gated work sessions: request, inspect, extend, close, timeline",
    enabled: true,
  },
  iam: { description: "Workspace users, groups, roles and permissions", enabled: true },
  auth: {
    description: "Configured workspaces and their API tokens on this machine",
    enabled: true,
  },
  tokens: {
    description:
      "API tokens of your account in a workspace: scopes, presets, create, rotate, delete",
    enabled: false,
  },
  security: {
    description: "Token ACLs: the commands, servers and file paths an API token may use",
    enabled: false,
  },
  "server-admin": {
    description:
      "Reboot, shut down and upgrade servers and agents, rename, star, unregister; registration tokens and install commands",
    enabled: false,
  },
} as const satisfies Record<string, { description: string; enabled: boolean }>;

export type Toolset = keyof typeof TOOLSET_RECORD;

/** Toolset names, for `--toolsets` and the docs. */
export const TOOLSETS = Object.keys(TOOLSET_RECORD) as readonly Toolset[];

/** What each toolset is for (kept for the package's public API; read from TOOLSET_RECORD). */
export const TOOLSET_DESCRIPTIONS = Object.fromEntries(
  TOOLSETS.map((name) => [name, TOOLSET_RECORD[name].description]),
) as Record<Toolset, string>;
