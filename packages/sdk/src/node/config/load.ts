import { validateRegionName, validateWorkspaceName } from "../../core/base-url.js";
import { ConfigError } from "../../core/errors.js";
import { inspectConfig } from "./inspect.js";
import type { AlpaconConfig, ConfiguredWorkspace, LoadConfigOptions } from "./types.js";

/**
 * Reads tokens the way the reference server does: `ALPACON_MCP_<REGION>_<WORKSPACE>_TOKEN`
 * (and `_URL`) first, then the token file found by `resolveConfigFile`. Throws a `ConfigError`
 * on the first entry that cannot be used; `inspectConfig` lists them all instead.
 */
export function loadConfig(options: LoadConfigOptions = {}): AlpaconConfig {
  const { configFile, workspaces, problems } = inspectConfig(options);
  const first = problems[0];
  if (first) throw new ConfigError(first.message);
  return { configFile, workspaces };
}

export interface WorkspaceSelector {
  workspace?: string | undefined;
  region?: string | undefined;
}

/**
 * Picks one configured workspace. Either argument may be left out when the configuration
 * leaves only one choice; otherwise the error lists what is configured.
 */
export function selectWorkspace(
  config: AlpaconConfig,
  selector: WorkspaceSelector = {},
): ConfiguredWorkspace {
  if (selector.workspace !== undefined) validateWorkspaceName(selector.workspace);
  if (selector.region !== undefined) validateRegionName(selector.region);
  const candidates = config.workspaces.filter(
    (entry) =>
      (selector.workspace === undefined || entry.workspace === selector.workspace) &&
      (selector.region === undefined || entry.region === selector.region),
  );
  if (candidates.length === 1) return candidates[0]!;
  const configured = config.workspaces
    .map((entry) => `${entry.workspace} (${entry.region})`)
    .join(", ");
  if (config.workspaces.length === 0) {
    throw new ConfigError(
      `No Alpacon workspace is configured. Add a token to ${config.configFile} as {"<region>": {"<workspace>": "<token>"}}, or set ALPACON_MCP_<REGION>_<WORKSPACE>_TOKEN.`,
    );
  }
  if (candidates.length === 0) {
    const wanted = [selector.workspace, selector.region && `(${selector.region})`]
      .filter(Boolean)
      .join(" ");
    throw new ConfigError(
      `Workspace ${wanted} is not configured. Configured: ${configured}. Add its token to ${config.configFile} or set ALPACON_MCP_${(selector.region ?? "<REGION>").toUpperCase()}_${(selector.workspace ?? "<WORKSPACE>").toUpperCase().replaceAll("-", "_")}_TOKEN.`,
    );
  }
  throw new ConfigError(
    `Several workspaces match; name ${selector.workspace ? "the region" : "the workspace"}. Configured: ${configured}.`,
  );
}
