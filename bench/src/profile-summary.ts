/**
 * Reads a V8 .cpuprofile (from `node --cpu-prof`, e.g. BENCH_NODE_FLAGS="--cpu-prof
 * --cpu-prof-dir=/tmp/prof" pnpm bench --only B2) and prints where the time went: self time by
 * package or file, and the top functions.
 *
 *   pnpm --filter @alpacon/bench exec tsx src/profile-summary.ts /tmp/prof/CPU.*.cpuprofile
 */
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** node_modules/.pnpm/<pkg>@…/node_modules/<pkg>/… → <pkg>; packages/<name>/dist → @alpacon/<name>. */
function bucket(url: string): string {
  if (url === "") return "(native/GC/idle)";
  if (url.startsWith("node:")) return "node:internal";
  const modules = url.lastIndexOf("/node_modules/");
  if (modules >= 0) {
    const rest = url.slice(modules + "/node_modules/".length).split("/");
    return rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const own = /\/packages\/([^/]+)\/dist\//.exec(url);
  if (own) return `@alpacon/${own[1]}`;
  return url.replace(/^file:\/\//, "");
}

function top(map: Map<string, number>, total: number, count: number): string[] {
  return [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(
      ([name, us]) =>
        `${(us / 1000).toFixed(1).padStart(8)} ms ${((100 * us) / total).toFixed(1).padStart(5)} %  ${name}`,
    );
}

for (const file of process.argv.slice(2)) {
  const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, index) => {
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0));
  });
  const byBucket = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let total = 0;
  for (const [id, us] of self) {
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === "(idle)") continue;
    total += us;
    const name = bucket(frame.url);
    byBucket.set(name, (byBucket.get(name) ?? 0) + us);
    const fn = `${frame.functionName || "(anonymous)"} ${name}:${frame.lineNumber + 1}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
  }
  process.stdout.write(
    `${file}: ${(total / 1000).toFixed(1)} ms busy of ${((profile.endTime - profile.startTime) / 1000).toFixed(1)} ms\n`,
  );
  process.stdout.write(`by package:\n${top(byBucket, total, 15).join("\n")}\n`);
  process.stdout.write(`by function:\n${top(byFunction, total, 25).join("\n")}\n\n`);
}
