import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LATEST_PROTOCOL_VERSION } from "@modelcontextprotocol/sdk/types.js";

let spawned = 0;

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export interface ToolResult {
  content?: Array<{ type: string; text?: string }>;
  structuredContent?: unknown;
  isError?: boolean;
}

/**
 * A bare JSON-RPC client for an MCP server on stdio (newline-delimited JSON). Deliberately not
 * the MCP SDK's Client: it adds the same tiny cost to our server and to the baseline, so the
 * measured difference is the servers'.
 */
export class StdioMcp {
  readonly child: ChildProcess;
  /** performance.now() just before spawn: the start of a cold-start measurement. */
  readonly spawnedAt: number;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private buffer = "";
  private readonly stderrFile: string;
  private exited = false;

  constructor(
    script: string,
    env: Record<string, string>,
    args: string[] = [],
    nodeFlags: string[] = [],
  ) {
    // stderr goes to a file, as MCP hosts log it: read through a pipe, each log line the server
    // writes would cost this (client) process an event, and show up as the server's latency.
    this.stderrFile = join(tmpdir(), `alpacon-bench-${process.pid}-${++spawned}.stderr`);
    const stderr = openSync(this.stderrFile, "w");
    this.spawnedAt = performance.now();
    // The same Node binary for every server, as the issue asks ("same Node").
    this.child = spawn(process.execPath, [...nodeFlags, script, ...args], {
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
      stdio: ["pipe", "pipe", stderr],
    });
    closeSync(stderr);
    this.child.stdout!.setEncoding("utf8");
    this.child.stdout!.on("data", (chunk: string) => this.receive(chunk));
    this.child.on("exit", (code, signal) => {
      this.exited = true;
      if (this.pending.size > 0) {
        const error = new Error(
          `MCP server ${script} exited (${signal ?? code}) with requests pending. stderr: ${this.stderrTail()}`,
        );
        for (const pending of this.pending.values()) pending.reject(error);
        this.pending.clear();
      }
      rmSync(this.stderrFile, { force: true });
    });
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error("The server process did not start.");
    return this.child.pid;
  }

  request<T = unknown>(method: string, params: unknown = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.send({ jsonrpc: "2.0", id, method, params });
    });
  }

  notify(method: string, params: unknown = {}): void {
    this.send({ jsonrpc: "2.0", method, params });
  }

  /** The handshake; resolves with performance.now() at the moment the answer arrived. */
  async initialize(): Promise<number> {
    await this.request("initialize", {
      protocolVersion: LATEST_PROTOCOL_VERSION,
      capabilities: {},
      clientInfo: { name: "alpacon-bench", version: "0.0.0" },
    });
    const answeredAt = performance.now();
    this.notify("notifications/initialized");
    return answeredAt;
  }

  async callTool(name: string, args: Record<string, unknown> = {}): Promise<ToolResult> {
    const result = await this.request<ToolResult>("tools/call", { name, arguments: args });
    if (result.isError) {
      throw new Error(`Tool ${name} failed: ${result.content?.[0]?.text ?? "no message"}`);
    }
    return result;
  }

  /**
   * Ends the server: SIGTERM (our server then closes cleanly, which also lets `--cpu-prof` write
   * its profile), SIGKILL if it lingers.
   */
  async close(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    this.child.stdin!.end();
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 5_000);
    await gone;
    clearTimeout(timer);
  }

  private stderrTail(): string {
    try {
      return readFileSync(this.stderrFile, "utf8").slice(-4_000);
    } catch {
      return "(no stderr)";
    }
  }

  private send(message: unknown): void {
    this.child.stdin!.write(`${JSON.stringify(message)}\n`);
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    for (let end = this.buffer.indexOf("\n"); end >= 0; end = this.buffer.indexOf("\n")) {
      const line = this.buffer.slice(0, end).trim();
      this.buffer = this.buffer.slice(end + 1);
      if (line !== "") this.dispatch(line);
    }
  }

  private dispatch(line: string): void {
    const message = JSON.parse(line) as {
      id?: number | string;
      method?: string;
      result?: unknown;
      error?: { code: number; message: string };
    };
    if (message.method !== undefined) {
      // A request from the server (we announce no capabilities, so none is expected): refuse it
      // rather than leave the server waiting. Notifications (progress, logs) are ignored.
      if (message.id !== undefined) {
        this.send({
          jsonrpc: "2.0",
          id: message.id,
          error: { code: -32601, message: "Not supported by the benchmark client" },
        });
      }
      return;
    }
    const pending = this.pending.get(Number(message.id));
    if (!pending) return;
    this.pending.delete(Number(message.id));
    if (message.error)
      pending.reject(new Error(`MCP error ${message.error.code}: ${message.error.message}`));
    else pending.resolve(message.result);
  }
}
