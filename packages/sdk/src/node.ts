// "@alpacon/sdk/node": the parts that need Node's file system. Everything listed here is public.

export { type ClientFromConfigOptions, clientFromConfig } from "./node/client-from-config.js";
export {
  type AlpaconConfig,
  CONFIG_FILE_ENV,
  type ConfigInspection,
  type ConfigProblem,
  type ConfiguredWorkspace,
  inspectConfig,
  type LoadConfigOptions,
  loadConfig,
  parseTokenVariable,
  removeToken,
  resolveConfigFile,
  type SaveTokenOptions,
  saveToken,
  selectWorkspace,
  type TokenVariable,
  type WorkspaceSelector,
} from "./node/config/index.js";
export {
  type BulkDownloadFileOptions,
  type DownloadFileOptions,
  type DownloadFileResult,
  downloadBulkFile,
  downloadFile,
  fileSource,
  remoteFilePath,
  type UploadFileOptions,
  uploadFile,
} from "./node/files.js";
export { type FileIdentity, LocalFileError, UnsafePathError } from "./node/safe-fs.js";
export { nodeStorageGetToFile, type StorageGetResult } from "./node/storage-get.js";
export { nodeTransport } from "./node/transport.js";
export {
  DEFAULT_EXTRACT_LIMITS,
  ExtractLimitError,
  type ExtractLimits,
  type ExtractOptions,
  extractZip,
} from "./node/zip.js";
