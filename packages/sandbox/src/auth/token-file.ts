import type { Sandbox } from "../server/sandbox.js";
import type { WorkspaceTokens } from "./tokens.js";

export type TokenFileContent = Record<string, Record<string, { token: string; url: string }>>;

/**
 * `{region: {workspace: {token, url}}}`, the token-file form alpacon-mcp and the SDK read, with
 * one kind of token for every workspace of the sandbox.
 */
export function tokenFileContent(
  sandbox: Pick<Sandbox, "workspaces">,
  kind: keyof WorkspaceTokens = "admin",
): TokenFileContent {
  const out: TokenFileContent = {};
  for (const ws of sandbox.workspaces) {
    out[ws.region] = {
      ...out[ws.region],
      [ws.workspace]: { token: ws.tokens[kind], url: ws.baseUrl },
    };
  }
  return out;
}
