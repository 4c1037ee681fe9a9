// Fails when packages/sdk/src/generated/openapi.ts differs from what the spec generates now.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { HEADER } from "./add-generated-header.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const committed = join(root, "packages/sdk/src/generated/openapi.ts");
const dir = mkdtempSync(join(tmpdir(), "alpacon-generate-"));
const fresh = join(dir, "openapi.ts");
try {
  execFileSync(
    "pnpm",
    ["exec", "openapi-typescript", join(root, "openapi/alpacon.yaml"), "-o", fresh],
    { cwd: join(root, "packages/sdk"), stdio: ["ignore", "ignore", "inherit"] },
  );
  const expected = HEADER + readFileSync(fresh, "utf8");
  const actual = readFileSync(committed, "utf8");
  if (expected !== actual) {
    console.error(
      "packages/sdk/src/generated/openapi.ts is stale: run `pnpm generate` and commit the result.",
    );
    process.exit(1);
  }
  console.log("generated code is up to date");
} finally {
  rmSync(dir, { recursive: true, force: true });
}
