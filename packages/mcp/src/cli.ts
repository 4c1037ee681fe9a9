// The `alpacon-mcp` bin. All behaviour lives in main.ts (testable in-process); this only runs it
// on the real process and exits once stdout and stderr are flushed.
import { main } from "./cli/main.js";

const code = await main(process.argv.slice(2), process.env).catch((error: unknown) => {
  process.stderr.write(`alpacon-mcp: ${error instanceof Error ? error.message : error}\n`);
  return 1;
});
process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
