import type { Server } from "@alpacon/sdk";
import * as z from "zod";
import { quoted } from "../server/confirm.js";
import { bytes, compact, duration } from "../server/format.js";
import {
  defineTool,
  listTool,
  serverId,
  serverSummary,
  type ToolCallContext,
  userSummary,
} from "./define.js";

const serverRow = z.object({
  id: z.string(),
  name: z.string(),
  connected: z.boolean(),
  status: z.string().describe("Computed health: Good, Warning or Error."),
  remote_ip: z.string().nullable(),
  os: z.string().nullable().describe("Null until the agent reports it."),
  cpu_cores: z.int().nullable(),
  memory_bytes: z.int().nullable(),
  load: z.number().nullable(),
  // Why the health is not Good (empty when it is); the name says it, no description.
  reasons: z.array(z.string()),
});

/** The status messages that explain a Warning or Error ("CPU usage is higher than 80%."). */
function reasons(server: { status: { code: string; messages?: string[] | undefined } }): string[] {
  return server.status.code === "ok" ? [] : (server.status.messages ?? []);
}

/** "Warning (CPU usage is higher than 80%.)": the health with its reasons, for text results. */
function health(server: {
  status: { code: string; text: string; messages?: string[] | undefined };
}) {
  const why = reasons(server);
  return why.length ? `${server.status.text} (${why.join(" ")})` : server.status.text;
}

function row(server: Server): z.output<typeof serverRow> {
  const os = [server.os_name, server.os_version].filter(Boolean).join(" ");
  return {
    id: server.id,
    name: server.name,
    connected: server.is_connected,
    status: server.status.text,
    remote_ip: server.remote_ip,
    os: os || null,
    cpu_cores: server.cpu_logical_cores,
    memory_bytes: server.physical_memory,
    load: server.load,
    reasons: reasons(server),
  };
}

export const serversList = listTool({
  name: "servers_list",
  searchHint: "server list inventory discover find all",
  alwaysLoad: true,
  toolset: "servers",
  title: "List servers",
  description:
    "Lists servers with state, health, OS and size. Start here: server tools take a server's name or id.",
  sdk: (c) => c.servers.list,
  input: {
    search: z.string().min(1).max(200).optional().describe("Text in name, IP or OS."),
    name: z.string().min(1).max(200).optional().describe("Exact server name."),
    connected: z.boolean().optional().describe("Only (dis)connected ones; filters this page."),
  },
  // `connected` filters the page here: the API has no such filter.
  query: (args) => ({ search: args.search, name: args.name }),
  rows: "servers",
  row: serverRow,
  map: (items, args) =>
    items
      .map(row)
      .filter((item) => args.connected === undefined || item.connected === args.connected),
  line: (item) =>
    `${item.name} (${item.id}): ${item.connected ? "connected" : "disconnected"}, ${item.status}${item.reasons.length ? ` (${item.reasons.join(" ")})` : ""}${item.os ? `, ${item.os}` : ""}${item.load === null ? "" : `, load ${item.load}`}`,
});

export const serverGet = defineTool({
  name: "server_get",
  searchHint: "server detail info status hostname IP",
  alwaysLoad: true,
  toolset: "servers",
  title: "Get a server",
  description: "Every field of one server: health messages, agent version, uptime, owner, groups.",
  sdk: (c) => c.servers.get,
  operation: "GET",
  input: { server: serverId },
  output: {
    server: z.looseObject({
      id: z.string(),
      name: z.string(),
      is_connected: z.boolean(),
      status: z.looseObject({ code: z.string(), text: z.string() }),
      os_name: z.string().nullable(),
      os_version: z.string().nullable(),
    }),
  },
  run: async (args, { sdk }) => ({ server: await sdk(args.server) }),
  summary: (result) => {
    // The loose object carries every field of the API's answer; only the core ones are listed
    // in the output schema (tools/list stays short), the rest is read here as the SDK types it.
    const server = result.server as unknown as Server;
    const os = [server.os_name, server.os_version].filter(Boolean).join(" ") || "OS unknown";
    const facts = [
      os,
      server.cpu_logical_cores === null ? null : `${server.cpu_logical_cores} CPU threads`,
      server.physical_memory === null ? null : `${bytes(server.physical_memory)} memory`,
      server.load === null ? null : `load ${server.load}`,
      server.remote_ip && `IP ${server.remote_ip}`,
      server.uptime == null ? null : `up ${duration(server.uptime)}`,
      server.version && `agent ${server.version}`,
      server.owner && `owner ${server.owner.name}`,
    ].filter(Boolean);
    return `${server.name} (${server.id}): ${server.is_connected ? "connected" : "disconnected"}, health ${health(server)}. ${facts.join(", ")}.`;
  },
});

const note = z.looseObject({
  id: z.string(),
  server: serverSummary,
  author: userSummary,
  content: z.string(),
  private: z.boolean(),
  pinned: z.boolean(),
  added_at: z.string(),
});

export const serverNotesList = listTool({
  name: "server_notes_list",
  searchHint: "server notes documentation",
  toolset: "servers",
  title: "List server notes",
  description:
    "Notes people left on servers (runbooks, owners, caveats): read them before changing a server.",
  sdk: (c) => c.notes.list,
  input: {
    server: serverId.optional().describe("Only this server's notes."),
    search: z.string().min(1).max(200).optional().describe("Text in the note."),
    pinned: z.boolean().optional().describe("Only (un)pinned notes."),
  },
  rows: "notes",
  row: note,
  line: (item) =>
    `${item.pinned ? "[pinned] " : ""}${item.server.name} by ${item.author.name}: ${item.content.slice(0, 120)}`,
});

export const serverNoteCreate = defineTool({
  name: "server_note_create",
  searchHint: "server note create documentation",
  toolset: "servers",
  title: "Add a server note",
  description:
    "Adds a note to a server, e.g. what changed and why. Shared with the workspace unless private.",
  sdk: (c) => c.notes.create,
  operation: "POST",
  input: {
    server: serverId,
    content: z.string().min(1).max(512),
    private: z.boolean().default(false).describe("Only the token's user sees it."),
    pinned: z.boolean().default(false).describe("Pin it on top; at most 3 per server."),
  },
  output: { note },
  run: async (args, { sdk }) => ({ note: await sdk(args) }),
  summary: ({ note: created }) => `Added note ${created.id} to ${created.server.name}.`,
});

const noteId = z.guid().describe("From server_notes_list.");
const NOTE_NOT_FOUND = "Check the note id with server_notes_list";

/** "note `disk replaced …` on web-1": the note as the person asked knows it. */
async function noteLabel(id: string, context: ToolCallContext): Promise<string> {
  const current = await context.call((c) => c.notes.get)(id);
  return `note ${quoted(current.content.slice(0, 80))} on server ${current.server.name}`;
}

export const getServerNote = defineTool({
  name: "get_server_note",
  searchHint: "server note detail describe single get",
  toolset: "servers",
  title: "Get a server note",
  description: "One server note, whole.",
  sdk: (c) => c.notes.get,
  operation: "GET",
  input: { note: noteId },
  output: { note },
  notFound: NOTE_NOT_FOUND,
  run: async (args, { sdk }) => ({ note: await sdk(args.note) }),
  summary: ({ note: item }) =>
    `Note ${item.id} on ${item.server.name} by ${item.author.name}${item.pinned ? " (pinned)" : ""}${item.private ? " (private)" : ""}:\n${item.content}`,
});

export const updateServerNote = defineTool({
  name: "update_server_note",
  searchHint: "server note update edit modify",
  toolset: "servers",
  title: "Update a server note",
  description: "Changes a server note's text, privacy or pinning.",
  sdk: (c) => c.notes.update,
  operation: "PATCH",
  input: {
    note: noteId,
    content: z.string().min(1).max(512).optional(),
    private: z.boolean().optional().describe("Only the token's user sees it."),
    pinned: z.boolean().optional().describe("At most 3 per server."),
  },
  output: { note },
  notFound: NOTE_NOT_FOUND,
  confirm: async ({ note: id, ...fields }, context) =>
    `Change ${Object.keys(compact(fields)).join(", ") || "nothing"} of ${await noteLabel(id, context)}?`,
  run: async ({ note: id, ...fields }, { sdk }) => ({ note: await sdk(id, compact(fields)) }),
  summary: ({ note: item }) => `Updated note ${item.id} on ${item.server.name}.`,
});

export const deleteServerNote = defineTool({
  name: "delete_server_note",
  searchHint: "server note delete remove",
  toolset: "servers",
  title: "Delete a server note",
  description: "Deletes a server note for good.",
  sdk: (c) => c.notes.delete,
  operation: "DELETE",
  input: { note: noteId },
  output: { note: z.string(), deleted: z.boolean() },
  notFound: NOTE_NOT_FOUND,
  confirm: async (args, context) => `Delete ${await noteLabel(args.note, context)} for good?`,
  async run(args, { sdk }) {
    await sdk(args.note);
    return { note: args.note, deleted: true };
  },
  summary: (result) => `Deleted note ${result.note}.`,
});

export const serverTools = [
  serversList,
  serverGet,
  serverNotesList,
  serverNoteCreate,
  getServerNote,
  updateServerNote,
  deleteServerNote,
];
