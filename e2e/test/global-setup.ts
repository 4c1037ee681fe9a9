import { rmSync } from "node:fs";
import type { TestProject } from "vitest/node";
import { buildPackInstall, type Installed, tempRoot } from "../src/install.js";

declare module "vitest" {
  export interface ProvidedContext {
    installed: Installed | undefined;
  }
}

// Once per run of the e2e project: build if stale, pack the three packages, install the
// tarballs into an empty temporary directory. Removed again when the run ends.
// E2E_INSTALL=skip leaves it out while iterating on the in-process tests; the tests that need
// the tarballs then fail with that reason.
export default async function setup(project: TestProject) {
  if (process.env.E2E_INSTALL === "skip") return;
  const root = tempRoot("alpacon-e2e-install-");
  try {
    const installed = await buildPackInstall(root);
    const { build, pack, install } = installed.timings;
    console.log(
      `e2e: build ${build ? `${build} s` : "skipped (dist is fresh)"}, pnpm pack ${pack} s, npm install ${install} s`,
    );
    project.provide("installed", installed);
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
  return () => rmSync(root, { recursive: true, force: true });
}
