import { fileURLToPath } from "node:url";
import { defineProject } from "vitest/config";

export default defineProject({
  resolve: {
    // Tests run against the sandbox's sources, so no build is needed first.
    alias: {
      "@alpacon/sandbox": fileURLToPath(new URL("../sandbox/src/index.ts", import.meta.url)),
    },
  },
  test: {
    name: "sdk",
    include: ["test/**/*.test.ts"],
  },
});
