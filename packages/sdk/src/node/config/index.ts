// The configuration's public surface, re-exported by "@alpacon/sdk/node".

export { parseTokenVariable, type TokenVariable } from "./env.js";
export { inspectConfig } from "./inspect.js";
export { loadConfig, selectWorkspace, type WorkspaceSelector } from "./load.js";
export { removeToken, type SaveTokenOptions, saveToken } from "./save.js";
export { CONFIG_FILE_ENV, resolveConfigFile } from "./token-file.js";
export type {
  AlpaconConfig,
  ConfigInspection,
  ConfigProblem,
  ConfiguredWorkspace,
  LoadConfigOptions,
} from "./types.js";
