import { AbortedError, ConfigError } from "../core/errors.js";
import type { WebSocketLike as WebSocket } from "../core/web-socket.js";
import { WebshClosedError, WebshHandshakeError } from "./errors.js";
import { checkWebshCommand, lineIds, MarkerScanner, markerLine } from "./markers.js";

export interface ExecOptions {
  /** Default 60 s. On timeout Ctrl-C is sent and the result says `timedOut`. */
  timeoutMs?: number | undefined;
  /** On abort Ctrl-C is sent and exec rejects with AbortedError. */
  signal?: AbortSignal | undefined;
  /**
   * Output kept per command, in bytes: past it the start is dropped (the end is kept, where
   * errors are) and `truncated` is set. Default 1 MiB.
   */
  maxOutputBytes?: number | undefined;
}

export interface ExecResult {
  /** What the command printed, without echo, prompts or escape sequences; LF line ends. */
  output: string;
  /** `$?` of the command; null when it was interrupted. */
  exitCode: number | null;
  durationMs: number;
  truncated: boolean;
  timedOut: boolean;
}

export interface WebshCloseInfo {
  code: number;
  reason: string;
  /** 1000, 1001 and 4000 (session ended) are clean; anything else means the connection was lost. */
  clean: boolean;
}

export interface WebshSessionHooks {
  resize?: (rows: number, cols: number) => Promise<void>;
  terminate?: () => Promise<void>;
}

export interface ConnectOptions {
  /** From a session create, user-channel create or join answer. Holds a channel token: keep it secret. */
  websocketUrl: string;
  sessionId?: string | undefined;
  channelId?: string | undefined;
  /** The API's `read_only` for this channel, when it said (a read-only share, invite or watch). */
  readOnly?: boolean | undefined;
  /** Sent as Origin, as the official CLI does (the workspace URL). */
  origin?: string | undefined;
  userAgent?: string | undefined;
  /** Default 10 s. */
  connectTimeoutMs?: number | undefined;
  signal?: AbortSignal | undefined;
  /** Protocol pings keep idle sessions alive through proxies. Default 20 s; 0 turns them off. */
  keepaliveMs?: number | undefined;
  hooks?: WebshSessionHooks | undefined;
}

const DEFAULT_EXEC_TIMEOUT_MS = 60_000;
/** How long an exec runs before it listens to its abort signal; an abort is seen within it. */
const LISTEN_AFTER_MS = 20;
// WebSocket readyState values, the same in ws and in browsers.
const CONNECTING = 0;
const OPEN = 1;
const DEFAULT_MAX_OUTPUT_BYTES = 1024 * 1024;
const CTRL_C = "\x03";
const encoder = new TextEncoder();

/** An exec call waiting for its turn. */
interface Job {
  command: string;
  options: ExecOptions;
  resolve: (result: ExecResult) => void;
  reject: (error: unknown) => void;
}

/** The exec whose line has been sent and whose end marker is awaited. */
interface Running {
  job: Job;
  scanner: MarkerScanner;
  started: number;
  deadline: number;
  onAbort: (() => void) | undefined;
}

/** A live websh terminal: raw bytes in and out, plus `exec` for one command at a time. */
export class WebshSession {
  readonly id: string | undefined;
  readonly channelId: string | undefined;
  readonly websocketUrl: string;
  /**
   * True when the API said this channel is read-only: the server ignores its input, so `exec`
   * refuses at once instead of waiting for a command that never runs. Undefined when not said.
   */
  readonly readOnly: boolean | undefined;
  /** Resolves when the WebSocket closes, for whatever reason. */
  readonly closed: Promise<WebshCloseInfo>;
  private readonly listeners = new Set<(text: string) => void>();
  /** Sends keystrokes as one binary frame; see `binarySender`. */
  private readonly send: (data: string | Uint8Array) => void;
  private readonly decoder = new TextDecoder();
  /** Execs run one at a time, in call order: the rest wait here. */
  private readonly jobs: Job[] = [];
  private running: Running | undefined;
  /** One timer for every exec's timeout; see `watch`. */
  private watchdog: ReturnType<typeof setTimeout> | undefined;
  private watchdogAt = 0;
  private closeInfo: WebshCloseInfo | undefined;
  /** `close` was called: the session's end then says nothing about the running command. */
  private closing = false;
  private keepalive: ReturnType<typeof setInterval> | undefined;

  /** Use `connectWebsh` or `client.websh.open`. */
  constructor(
    private readonly socket: WebSocket,
    options: ConnectOptions,
    private readonly hooks: WebshSessionHooks = {},
  ) {
    this.id = options.sessionId;
    this.channelId = options.channelId;
    this.readOnly = options.readOnly;
    this.websocketUrl = options.websocketUrl;
    listen(socket, (data) => this.receive(data));
    this.send = binarySender(socket);
    this.closed = new Promise((resolve) => {
      socket.onclose = (event) => {
        this.closeInfo = {
          code: event.code,
          reason: event.reason,
          clean: [1000, 1001, 4000].includes(event.code),
        };
        if (this.keepalive) clearInterval(this.keepalive);
        this.failExecs(this.closeInfo);
        resolve(this.closeInfo);
      };
    });
    const every = options.keepaliveMs ?? 20_000;
    const ping = (socket as { ping?: () => void }).ping;
    if (every > 0 && typeof ping === "function") {
      this.keepalive = setInterval(() => ping.call(socket), every);
      // A keepalive alone must not keep a script's process running.
      (this.keepalive as { unref?: () => void }).unref?.();
    }
  }

  get isOpen(): boolean {
    return this.closeInfo === undefined && this.socket.readyState === OPEN;
  }

  /** Sends keystrokes as typed (use "\r" for Enter). */
  write(data: string | Uint8Array): void {
    if (!this.isOpen) throw this.closedError("nothing was sent");
    this.send(data);
  }

  /** Resizes the remote terminal. */
  async resize(rows: number, cols: number): Promise<void> {
    if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1) {
      throw new ConfigError("rows and cols must be whole numbers ≥ 1.");
    }
    if (!this.hooks.resize)
      throw new ConfigError(
        "This session was connected without a REST client; it cannot be resized.",
      );
    await this.hooks.resize(rows, cols);
  }

  /** Calls `listener` with each piece of terminal output; returns a function that stops it. */
  onData(listener: (text: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Terminal output as it arrives, until the session closes. */
  async *output(): AsyncGenerator<string, void, undefined> {
    const chunks: string[] = [];
    let wake: (() => void) | undefined;
    const stop = this.onData((text) => {
      chunks.push(text);
      wake?.();
    });
    void this.closed.then(() => wake?.());
    try {
      for (;;) {
        while (chunks.length > 0) yield chunks.shift()!;
        if (this.closeInfo) return;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    } finally {
      stop();
    }
  }

  /**
   * Runs one command and resolves when it has finished, with its exit code. Calls on one
   * session run one after another, in call order. The command is typed into the terminal, so
   * it must be one line without control characters (ConfigError otherwise).
   */
  exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    try {
      checkWebshCommand(command);
      if (this.readOnly) {
        throw new ConfigError(
          "This websh channel is read-only: the server ignores its input, so no command can run in it.",
          { hint: "Ask the session's owner for a share or invite that allows writing" },
        );
      }
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise((resolve, reject) => {
      this.jobs.push({ command, options, resolve, reject });
      if (this.running === undefined) this.startNext();
    });
  }

  /**
   * Disconnects. By default the session is also closed for every channel (REST close); pass
   * `{ terminate: false }` to leave it open for others or for a later reconnect.
   */
  async close(options: { terminate?: boolean } = {}): Promise<void> {
    this.closing = true;
    if (options.terminate !== false && this.hooks.terminate && !this.closeInfo) {
      await this.hooks.terminate().catch(() => undefined);
    }
    if (this.socket.readyState === OPEN || this.socket.readyState === CONNECTING) {
      this.socket.close(1000);
    }
    await this.closed;
  }

  private receive(data: unknown): void {
    const text =
      typeof data === "string" ? data : this.decoder.decode(toBytes(data), { stream: true });
    if (text === "") return;
    const running = this.running;
    if (running !== undefined) {
      running.scanner.push(text);
      if (running.scanner.done) this.finish(running, false);
    }
    for (const listener of this.listeners) listener(text);
  }

  private startNext(): void {
    while (this.running === undefined) {
      const job = this.jobs.shift();
      if (job === undefined) return;
      this.start(job);
    }
  }

  /** Sends the job's marker line; on failure the job is settled and the next may start. */
  private start(job: Job): void {
    const { options } = job;
    if (options.signal?.aborted) {
      this.interrupt();
      job.reject(abortedError(false));
      return;
    }
    const ids = lineIds();
    const started = performance.now();
    const running: Running = {
      job,
      scanner: new MarkerScanner(ids, options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES),
      started,
      deadline: started + (options.timeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS),
      onAbort: undefined,
    };
    try {
      this.write(markerLine(job.command, ids));
    } catch (error) {
      job.reject(error);
      return;
    }
    this.running = running;
    // Listening to an AbortSignal costs more than a short command's whole round trip (bench/
    // README, B3), so an exec listens only once it has run LISTEN_AFTER_MS: the watchdog then
    // adds the listener, or aborts it at once if the signal fired before.
    this.watch(options.signal ? this.listenAt(running) : running.deadline);
  }

  private listenAt(running: Running): number {
    return Math.min(running.deadline, running.started + LISTEN_AFTER_MS);
  }

  private abort(running: Running): void {
    this.interrupt();
    this.release(running);
    running.job.reject(abortedError(true));
    this.startNext();
  }

  private finish(running: Running, timedOut: boolean, sessionEnded = false): void {
    this.release(running);
    const scan = running.scanner.result(sessionEnded);
    running.job.resolve({
      output: scan.output,
      exitCode: timedOut ? null : (scan.exitCode ?? null),
      durationMs: Math.round(performance.now() - running.started),
      truncated: scan.truncated,
      timedOut,
    });
    this.startNext();
  }

  private release(running: Running): void {
    if (this.running === running) this.running = undefined;
    if (running.onAbort) running.job.options.signal?.removeEventListener("abort", running.onAbort);
  }

  /**
   * Exec timeouts share one timer per session instead of arming and clearing one per command:
   * it fires at the earliest deadline it was given, times the running exec out if that one's
   * deadline has passed, re-arms for it if not, and stops when nothing runs. It does not keep
   * the process alive: a running exec has an open socket, which does.
   */
  private watch(deadline: number): void {
    if (this.watchdog !== undefined) {
      if (this.watchdogAt <= deadline) return;
      clearTimeout(this.watchdog);
    }
    this.watchdogAt = deadline;
    this.watchdog = setTimeout(() => this.onWatchdog(), Math.max(0, deadline - performance.now()));
    (this.watchdog as { unref?: () => void }).unref?.();
  }

  private onWatchdog(): void {
    this.watchdog = undefined;
    const running = this.running;
    if (running === undefined) return;
    const now = performance.now();
    if (now >= running.deadline) {
      this.interrupt();
      this.finish(running, true);
      return;
    }
    const { signal } = running.job.options;
    if (signal && running.onAbort === undefined) {
      if (now < this.listenAt(running)) {
        this.watch(this.listenAt(running));
        return;
      }
      if (signal.aborted) {
        this.abort(running);
        return;
      }
      running.onAbort = () => this.abort(running);
      signal.addEventListener("abort", running.onAbort, { once: true });
    }
    this.watch(running.deadline);
  }

  /**
   * The socket closed. The running exec ended the shell if its exit marker came and the session
   * then ended cleanly; otherwise its result is unknown. Waiting ones cannot be sent.
   */
  private failExecs(info: WebshCloseInfo): void {
    if (this.watchdog !== undefined) clearTimeout(this.watchdog);
    this.watchdog = undefined;
    const running = this.running;
    if (running?.scanner.exiting && info.clean && !this.closing) {
      this.finish(running, false, true);
    } else if (running !== undefined) {
      this.release(running);
      running.job.reject(
        new WebshClosedError(
          info.code,
          info.reason,
          "the command may have run partly; its result is unknown",
          { mayHaveTakenEffect: true },
        ),
      );
    }
    this.startNext();
  }

  private interrupt(): void {
    if (this.isOpen) this.send(CTRL_C);
  }

  private closedError(consequence: string): WebshClosedError {
    return new WebshClosedError(
      this.closeInfo?.code ?? 1006,
      this.closeInfo?.reason ?? "",
      consequence,
    );
  }
}

/** Opens the WebSocket of a websh channel; rejects with a typed error when refused. */
export function connectWebsh(options: ConnectOptions): Promise<WebshSession> {
  const headers: Record<string, string> = {};
  if (options.origin) headers.Origin = options.origin;
  if (options.userAgent) headers["User-Agent"] = options.userAgent;
  let url: URL;
  try {
    url = new URL(options.websocketUrl);
  } catch {
    return Promise.reject(
      new ConfigError("websocketUrl is not a valid URL: pass the websocket_url the API returned."),
    );
  }
  if (url.protocol !== "ws:" && url.protocol !== "wss:") {
    return Promise.reject(new ConfigError("websocketUrl must start with ws:// or wss://."));
  }
  // Loaded on first use: scripts that never open a shell do not pay for ws at start-up.
  return import("isomorphic-ws").then(({ default: WebSocketImpl }) =>
    open(WebSocketImpl, url, headers, options),
  );
}

function open(
  WebSocketImpl: typeof WebSocket,
  url: URL,
  headers: Record<string, string>,
  options: ConnectOptions,
): Promise<WebshSession> {
  return new Promise((resolve, reject) => {
    // ws takes options (headers); browsers ignore the second argument.
    const socket = new WebSocketImpl(url.href, { headers } as never);
    const timeout = setTimeout(
      () => fail(new WebshHandshakeError(undefined, "no answer in time")),
      options.connectTimeoutMs ?? 10_000,
    );
    const onAbort = () => fail(new AbortedError("Connecting to websh was aborted."));
    options.signal?.addEventListener("abort", onAbort, { once: true });
    const settle = () => {
      clearTimeout(timeout);
      options.signal?.removeEventListener("abort", onAbort);
    };
    const fail = (error: Error) => {
      settle();
      socket.onopen = socket.onclose = null;
      // Closing a socket that is still connecting emits one more error; it is already handled.
      socket.onerror = () => {};
      socket.close();
      reject(error);
    };
    (socket as { on?: (event: string, listener: (...args: never[]) => void) => void }).on?.(
      "unexpected-response",
      (_request: unknown, response: { statusCode?: number }) =>
        fail(new WebshHandshakeError(response.statusCode, "upgrade refused")),
    );
    socket.onerror = (event) =>
      fail(new WebshHandshakeError(undefined, redactUrl(event.message ?? "connection failed")));
    socket.onopen = () => {
      settle();
      socket.onerror = null;
      resolve(new WebshSession(socket, options, options.hooks));
    };
  });
}

/**
 * With ws (Node) each message is taken as the Buffer ws already has: the browser-style
 * `onmessage` would copy it into an ArrayBuffer and wrap it in a MessageEvent, per frame.
 * Browsers have `onmessage` only.
 */
function listen(socket: WebSocket, receive: (data: unknown) => void): void {
  const emitter = socket as unknown as {
    on?: (event: "message", listener: (data: unknown) => void) => void;
  };
  if (typeof emitter.on === "function") {
    socket.binaryType = "nodebuffer";
    emitter.on.call(socket, "message", receive);
    return;
  }
  socket.binaryType = "arraybuffer";
  socket.onmessage = (event) => receive(event.data);
}

/**
 * Keystrokes go out as binary frames, as the official CLI sends them, and as bytes: ws masks
 * bytes into the frame it writes (one write), while a string is masked in a buffer of its own
 * and written as two (bench/README, B3). Browsers frame bytes as binary by themselves.
 */
function binarySender(socket: WebSocket): (data: string | Uint8Array) => void {
  const send = socket.send as (data: Uint8Array) => void;
  return (data) => send.call(socket, typeof data === "string" ? encoder.encode(data) : data);
}

// Error texts from ws can quote the URL, whose path carries the channel token.
function redactUrl(message: string): string {
  return message.replace(/wss?:\/\/\S+/g, "<websocket url>");
}

function toBytes(data: unknown): Uint8Array {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data))
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (Array.isArray(data)) return new Uint8Array(concat(data as Uint8Array[]));
  return encoder.encode(String(data));
}

function concat(parts: Uint8Array[]): ArrayBuffer {
  const total = parts.reduce((sum, part) => sum + part.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out.buffer;
}

/** `started`: the command line was sent, so it may have run partly. */
function abortedError(started: boolean): AbortedError {
  return new AbortedError("The command was interrupted (Ctrl-C sent) because the caller aborted.", {
    mayHaveTakenEffect: started,
  });
}
