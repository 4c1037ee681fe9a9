import { defineConfig } from "tsup";

// The programs benchmarks start as child processes: built to plain JS so they start like
// `alpacon-mcp` does (`node file.js`), with no TypeScript loader adding time or memory.
// Dependencies stay external (tsup's default for package.json dependencies), as in packages/mcp.
export default defineConfig({
  entry: {
    "minimal-server": "baselines/minimal-server.ts",
    "sdk-transfer": "src/children/sdk-transfer.ts",
    "http-load": "src/children/http-load.ts",
    "fleet-run": "src/children/fleet-run.ts",
    "round-robin-proxy": "src/children/round-robin-proxy.ts",
  },
  // No `paths` (tsconfig.json has them for type-checking): the SDK stays an external import.
  tsconfig: "tsconfig.run.json",
  format: ["esm"],
  target: "node20",
  outDir: "dist",
  clean: true,
  splitting: false,
});
