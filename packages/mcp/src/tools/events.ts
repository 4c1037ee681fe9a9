import * as z from "zod";
import { compact, pageFields, pageQuery, pageSummary } from "../format.js";
import {
  CHANGE,
  clientOf,
  defineTool,
  page,
  pageInfo,
  pageSize,
  READ,
  serverId,
  serverSummary,
} from "./define.js";

const event = z.looseObject({
  id: z.string(),
  server: serverSummary,
  record: z.string(),
  count: z.int(),
  reporter: z.string(),
  description: z.string(),
  added_at: z.string(),
});

const eventFilters = {
  server: serverId.optional().describe("Only events of this server (id from servers_list)."),
  reporter: z
    .string()
    .min(1)
    .max(128)
    .optional()
    .describe("Only events from this reporter, e.g. alpamon."),
  page,
  pageSize: pageSize(25),
};

/** list_events and search_events filter alike, so both send the same query. */
function eventQuery(args: z.output<z.ZodObject<typeof eventFilters>>) {
  return compact({ server: args.server, reporter: args.reporter, ...pageQuery(args) });
}

const eventsOutput = { ...pageInfo, events: z.array(event) };

function eventLine(item: z.output<typeof event>): string {
  const repeated = item.count > 1 ? ` (×${item.count})` : "";
  return `${item.added_at} ${item.server.name}: ${item.record}${repeated}: ${item.description.slice(0, 160)}`;
}

export const listEvents = defineTool({
  name: "list_events",
  toolset: "events",
  title: "List events",
  description:
    "Lists recent events reported by servers and their agents (service starts, package changes, logins, agent updates …), newest first. Use it to see what happened on a server lately; search_events finds events by text.",
  sdk: "client.events.list",
  operation: "GET",
  scope: "workspace",
  input: eventFilters,
  output: eventsOutput,
  annotations: READ,
  async run(args, context) {
    const result = await clientOf(context).events.list(eventQuery(args), {
      signal: context.signal,
    });
    return { ...pageFields(result), events: result.results };
  },
  summary: (result) => pageSummary("events", result, result.events, eventLine),
});

export const searchEvents = defineTool({
  name: "search_events",
  toolset: "events",
  title: "Search events",
  description:
    "Finds events whose server name, reporter, record or description contains the given text (e.g. 'nginx', 'reboot', 'failed'), newest first. Use it to trace when something happened across the fleet.",
  sdk: "client.events.search",
  operation: "GET",
  scope: "workspace",
  input: {
    query: z.string().min(1).max(200).describe("Text to look for."),
    ...eventFilters,
  },
  output: eventsOutput,
  annotations: READ,
  async run(args, context) {
    const result = await clientOf(context).events.search(args.query, eventQuery(args), {
      signal: context.signal,
    });
    return { ...pageFields(result), events: result.results };
  },
  summary: (result, args) =>
    pageSummary(`events matching "${args.query}"`, result, result.events, eventLine),
});

const commandId = z.guid().describe("Command id (a UUID), e.g. from command_run or command_get.");

const lifecycleOutput = {
  command: z.string(),
  response: z
    .record(z.string(), z.unknown())
    .nullable()
    .describe("What the API answered, if anything."),
};

const AGENT_ONLY =
  "Alpacon accepts this step from the server's agent only, not from API tokens; normal use never needs it (command_run follows commands to their end)";

const LIFECYCLE_NOTE =
  "This is a step of the agent's side of the command lifecycle, kept for compatibility with the reference server; normal use never needs it.";

export const acknowledgeCommand = defineTool({
  name: "acknowledge_command",
  toolset: "events",
  title: "Acknowledge a command",
  description: `Marks a command as received by the agent (the ack step), optionally with a success flag and text. ${LIFECYCLE_NOTE} Acknowledging a command that an agent is handling can confuse its status.`,
  sdk: "client.commands.ack",
  operation: "POST",
  scope: "workspace",
  input: {
    command: commandId,
    success: z.boolean().optional().describe("Whether the agent accepted the command."),
    result: z.string().max(10_000).optional().describe("A message to record with the ack."),
  },
  output: lifecycleOutput,
  annotations: CHANGE,
  notFound:
    "Check the command id; recent commands are listed by command_get's command id or list_events",
  confirm: (args) => `Mark command ${args.command} as acknowledged?`,
  async run(args, context) {
    const response = await clientOf(context).commands.ack(
      args.command,
      compact({ success: args.success, result: args.result }),
      { signal: context.signal },
    );
    return { command: args.command, response: (response as Record<string, unknown>) ?? null };
  },
  summary: (result) => `Command ${result.command} acknowledged.`,
});

export const finishCommand = defineTool({
  name: "finish_command",
  toolset: "events",
  title: "Finish a command",
  description: `Records a command's end (the fin step): success flag, output, exit code and elapsed seconds. ${LIFECYCLE_NOTE} It overwrites the result the agent would report.`,
  sdk: "client.commands.finish",
  operation: "POST",
  scope: "workspace",
  input: {
    command: commandId,
    success: z.boolean().describe("Whether the command succeeded."),
    result: z.string().max(100_000).optional().describe("The command's output to record."),
    exitCode: z.int().min(0).max(255).optional().describe("Process exit code (0-255)."),
    elapsedSeconds: z
      .number()
      .min(0)
      .max(86_400)
      .optional()
      .describe("How long it ran, in seconds."),
  },
  output: lifecycleOutput,
  annotations: CHANGE,
  notFound: "Check the command id; command_run returns it",
  forbidden: AGENT_ONLY,
  confirm: (args) =>
    `Record command ${args.command} as finished (${args.success ? "success" : "failure"})? This overwrites its result.`,
  async run(args, context) {
    const response = await clientOf(context).commands.finish(
      args.command,
      compact({
        success: args.success,
        result: args.result,
        exit_code: args.exitCode,
        elapsed_time: args.elapsedSeconds,
      }),
      { signal: context.signal },
    );
    return { command: args.command, response: (response as Record<string, unknown>) ?? null };
  },
  summary: (result) => `Command ${result.command} recorded as finished.`,
});

export const eventTools = [listEvents, searchEvents, acknowledgeCommand, finishCommand];
