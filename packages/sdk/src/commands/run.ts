import pLimit from "p-limit";
import { AlpaconApiError, AlpaconError, ConfigError, RateLimitError } from "../core/errors.js";
import { isTransient, poll, retryAfterMs } from "../core/retry.js";
import type { Schemas } from "../core/types.js";
import type { CommandDetail, Commands, CreateCommandBody } from "../resources/commands.js";
import {
  addedAt,
  findOwnCommand,
  ledgerOf,
  type Signature,
  type Snapshot,
  signatureKey,
  takeSnapshot,
} from "./own-command.js";
import { RateGate } from "./rate-gate.js";

export interface RunCommandOptions {
  /** Server ids; one command is created per server. */
  servers: string | readonly string[];
  line: string;
  shell?: "system" | "osquery";
  username?: string;
  groupname?: string;
  /** Work session id to attach (the API's `work_session`): browser logins may need one. */
  workSession?: string;
  env?: Record<string, string>;
  /** Standard input for the command. */
  data?: string;
  /** When to run (a Date or ISO 8601 time); absent: now. */
  scheduledAt?: Date | string;
  /** Ids of commands that must finish first (on any server); it fails if one of them fails. */
  runAfter?: readonly string[];
  /**
   * false: resolve once each command is created (status `queued` or `scheduled`, no output),
   * for commands that run later; follow them with `commands.get`. Default true.
   */
  wait?: boolean;
  /** Per server, from submission to the end of the command. Default 10 minutes. */
  timeoutMs?: number;
  /** Servers handled at once. Default 16. */
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?: (progress: { done: number; total: number; result: CommandRunResult }) => void;
}

/**
 * Why a server has no clean result:
 * - `rejected`: the API refused the command before running it (ACL, validation, …);
 * - `may_have_run`: the create request got no answer; it was NOT sent again;
 * - `timeout`: still running when `timeoutMs` passed (it may finish later);
 * - `failed`: created, but following it failed;
 * - `aborted`: the caller's signal fired.
 */
export type CommandRunErrorKind = "rejected" | "may_have_run" | "timeout" | "failed" | "aborted";

export interface CommandRunResult {
  server: string;
  commandId: string | undefined;
  status: Schemas["CommandStatus"] | "not_submitted" | "unknown";
  success: boolean | null;
  exitCode: number | null;
  output: string;
  startedAt: string | undefined;
  finishedAt: string | undefined;
  error?: CommandRunError;
}

/**
 * Why a server has no clean result. `message` is the whole story in words; when the API refused
 * the command (`rejected`) its answer is also here in fields, so a caller can word it itself.
 */
export interface CommandRunError {
  kind: CommandRunErrorKind;
  message: string;
  /** The API's error code when it gave one (`work_session_required`, …). */
  code?: string;
  /** The API's HTTP status, for `rejected`. */
  status?: number;
  /** The API's reason in words (its `detail`, or the code described), for `rejected`. */
  reason?: string;
  /** The next step the SDK advises, for `rejected`. */
  hint?: string;
}

const DEFAULT_TIMEOUT_MS = 10 * 60 * 1000;
const DEFAULT_CONCURRENCY = 16;
/** The batch's pause after a 429 that named no Retry-After. */
const RETRY_WAIT_MS = 1_000;
// `error` is transient while an approval is being delivered, so only handled_at ends it.
const TERMINAL = new Set([
  "success",
  "failed",
  "completed",
  "rejected",
  "denied",
  "stuck",
  "cancelled",
]);

/** What the attempts of one run share. */
interface Run {
  gate: RateGate;
  /** The newest command before the run's creates; see own-command.ts. */
  snapshot: Promise<Snapshot | undefined>;
  /** The newest `added_at` among this run's create answers so far. */
  answeredFloor: number;
  whoami: () => Promise<string>;
}

/**
 * Runs one command line on each server through the Command API and follows every command to
 * its end. The create request is a POST and is sent at most once per server, except after a
 * 429, which tells us the API did not process it. `whoami` names the token's user, for telling
 * a lost create's command from others (see own-command.ts).
 */
export async function runCommand(
  commands: Commands,
  options: RunCommandOptions,
  whoami: () => Promise<string>,
): Promise<CommandRunResult[]> {
  const servers = typeof options.servers === "string" ? [options.servers] : [...options.servers];
  if (servers.length === 0) throw new ConfigError("commands.run needs at least one server id.");
  if (options.line.trim() === "")
    throw new ConfigError("commands.run needs a non-empty command line.");
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new ConfigError("concurrency must be a whole number ≥ 1.");
  // Checked before anything is sent, so a bad time creates no command anywhere.
  if (options.scheduledAt !== undefined) {
    options = { ...options, scheduledAt: isoTime(options.scheduledAt) };
  }
  const limit = pLimit(concurrency);
  const run: Run = {
    gate: new RateGate(),
    // Sent beside the first creates rather than before them: a run pays no extra round trip.
    // Were it answered after our create, our command would sit in it and simply not be found.
    snapshot: options.signal?.aborted
      ? Promise.resolve(undefined)
      : takeSnapshot(commands, options.signal),
    answeredFloor: -Infinity,
    whoami,
  };
  let done = 0;
  return Promise.all(
    servers.map((server) =>
      limit(async () => {
        const result = await runOnServer(commands, server, options, run);
        done += 1;
        options.onProgress?.({ done, total: servers.length, result });
        return result;
      }),
    ),
  );
}

async function runOnServer(
  commands: Commands,
  server: string,
  options: RunCommandOptions,
  run: Run,
): Promise<CommandRunResult> {
  const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  if (options.signal?.aborted)
    return failure(server, "not_submitted", "aborted", "Aborted before the command was sent.");
  const created = await submit(commands, server, options, run, deadline);
  if (!("id" in created)) return created;
  if (options.wait === false) return submitted(server, created.id, options);
  return follow(commands, server, created.id, options, run.gate, deadline);
}

async function submit(
  commands: Commands,
  server: string,
  options: RunCommandOptions,
  run: Run,
  deadline: number,
): Promise<{ id: string } | CommandRunResult> {
  const body: CreateCommandBody = {
    server,
    line: options.line,
    shell: options.shell ?? "system",
    ...(options.username ? { username: options.username } : {}),
    ...(options.groupname ? { groupname: options.groupname } : {}),
    ...(options.workSession ? { work_session: options.workSession } : {}),
    ...(options.env ? { env: options.env } : {}),
    ...(options.data ? { data: options.data } : {}),
    ...(options.scheduledAt ? { scheduled_at: isoTime(options.scheduledAt) } : {}),
    ...(options.runAfter?.length ? { run_after: [...options.runAfter] } : {}),
  };
  const signature: Signature = {
    server,
    line: options.line,
    shell: body.shell ?? "system",
    username: options.username || undefined,
    groupname: options.groupname || undefined,
  };
  const ledger = ledgerOf(commands);
  const attempt = ledger.enter(signatureKey(signature));
  for (;;) {
    let answeredFloor = run.answeredFloor;
    try {
      await run.gate.wait(options.signal);
      // Read as the request goes out: answers that arrived before it bound its command's time.
      answeredFloor = run.answeredFloor;
      const [created] = await commands.create(body, { signal: options.signal, maxRetries: 0 });
      if (created) {
        ledger.leave(attempt, "created", created);
        run.answeredFloor = Math.max(run.answeredFloor, addedAt(created));
        return created;
      }
      ledger.leave(attempt, "unknown");
      return failure(
        server,
        "unknown",
        "may_have_run",
        "The API accepted the command but returned no id; it was not sent again.",
      );
    } catch (error) {
      if (error instanceof RateLimitError && Date.now() < deadline) {
        run.gate.block(retryAfterMs(error) ?? RETRY_WAIT_MS);
        continue;
      }
      // A 4xx (or a redirect) was refused before anything ran; a 5xx may come after the create.
      if (error instanceof AlpaconApiError && !error.mayHaveTakenEffect) {
        ledger.leave(attempt, "none");
        return { ...failure(server, "not_submitted", "rejected", ""), error: rejection(error) };
      }
      if (options.signal?.aborted) {
        ledger.leave(attempt, "unknown");
        const message = `Aborted while the request creating the command on ${server} was in flight: the command may have run; it was not sent again.`;
        return failure(server, "unknown", "aborted", message);
      }
      if (error instanceof AlpaconError) {
        const lookup = { signature, attempt, ledger, snapshot: run.snapshot, answeredFloor };
        const found = await findOwnCommand(commands, { ...lookup, whoami: run.whoami }).catch(
          () => undefined,
        );
        // Until the lookup ends, a sibling starting meanwhile still sees this one in flight.
        ledger.leave(attempt, found ? "created" : "unknown");
        if (found) return found;
        return failure(server, "unknown", "may_have_run", unknownMessage(server, error.message));
      }
      ledger.leave(attempt, "unknown");
      throw error;
    }
  }
}

function rejection(error: AlpaconApiError): CommandRunError {
  return {
    kind: "rejected",
    message: error.message,
    status: error.status,
    ...(error.code ? { code: error.code } : {}),
    ...(error.reason ? { reason: error.reason } : {}),
    ...(error.hint ? { hint: error.hint } : {}),
  };
}

function unknownMessage(server: string, reason: string): string {
  return `The request creating the command on ${server} got no clear answer (${reason}). The command may have run; it was not sent again, and no command could be proven to be this request's. Check commands.list({ server: "${server}" }) before retrying.`;
}

async function follow(
  commands: Commands,
  server: string,
  id: string,
  options: RunCommandOptions,
  gate: RateGate,
  deadline: number,
): Promise<CommandRunResult> {
  const { signal } = options;
  let last: CommandDetail | undefined;
  const ended = (kind: CommandRunErrorKind, message: string): CommandRunResult => ({
    ...fromCommand(server, id, last),
    error: { kind, message },
  });
  const aborted = () =>
    ended("aborted", `Stopped following command ${id}; it was already created and may still run.`);
  const read = async (): Promise<CommandRunResult | undefined> => {
    try {
      await gate.wait(signal);
      last = await commands.get(id, { signal, maxRetries: 0 });
    } catch (error) {
      if (signal?.aborted) return aborted();
      if (error instanceof RateLimitError) gate.block(retryAfterMs(error) ?? RETRY_WAIT_MS);
      if (isTransient(error)) return undefined;
      return ended(
        "failed",
        `Command ${id} was created, but following it failed: ${(error as Error).message}`,
      );
    }
    if (last.status === "awaiting_approval") {
      return ended(
        "timeout",
        `Command ${id} awaits approval; it runs once a reviewer approves it.`,
      );
    }
    // Without `handled_at` in the answer (the CLI's shape) `error` ends it, as the CLI does.
    if (
      last.handled_at ||
      TERMINAL.has(last.status) ||
      (last.status === "error" && !("handled_at" in last))
    ) {
      const output = last.result || (await chunkOutput(commands, id, signal));
      return { ...fromCommand(server, id, last), output };
    }
    return undefined;
  };
  try {
    const outcome = await poll(read, { deadline, signal });
    if (outcome) return outcome;
  } catch (error) {
    if (signal?.aborted) return aborted();
    throw error;
  }
  return ended(
    "timeout",
    `Command ${id} on ${server} was still ${last?.status ?? "pending"} when the timeout passed; it may still finish. Follow it with commands.get("${id}").`,
  );
}

/** Under the streaming contract `result` may be empty and the output lives in chunks. */
async function chunkOutput(
  commands: Commands,
  id: string,
  signal: AbortSignal | undefined,
): Promise<string> {
  const parts: string[] = [];
  for (let page: number | null = 1; page !== null; ) {
    const result = await commands.chunks(id, { page, page_size: 100 }, { signal });
    for (const chunk of result.results) parts.push(chunk.content);
    page = result.next;
  }
  return parts.join("");
}

function fromCommand(
  server: string,
  id: string,
  command: CommandDetail | undefined,
): CommandRunResult {
  return {
    server,
    commandId: id,
    status: command?.status ?? "unknown",
    success: command?.success ?? null,
    exitCode: command?.exit_code ?? null,
    output: command?.result ?? "",
    startedAt: command?.acked_at ?? command?.delivered_at ?? undefined,
    finishedAt: command?.handled_at ?? undefined,
  };
}

/** A command created and not followed (`wait: false`): where it stands as it was created. */
function submitted(server: string, id: string, options: RunCommandOptions): CommandRunResult {
  const later =
    options.scheduledAt !== undefined && Date.parse(isoTime(options.scheduledAt)) > Date.now();
  return {
    server,
    commandId: id,
    status: later ? "scheduled" : "queued",
    success: null,
    exitCode: null,
    output: "",
    startedAt: undefined,
    finishedAt: undefined,
  };
}

function isoTime(time: Date | string): string {
  const date = time instanceof Date ? time : new Date(time);
  if (Number.isNaN(date.getTime())) {
    throw new ConfigError(`scheduledAt is not a time: ${String(time)}. Pass a Date or ISO 8601.`);
  }
  return date.toISOString();
}

function failure(
  server: string,
  status: CommandRunResult["status"],
  kind: CommandRunErrorKind,
  message: string,
  code?: string,
): CommandRunResult {
  return {
    server,
    commandId: undefined,
    status,
    success: null,
    exitCode: null,
    output: "",
    startedAt: undefined,
    finishedAt: undefined,
    error: code ? { kind, message, code } : { kind, message },
  };
}
