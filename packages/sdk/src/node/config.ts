import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { chmod, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { normalizeBaseUrl, validateRegionName, validateWorkspaceName } from "../core/base-url.js";
import { ConfigError } from "../core/errors.js";

export const CONFIG_FILE_ENV = "ALPACON_MCP_CONFIG_FILE";

export interface ConfiguredWorkspace {
  region: string;
  workspace: string;
  /** Base URL override (`{ token, url }` file entries or `…_URL` variables); default host otherwise. */
  url: string | undefined;
  /** Where the token came from, for diagnostics: the variable name or the file path. */
  tokenSource: string;
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

const ENV_PATTERN = /^ALPACON_MCP_([A-Z0-9]+)_([A-Z0-9_-]+)_(TOKEN|URL)$/;

/**
 * Reads tokens the way the reference server does: `ALPACON_MCP_<REGION>_<WORKSPACE>_TOKEN`
 * (and `_URL`) first, then the token file found by `resolveConfigFile`.
 */
export function loadConfig(options: LoadConfigOptions = {}): AlpaconConfig {
  const env = options.env ?? process.env;
  const configFile = resolveConfigFile(options);
  const byKey = new Map<string, ConfiguredWorkspace>();
  for (const entry of readTokenFile(configFile))
    byKey.set(`${entry.region}/${entry.workspace}`, entry);
  for (const entry of readEnvironment(env, byKey))
    byKey.set(`${entry.region}/${entry.workspace}`, entry);
  const workspaces = [...byKey.values()].sort((a, b) =>
    `${a.region}/${a.workspace}`.localeCompare(`${b.region}/${b.workspace}`),
  );
  return { configFile, workspaces };
}

/** Search order (api-surface §3): explicit → env → ~/.alpacon-mcp/token.json → ./config/token.json. */
export function resolveConfigFile(options: LoadConfigOptions = {}): string {
  const env = options.env ?? process.env;
  const home = options.homeDir ?? homedir();
  const cwd = options.cwd ?? process.cwd();
  const explicit = options.configFile ?? env[CONFIG_FILE_ENV];
  if (explicit) return resolve(cwd, expandHome(explicit, home));
  const globalFile = join(home, ".alpacon-mcp", "token.json");
  if (existsSync(globalFile)) return globalFile;
  const localFile = join(cwd, "config", "token.json");
  if (existsSync(localFile)) return localFile;
  return globalFile;
}

function expandHome(path: string, home: string): string {
  return path === "~" || path.startsWith("~/") ? join(home, path.slice(1)) : path;
}

function readTokenFile(file: string): ConfiguredWorkspace[] {
  if (!existsSync(file)) return [];
  const parsed = parseTokenFile(readFileSync(file, "utf8"), file);
  const entries: ConfiguredWorkspace[] = [];
  for (const [region, workspaces] of Object.entries(parsed)) {
    for (const [workspace, value] of Object.entries(workspaces)) {
      const where = `${file} → ${region}.${workspace}`;
      const token = typeof value === "string" ? value : value.token;
      const url = typeof value === "string" ? undefined : value.url;
      entries.push(makeEntry(region, workspace, token, url, file, where));
    }
  }
  return entries;
}

type TokenFileEntry = string | { token: string; url?: string };
type TokenFile = Record<string, Record<string, TokenFileEntry>>;

function parseTokenFile(text: string, file: string): TokenFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // The content is never quoted back: it holds tokens.
    throw new ConfigError(
      `The token file ${file} is not valid JSON. Expected {"<region>": {"<workspace>": "<token>"}}.`,
    );
  }
  if (!isRecord(parsed)) {
    throw new ConfigError(
      `The token file ${file} must hold an object: {"<region>": {"<workspace>": "<token>"}}.`,
    );
  }
  for (const [region, workspaces] of Object.entries(parsed)) {
    if (!isRecord(workspaces)) {
      throw new ConfigError(`In ${file}, "${region}" must map workspace names to tokens.`);
    }
    for (const [workspace, value] of Object.entries(workspaces)) {
      const valid =
        typeof value === "string" ||
        (isRecord(value) &&
          typeof value.token === "string" &&
          (value.url === undefined || typeof value.url === "string"));
      if (!valid) {
        throw new ConfigError(
          `In ${file}, ${region}.${workspace} must be a token string or {"token": "…", "url": "https://…"}.`,
        );
      }
    }
  }
  return parsed as TokenFile;
}

function readEnvironment(
  env: Record<string, string | undefined>,
  fromFile: Map<string, ConfiguredWorkspace>,
): ConfiguredWorkspace[] {
  const found = new Map<
    string,
    { region: string; workspace: string; token?: string; tokenVar?: string; url?: string }
  >();
  for (const [name, value] of Object.entries(env)) {
    const match = ENV_PATTERN.exec(name);
    if (!match || !value) continue;
    const [, regionPart, workspacePart, kind] = match as unknown as [
      string,
      string,
      string,
      string,
    ];
    const region = regionPart.toLowerCase();
    // Shells cannot export names with "-", and workspace names cannot hold "_": so "_" in a
    // variable name stands for "-" (ALPACON_MCP_AP1_MY_TEAM_TOKEN → workspace my-team).
    const workspace = workspacePart.toLowerCase().replaceAll("_", "-");
    const key = `${region}/${workspace}`;
    const slot = found.get(key) ?? { region, workspace };
    if (kind === "TOKEN") {
      slot.token = value;
      slot.tokenVar = name;
    } else slot.url = value;
    found.set(key, slot);
  }
  const entries: ConfiguredWorkspace[] = [];
  for (const [key, slot] of found) {
    const base = fromFile.get(key);
    const token = slot.token ?? base?.token;
    if (token === undefined) continue; // a URL without any token configures nothing usable
    const where = slot.tokenVar ?? base?.tokenSource ?? "environment";
    entries.push(
      makeEntry(slot.region, slot.workspace, token, slot.url ?? base?.url, where, where),
    );
  }
  return entries;
}

function makeEntry(
  region: string,
  workspace: string,
  token: string,
  url: string | undefined,
  tokenSource: string,
  where: string,
): ConfiguredWorkspace {
  try {
    validateRegionName(region);
    validateWorkspaceName(workspace);
  } catch (error) {
    throw new ConfigError(`${(error as Error).message} (in ${where})`);
  }
  const entry = { region, workspace, url: url ? normalizeUrl(url, where) : undefined, tokenSource };
  Object.defineProperty(entry, "token", { value: token, enumerable: false });
  return entry as ConfiguredWorkspace;
}

// Like the reference server: a scheme-less URL means https.
function normalizeUrl(url: string, where: string): string {
  const withScheme = /^[a-z]+:\/\//i.test(url) ? url : `https://${url}`;
  try {
    return normalizeBaseUrl(withScheme);
  } catch (error) {
    throw new ConfigError(`${(error as Error).message} (in ${where})`);
  }
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

export interface SaveTokenOptions {
  region: string;
  workspace: string;
  token: string;
  url?: string | undefined;
  configFile: string;
}

/** Adds or replaces one token; the file is rewritten atomically with mode 0600. */
export async function saveToken(options: SaveTokenOptions): Promise<void> {
  validateRegionName(options.region);
  validateWorkspaceName(options.workspace);
  const data = await readTokenFileForUpdate(options.configFile);
  const regionEntries = data[options.region] ?? {};
  regionEntries[options.workspace] = options.url
    ? { token: options.token, url: options.url }
    : options.token;
  data[options.region] = regionEntries;
  await writeTokenFile(options.configFile, data);
}

/** Removes one token; returns false when there was none. */
export async function removeToken(
  options: Omit<SaveTokenOptions, "token" | "url">,
): Promise<boolean> {
  validateRegionName(options.region);
  validateWorkspaceName(options.workspace);
  const data = await readTokenFileForUpdate(options.configFile);
  const regionEntries = data[options.region];
  if (!regionEntries || !(options.workspace in regionEntries)) return false;
  delete regionEntries[options.workspace];
  if (Object.keys(regionEntries).length === 0) delete data[options.region];
  await writeTokenFile(options.configFile, data);
  return true;
}

async function readTokenFileForUpdate(file: string): Promise<TokenFile> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw error;
  }
  return parseTokenFile(text, file);
}

async function writeTokenFile(file: string, data: TokenFile): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    await writeFile(temp, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600, flag: "wx" });
    await chmod(temp, 0o600);
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
