import type { IncomingMessage, ServerResponse } from "node:http";
import { createAlpaconClient } from "@alpacon/sdk";
import { nodeTransport } from "@alpacon/sdk/node";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { type AlpaconMcpServerOptions, createAlpaconMcpServer } from "../server/server.js";
import { runWithStepUp, type StepUpState } from "../server/step-up.js";
import { MCP_VERSION } from "../version.js";
import type { Caller, OAuth, OAuthOptions } from "./oauth/index.js";

/** `--auth oauth`: the identity provider, and the one workspace every caller works in. */
export interface OAuthHttpOptions extends OAuthOptions {
  workspace: string;
  region: string;
  /** The workspace's API base URL; default `https://<workspace>.<region>.alpacon.io`. */
  alpaconUrl?: string | undefined;
}

/** A session's (or a stateless request's) caller; the token is replaced as the client refreshes it. */
export interface CallerHolder {
  subject: string;
  token: string;
}

/**
 * An MCP server whose only client calls Alpacon with the caller's own token (JWT as Bearer),
 * read at each API call so a refreshed token is used at once. Embedded clients also mean the
 * token file is never written (the auth tools say so).
 */
export function callerServer(
  options: AlpaconMcpServerOptions,
  oauth: OAuthHttpOptions,
  caller: CallerHolder,
): McpServer {
  const clientOptions = options.clientOptions ?? {};
  const client = createAlpaconClient({
    // Node's keep-alive transport unless a fetch or transport was given (as clientFromConfig).
    ...(clientOptions.fetch || clientOptions.transport ? {} : { transport: nodeTransport }),
    userAgent: `alpacon-mcp/${MCP_VERSION}`,
    ...clientOptions,
    workspace: oauth.workspace,
    region: oauth.region,
    baseUrl: oauth.alpaconUrl,
    tokenProvider: () => caller.token,
  });
  return createAlpaconMcpServer({
    ...options,
    config: undefined,
    clients: [client],
    // Tokens come from each person's sign-in here; a shared token file is not theirs to write.
    excludeTools: [...(options.excludeTools ?? []), ...TOKEN_FILE_TOOLS],
  });
}

const TOKEN_FILE_TOOLS = ["auth_set_token", "auth_remove_token"];
const COOLDOWN_MS = 60_000;

/**
 * Turns an `auth_mfa_required` met by a tool into HTTP 401 with the step-up challenge, once a
 * minute per person (the reference's cooldown against re-auth loops); within the minute the tool
 * result says it in words. The state is this instance's: see README "Deploy for a team".
 */
export class StepUps {
  private readonly challenged = new Map<string, number>();

  constructor(private readonly oauth: OAuth) {}

  /**
   * Runs `serve` (the transport's handleRequest) so that a step-up can replace its 200. The
   * status line of a POST is held until the first byte of the body: a call's answer streams as
   * SSE (elicitation and progress need that), and until something is written the status may
   * still become 401. Once an event went out (a confirmation question, say), it cannot, and the
   * tool result says so in words (step-up.ts).
   */
  serve(
    caller: Caller,
    request: IncomingMessage,
    response: ServerResponse,
    serve: () => Promise<void>,
  ): Promise<void> {
    const now = Date.now();
    for (const [subject, at] of this.challenged) {
      if (now - at > COOLDOWN_MS) this.challenged.delete(subject);
    }
    const state: StepUpState = {
      needed: undefined,
      willChallenge: !this.challenged.has(caller.subject),
    };
    if (request.method === "POST") this.holdStatus(caller, request, response, state);
    return runWithStepUp(state, serve);
  }

  private holdStatus(
    caller: Caller,
    request: IncomingMessage,
    response: ServerResponse,
    state: StepUpState,
  ): void {
    const writeHead = response.writeHead.bind(response) as (...args: unknown[]) => ServerResponse;
    const write = response.write.bind(response) as (...args: unknown[]) => boolean;
    const end = response.end.bind(response) as (...args: unknown[]) => ServerResponse;
    let held: unknown[] | undefined;
    const release = () => {
      if (!held) return;
      const [status, ...rest] = held;
      held = undefined;
      if (state.needed && state.willChallenge && status === 200) {
        this.challenged.set(caller.subject, Date.now());
        response.setHeader("WWW-Authenticate", this.oauth.stepUpChallenge(request, state.needed));
        writeHead(401, ...rest);
      } else {
        writeHead(status, ...rest);
      }
      state.willChallenge = false;
    };
    response.writeHead = ((...args: unknown[]) => {
      held = args;
      return response;
    }) as ServerResponse["writeHead"];
    response.flushHeaders = () => {};
    response.write = ((...args: unknown[]) => {
      release();
      return write(...args);
    }) as ServerResponse["write"];
    response.end = ((...args: unknown[]) => {
      release();
      return end(...args);
    }) as ServerResponse["end"];
  }
}
