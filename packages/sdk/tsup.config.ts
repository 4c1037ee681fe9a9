import { defineConfig } from "tsup";

// Only options shared by tsup and tsdown, so a later switch stays mechanical.
export default defineConfig({
  entry: ["src/index.ts"],
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "node20",
});
