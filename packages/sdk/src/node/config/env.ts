import type { RawEntry } from "./entry.js";
import type { Report } from "./types.js";

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
 * The entries the `…_TOKEN` and `…_URL` variables configure, each completed from the token
 * file's entry for the same workspace (`fromFile`) where a variable gives only one part.
 */
export function readEnvironment(
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
