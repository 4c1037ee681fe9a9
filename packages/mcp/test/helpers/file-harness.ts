import type { SandboxOptions } from "@alpacon/sandbox";
import { type ClientCapabilities, ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll } from "vitest";
import {
  type Connected,
  type ConnectOptions,
  call,
  connectedServer,
  type Harness,
  startHarness,
  type ToolCall,
} from "./harness.js";

export interface FileHarness {
  readonly sandbox: Harness["sandbox"];
  readonly dir: string;
  readonly configFile: string;
  /** A connected, commissioned server of acme, picked when the sandbox starts. */
  readonly server: string;
  connect(options?: ConnectOptions, capabilities?: ClientCapabilities): Promise<Connected>;
  /** Connects a fresh client (admin token unless told otherwise) and calls one tool with it. */
  call(name: string, args?: Record<string, unknown>, options?: ConnectOptions): Promise<ToolCall>;
  /**
   * Connects a client (confirm: "elicit") whose user answers every question with `answer`
   * (accept or decline), keeping the questions asked.
   */
  asking(options?: ConnectOptions, answer?: boolean): Promise<Connected & { questions: string[] }>;
}

/**
 * Starts one sandbox for the calling test file before its tests and closes it after them. The
 * returned object reads the running harness lazily, so it is usable only inside tests and hooks.
 */
export function useHarness(sandboxOptions: SandboxOptions = {}): FileHarness {
  let running: { harness: Harness; server: string } | undefined;
  beforeAll(async () => {
    const harness = await startHarness(sandboxOptions);
    running = { harness, server: connectedServer(harness.sandbox) };
  });
  afterAll(() => running?.harness.close());

  const current = () => {
    if (!running) throw new Error("The harness starts in beforeAll: use it in a test or hook.");
    return running;
  };
  return {
    get sandbox() {
      return current().harness.sandbox;
    },
    get dir() {
      return current().harness.dir;
    },
    get configFile() {
      return current().harness.configFile;
    },
    get server() {
      return current().server;
    },
    connect: (options, capabilities) => current().harness.connect(options, capabilities),
    async call(name, args = {}, options = {}) {
      const { client } = await current().harness.connect(options);
      return call(client, name, args);
    },
    async asking(options = {}, answer = true) {
      const questions: string[] = [];
      const connected = await current().harness.connect(
        { ...options, confirm: "elicit" },
        { elicitation: { form: {} } },
      );
      connected.client.setRequestHandler(ElicitRequestSchema, async (request) => {
        questions.push(request.params.message);
        return answer ? { action: "accept", content: { confirm: true } } : { action: "decline" };
      });
      return { ...connected, questions };
    },
  };
}

/**
 * A client (with elicitation) whose user answers every confirmation with `answer`, keeping the
 * questions asked, in order.
 */
export async function confirmingClient(
  h: FileHarness,
  options: ConnectOptions,
  answer = true,
): Promise<{ client: Connected["client"]; questions: string[] }> {
  const questions: string[] = [];
  const { client } = await h.connect(
    { ...options, confirm: "elicit" },
    { elicitation: { form: {} } },
  );
  client.setRequestHandler(ElicitRequestSchema, async (request) => {
    questions.push(request.params.message);
    return answer ? { action: "accept", content: { confirm: true } } : { action: "decline" };
  });
  return { client, questions };
}
