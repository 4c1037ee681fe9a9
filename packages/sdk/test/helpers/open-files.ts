import { readdirSync, readlinkSync } from "node:fs";

/**
 * Open file descriptors of this process (Linux) whose path contains `marker`: a transfer that
 * ended must leave none behind. Also used by the e2e fault matrix.
 */
export function openFilesNamed(marker: string): number {
  let count = 0;
  for (const fd of readdirSync("/proc/self/fd")) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`).includes(marker)) count++;
    } catch {
      // Closed meanwhile.
    }
  }
  return count;
}
