import { serverLabel } from "@alpacon/sdk";
import * as z from "zod";
import { quoted } from "../server/confirm.js";
import {
  apiFields,
  defineTool,
  listTool,
  serverId,
  serverRef,
  type ToolCallContext,
} from "./define.js";

const event = z.looseObject({
  id: z.string(),
  server: serverRef,
  record: z.string(),
  count: z.int(),
  reporter: z.string(),
  description: z.string(),
  added_at: z.string(),
});

const eventFilters = {
  server: serverId.optional().describe("Only this server's events."),
  reporter: z
    .string()
    .min(1)
    .max(128)
    .optional()
    .describe("Only from this reporter, e.g. alpamon."),
};

export const listEvents = listTool({
  name: "list_events",
  searchHint: "events activity log audit recent",
  toolset: "events",
  title: "List events",
  description:
    "Recent events from servers and their agents (service starts, package changes, logins …), newest first: what happened lately.",
  sdk: (c) => c.events.list,
  input: eventFilters,
  pageSize: 25,
  rows: "events",
  row: event,
  line: eventLine,
});

export const searchEvents = listTool({
  name: "search_events",
  searchHint: "events search find query keyword",
  toolset: "events",
  title: "Search events",
  description:
    "Events whose server, reporter, record or description contains a text ('nginx', 'reboot' …), newest first.",
  sdk: (c) => c.events.search,
  input: { query: z.string().min(1).max(200).describe("Text to look for."), ...eventFilters },
  before: (args) => [args.query] as const,
  query: (args) => ({ server: args.server, reporter: args.reporter }),
  pageSize: 25,
  rows: "events",
  row: event,
  noun: (args) => `events matching "${args.query}"`,
  line: eventLine,
});

export const getEvent = defineTool({
  name: "get_event",
  searchHint: "event detail specific",
  toolset: "events",
  title: "Get an event",
  description: "One event with its data (list_events and search_events give ids).",
  sdk: (c) => c.events.get,
  operation: "GET",
  input: { event: z.guid().describe("From list_events or search_events.") },
  output: { event: event.extend({ data: z.unknown().optional() }) },
  notFound: "Check the event id with list_events",
  run: async (args, { sdk }) => ({ event: await sdk(args.event) }),
  summary: ({ event: item }) =>
    `${eventLine(item)}${item.data === undefined ? "" : `\nData: ${JSON.stringify(item.data).slice(0, 2_000)}`}`,
});

function eventLine(item: z.output<typeof event>): string {
  const repeated = item.count > 1 ? ` (×${item.count})` : "";
  return `${item.added_at} ${serverLabel(item.server)}: ${item.record}${repeated}: ${item.description.slice(0, 160)}`;
}

const commandId = z.guid().describe("From command_run or command_get.");

const lifecycleOutput = {
  command: z.string(),
  response: z.record(z.string(), z.unknown()).nullable(),
};

const AGENT_ONLY =
  "Alpacon accepts this step from the server's agent only, not from API tokens; normal use never needs it (command_run follows commands to their end)";

const LIFECYCLE_NOTE = "Kept for compatibility; normal use never needs it";

/** ", recording 120 characters of output": what a lifecycle step writes into the command. */
function recorded(result: string | undefined): string {
  return result ? `, recording ${result.length} characters as its result` : "";
}

/** "command `systemctl restart nginx` on web-1": the command as a person knows it. */
async function commandLabel(id: string, context: ToolCallContext): Promise<string> {
  const command = await context.call((c) => c.commands.get)(id);
  return `command ${quoted(command.line)} on server ${command.server.name} (${id}, now ${command.status})`;
}

export const acknowledgeCommand = defineTool({
  name: "acknowledge_command",
  searchHint: "command acknowledge ack agent lifecycle",
  toolset: "events",
  title: "Acknowledge a command",
  description: `Marks a command as received (the agent's ack step). ${LIFECYCLE_NOTE}, and it can confuse a command an agent is handling.`,
  sdk: (c) => c.commands.ack,
  operation: "POST",
  input: {
    command: commandId,
    success: z.boolean().optional().describe("The agent accepted it."),
    result: z.string().max(10_000).optional().describe("Message to record."),
  },
  output: lifecycleOutput,
  effect: "change",
  notFound:
    "Check the command id; recent commands are listed by command_get's command id or list_events",
  confirm: async (args, context) =>
    `Mark ${await commandLabel(args.command, context)} as acknowledged${args.success === false ? " and refused" : ""}${recorded(args.result)}?`,
  async run({ command, ...body }, { sdk }) {
    const response = await sdk(command, apiFields(body));
    return { command, response: (response as Record<string, unknown>) ?? null };
  },
  summary: (result) => `Command ${result.command} acknowledged.`,
});

export const finishCommand = defineTool({
  name: "finish_command",
  searchHint: "command finish fin result agent lifecycle",
  toolset: "events",
  title: "Finish a command",
  description: `Records a command's end (the agent's fin step). ${LIFECYCLE_NOTE}, and it overwrites what the agent reports.`,
  sdk: (c) => c.commands.finish,
  operation: "POST",
  input: {
    command: commandId,
    success: z.boolean(),
    result: z.string().max(100_000).optional().describe("Output to record."),
    exitCode: z.int().min(0).max(255).optional(),
    elapsedSeconds: z.number().min(0).max(86_400).optional(),
  },
  output: lifecycleOutput,
  effect: "change",
  notFound: "Check the command id; command_run returns it",
  forbidden: AGENT_ONLY,
  confirm: async (args, context) =>
    `Record ${await commandLabel(args.command, context)} as finished (${args.success ? "success" : "failure"}${args.exitCode === undefined ? "" : `, exit ${args.exitCode}`})${recorded(args.result)}? This overwrites its result.`,
  async run({ command, elapsedSeconds, ...body }, { sdk }) {
    const fields = apiFields({ ...body, elapsedTime: elapsedSeconds });
    const response = await sdk(command, fields);
    return { command, response: (response as Record<string, unknown>) ?? null };
  },
  summary: (result) => `Command ${result.command} recorded as finished.`,
});

export const eventTools = [listEvents, searchEvents, getEvent, acknowledgeCommand, finishCommand];
