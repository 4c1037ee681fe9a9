/**
 * The contract corpus (openapi/corpus/): payloads from the official clients' tests and types,
 * read by the sandbox's spec check and by the SDK's normaliser check.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export interface CorpusEntry {
  /** `owner/repo@commit:path#line` of the payload. */
  source: string;
  operation: string;
  status: number;
  /** `full`: as it is; `shape`: structure and types only (placeholder values, left-out fields). */
  check: "full" | "shape";
  note: string;
  payload: unknown;
}

const ROOT = fileURLToPath(new URL("../../../../openapi/corpus/", import.meta.url));

export function loadCorpus(): { name: string; entry: CorpusEntry }[] {
  return readdirSync(ROOT, { recursive: true, encoding: "utf8" })
    .filter((name) => name.endsWith(".json"))
    .sort()
    .map((name) => ({
      name,
      entry: JSON.parse(readFileSync(join(ROOT, name), "utf8")) as CorpusEntry,
    }));
}
