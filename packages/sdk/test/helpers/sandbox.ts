import { type Sandbox, type SandboxOptions, startSandbox } from "@alpacon/sandbox";
import { afterAll, beforeAll } from "vitest";
import {
  type AlpaconClient,
  type AlpaconClientOptions,
  createAlpaconClient,
} from "../../src/index.js";

export interface SdkSandbox {
  readonly sandbox: Sandbox;
  /** A client for workspace `index` (default ap1/acme) with the given token kind. */
  client(
    options?: {
      index?: number;
      token?: "admin" | "readOnly" | "commandAcl" | "jwt" | "ownerJwt";
    } & Partial<AlpaconClientOptions>,
  ): AlpaconClient;
  serverIds(count?: number, index?: number): string[];
}

/** One sandbox per test file on 127.0.0.1:0, stopped after the file's tests. */
export function useSdkSandbox(options: SandboxOptions = {}): SdkSandbox {
  let current: Sandbox | undefined;
  beforeAll(async () => {
    current = await startSandbox({ port: 0, ...options });
  });
  afterAll(async () => {
    await current?.close();
  });
  const handle: SdkSandbox = {
    get sandbox() {
      if (!current) throw new Error("sandbox not started");
      return current;
    },
    client({ index = 0, token = "admin", ...rest } = {}) {
      const ws = handle.sandbox.workspaces[index]!;
      return createAlpaconClient({
        workspace: ws.workspace,
        region: ws.region,
        baseUrl: ws.baseUrl,
        token: ws.tokens[token],
        timeoutMs: 5_000,
        ...rest,
      });
    },
    serverIds(count, index = 0) {
      const ws = handle.sandbox.workspaces[index]!;
      const servers = handle.sandbox.control
        .workspace(ws.region, ws.workspace)
        .servers()
        .filter(
          (server) => server.is_connected === true && !/windows/i.test(String(server.os_name)),
        );
      return servers.slice(0, count ?? servers.length).map((server) => String(server.id));
    },
  };
  return handle;
}
