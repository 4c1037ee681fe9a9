import { defineConfig } from "tsup";

// tsup keeps `dependencies` external but bundles `optionalDependencies`: the sandbox (optional,
// loaded by --sandbox only) must stay a package import, resolved where it is installed.
const external = ["@alpacon/sandbox"];

// Only options shared by tsup and tsdown, so a later switch stays mechanical.
export default defineConfig([
  {
    entry: ["src/index.ts"],
    format: ["esm", "cjs"],
    dts: true,
    clean: true,
    sourcemap: true,
    target: "node20",
    external,
    // import.meta.url in the CommonJS build (code mode finds the interpreter's .wasm with it).
    shims: true,
  },
  {
    // The bin: ESM only, with a shebang so `npx @alpacon/mcp` can execute it directly.
    entry: ["src/cli.ts"],
    format: ["esm"],
    sourcemap: true,
    target: "node20",
    banner: { js: "#!/usr/bin/env node" },
    external,
  },
]);
