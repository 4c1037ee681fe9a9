import { type IterateOptions, iteratePages, type Page } from "../core/pagination.js";
import { data, Resource } from "../core/resource.js";
import type { RequestOptions } from "../core/transport.js";
import type { QueryOf, Schemas } from "../core/types.js";
import type { Command } from "./commands.js";
import { RegistrationTokens } from "./registration-tokens.js";

export type Server = Schemas["Server"];
export type ListServersQuery = QueryOf<"listServers">;
export type UpdateServerBody = Schemas["ServerUpdateRequest"];
export type ServerAction = Schemas["ServerAction"];

export interface ServerActionParams {
  /**
   * Run although the server has open websh/webftp sessions or unfinished commands (the API's
   * `server_busy_with_user_work` guard on reboot, shutdown and system upgrade).
   */
  force?: boolean;
}

/**
 * What an action request gives back. The 2024 server answers the command that carries the action
 * out; the reference MCP's fixtures a status word (`rebooting`); the CLI's test an empty 201.
 */
export interface ServerActionResult {
  action: ServerAction;
  /** The command that carries the action out, when the API returned one. */
  command: Command | null;
  /** The API's acknowledgement (`rebooting` …), when it answered one instead of a command. */
  status: string | null;
}

function actionResult(action: ServerAction, body: unknown): ServerActionResult {
  const record = body !== null && typeof body === "object" ? (body as Record<string, unknown>) : {};
  const isCommand = typeof record.id === "string" && typeof record.line === "string";
  return {
    action,
    command: isCommand ? (record as unknown as Command) : null,
    status: !isCommand && typeof record.status === "string" ? record.status : null,
  };
}

export class Servers extends Resource {
  /** Tokens that enrol new hosts, and the install guides that use them. */
  readonly registrationTokens = new RegistrationTokens(this.context);

  /** One page of servers: `listServers`. */
  list(query: ListServersQuery = {}, options?: RequestOptions): Promise<Page<Server>> {
    return data(
      this.http.GET("/api/servers/servers/", { params: { query }, ...this.request(options) }),
    );
  }

  /** Every server matching the query, fetched page by page. */
  iterate(
    query: ListServersQuery = {},
    options: IterateOptions & RequestOptions = {},
  ): AsyncGenerator<Server> {
    return iteratePages((page) => this.list(page, options), query, options);
  }

  /** One server by id: `getServer`. */
  get(id: string, options?: RequestOptions): Promise<Server> {
    return data(
      this.http.GET("/api/servers/servers/{id}/", {
        params: { path: { id } },
        ...this.request(options),
      }),
    );
  }

  /** `updateServer` (PATCH): name (unique in the workspace) and description. */
  update(id: string, body: UpdateServerBody, options?: RequestOptions): Promise<Server> {
    return data(
      this.http.PATCH("/api/servers/servers/{id}/", {
        params: { path: { id } },
        body,
        ...this.request(options),
      }),
    );
  }

  /**
   * `unregisterServer`: the server leaves the workspace (the agent on the host keeps running
   * until uninstalled; enrolling again needs a registration token).
   */
  async unregister(id: string, options?: RequestOptions): Promise<void> {
    await this.http.DELETE("/api/servers/servers/{id}/", {
      params: { path: { id } },
      ...this.request(options),
    });
  }

  /** `getServerStar`: whether the caller starred the server. */
  async starred(id: string, options?: RequestOptions): Promise<boolean> {
    const body = await data(
      this.http.GET("/api/servers/servers/{id}/star/", {
        params: { path: { id } },
        ...this.request(options),
      }),
    );
    return body.status;
  }

  /**
   * `starServer`: stars (or with `false` unstars) the server for the caller; the star after the
   * change. The API refuses a repeat and a sixth star with a ValidationError.
   */
  async star(id: string, starred = true, options?: RequestOptions): Promise<boolean> {
    const body = await data(
      this.http.POST("/api/servers/servers/{id}/star/", {
        params: { path: { id } },
        body: { status: starred },
        ...this.request(options),
      }),
    );
    return body.status;
  }

  /**
   * `requestServerAction`: one agent or system action. Not retried (a second reboot is a second
   * reboot); the named methods below are the same call.
   */
  async action(
    id: string,
    action: ServerAction,
    { force }: ServerActionParams = {},
    options?: RequestOptions,
  ): Promise<ServerActionResult> {
    const body = await data(
      this.http.POST("/api/servers/servers/{id}/actions/", {
        params: { path: { id } },
        body: force === undefined ? { action } : { action, force },
        ...this.request(options),
      }),
    );
    return actionResult(action, body);
  }

  /** Restarts the agent (alpamon); it reconnects by itself. */
  restartAgent(id: string, options?: RequestOptions): Promise<ServerActionResult> {
    return this.action(id, "restart_agent", {}, options);
  }

  /** Stops the agent: remote access is lost until someone starts it on the host. */
  shutdownAgent(id: string, options?: RequestOptions): Promise<ServerActionResult> {
    return this.action(id, "shutdown_agent", {}, options);
  }

  /** Upgrades the agent to the latest release; it reconnects after restarting. */
  upgradeAgent(id: string, options?: RequestOptions): Promise<ServerActionResult> {
    return this.action(id, "upgrade_agent", {}, options);
  }

  /** Reboots the host; it is disconnected until it has booted. */
  reboot(
    id: string,
    params?: ServerActionParams,
    options?: RequestOptions,
  ): Promise<ServerActionResult> {
    return this.action(id, "reboot_system", params, options);
  }

  /** Powers the host off; it stays disconnected until someone powers it on. */
  shutdown(
    id: string,
    params?: ServerActionParams,
    options?: RequestOptions,
  ): Promise<ServerActionResult> {
    return this.action(id, "shutdown_system", params, options);
  }

  /** Upgrades the host's OS packages (apt/yum). */
  upgradeSystem(
    id: string,
    params?: ServerActionParams,
    options?: RequestOptions,
  ): Promise<ServerActionResult> {
    return this.action(id, "upgrade_system", params, options);
  }

  /** Has the agent report the system inventory (hardware, OS, users, packages) again. */
  updateInformation(id: string, options?: RequestOptions): Promise<ServerActionResult> {
    return this.action(id, "update_information", {}, options);
  }
}
