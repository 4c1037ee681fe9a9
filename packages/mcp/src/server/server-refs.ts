import type { AlpaconClient } from "@alpacon/sdk";
import { quoted } from "./confirm.js";
import { ToolError } from "./errors.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** Server ids met in one call, with the names a person knows them by (see `serverLabel`). */
export type ServerNames = Map<string, string>;

/**
 * Whether `resolveServerArgs` has anything to do: a name to look up, a `servers` list, or ids
 * whose names the call needs. Most calls pass one server id, and skip it.
 */
export function namesServers(args: Record<string, unknown>, lookUpIds: boolean): boolean {
  const { server, servers } = args;
  if (Array.isArray(servers)) return true;
  if (typeof server !== "string") return false;
  return lookUpIds || !isUuid(server);
}

/**
 * Turns the `server` and `servers` arguments of a workspace tool into ids, the form every tool
 * and the API take: a UUID stays as it is, anything else is a server's name, looked up once per
 * call (`name` filter, as alpacon-cli resolves names). With `lookUpIds` (tools that ask first)
 * each id is fetched too, so the question can name the server and an id that does not exist
 * fails before anyone is asked.
 */
export async function resolveServerArgs(
  args: Record<string, unknown>,
  client: AlpaconClient,
  options: { signal: AbortSignal; lookUpIds: boolean; workspace: string },
): Promise<{ args: Record<string, unknown>; names: ServerNames }> {
  const names: ServerNames = new Map();
  const resolve = async (ref: string): Promise<string> => {
    if (isUuid(ref)) {
      if (options.lookUpIds) {
        const server = await client.servers.get(ref, { signal: options.signal });
        names.set(server.id, server.name);
      }
      return ref;
    }
    const found = await client.servers.list(
      { name: ref, page_size: 10 },
      { signal: options.signal },
    );
    // The filter is exact on the real API; compare again in case a version treats it loosely.
    const matches = found.results.filter((server) => server.name === ref);
    const [only, ...rest] = matches;
    if (!only) {
      throw new ToolError(
        `no server is named "${ref}" in workspace ${options.workspace}`,
        "Check the name with servers_list (names are exact and case-sensitive), or pass the server's id",
      );
    }
    if (rest.length > 0) {
      throw new ToolError(
        `${matches.length} servers are named "${ref}" in workspace ${options.workspace} (ids ${matches.map((server) => server.id).join(", ")})`,
        "Pass the id of the one you mean instead of the name",
      );
    }
    names.set(only.id, only.name);
    return only.id;
  };
  const resolved = { ...args };
  if (typeof args.server === "string") resolved.server = await resolve(args.server);
  if (Array.isArray(args.servers)) {
    resolved.servers = await Promise.all((args.servers as string[]).map(resolve));
  }
  return { args: resolved, names };
}

/** The server's name when this call looked it up, else its id. */
export function serverLabel(names: ServerNames, id: string): string {
  return names.get(id) ?? id;
}

/** "server `web-1` (id 1f…)": the name a person knows, and the id that is certain. */
export function namedServer(names: ServerNames, id: string): string {
  const name = serverLabel(names, id);
  return name === id ? `server ${id}` : `server ${quoted(name)} (id ${id})`;
}
