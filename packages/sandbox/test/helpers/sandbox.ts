import { afterAll, beforeAll } from "vitest";
import {
  type Sandbox,
  type SandboxOptions,
  type SandboxWorkspace,
  startSandbox,
} from "../../src/index.js";
import { type ContractOptions, contractFetch } from "./contract.js";

export type TokenKind = "admin" | "readOnly" | "commandAcl" | "jwt" | "ownerJwt";

export interface ApiCall {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: test convenience; bodies are contract-checked
  body: any;
  text: string;
}

/** A small client bound to one workspace and token; every call goes through the contract check. */
export class Api {
  constructor(
    readonly workspace: SandboxWorkspace,
    readonly authorization: string | null,
  ) {}

  as(kind: TokenKind): Api {
    return new Api(this.workspace, authorizationFor(this.workspace, kind));
  }

  withAuthorization(value: string | null): Api {
    return new Api(this.workspace, value);
  }

  async request(
    method: string,
    path: string,
    body?: unknown,
    options: ContractOptions = {},
  ): Promise<ApiCall> {
    const headers: Record<string, string> = { Accept: "application/json" };
    if (this.authorization !== null) headers.Authorization = this.authorization;
    const init: RequestInit = { method, headers };
    if (body instanceof FormData) {
      init.body = body; // fetch sets the multipart Content-Type with its boundary
    } else if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const res = await contractFetch(`${this.workspace.baseUrl}${path}`, init, options);
    const text = await res.text();
    let parsed: unknown = text;
    if ((res.headers.get("content-type") ?? "").includes("json") && text !== "")
      parsed = JSON.parse(text);
    return { status: res.status, headers: res.headers, body: parsed, text };
  }

  get(path: string, options?: ContractOptions): Promise<ApiCall> {
    return this.request("GET", path, undefined, options);
  }

  post(path: string, body?: unknown, options?: ContractOptions): Promise<ApiCall> {
    return this.request("POST", path, body, options);
  }

  patch(path: string, body?: unknown, options?: ContractOptions): Promise<ApiCall> {
    return this.request("PATCH", path, body, options);
  }

  delete(path: string, options?: ContractOptions): Promise<ApiCall> {
    return this.request("DELETE", path, undefined, options);
  }
}

export function authorizationFor(ws: SandboxWorkspace, kind: TokenKind): string {
  return kind === "jwt" || kind === "ownerJwt"
    ? `Bearer ${ws.tokens[kind]}`
    : `token="${ws.tokens[kind]}"`;
}

export interface SandboxHandle {
  readonly sandbox: Sandbox;
  /** Client of workspace `index` (default the first, `ap1/acme`) with the admin token. */
  api(index?: number, kind?: TokenKind): Api;
}

/** Starts one sandbox (port 0) for the test file and stops it afterwards. */
export function useSandbox(options: SandboxOptions = {}): SandboxHandle {
  let current: Sandbox | undefined;
  beforeAll(async () => {
    current = await startSandbox({ port: 0, ...options });
  });
  afterAll(async () => {
    await current?.close();
  });
  return {
    get sandbox(): Sandbox {
      if (!current) throw new Error("The sandbox is not started yet (use it inside a test).");
      return current;
    },
    api(index = 0, kind: TokenKind = "admin"): Api {
      const sandbox = this.sandbox;
      const ws = sandbox.workspaces[index];
      if (!ws) throw new Error(`No workspace #${index}`);
      return new Api(ws, authorizationFor(ws, kind));
    },
  };
}

/** Polls `fn` until it returns a truthy value (or throws after `timeoutMs`). */
export async function eventually<T>(
  fn: () => Promise<T | undefined | null | false>,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error("eventually(): timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** `await res.json()` typed loosely for assertions (fetch types it `unknown`). */
// biome-ignore lint/suspicious/noExplicitAny: test convenience; shapes are asserted right after
export async function readJson(res: Response): Promise<any> {
  return res.json();
}
