import { fileURLToPath } from "node:url";
import { defineProject } from "vitest/config";

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Tests run on the sources of the workspace packages, so no build is needed first.
export default defineProject({
  test: {
    name: "mcp",
    include: ["test/**/*.test.ts"],
    testTimeout: 20_000,
  },
  resolve: {
    alias: {
      "@alpacon/sdk/node": source("../sdk/src/node.ts"),
      "@alpacon/sdk": source("../sdk/src/index.ts"),
      "@alpacon/sandbox": source("../sandbox/src/index.ts"),
    },
  },
});
