import { mkdir, mkdtemp } from "node:fs/promises";
import { join } from "node:path";

/** A fresh case directory under `base` with an empty `dest` and, beside it, an `outside`. */
export async function destAndOutside(
  base: string,
): Promise<{ root: string; dest: string; outside: string }> {
  const root = await mkdtemp(join(base, "case-"));
  const dest = join(root, "dest");
  const outside = join(root, "outside");
  await mkdir(dest);
  await mkdir(outside);
  return { root, dest, outside };
}
