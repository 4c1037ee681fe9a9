/**
 * Every toolset, once: its name (for `--toolsets`; the reference server's where it has the
 * toolset), what it is for (shown by `alpacon-mcp --help` and in the README) and what of it is
 * on when no toolset or tool is chosen: all its tools, none, or only its read-only tools (the
 * rest come with naming the toolset). Every tool belongs to exactly one; the order here is the
 * order of `tools/list` and of the README.
 */
export const TOOLSET_RECORD = {
  servers: { description: "Servers of a workspace and their notes", enabled: true },
  metrics: { description: "CPU, memory, disk and network metrics; busiest servers", enabled: true },
  alerts: {
    description: "Alerts fired by metric thresholds, acknowledging them, authoring alert rules",
    enabled: false,
  },
  "system-info": {
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
  // Acknowledging and finishing commands is the agent's part of a command's life, rarely a person's.
  events: {
    description: "Server events, search, and the command lifecycle steps (ack, finish)",
    enabled: "read-only",
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
  // Reading who may do what is daily work; changing it is an administrator's, named on purpose.
  iam: {
    description: "Workspace users, groups, roles, applications and invitations",
    enabled: "read-only",
  },
  auth: {
    description: "Configured workspaces and their API tokens on this machine",
    enabled: true,
  },
  workspace: {
    description: "Who the token is; workspace access control, MFA settings and preferences",
    enabled: false,
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
  audit: {
    description:
      "Activity (audit) logs, server and WebFTP logs, session analyses, websh session records",
    enabled: false,
  },
  "server-admin": {
    description:
      "Reboot, shut down and upgrade servers and agents, rename, star, unregister; registration tokens and install commands",
    enabled: false,
  },
  certs: {
    description:
      "Private PKI: certificate authorities, sign requests and their approval, issued certificates, revocations",
    enabled: false,
  },
  approvals: {
    description:
      "Approval requests (observe; a person decides them out of band) and workspace sudo policies",
    enabled: false,
  },
  health: {
    description: "This MCP server's own health and its workspaces' reachability",
    enabled: true,
  },
  packages: {
    description:
      "Package repository: install and remove system and Python packages on servers, uploaded files",
    enabled: false,
  },
  webhooks: {
    description: "Webhooks and event subscriptions: which events reach which endpoint or channel",
    enabled: false,
  },
  // Opt-in, or alone with --code-mode: the SDK behind two tools instead of one tool per call.
  code: {
    description:
      "Code mode: search the SDK and execute a JS/TS snippet with it (alone with --code-mode)",
    enabled: false,
  },
} as const satisfies Record<string, { description: string; enabled: boolean | "read-only" }>;

export type Toolset = keyof typeof TOOLSET_RECORD;

/** Toolset names, for `--toolsets` and the docs. */
export const TOOLSETS = Object.keys(TOOLSET_RECORD) as readonly Toolset[];

/**
 * Other names `--toolsets` accepts: the reference's always-on `prompts` (prompts are always
 * offered here too, so it selects nothing), and `system`, this server's name for `system-info`
 * before it took the reference's.
 */
export const TOOLSET_ALIASES: Readonly<Record<string, Toolset | null>> = {
  system: "system-info",
  prompts: null,
};

/** What each toolset is for (kept for the package's public API; read from TOOLSET_RECORD). */
export const TOOLSET_DESCRIPTIONS = Object.fromEntries(
  TOOLSETS.map((name) => [name, TOOLSET_RECORD[name].description]),
) as Record<Toolset, string>;
