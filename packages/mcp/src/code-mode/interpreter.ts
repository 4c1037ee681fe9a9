import { setMaxListeners } from "node:events";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import variant from "@jitl/quickjs-wasmfile-release-sync";
import {
  DefaultIntrinsics,
  newQuickJSWASMModuleFromVariant,
  newVariant,
  type QuickJSContext,
  type QuickJSDeferredPromise,
  type QuickJSHandle,
  type QuickJSSyncVariant,
  type QuickJSWASMModule,
} from "quickjs-emscripten-core";
import { PRELUDE } from "./prelude.js";

/** What a snippet may use; every limit is enforced by the interpreter or by this host. */
export interface Limits {
  /** Wall time for the whole run, bridged calls included. */
  timeoutMs: number;
  /**
   * Longest stretch the snippet may compute without awaiting a bridged call. The interpreter
   * runs on the server's event loop: while it computes, no other request (nor, in team mode,
   * anyone else's) is served, so a busy loop must end long before the run's time limit.
   */
  busyMs: number;
  /** Heap of the interpreter (QuickJS's own allocator limit). */
  memoryBytes: number;
  /**
   * Stack of the interpreter: deeper recursion fails with an InternalError. Small, because each
   * interpreter frame also takes several frames of the host's own stack, which must never be
   * the one to overflow (a few hundred calls deep still works).
   */
  stackBytes: number;
  /** Console text kept; the rest is counted and dropped. */
  maxLogBytes: number;
  /** Bridged calls per run, and how many may be in flight at once. */
  maxCalls: number;
  maxParallelCalls: number;
}

export const DEFAULT_LIMITS: Limits = {
  timeoutMs: 60_000,
  busyMs: 2_000,
  memoryBytes: 64 * 1024 * 1024,
  stackBytes: 64 * 1024,
  maxLogBytes: 24 * 1024,
  maxCalls: 2_000,
  maxParallelCalls: 16,
};

/** A refusal or failure of a bridged call, as the snippet sees it (an Error it can catch). */
export class BridgeError extends Error {
  constructor(
    readonly errorName: string,
    message: string,
  ) {
    super(message);
  }
}

/** The host side of the bridge: a method path and JSON arguments in, JSON text out. */
export type HostCall = (path: string, argsJson: string, signal: AbortSignal) => Promise<string>;

export interface RunRequest {
  /** A JavaScript expression whose value is the snippet's promise (see `wrapSnippet`). */
  expression: string;
  /** The bridged method paths, and whether each returns an async iterator. */
  methods: readonly { path: string; iterator: boolean }[];
  call: HostCall;
  limits: Limits;
  signal: AbortSignal;
}

export type RunEnd = "ok" | "error" | "timeout" | "busy" | "memory" | "cancelled";

export interface RunOutcome {
  end: RunEnd;
  /** The snippet's value as JSON text (`ok` only). */
  json: string | undefined;
  /** `error`: the snippet's uncaught error, as `Name: message`. */
  error: string | undefined;
  logs: string[];
  /** Console bytes dropped past the limit. */
  droppedLogBytes: number;
  calls: number;
}

// The WebAssembly API as Node has it (this package's TypeScript library has no DOM types).
const wasm = (
  globalThis as unknown as {
    WebAssembly: {
      compile(bytes: Uint8Array): Promise<WebAssembly.Module>;
      Memory: new (descriptor: { initial: number; maximum: number }) => object;
    };
  }
).WebAssembly;

let compiled: Promise<WebAssembly.Module> | undefined;

/** The interpreter's WebAssembly, compiled once per process. */
function compiledWasm(): Promise<WebAssembly.Module> {
  compiled ??= (async () => {
    const file = createRequire(import.meta.url).resolve("@jitl/quickjs-wasmfile-release-sync/wasm");
    return wasm.compile(await readFile(file));
  })().catch((error) => {
    compiled = undefined;
    throw error;
  });
  return compiled;
}

function instantiate(memoryBytes: number): Promise<QuickJSWASMModule> {
  return compiledWasm().then((wasmModule) =>
    newQuickJSWASMModuleFromVariant(
      newVariant(variant as unknown as QuickJSSyncVariant, {
        wasmModule,
        wasmMemory: new wasm.Memory({
          initial: 256,
          maximum: Math.ceil((memoryBytes * 2) / 65_536),
        }) as never,
      }),
    ),
  );
}

/** Instances whose last run ended cleanly, ready for the next (at most two are kept). */
const idle: QuickJSWASMModule[] = [];

/**
 * An interpreter instance for one run: one that served a run which ended cleanly (its runtime
 * freed; runtimes share nothing, and a snippet has no way to read raw memory), or a new one.
 * Each has memory of its own that cannot grow past twice the heap limit: QuickJS counts what it
 * asks for, not what the allocator keeps, and a growing array once took a shared instance to
 * 1.6 GB. After an interrupt, a memory limit or a failure inside the interpreter, the instance
 * is dropped whole (see `runSnippet`), so nothing of that run carries over.
 */
function takeModule(limits: Limits): QuickJSWASMModule | Promise<QuickJSWASMModule> {
  const usual = limits.memoryBytes === DEFAULT_LIMITS.memoryBytes;
  return (usual && idle.pop()) || instantiate(limits.memoryBytes);
}

function giveBack(module: QuickJSWASMModule, limits: Limits): void {
  if (limits.memoryBytes === DEFAULT_LIMITS.memoryBytes && idle.length < 2) idle.push(module);
}

/** The snippet as code to evaluate: an async function's body, or an async function called. */
export function wrapSnippet(code: string): string {
  return /^\s*async\s*(\([^)]*\)|[A-Za-z_$][\w$]*)\s*=>\s*\{[\s\S]*\}\s*;?\s*$/.test(code)
    ? `(${code}\n)()`
    : `(async () => {\n${code}\n})()`;
}

/**
 * Runs a snippet in a fresh QuickJS runtime with the bridge, the console and nothing else from
 * the host. Values cross as JSON text only, so no host object is ever reachable from inside.
 * Never throws for what the snippet does: every end is an outcome.
 */
export async function runSnippet(request: RunRequest): Promise<RunOutcome> {
  const module = await takeModule(request.limits);
  const { limits } = request;
  const runtime = module.newRuntime();
  runtime.setMemoryLimit(limits.memoryBytes);
  runtime.setMaxStackSize(limits.stackBytes);
  const abort = new AbortController();
  // Every call in flight listens to it (and the run itself): not a leak, the run's parallelism.
  setMaxListeners(limits.maxParallelCalls + 8, abort.signal);
  const onAbort = () => abort.abort(request.signal.reason);
  request.signal.addEventListener("abort", onAbort, { once: true });
  const deadline = performance.now() + limits.timeoutMs;
  // Moved forward each time the interpreter is entered (see Limits.busyMs).
  let busyUntil = Number.POSITIVE_INFINITY;
  const enter = () => {
    busyUntil = performance.now() + limits.busyMs;
  };
  let stopped: RunEnd | undefined;
  const stop = (why: RunEnd) => {
    stopped ??= why;
    abort.abort(new Error(why));
  };
  runtime.setInterruptHandler(() => {
    if (request.signal.aborted) stop("cancelled");
    else {
      const now = performance.now();
      if (now > deadline) stop("timeout");
      else if (now > busyUntil) stop("busy");
    }
    return stopped !== undefined;
  });
  // No typed arrays: their buffers escape the heap limit (a snippet grew the module's memory
  // to 2 GB with them), and nothing a fleet script does needs them.
  const vm = runtime.newContext({ intrinsics: { ...DefaultIntrinsics, TypedArrays: false } });
  const outcome: RunOutcome = {
    end: "ok",
    json: undefined,
    error: undefined,
    logs: [],
    droppedLogBytes: 0,
    calls: 0,
  };
  const pending = new Set<QuickJSDeferredPromise>();
  let logBytes = 0;
  let wake: () => void = () => {};
  // Set when the run is over: answers that come back later are dropped unread.
  let over = false;
  let broken = false;
  try {
    const log = vm.newFunction("log", (text) => {
      const line = vm.getString(text);
      const size = Buffer.byteLength(line) + 1;
      if (logBytes + size > limits.maxLogBytes) outcome.droppedLogBytes += size;
      else {
        logBytes += size;
        outcome.logs.push(line);
      }
    });
    let inFlight = 0;
    const queue: (() => void)[] = [];
    const call = vm.newFunction("call", (pathHandle, argsHandle) => {
      if (outcome.calls >= limits.maxCalls) {
        throw new BridgeError("LimitError", `more than ${limits.maxCalls} calls in one run`);
      }
      outcome.calls += 1;
      const path = vm.getString(pathHandle);
      const args = vm.getString(argsHandle);
      const deferred = vm.newPromise();
      pending.add(deferred);
      const start = () => {
        inFlight += 1;
        request
          .call(path, args, abort.signal)
          .then(
            (json) => over || settle(vm, deferred, { json }),
            (error: unknown) => over || settle(vm, deferred, { error }),
          )
          .finally(() => {
            pending.delete(deferred);
            inFlight -= 1;
            queue.shift()?.();
            wake();
          });
      };
      if (inFlight < limits.maxParallelCalls) start();
      else queue.push(start);
      return deferred.handle;
    });
    const prelude = vm.unwrapResult(vm.evalCode(PRELUDE, "prelude.js"));
    const methods = vm.newString(JSON.stringify(request.methods));
    vm.unwrapResult(vm.callFunction(prelude, vm.undefined, call, log, methods)).dispose();
    for (const handle of [prelude, methods, call, log]) handle.dispose();

    enter();
    const evaluated = vm.evalCode(`globalThis.__finish(${request.expression})`, "snippet.js");
    if (evaluated.error) {
      outcome.end = stopped ?? "error";
      outcome.error = errorText(vm, evaluated.error);
      evaluated.error.dispose();
      return outcome;
    }
    const promise = evaluated.value;
    const settled = vm.resolvePromise(promise);
    promise.dispose();
    const jobs = () => {
      enter();
      const result = runtime.executePendingJobs();
      if (result.error) result.error.dispose();
    };
    jobs();
    // Wait for the snippet's promise while bridged calls come back; each answer runs the jobs
    // it unblocks. The wall-clock limit and cancellation also end the wait.
    const timer = setTimeout(() => stop("timeout"), Math.max(0, deadline - performance.now()));
    const ended = new Promise<void>((resolve) =>
      abort.signal.addEventListener("abort", () => resolve(), { once: true }),
    );
    try {
      let done = false;
      const final = settled.then((result) => {
        done = true;
        return result;
      });
      while (!done && !stopped) {
        await Promise.race([
          final,
          ended,
          new Promise<void>((resolve) => {
            wake = resolve;
          }),
        ]);
        if (!stopped) jobs();
      }
      if (stopped) {
        outcome.end = stopped;
        return outcome;
      }
      const result = await final;
      if (result.error) {
        outcome.end = stopped ?? "error";
        outcome.error = errorText(vm, result.error);
        result.error.dispose();
      } else {
        outcome.json = vm.getString(result.value);
        result.value.dispose();
      }
    } finally {
      clearTimeout(timer);
    }
    return outcome;
  } catch (error) {
    // The interpreter itself failed (out of memory while setting up, the host's stack): its
    // memory may be in any state.
    broken = true;
    outcome.end = stopped ?? (isOutOfMemory(error) ? "memory" : "error");
    outcome.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return outcome;
  } finally {
    over = true;
    request.signal.removeEventListener("abort", onAbort);
    abort.abort(new Error("the run ended"));
    if (outcome.end === "error" && /out of memory/i.test(outcome.error ?? ""))
      outcome.end = "memory";
    if (outcome.end === "error" && /interrupted/i.test(outcome.error ?? "")) {
      outcome.end = stopped ?? "timeout";
    }
    // QuickJS leaves the frames of an interrupted async function unfreed, so its own clean-up
    // check would fail: after an interrupt (time limit, cancellation), the memory limit or a
    // failure inside, the instance is dropped whole. Otherwise the run's runtime is freed and
    // the instance serves a later run.
    if (!stopped && !broken && outcome.end !== "memory") {
      try {
        for (const deferred of pending) deferred.dispose();
        vm.dispose();
        runtime.dispose();
        giveBack(module, limits);
      } catch {
        // Dropped whole, as above.
      }
    }
  }
}

function settle(
  vm: QuickJSContext,
  deferred: QuickJSDeferredPromise,
  answer: { json: string } | { error: unknown },
): void {
  if (!deferred.alive || !vm.alive) return;
  if ("json" in answer) {
    const value = vm.newString(answer.json);
    deferred.resolve(value);
    value.dispose();
    return;
  }
  const { error } = answer;
  const value = vm.newError({
    name: error instanceof BridgeError ? error.errorName : "AlpaconError",
    message: error instanceof Error ? error.message : String(error),
  });
  deferred.reject(value);
  value.dispose();
}

function errorText(vm: QuickJSContext, handle: QuickJSHandle): string {
  const dumped = vm.dump(handle) as unknown;
  if (dumped && typeof dumped === "object") {
    const { name, message, stack } = dumped as { name?: string; message?: string; stack?: string };
    const head = `${name ?? "Error"}: ${message ?? ""}`;
    const where =
      typeof stack === "string"
        ? stack.split("\n").find((line) => line.includes("snippet.js"))
        : undefined;
    return where ? `${head} (${where.trim()})` : head;
  }
  return `Uncaught: ${String(dumped)}`;
}

function isOutOfMemory(error: unknown): boolean {
  // A trap of the WebAssembly instance: its memory ran out past the cap (see takeModule).
  // (WebAssembly.RuntimeError: Node's types declare the namespace without its values.)
  return error instanceof Error && error.name === "RuntimeError";
}
