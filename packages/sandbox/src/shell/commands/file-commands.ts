/** cat, mkdir, rm, rmdir, touch, cp, mv: coreutils messages and exit statuses over the VFS. */
import { basename, joinPath } from "../vfs-path.js";
import type { CommandContext, CommandHandler } from "./types.js";
import { fail, forEachInput, parseOptions, reasonOf, usageError, writeLine } from "./util.js";

/**
 * Runs `act` on each operand in turn. One that throws prints `<failure>: <reason>` and makes the
 * exit status 1, and the others still run, as coreutils do.
 */
function eachOperand(
  ctx: CommandContext,
  operands: readonly string[],
  failure: (operand: string) => string,
  act: (operand: string) => void,
): number {
  let status = 0;
  for (const operand of operands) {
    try {
      act(operand);
    } catch (error) {
      status = fail(ctx, `${failure(operand)}: ${reasonOf(error)}`);
    }
  }
  return status;
}

export const cat: CommandHandler = (ctx) => {
  const parsed = parseOptions(ctx.args, { flags: "nAetv", long: { number: "n" } });
  if ("error" in parsed) return usageError(ctx, parsed.error);
  let lineNumber = 0;
  return forEachInput(ctx, parsed.operands, (text) => {
    if (!parsed.flags.has("n")) {
      ctx.stdout.write(text);
      return;
    }
    const lines = text.split("\n");
    const last = lines.pop();
    let out = lines.map((line) => `${String(++lineNumber).padStart(6)}\t${line}\n`).join("");
    if (last !== undefined && last !== "") out += `${String(++lineNumber).padStart(6)}\t${last}`;
    ctx.stdout.write(out);
  });
};

export const mkdir: CommandHandler = (ctx) => {
  const parsed = parseOptions(ctx.args, { flags: "pv", withValue: "m", long: { parents: "p" } });
  if ("error" in parsed) return usageError(ctx, parsed.error);
  if (parsed.operands.length === 0) return usageError(ctx, "missing operand");
  const mode = parsed.values.has("m") ? Number.parseInt(parsed.values.get("m")!, 8) : undefined;
  return eachOperand(
    ctx,
    parsed.operands,
    (operand) => `mkdir: cannot create directory '${operand}'`,
    (operand) => {
      ctx.server.vfs.mkdir(ctx.resolve(operand), {
        parents: parsed.flags.has("p"),
        as: ctx.cred,
        ...(mode === undefined || Number.isNaN(mode) ? {} : { mode }),
      });
      if (parsed.flags.has("v")) writeLine(ctx.stdout, `mkdir: created directory '${operand}'`);
    },
  );
};

export const rm: CommandHandler = (ctx) => {
  const parsed = parseOptions(ctx.args, {
    flags: "rRfiIvd",
    long: { recursive: "r", force: "f", verbose: "v", "no-preserve-root": "P" },
  });
  if ("error" in parsed) return usageError(ctx, parsed.error);
  const recursive = parsed.flags.has("r") || parsed.flags.has("R");
  const force = parsed.flags.has("f");
  if (parsed.operands.length === 0) return force ? 0 : usageError(ctx, "missing operand");
  let status = 0;
  for (const operand of parsed.operands) {
    const path = ctx.resolve(operand);
    if (path === "/" && recursive) {
      writeLine(ctx.stderr, "rm: it is dangerous to operate recursively on '/'");
      status = fail(ctx, "rm: use --no-preserve-root to override this failsafe");
      continue;
    }
    const stat = ctx.server.vfs.tryStat(path);
    if (stat === undefined) {
      if (!force) status = fail(ctx, `rm: cannot remove '${operand}': No such file or directory`);
      continue;
    }
    if (stat.type === "dir" && !recursive) {
      status = fail(ctx, `rm: cannot remove '${operand}': Is a directory`);
      continue;
    }
    try {
      ctx.server.vfs.remove(path, { recursive, as: ctx.cred });
      if (parsed.flags.has("v")) writeLine(ctx.stdout, `removed '${operand}'`);
    } catch (error) {
      status = fail(ctx, `rm: cannot remove '${operand}': ${reasonOf(error)}`);
    }
  }
  return status;
};

export const rmdir: CommandHandler = (ctx) => {
  const parsed = parseOptions(ctx.args, { flags: "pv" });
  if ("error" in parsed) return usageError(ctx, parsed.error);
  if (parsed.operands.length === 0) return usageError(ctx, "missing operand");
  return eachOperand(
    ctx,
    parsed.operands,
    (operand) => `rmdir: failed to remove '${operand}'`,
    (operand) => ctx.server.vfs.removeDir(ctx.resolve(operand), ctx.cred),
  );
};

export const touch: CommandHandler = (ctx) => {
  const parsed = parseOptions(ctx.args, { flags: "acm" });
  if ("error" in parsed) return usageError(ctx, parsed.error);
  if (parsed.operands.length === 0) return usageError(ctx, "missing file operand");
  return eachOperand(
    ctx,
    parsed.operands,
    (operand) => `touch: cannot touch '${operand}'`,
    (operand) => {
      const path = ctx.resolve(operand);
      // -c: a missing file is left missing, silently.
      if (parsed.flags.has("c") && !ctx.server.vfs.exists(path)) return;
      ctx.server.vfs.touch(path, ctx.cred);
    },
  );
};

/** Shared by cp and mv: operands → (source, final destination path) pairs. */
function plan(
  ctx: CommandContext,
  operands: readonly string[],
): { pairs: { operand: string; from: string; to: string; label: string }[] } | { status: number } {
  if (operands.length === 0) return { status: usageError(ctx, "missing file operand") };
  if (operands.length === 1) {
    return {
      status: usageError(ctx, `missing destination file operand after '${operands[0]}'`),
    };
  }
  const target = operands[operands.length - 1]!;
  const sources = operands.slice(0, -1);
  const targetPath = ctx.resolve(target);
  const targetIsDir = ctx.server.vfs.isDir(targetPath);
  if (sources.length > 1 && !targetIsDir) {
    return { status: fail(ctx, `${ctx.name}: target '${target}' is not a directory`) };
  }
  return {
    pairs: sources.map((operand) => {
      const from = ctx.resolve(operand);
      const name = basename(from);
      return targetIsDir
        ? {
            operand,
            from,
            to: joinPath(targetPath, name),
            label: `${target.replace(/\/+$/, "")}/${name}`,
          }
        : { operand, from, to: targetPath, label: target };
    }),
  };
}

export const cp: CommandHandler = (ctx) => {
  const parsed = parseOptions(ctx.args, {
    flags: "rRafpvnuT",
    long: { recursive: "r", archive: "a", force: "f", verbose: "v" },
  });
  if ("error" in parsed) return usageError(ctx, parsed.error);
  const recursive = ["r", "R", "a"].some((flag) => parsed.flags.has(flag));
  const planned = plan(ctx, parsed.operands);
  if ("status" in planned) return planned.status;
  let status = 0;
  for (const { operand, from, to, label } of planned.pairs) {
    const stat = ctx.server.vfs.tryStat(from);
    if (stat === undefined) {
      status = fail(ctx, `cp: cannot stat '${operand}': No such file or directory`);
      continue;
    }
    if (stat.type === "dir" && !recursive) {
      status = fail(ctx, `cp: -r not specified; omitting directory '${operand}'`);
      continue;
    }
    if (from === to) {
      status = fail(ctx, `cp: '${operand}' and '${label}' are the same file`);
      continue;
    }
    if (stat.type === "dir" && (to === from || to.startsWith(`${from}/`))) {
      status = fail(ctx, `cp: cannot copy a directory, '${operand}', into itself, '${label}'`);
      continue;
    }
    try {
      if (stat.type === "dir" && ctx.server.vfs.isDir(to)) {
        // Copying onto an existing directory merges into it, like GNU cp -r.
        for (const child of ctx.server.vfs.listDir(from, ctx.cred)) {
          ctx.server.vfs.remove(joinPath(to, child.name), {
            recursive: true,
            force: true,
            as: ctx.cred,
          });
          ctx.server.vfs.copy(child.path, joinPath(to, child.name), {
            recursive: true,
            as: ctx.cred,
          });
        }
      } else {
        ctx.server.vfs.copy(from, to, { recursive, as: ctx.cred });
      }
      if (parsed.flags.has("v")) writeLine(ctx.stdout, `'${operand}' -> '${label}'`);
    } catch (error) {
      status = fail(ctx, `cp: cannot create regular file '${label}': ${reasonOf(error)}`);
    }
  }
  return status;
};

export const mv: CommandHandler = (ctx) => {
  const parsed = parseOptions(ctx.args, {
    flags: "fivnuT",
    long: { force: "f", verbose: "v" },
  });
  if ("error" in parsed) return usageError(ctx, parsed.error);
  const planned = plan(ctx, parsed.operands);
  if ("status" in planned) return planned.status;
  let status = 0;
  for (const { operand, from, to, label } of planned.pairs) {
    const stat = ctx.server.vfs.tryStat(from);
    if (stat === undefined) {
      status = fail(ctx, `mv: cannot stat '${operand}': No such file or directory`);
      continue;
    }
    if (stat.type === "dir" && to.startsWith(`${from}/`)) {
      status = fail(ctx, `mv: cannot move '${operand}' to a subdirectory of itself, '${label}'`);
      continue;
    }
    try {
      ctx.server.vfs.move(from, to, { as: ctx.cred });
      if (parsed.flags.has("v")) writeLine(ctx.stdout, `renamed '${operand}' -> '${label}'`);
    } catch (error) {
      status = fail(ctx, `mv: cannot move '${operand}' to '${label}': ${reasonOf(error)}`);
    }
  }
  return status;
};
