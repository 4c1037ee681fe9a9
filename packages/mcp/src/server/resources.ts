import { type McpServer, ResourceTemplate } from "@modelcontextprotocol/sdk/server/mcp.js";
import { ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";
import type { Runtime } from "./context.js";
import { describeFailure, redact } from "./errors.js";

/** Servers listed per workspace; more than this are reachable through servers_list pages. */
const LISTED_PER_WORKSPACE = 100;

/**
 * Servers as resources: `alpacon://{region}/{workspace}/servers/{id}` reads one server as JSON;
 * listing shows the first 100 servers of every configured workspace.
 */
export function registerResources(server: McpServer, runtime: Runtime): void {
  const template = new ResourceTemplate("alpacon://{region}/{workspace}/servers/{id}", {
    list: async (extra) => {
      const resources = [];
      for (const target of runtime.workspaces.list()) {
        try {
          const { client } = runtime.workspaces.client(target);
          const page = await client.servers.list(
            { page_size: LISTED_PER_WORKSPACE },
            { signal: extra.signal },
          );
          for (const item of page.results) {
            resources.push({
              uri: `alpacon://${target.region}/${target.workspace}/servers/${item.id}`,
              name: `${target.workspace}/${item.name}`,
              title: `${item.name} (${target.workspace}, ${item.is_connected ? "connected" : "disconnected"})`,
              mimeType: "application/json",
            });
          }
        } catch {
          // One workspace with a bad token must not hide the others; its tools report the error.
        }
      }
      return { resources };
    },
  });

  server.registerResource(
    "server",
    template,
    {
      title: "Alpacon server",
      description: "Everything Alpacon keeps about one server, as JSON (the same as server_get).",
      mimeType: "application/json",
    },
    async (uri, variables, extra) => {
      const [region, workspace, id] = [variables.region, variables.workspace, variables.id].map(
        (value) => (Array.isArray(value) ? value[0] : value),
      );
      try {
        const { client } = runtime.workspaces.client({ workspace, region });
        const item = await client.servers.get(String(id), { signal: extra.signal });
        return {
          contents: [
            { uri: uri.href, mimeType: "application/json", text: JSON.stringify(item, null, 2) },
          ],
        };
      } catch (error) {
        const message = describeFailure(error, {
          tool: `reading ${uri.href}`,
          workspace,
          region,
          server: id,
          notFound: "Check the server id; resources/list shows the servers",
        });
        throw new McpError(ErrorCode.InvalidParams, redact(message, runtime.workspaces.secrets()));
      }
    },
  );
}
