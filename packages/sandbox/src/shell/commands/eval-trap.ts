/**
 * `eval` and `trap`: the two builtins the SDK's websh completion markers rely on. Each command
 * is sent as `trap "<end marker> \$?" EXIT; <start marker>; eval '<command>'; …`, so `eval` must
 * run in the current shell (cd and exports persist) and the EXIT trap must fire on `exit N`.
 */
import { ShellSyntaxError } from "../parser.js";
import type { CommandContext, CommandHandler } from "./types.js";
import { fail, writeLine } from "./util.js";

export const evalBuiltin: CommandHandler = (ctx) => {
  const args = ctx.args[0] === "--" ? ctx.args.slice(1) : ctx.args;
  const source = args.join(" ");
  if (source.trim() === "") return 0;
  try {
    const status = ctx.evaluate(source);
    return typeof status === "number" ? status : status.catch((error) => syntaxError(ctx, error));
  } catch (error) {
    return syntaxError(ctx, error);
  }
};

function syntaxError(ctx: CommandContext, error: unknown): number {
  if (!(error instanceof ShellSyntaxError)) throw error;
  // bash names the pseudo-file: `bash: eval: line 1: syntax error near unexpected token …`.
  ctx.stderr.write(`${error.message.replace(/^bash: /, "bash: eval: line 1: ")}\n`);
  return error.exitCode;
}

/** Signal numbers as `kill -l` on Linux x86-64 lists them; 0 is the EXIT pseudo-signal. */
const SIGNALS: readonly (readonly [number, string])[] = [
  [0, "EXIT"],
  [1, "HUP"],
  [2, "INT"],
  [3, "QUIT"],
  [4, "ILL"],
  [5, "TRAP"],
  [6, "ABRT"],
  [7, "BUS"],
  [8, "FPE"],
  [9, "KILL"],
  [10, "USR1"],
  [11, "SEGV"],
  [12, "USR2"],
  [13, "PIPE"],
  [14, "ALRM"],
  [15, "TERM"],
  [17, "CHLD"],
  [18, "CONT"],
  [19, "STOP"],
  [20, "TSTP"],
  [21, "TTIN"],
  [22, "TTOU"],
  [28, "WINCH"],
];
/** bash's pseudo-signals, listed after the real ones by `trap -p`. */
const PSEUDO = ["DEBUG", "ERR", "RETURN"] as const;

/** Canonical trap key (`EXIT`, `INT`, `DEBUG`…) for a sigspec, or undefined when invalid. */
function signalKey(spec: string): string | undefined {
  if (/^\d+$/.test(spec)) return SIGNALS.find(([n]) => n === Number(spec))?.[1];
  const upper = spec.toUpperCase();
  const name = upper.startsWith("SIG") ? upper.slice(3) : upper;
  if ((PSEUDO as readonly string[]).includes(name)) return name;
  return SIGNALS.some(([, known]) => known === name) ? name : undefined;
}

function displayName(key: string): string {
  return key === "EXIT" || (PSEUDO as readonly string[]).includes(key) ? key : `SIG${key}`;
}

const quote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

export const trap: CommandHandler = (ctx) => {
  let args = [...ctx.args];
  const traps = ctx.state.traps;
  if (args[0] === "-l") {
    writeLine(
      ctx.stdout,
      SIGNALS.filter(([n]) => n > 0)
        .map(([n, name]) => `${String(n).padStart(2)}) SIG${name}`)
        .join("\t"),
    );
    return 0;
  }
  let print = false;
  if (args[0] === "-p") {
    print = true;
    args = args.slice(1);
  }
  if (args[0] === "--") args = args.slice(1);
  if (print || args.length === 0) {
    const keys =
      args.length > 0
        ? args.map(signalKey).filter((key) => key !== undefined)
        : [...SIGNALS.map(([, name]) => name), ...PSEUDO];
    for (const key of keys) {
      const action = traps.get(key);
      if (action !== undefined)
        writeLine(ctx.stdout, `trap -- ${quote(action)} ${displayName(key)}`);
    }
    return 0;
  }
  // `trap - SIG…` and `trap SIG` (a lone sigspec) reset; otherwise the first word is the action.
  const reset = args[0] === "-" || (args.length === 1 && signalKey(args[0]!) !== undefined);
  const action = reset ? undefined : args[0]!;
  const specs = reset && args[0] !== "-" ? args : args.slice(1);
  if (specs.length === 0)
    return fail(ctx, "bash: trap: usage: trap [-lp] [[arg] signal_spec ...]", 2);
  let status = 0;
  for (const spec of specs) {
    const key = signalKey(spec);
    if (key === undefined) {
      status = fail(ctx, `bash: trap: ${spec}: invalid signal specification`);
      continue;
    }
    if (action === undefined) traps.delete(key);
    else traps.set(key, action);
  }
  return status;
};
