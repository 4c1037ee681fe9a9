import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { type CliOptions, HELP, parseCliOptions } from "./cli-options.js";
import { createAlpaconMcpServer } from "./server.js";
import { MCP_VERSION } from "./version.js";

// The `alpacon-mcp` bin: stdio only for now. stdout carries the protocol, so everything meant
// for people goes to stderr. Exit codes: 0 ok, 1 configuration or start-up error, 2 usage error.

async function main(): Promise<number> {
  let parsed: CliOptions;
  try {
    parsed = parseCliOptions(process.argv.slice(2), process.env);
  } catch (error) {
    process.stderr.write(`alpacon-mcp: ${(error as Error).message}\nTry alpacon-mcp --help.\n`);
    return 2;
  }
  if (parsed.help) {
    process.stderr.write(HELP);
    return 0;
  }
  if (parsed.version) {
    // The version is the one thing a user asks for on stdout (`alpacon-mcp --version`).
    process.stdout.write(`${MCP_VERSION}\n`);
    return 0;
  }
  try {
    const server = createAlpaconMcpServer(parsed.server);
    const transport = new StdioServerTransport();
    await server.connect(transport);
    process.stderr.write(`alpacon-mcp ${MCP_VERSION} ready on stdio\n`);
    const stop = () => void server.close().finally(() => process.exit(0));
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    return -1; // keep running
  } catch (error) {
    process.stderr.write(`alpacon-mcp: ${(error as Error).message}\n`);
    return 1;
  }
}

main().then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`alpacon-mcp: ${(error as Error).message}\n`);
    process.exitCode = 1;
  },
);
