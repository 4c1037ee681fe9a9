// The configuration as callers see it, and the problems `inspectConfig` reports.

export interface ConfiguredWorkspace {
  region: string;
  workspace: string;
  /** Base URL override (`{ token, url }` file entries or `…_URL` variables); default host otherwise. */
  url: string | undefined;
  /** Where the token came from, for diagnostics: the variable name or the file path. */
  tokenSource: string;
  /** Where `url` came from (the `…_URL` variable or the file path); undefined without a URL. */
  urlSource?: string | undefined;
  /** Not enumerable: logging or serialising a config never shows it. */
  readonly token: string;
}

export interface AlpaconConfig {
  /** The token file in use (it may not exist yet: it is where tokens get saved). */
  configFile: string;
  workspaces: ConfiguredWorkspace[];
}

export interface LoadConfigOptions {
  /** Explicit token file (the `--config-file` flag); wins over `ALPACON_MCP_CONFIG_FILE`. */
  configFile?: string | undefined;
  env?: Record<string, string | undefined>;
  cwd?: string;
  homeDir?: string;
}

/** Something in the configuration that cannot be used, with where it is and how to fix it. */
export interface ConfigProblem {
  /** The token file path or the variable name: never a value. */
  source: string;
  region?: string;
  workspace?: string;
  message: string;
  fix: string;
}

export interface ConfigInspection extends AlpaconConfig {
  /** The usable workspaces, as `loadConfig` would return them if nothing else were wrong. */
  workspaces: ConfiguredWorkspace[];
  /** Every entry that cannot be used, in the order `loadConfig` meets them. */
  problems: ConfigProblem[];
}

/** Collects one problem; the readers call it for each entry that cannot be used. */
export type Report = (problem: ConfigProblem) => void;
