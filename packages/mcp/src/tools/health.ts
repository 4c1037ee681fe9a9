import { SDK_VERSION } from "@alpacon/sdk";
import * as z from "zod";
import { failureReason } from "../server/errors.js";
import { listLines } from "../server/format.js";
import { MCP_VERSION } from "../version.js";
import { defineTool } from "./define.js";

const started = Date.now();

/** How long one workspace may take to answer before the check calls it unreachable. */
const PROBE_TIMEOUT_MS = 5_000;

export const healthCheck = defineTool({
  name: "health_check",
  searchHint: "health check status ping connectivity",
  alwaysLoad: true,
  toolset: "health",
  title: "Check this server's health",
  description:
    "This MCP server's version and uptime, and whether each configured workspace answers with its token: run it first when calls fail for no clear reason.",
  sdk: (c) => c.servers.list,
  operation: "local-read",
  scope: "local",
  input: {
    probe: z.boolean().default(true).describe("Ask each workspace for one server."),
  },
  output: {
    version: z.string(),
    sdkVersion: z.string(),
    node: z.string(),
    uptimeSeconds: z.int(),
    websh: z.object({ openChannels: z.int(), maxChannels: z.int() }),
    workspaces: z.array(
      z.object({
        workspace: z.string(),
        region: z.string(),
        reachable: z.boolean().nullable().describe("Null when not probed."),
        ms: z.int().nullable(),
        problem: z.string().nullable(),
      }),
    ),
  },
  async run({ probe }, { runtime, signal }) {
    const workspaces = await Promise.all(
      runtime.workspaces.list().map(async ({ workspace, region }) => {
        if (!probe) return { workspace, region, reachable: null, ms: null, problem: null };
        const startedAt = performance.now();
        try {
          const { client } = runtime.workspaces.client({ workspace, region });
          const timeout = AbortSignal.timeout(PROBE_TIMEOUT_MS);
          await client.servers.list(
            { page_size: 1 },
            { signal: AbortSignal.any([signal, timeout]) },
          );
          const ms = Math.round(performance.now() - startedAt);
          return { workspace, region, reachable: true, ms, problem: null };
        } catch (error) {
          const problem = failureReason(error, { tool: "health_check", workspace, region });
          return { workspace, region, reachable: false, ms: null, problem };
        }
      }),
    );
    return {
      version: MCP_VERSION,
      sdkVersion: SDK_VERSION,
      node: process.version,
      uptimeSeconds: Math.round((Date.now() - started) / 1000),
      websh: {
        openChannels: runtime.channels.list().length,
        maxChannels: runtime.channels.maxChannels,
      },
      workspaces,
    };
  },
  summary: (result) =>
    `alpacon-mcp ${result.version} (SDK ${result.sdkVersion}, Node ${result.node}), up ${result.uptimeSeconds} s, ${result.websh.openChannels} of ${result.websh.maxChannels} websh channels open. ` +
    (result.workspaces.length === 0
      ? "No workspace is configured: save a token with `alpacon-mcp auth set` or auth_set_token."
      : `${result.workspaces.length} workspace(s):${listLines(
          result.workspaces,
          (item) =>
            `${item.workspace} (${item.region}): ${
              item.reachable === null
                ? "not probed"
                : item.reachable
                  ? `answers (${item.ms} ms)`
                  : `unreachable: ${item.problem}`
            }`,
        )}`),
});

export const healthTools = [healthCheck];
