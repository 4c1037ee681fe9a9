/**
 * The step 11 spec waiting in openapi/pending/ (see openapi/README.md, "Pending"): kept out of
 * alpacon.yaml until the sandbox serves it, but checked on every run so it cannot rot — it must
 * merge with alpacon.yaml without clashes, lint, generate types, and accept its own corpus.
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect, it } from "vitest";

const CHECK = fileURLToPath(new URL("../../../openapi/pending/check.mjs", import.meta.url));

it("the pending spec merges, lints, generates and accepts its corpus", async () => {
  const { stdout } = await promisify(execFile)(process.execPath, [CHECK], {
    cwd: fileURLToPath(new URL("../../../", import.meta.url)),
  });
  const [, accepted, total] = /corpus: (\d+) of (\d+) payloads accepted/.exec(stdout) ?? [];
  expect(Number(total)).toBeGreaterThan(0);
  expect(accepted).toBe(total);
}, 120_000);
