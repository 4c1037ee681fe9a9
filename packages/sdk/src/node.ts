// "@alpacon/sdk/node": the parts that need Node's file system. Everything listed here is public.

export { type ClientFromConfigOptions, clientFromConfig } from "./node/client-from-config.js";
export {
  type AlpaconConfig,
  CONFIG_FILE_ENV,
  type ConfiguredWorkspace,
  type LoadConfigOptions,
  loadConfig,
  removeToken,
  resolveConfigFile,
  type SaveTokenOptions,
  saveToken,
  selectWorkspace,
  type WorkspaceSelector,
} from "./node/config.js";
