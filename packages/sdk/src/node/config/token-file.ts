import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { ConfigError } from "../../core/errors.js";
import type { RawEntry } from "./entry.js";
import type { ConfigProblem, LoadConfigOptions, Report } from "./types.js";

export const CONFIG_FILE_ENV = "ALPACON_MCP_CONFIG_FILE";

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

/** The token file's entries, unvalidated, each with where it came from; [] when there is no file. */
export function readTokenFile(file: string, report: Report): RawEntry[] {
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

export type TokenFileEntry = string | { token: string; url?: string };
export type TokenFile = Record<string, Record<string, TokenFileEntry>>;

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
export function parseTokenFile(text: string, file: string): TokenFile {
  const problems: ConfigProblem[] = [];
  const { data } = checkTokenFile(text, file, (problem) => problems.push(problem));
  if (problems[0]) throw new ConfigError(problems[0].message);
  return data;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
