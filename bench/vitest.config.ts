import { defineProject } from "vitest/config";

// No aliases to sources: the benchmarks run the BUILT packages, which the smoke run builds
// first when they are stale (src/lib/build.ts).
export default defineProject({
  test: {
    name: "bench",
    include: ["test/**/*.test.ts"],
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
