// The subcommands and their one-line summaries, for the top-level help. A leaf module: the
// option parser imports it without loading any command.
export const COMMAND_SUMMARIES = {
  setup: "add alpacon-mcp to an MCP client (Claude, Cursor, VS Code, Continue, Windsurf)",
  doctor: "check Node.js, the token file and each workspace's URL and token",
  auth: "set, remove or list workspace API tokens (hidden input, file mode 0600)",
} as const;

export type CommandName = keyof typeof COMMAND_SUMMARIES;

export function isCommand(value: string | undefined): value is CommandName {
  return value !== undefined && Object.hasOwn(COMMAND_SUMMARIES, value);
}
