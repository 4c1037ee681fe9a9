import { startSandbox } from "@alpacon/sandbox";
import { type AlpaconClient, createAlpaconClient } from "@alpacon/sdk";
import { clientFromConfig } from "@alpacon/sdk/node";

export type Example = (alpacon: AlpaconClient, log: (line: string) => void) => Promise<void>;

/**
 * Runs an example from the command line: against your configured workspace
 * (`ALPACON_MCP_<REGION>_<WORKSPACE>_TOKEN` or the token file), or with `--sandbox` against a
 * local sandbox started for the run.
 */
export async function runExample(example: Example): Promise<void> {
  if (!process.argv.includes("--sandbox")) {
    await example(clientFromConfig(), console.log);
    return;
  }
  const sandbox = await startSandbox({ port: 0 });
  try {
    const [ws] = sandbox.workspaces;
    const alpacon = createAlpaconClient({
      workspace: ws!.workspace,
      region: ws!.region,
      baseUrl: ws!.baseUrl,
      token: ws!.tokens.admin,
    });
    await example(alpacon, console.log);
  } finally {
    await sandbox.close();
  }
}
