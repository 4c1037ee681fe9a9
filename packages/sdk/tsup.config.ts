import { defineConfig } from "tsup";

// Only options shared by tsup and tsdown, so a later switch stays mechanical.
export default defineConfig({
  entry: ["src/index.ts", "src/node.ts"],
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "node20",
  // p-retry and p-limit are ESM-only, and openapi-fetch's CJS build sets `exports.default`
  // without `__esModule`, so a CJS default import of it yields the module object, not the
  // function. Bundling all three keeps both builds loadable and correct on every Node 20.
  noExternal: ["p-retry", "is-network-error", "p-limit", "yocto-queue", "openapi-fetch"],
});
