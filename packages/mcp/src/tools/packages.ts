import type { PythonPackageEntry, SystemPackageEntry } from "@alpacon/sdk";
import * as z from "zod";
import { quoted } from "../server/confirm.js";
import { namedServer } from "../server/server-refs.js";
import { type AnyTool, defineTool, listTool, serverId, type ToolCallContext } from "./define.js";

type Kind = "system" | "python";
type Entry = SystemPackageEntry | PythonPackageEntry;

const uuid = z
  .string()
  .regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/);

const entry = z.looseObject({
  id: z.string(),
  name: z.string().optional(),
  version: z.string().optional(),
  server: z.string().nullable().optional(),
  filesize: z.number().optional(),
  added_at: z.string().optional(),
});

function entryLine(item: z.output<typeof entry>): string {
  const where = item.server ? ` on server ${item.server}` : " (repository file)";
  return `${item.name ?? "?"}${item.version ? ` ${item.version}` : ""}${where} (${item.id})`;
}

/** What each kind is, as the reference words it (`mcp@22fc34c:tools/package_tools.py`). */
const KINDS = {
  system: {
    noun: "system package",
    manager: "the OS package manager (apt, dnf …)",
    list: "list_system_package_entries",
    name: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9+._-]{0,127}$/)
      .describe("Package name, e.g. htop."),
  },
  python: {
    noun: "Python package",
    manager: "pip",
    list: "list_python_packages",
    name: z
      .string()
      .regex(/^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,126}[A-Za-z0-9])?$/)
      .describe("Package name, e.g. requests."),
  },
} as const;

const version = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9+.:~_-]{0,63}$/)
  .optional()
  .describe("Version to pin; omitted: the current one.");

/**
 * What removing an entry does, as a person knows it: uninstalling a package from a named server,
 * or deleting a repository file. Looked up first, so a wrong id fails before anyone is asked.
 */
async function removalQuestion(kind: Kind, id: string, context: ToolCallContext): Promise<string> {
  const found: Entry = await context.call((c) => c.packages[kind].get)(id);
  const what = `${KINDS[kind].noun} ${quoted(found.name)}${found.version ? ` ${found.version}` : ""}`;
  if (!found.server) return `Delete the repository file of ${what}?`;
  const server = await context
    .call((c) => c.servers.get)(found.server)
    .then((s) => s.name)
    .catch(() => undefined);
  const where = server
    ? `server ${quoted(server)} (id ${found.server})`
    : namedServer(context.servers, found.server);
  return `Uninstall ${what} from ${where}? It runs ${KINDS[kind].manager} there as root.`;
}

/** Each tool's own name and wording; the rest follows from its kind. */
interface Spec {
  name: string;
  kind: Kind;
  description: string;
  /** The reference's `anthropic/searchHint` for the tool. */
  searchHint: string;
}

function listEntries({ name, kind, description, searchHint }: Spec): AnyTool {
  return listTool({
    name,
    toolset: "packages",
    searchHint,
    title: `List ${KINDS[kind].noun} entries`,
    description,
    sdk: (c) => c.packages[kind].list,
    input: {
      server: serverId.optional().describe("Only what was installed on this server."),
      name: z.string().min(1).max(255).optional().describe("Exact name (a file name for uploads)."),
    },
    rows: "entries",
    row: entry,
    line: entryLine,
  });
}

function install({ name, kind, description, searchHint }: Spec): AnyTool {
  const { noun, manager, list } = KINDS[kind];
  return defineTool({
    name,
    toolset: "packages",
    searchHint,
    title: `Install a ${noun}`,
    description,
    sdk: (c) => c.packages[kind].install,
    operation: "POST",
    // It runs the package manager on the server as root: more than adding a record.
    effect: "change",
    annotations: { openWorldHint: true },
    input: { server: serverId, packageName: KINDS[kind].name, version },
    output: { entry },
    notFound: "Check the server with servers_list",
    confirm: (args, context) =>
      `Install ${noun} ${quoted(args.packageName)}${args.version ? ` version ${quoted(args.version)}` : " (its current version)"} on ${namedServer(context.servers, args.server)}? It runs ${manager} there as root; remove_${kind}_package undoes it.`,
    run: async (args, { sdk }) => ({
      entry: await sdk({
        server: args.server,
        name: args.packageName,
        ...(args.version === undefined ? {} : { version: args.version }),
      }),
    }),
    summary: (result) => `Installing ${entryLine(result.entry)}. Check with ${list}.`,
  });
}

function remove({ name, kind, description, searchHint }: Spec): AnyTool {
  const { list } = KINDS[kind];
  return defineTool({
    name,
    toolset: "packages",
    searchHint,
    title: `Remove a ${KINDS[kind].noun}`,
    description,
    sdk: (c) => c.packages[kind].delete,
    operation: "DELETE",
    // Removing an install runs the package manager on its server.
    annotations: { openWorldHint: true },
    input: { entry: uuid.describe(`From ${list}.`) },
    output: { entry: z.string(), removed: z.boolean() },
    notFound: `Check the entry id with ${list}`,
    confirm: (args, context) => removalQuestion(kind, args.entry, context),
    async run(args, { sdk }) {
      await sdk(args.entry);
      return { entry: args.entry, removed: true };
    },
    summary: (result) => `Removed ${KINDS[kind].noun} entry ${result.entry}.`,
  });
}

export const packageTools: AnyTool[] = [
  listEntries({
    name: "list_system_package_entries",
    searchHint: "system package entries installed server",
    kind: "system",
    description:
      "System package entries of the workspace's package repository: packages installed on servers through it (filter by server) and uploaded .deb/.rpm files. For everything a server has installed, use list_system_packages.",
  }),
  install({
    name: "install_system_package",
    searchHint: "system package install add server",
    kind: "system",
    description:
      "Installs a system package on a server via the OS package manager, optionally at a pinned version; it then shows in list_system_packages. Runs asynchronously on the server.",
  }),
  remove({
    name: "remove_system_package",
    searchHint: "system package remove uninstall delete",
    kind: "system",
    description:
      "Removes a system package entry by its id: an installed package is uninstalled from its server. Find the id with list_system_package_entries.",
  }),
  listEntries({
    name: "list_python_packages",
    searchHint: "python package pip installed server",
    kind: "python",
    description:
      "Python package entries: packages installed on servers through the repository (filter by server) and uploaded wheels or sdists.",
  }),
  install({
    name: "install_python_package",
    searchHint: "python package pip install add",
    kind: "python",
    description:
      "Installs a Python package on a server via pip, optionally at a pinned version. Runs asynchronously on the server.",
  }),
  remove({
    name: "remove_python_package",
    searchHint: "python package pip remove uninstall",
    kind: "python",
    description:
      "Removes a Python package entry by its id: an installed package is uninstalled from its server. Find the id with list_python_packages.",
  }),
];
