import { randomBytes } from "node:crypto";
import { chmod, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { validateRegionName, validateWorkspaceName } from "../../core/base-url.js";
import { parseTokenFile, type TokenFile } from "./token-file.js";

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
