import { fileURLToPath } from "node:url";
import { defineProject } from "vitest/config";

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineProject({
  resolve: {
    alias: [
      { find: "@alpacon/sdk/node", replacement: source("../packages/sdk/src/node.ts") },
      { find: "@alpacon/sdk", replacement: source("../packages/sdk/src/index.ts") },
      { find: "@alpacon/sandbox", replacement: source("../packages/sandbox/src/index.ts") },
    ],
  },
  test: { name: "examples", include: ["test/**/*.test.ts"] },
});
