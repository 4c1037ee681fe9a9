#!/usr/bin/env node
// The committed bin: pnpm links bins when it installs, before anything is built, so the link
// must not point into dist/. Without a build it says what to do instead of a module error.
import { existsSync } from "node:fs";

const cli = new URL("../dist/cli.js", import.meta.url);
if (existsSync(cli)) await import(cli.href);
else {
  process.stderr.write(
    "alpacon-sandbox is not built yet: run `pnpm build` in the repository first.\n",
  );
  process.exitCode = 1;
}
