import { fileURLToPath } from "node:url";
import { defineProject } from "vitest/config";

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// In-process tests (faults, fuzzing) run on the sources of the workspace packages; the
// end-to-end tests run the packed tarballs that the global setup builds and installs once.
export default defineProject({
  resolve: {
    alias: [
      { find: "@alpacon/sdk/node", replacement: source("../packages/sdk/src/node.ts") },
      { find: "@alpacon/sdk", replacement: source("../packages/sdk/src/index.ts") },
      { find: "@alpacon/sandbox", replacement: source("../packages/sandbox/src/index.ts") },
      { find: "@alpacon/mcp", replacement: source("../packages/mcp/src/index.ts") },
    ],
  },
  test: {
    name: "e2e",
    include: ["test/**/*.test.ts"],
    globalSetup: ["./test/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The fault matrix runs its cells concurrently: each has its own sandbox and mostly waits.
    maxConcurrency: 16,
  },
});
