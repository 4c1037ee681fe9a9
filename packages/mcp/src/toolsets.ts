import type { Toolset } from "./tools/define.js";

/** What each toolset is for; shown by `alpacon-mcp --help` and in the README. */
export const TOOLSET_DESCRIPTIONS: Record<Toolset, string> = {
  servers: "Servers of a workspace and their notes",
  metrics: "CPU, memory, disk and network metrics; busiest servers",
  system: "Hardware, OS, local users and groups, packages, interfaces, disks (agent inventory)",
  websh: "Web shell sessions: run commands in a live shell, keep channels open",
  webftp: "File transfers between this machine and servers; transfer history",
  events: "Server events, search, and the command lifecycle steps (ack, finish)",
  commands: "Run commands on one or many servers through the Command API; read results",
  iam: "Workspace users, groups, roles and permissions",
  auth: "Configured workspaces and their API tokens on this machine",
};
