import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach } from "vitest";

export const SECRET = "alpat-canary-1234567890";

/** Fresh for each test of a file that calls `useTempDirs()`. */
export let home: string;
export let cwd: string;

export function useTempDirs(): void {
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), "alp-home-"));
    cwd = mkdtempSync(join(tmpdir(), "alp-cwd-"));
  });
}

export function writeJson(path: string, value: unknown) {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, JSON.stringify(value));
}
