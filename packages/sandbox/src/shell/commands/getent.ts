/**
 * `getent passwd|group|hosts [key…]` over the server's /etc files, which is where glibc's
 * `files` NSS source reads them: an edit to /etc/group shows at once, as on a real server.
 */
import type { CommandHandler } from "./types.js";
import { fail, writeLine } from "./util.js";

/** Field of an /etc/passwd or /etc/group line a numeric key matches (uid, gid). */
const ID_FIELD = { passwd: 2, group: 2 } as const;

export const getent: CommandHandler = (ctx) => {
  const [database, ...keys] = ctx.args.filter((arg) => !arg.startsWith("-"));
  if (database === undefined) {
    return fail(
      ctx,
      "Usage: getent [OPTION...] database [key ...]\nTry `getent --help' or `getent --usage' for more information.",
    );
  }
  const files: Readonly<Record<string, string>> = {
    passwd: "/etc/passwd",
    group: "/etc/group",
    hosts: "/etc/hosts",
  };
  const file = files[database];
  if (file === undefined) return fail(ctx, `Unknown database: ${database}`);
  // The NSS files are world-readable; read them as the system would, whoever asks.
  const lines =
    ctx.server.vfs.tryStat(file) === undefined
      ? []
      : ctx.server.vfs
          .readText(file)
          .split("\n")
          .filter((line) => line.trim() !== "" && !line.trimStart().startsWith("#"));
  if (database === "hosts") return hosts(ctx, lines, keys);
  if (keys.length === 0) {
    for (const line of lines) writeLine(ctx.stdout, line);
    return 0;
  }
  const idField = ID_FIELD[database as keyof typeof ID_FIELD];
  let status = 0;
  for (const key of keys) {
    const match = lines.find((line) => {
      const fields = line.split(":");
      return /^\d+$/.test(key) ? fields[idField] === key : fields[0] === key;
    });
    if (match === undefined) status = 2;
    else writeLine(ctx.stdout, match);
  }
  return status;
};

function hosts(ctx: Parameters<CommandHandler>[0], lines: string[], keys: string[]): number {
  const entries = lines.map((line) => {
    const [address = "", ...names] = line.replace(/#.*/, "").trim().split(/\s+/);
    return { address, names };
  });
  const print = (entry: { address: string; names: string[] }) =>
    writeLine(ctx.stdout, `${entry.address.padEnd(15)} ${entry.names.join(" ")}`);
  if (keys.length === 0) {
    entries.forEach(print);
    return 0;
  }
  let status = 0;
  for (const key of keys) {
    const entry = entries.find((e) => e.address === key || e.names.includes(key));
    if (entry === undefined) status = 2;
    else print(entry);
  }
  return status;
}
