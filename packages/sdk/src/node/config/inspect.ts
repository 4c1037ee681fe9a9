import { makeEntry, type RawEntry } from "./entry.js";
import { readEnvironment } from "./env.js";
import { readTokenFile, resolveConfigFile } from "./token-file.js";
import type {
  ConfigInspection,
  ConfigProblem,
  ConfiguredWorkspace,
  LoadConfigOptions,
} from "./types.js";

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
