import {
  normalizeBaseUrl,
  validateRegionName,
  validateWorkspaceName,
} from "../../core/base-url.js";
import type { ConfiguredWorkspace, Report } from "./types.js";

/** One entry before validation, with where each part came from. */
export interface RawEntry {
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

/** Validates one entry's names and URL; undefined (and a reported problem) when either is bad. */
export function makeEntry(raw: RawEntry, report: Report): ConfiguredWorkspace | undefined {
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
