/**
 * Extra Node flags for every process that runs code under test (alpacon-mcp, the minimal
 * server, the SDK children), for profiling: BENCH_NODE_FLAGS="--cpu-prof --cpu-prof-dir=DIR".
 */
export function nodeFlags(): string[] {
  return process.env.BENCH_NODE_FLAGS?.split(" ").filter(Boolean) ?? [];
}
