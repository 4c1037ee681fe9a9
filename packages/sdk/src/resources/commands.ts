import { type CommandRunResult, type RunCommandOptions, runCommand } from "../commands/run.js";
import { type IterateOptions, iteratePages, type Page } from "../core/pagination.js";
import { data, Resource } from "../core/resource.js";
import type { RequestOptions } from "../core/transport.js";
import type { QueryOf, Schemas } from "../core/types.js";

export type Command = Schemas["Command"];
export type CommandDetail = Schemas["CommandDetail"];
export type CommandCreated = Schemas["CommandCreated"];
export type CreateCommandBody = Schemas["CommandCreateRequest"];
export type CommandChunk = Schemas["CommandChunk"];
export type ListCommandsQuery = QueryOf<"listCommands">;

/**
 * The Command API, one REST call per method. `create` is a POST and is never retried: a
 * repeated request would run the command twice.
 */
export class Commands extends Resource {
  /**
   * Runs a command line on one or many servers and waits for each to finish; resolves with one
   * result per server (exit code, output, status) and never rejects for a single server's failure.
   * Fans out with bounded concurrency and honours 429 Retry-After across the batch.
   */
  run(options: RunCommandOptions): Promise<CommandRunResult[]> {
    return runCommand(this, options, () => this.requesterId(options.signal));
  }

  /** The token's own user, to tell a lost create's command from other users' (`/api/iam/users/-/`). */
  private async requesterId(signal: AbortSignal | undefined): Promise<string> {
    const user = await data(
      this.http.GET("/api/iam/users/{id}/", {
        params: { path: { id: "-" } },
        ...this.request({ signal, maxRetries: 2 }),
      }),
    );
    return user.id;
  }

  /**
   * Submits a command to one server: `createCommand`. The API answers with an array (or, on
   * older servers, the object alone); either way this resolves with an array.
   */
  async create(body: CreateCommandBody, options?: RequestOptions): Promise<CommandCreated[]> {
    const created = await data(
      this.http.POST("/api/events/commands/", { body, ...this.request(options) }),
    );
    return Array.isArray(created) ? created : [created];
  }

  /** One page of commands, newest first: `listCommands`. */
  list(query: ListCommandsQuery = {}, options?: RequestOptions): Promise<Page<Command>> {
    return data(
      this.http.GET("/api/events/commands/", {
        params: { query: { ordering: "-added_at", ...query } },
        ...this.request(options),
      }),
    );
  }

  iterate(
    query: ListCommandsQuery = {},
    options: IterateOptions & RequestOptions = {},
  ): AsyncGenerator<Command> {
    return iteratePages((page) => this.list(page, options), query, options);
  }

  /** A command with its status, exit code and result; `handled_at` marks completion: `getCommand`. */
  get(id: string, options?: RequestOptions): Promise<CommandDetail> {
    return data(
      this.http.GET("/api/events/commands/{id}/", {
        params: { path: { id } },
        ...this.request(options),
      }),
    );
  }

  /** Cancels a command that has not been delivered yet: `cancelCommand`. */
  async cancel(id: string, options?: RequestOptions): Promise<void> {
    await this.http.DELETE("/api/events/commands/{id}/", {
      params: { path: { id } },
      ...this.request(options),
    });
  }

  /** Acknowledges a command (an agent-side step of the lifecycle): `acknowledgeCommand`. */
  ack(id: string, body: Schemas["CommandAckRequest"] = {}, options?: RequestOptions) {
    return data(
      this.http.POST("/api/events/commands/{id}/ack/", {
        params: { path: { id } },
        body,
        ...this.request(options),
      }),
    );
  }

  /** Reports a command's end (an agent-side step of the lifecycle): `finishCommand`. */
  finish(id: string, body: Schemas["CommandFinishRequest"], options?: RequestOptions) {
    return data(
      this.http.POST("/api/events/commands/{id}/fin/", {
        params: { path: { id } },
        body,
        ...this.request(options),
      }),
    );
  }

  /** Output chunks of a long-running command, in `seq` order: `listCommandChunks`. */
  chunks(
    id: string,
    query: QueryOf<"listCommandChunks"> = {},
    options?: RequestOptions,
  ): Promise<Page<CommandChunk>> {
    return data(
      this.http.GET("/api/events/commands/{id}/chunks/", {
        params: { path: { id }, query: { ordering: "seq", ...query } },
        ...this.request(options),
      }),
    );
  }
}
