import { defineConfig } from "tsup";

// Only options shared by tsup and tsdown, so a later switch stays mechanical.
export default defineConfig({
  entry: ["src/index.ts", "src/node.ts"],
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "node20",
  // p-limit is ESM-only: bundling it keeps the CommonJS build loadable on every Node 20.
  noExternal: ["p-limit", "yocto-queue"],
});
