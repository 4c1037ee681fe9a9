import type { LoadJob, LoadReport } from "../children/http-load.js";
import { LOAD_CHILD } from "./paths.js";
import { runNodeJson } from "./run-child.js";

/** Runs autocannon in its own process (children/http-load.ts); any non-2xx or error fails. */
export async function load(job: LoadJob): Promise<LoadReport> {
  const report = await runNodeJson<LoadReport>(
    LOAD_CHILD,
    [JSON.stringify(job)],
    (job.seconds + 30) * 1000,
  );
  if (report.non2xx > 0 || report.errors > 0 || report.total === 0) {
    throw new Error(
      `Load on ${job.url} had ${report.non2xx} non-2xx answers and ${report.errors} errors.`,
    );
  }
  return report;
}
