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

export interface TokenVariable {
  region: string;
  workspace: string;
  kind: "TOKEN" | "URL";
}

const ENV_PATTERN = /^ALPACON_MCP_([A-Z0-9]+)_([A-Z0-9_-]+)_(TOKEN|URL)$/;

/**
 * Reads `ALPACON_MCP_<REGION>_<WORKSPACE>_TOKEN` (or `_URL`) as the names it configures, not yet
 * validated; `undefined` for any other name. Shells cannot export names with "-", and workspace
 * names cannot hold "_": so "_" stands for "-" (`ALPACON_MCP_AP1_MY_TEAM_TOKEN` → `my-team`).
 */
export function parseTokenVariable(name: string): TokenVariable | undefined {
  const match = ENV_PATTERN.exec(name);
  if (!match) return undefined;
  return {
    region: match[1]!.toLowerCase(),
    workspace: match[2]!.toLowerCase().replaceAll("_", "-"),
    kind: match[3] as "TOKEN" | "URL",
  };
}

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

/**
 * Reads the configuration as `loadConfig` does without stopping at the first bad entry: every
 * usable workspace, and a problem for each entry that cannot be used (a bad name or URL, a
 * malformed entry, an unreadable or unparsable token file). Problems name where, never a value.
 */
export function inspectConfig(options: LoadConfigOptions = {}): ConfigInspection {
  const env = options.env ?? process.env;
  const configFile = resolveConfigFile(options);
  const problems: ConfigProblem[] = [];
  const report = (problem: ConfigProblem) => {
    // The same bad value reached twice (a file URL under a variable's token) is one problem.
    if (!problems.some((known) => known.message === problem.message)) problems.push(problem);
  };
  const byKey = new Map<string, ConfiguredWorkspace>();
  const fromFile = new Map<string, RawEntry>();
  for (const raw of readTokenFile(configFile, report)) {
    const key = `${raw.region}/${raw.workspace}`;
    fromFile.set(key, raw);
    const entry = makeEntry(raw, report);
    if (entry) byKey.set(key, entry);
  }
  for (const raw of readEnvironment(env, fromFile, report)) {
    const key = `${raw.region}/${raw.workspace}`;
    const entry = makeEntry(raw, report);
    // A variable that cannot be used also hides the file's entry: the server would use neither.
    if (entry) byKey.set(key, entry);
    else byKey.delete(key);
  }
  const workspaces = [...byKey.values()].sort((a, b) =>
    `${a.region}/${a.workspace}`.localeCompare(`${b.region}/${b.workspace}`),
  );
  return { configFile, workspaces, problems };
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

/** One entry before validation, with where each part came from. */
interface RawEntry {
  region: string;
  workspace: string;
  token: string;
  url: string | undefined;
  /** For `ConfiguredWorkspace.tokenSource`: the variable name or the file path. */
  tokenSource: string;
  /** Names the entry in messages: a variable name, or `file → region.workspace`. */
  where: string;
  /** What `ConfigProblem.source` says for a bad name: the variable name or the file path. */
  nameSource: string;
  /** Where the URL came from, for a bad URL (message and source). */
  urlWhere: string;
  urlSource: string;
  /** The fixes for a bad name and a bad URL. */
  nameFix: string;
  urlFix: string;
}

type Report = (problem: ConfigProblem) => void;

function readTokenFile(file: string, report: Report): RawEntry[] {
  if (!existsSync(file)) return [];
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    report({
      source: file,
      message: `The token file ${file} cannot be read (${code}).`,
      fix: `check that ${file} is a file you can read, or point to another token file`,
    });
    return [];
  }
  const { entries } = checkTokenFile(text, file, report);
  return entries.map(({ region, workspace, value }) => {
    const where = `${file} → ${region}.${workspace}`;
    const entry = `${region}.${workspace} in ${file}`;
    return {
      region,
      workspace,
      token: typeof value === "string" ? value : value.token,
      url: typeof value === "string" ? undefined : value.url,
      tokenSource: file,
      where,
      nameSource: file,
      urlWhere: where,
      urlSource: file,
      nameFix: `rename or remove ${entry}: names use lowercase letters, digits and inner hyphens, as in https://<workspace>.<region>.alpacon.io`,
      urlFix: `correct the url of ${entry} (https://…), or remove it`,
    };
  });
}

type TokenFileEntry = string | { token: string; url?: string };
type TokenFile = Record<string, Record<string, TokenFileEntry>>;

const TOKEN_FILE_SHAPE = '{"<region>": {"<workspace>": "<token>"}}';
/** Alpacon's region names (ap1, us1, eu1): a token under one is a missing workspace level. */
const REGION_LIKE = /^[a-z]{2}\d+$/;

/**
 * Checks the token file's shape, reporting each part that is wrong and returning the entries
 * that are well formed. The content is never quoted back: it holds tokens.
 */
function checkTokenFile(
  text: string,
  file: string,
  report: Report,
): {
  /** The parsed file: a `TokenFile` only when nothing was reported. */
  data: TokenFile;
  entries: { region: string; workspace: string; value: TokenFileEntry }[];
} {
  const entries: { region: string; workspace: string; value: TokenFileEntry }[] = [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    report({
      source: file,
      message: `The token file ${file} is not valid JSON (${jsonErrorPlace(text, error)}). Expected ${TOKEN_FILE_SHAPE}.`,
      fix: `correct the JSON in ${file} (${TOKEN_FILE_SHAPE}), or move it away and save your tokens again`,
    });
    return { data: {}, entries };
  }
  if (!isRecord(parsed)) {
    report({
      source: file,
      message: `The token file ${file} must hold an object: ${TOKEN_FILE_SHAPE}.`,
      fix: `make ${file} hold ${TOKEN_FILE_SHAPE}, or move it away and save your tokens again`,
    });
    return { data: {}, entries };
  }
  for (const [region, workspaces] of Object.entries(parsed)) {
    if (typeof workspaces === "string" && !REGION_LIKE.test(region)) {
      // `{"acme": "alpat-…"}`: a workspace and its token with the region level left out.
      report({
        source: file,
        workspace: region,
        message: `In ${file}, "${region}" holds a token without a region: the file needs the region level, {"<region>": {"${region}": "<token>"}}.`,
        fix: `nest it under its region in ${file}, {"<region>": {"${region}": "<token>"}} (the region is in the workspace address: https://${region}.<region>.alpacon.io), or save it again with \`alpacon-mcp auth set --workspace ${region} --region <region>\``,
      });
      continue;
    }
    if (!isRecord(workspaces)) {
      report({
        source: file,
        region,
        message: `In ${file}, "${region}" must map workspace names to tokens.`,
        fix: `in ${file}, make "${region}" an object {"<workspace>": "<token>"}, or remove it`,
      });
      continue;
    }
    for (const [workspace, value] of Object.entries(workspaces)) {
      const valid =
        typeof value === "string" ||
        (isRecord(value) &&
          typeof value.token === "string" &&
          (value.url === undefined || typeof value.url === "string"));
      if (!valid) {
        report({
          source: file,
          region,
          workspace,
          message: `In ${file}, ${region}.${workspace} must be a token string or {"token": "…", "url": "https://…"}.`,
          fix: `make ${region}.${workspace} in ${file} a token string or {"token": "…", "url": "https://…"}, or remove it`,
        });
        continue;
      }
      entries.push({ region, workspace, value: value as TokenFileEntry });
    }
  }
  return { data: parsed as TokenFile, entries };
}

/**
 * "line 3, column 14" for a JSON.parse error, from the position V8 reports (or the end of the
 * text when it names none: "Unexpected end of JSON input"). Never the text itself: it holds
 * tokens, and V8's messages may quote it.
 */
function jsonErrorPlace(text: string, error: unknown): string {
  const message = error instanceof Error ? error.message : "";
  const lineColumn = /\(line (\d+) column (\d+)\)/.exec(message);
  if (lineColumn) return `line ${lineColumn[1]}, column ${lineColumn[2]}`;
  const position = /at position (\d+)/.exec(message);
  const offset = position ? Math.min(Number(position[1]), text.length) : text.length;
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  const column = offset - (before.lastIndexOf("\n") + 1) + 1;
  return `${offset >= text.length ? "unexpected end at " : ""}line ${line}, column ${column}`;
}

/** The strict reading, for updates: the first problem throws. */
function parseTokenFile(text: string, file: string): TokenFile {
  const problems: ConfigProblem[] = [];
  const { data } = checkTokenFile(text, file, (problem) => problems.push(problem));
  if (problems[0]) throw new ConfigError(problems[0].message);
  return data;
}

function readEnvironment(
  env: Record<string, string | undefined>,
  fromFile: Map<string, RawEntry>,
  report: Report,
): RawEntry[] {
  const found = new Map<
    string,
    {
      region: string;
      workspace: string;
      token?: string;
      tokenVar?: string;
      url?: string;
      urlVar?: string;
    }
  >();
  for (const [name, value] of Object.entries(env)) {
    const variable = parseTokenVariable(name);
    if (!variable || !value) continue;
    const { region, workspace } = variable;
    const key = `${region}/${workspace}`;
    const slot = found.get(key) ?? { region, workspace };
    if (variable.kind === "TOKEN") {
      slot.token = value;
      slot.tokenVar = name;
    } else {
      slot.url = value;
      slot.urlVar = name;
    }
    found.set(key, slot);
  }
  const entries: RawEntry[] = [];
  for (const [key, slot] of found) {
    const base = fromFile.get(key);
    const token = slot.token ?? base?.token;
    if (token === undefined) {
      // A URL alone configures nothing: say so rather than start without the workspace.
      const tokenVar = slot.urlVar!.replace(/_URL$/, "_TOKEN");
      report({
        source: slot.urlVar!,
        region: slot.region,
        workspace: slot.workspace,
        message: `${slot.urlVar} is set but ${slot.workspace} (${slot.region}) has no token: neither ${tokenVar} nor the token file gives one.`,
        fix: `set ${tokenVar}, or save a token with \`alpacon-mcp auth set --workspace ${slot.workspace} --region ${slot.region}\`, or unset ${slot.urlVar}`,
      });
      continue;
    }
    const where = slot.tokenVar ?? base?.tokenSource ?? "environment";
    const nameVar = slot.tokenVar ?? slot.urlVar ?? "environment";
    const urlFromEnv = slot.urlVar !== undefined;
    entries.push({
      region: slot.region,
      workspace: slot.workspace,
      token,
      url: slot.url ?? base?.url,
      tokenSource: where,
      where,
      nameSource: nameVar,
      urlWhere: urlFromEnv ? slot.urlVar! : (base?.urlWhere ?? where),
      urlSource: urlFromEnv ? slot.urlVar! : (base?.urlSource ?? where),
      nameFix: `rename or unset ${nameVar}: ALPACON_MCP_<REGION>_<WORKSPACE>_TOKEN takes letters and digits, with one _ for each - in the workspace name (ALPACON_MCP_AP1_MY_TEAM_TOKEN is my-team in ap1)`,
      urlFix:
        urlFromEnv || !base
          ? `correct ${slot.urlVar ?? where} (https://…), or unset it`
          : base.urlFix,
    });
  }
  return entries;
}

function makeEntry(raw: RawEntry, report: Report): ConfiguredWorkspace | undefined {
  const names = { region: raw.region, workspace: raw.workspace };
  try {
    validateRegionName(raw.region);
    validateWorkspaceName(raw.workspace);
  } catch (error) {
    report({
      source: raw.nameSource,
      ...names,
      message: `${(error as Error).message} (in ${raw.where})`,
      fix: raw.nameFix,
    });
    return undefined;
  }
  let url: string | undefined;
  try {
    url = raw.url ? normalizeUrl(raw.url) : undefined;
  } catch (error) {
    report({
      source: raw.urlSource,
      ...names,
      message: `${(error as Error).message} (in ${raw.urlWhere})`,
      fix: raw.urlFix,
    });
    return undefined;
  }
  const entry = {
    ...names,
    url,
    tokenSource: raw.tokenSource,
    ...(url === undefined ? {} : { urlSource: raw.urlSource }),
  };
  Object.defineProperty(entry, "token", { value: raw.token, enumerable: false });
  return entry as ConfiguredWorkspace;
}

// Like the reference server: a scheme-less URL means https.
function normalizeUrl(url: string): string {
  return normalizeBaseUrl(/^[a-z]+:\/\//i.test(url) ? url : `https://${url}`);
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
