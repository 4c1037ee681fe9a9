import type { App, RequestContext } from "../http/app.js";
import {
  ApiError,
  fieldErrors,
  nonFieldError,
  notFound,
  permissionDenied,
} from "../http/errors.js";
import { type ListSpec, queryList } from "../http/list.js";
import { paginate } from "../http/pagination.js";
import { BodyReader } from "../http/validate.js";
import { notStarted } from "../state/commands.js";
import { iso, isoOrNull, type ServerRecord } from "../state/model.js";
import {
  ACTION_LINES,
  actionOutput,
  applyAction,
  DISRUPTIVE_ACTIONS,
  newRegistrationKey,
  type RegistrationTokenRecord,
  SERVER_ACTIONS,
} from "../state/server-admin.js";
import { idParam, isStaff, requireStaff } from "./common.js";
import { commandJson } from "./serialize/commands.js";
import { serverJson } from "./serialize/servers.js";

/** `oss:servers/api/serializers.py` ServerStarStatusSerializer. */
const MAX_STARS = 5;

function findServer(ctx: RequestContext): ServerRecord {
  const server = ctx.ws.serverById.get(idParam(ctx));
  if (!server) throw notFound();
  return server;
}

/** Staff, or the server's owner, may change and operate a server. */
function mayAdminister(ctx: RequestContext, server: ServerRecord): void {
  if (!isStaff(ctx) && server.ownerId !== ctx.principal.user.id) {
    throw permissionDenied();
  }
}

/** `oss:servers/api/serializers.py` ServerActionSerializer.validate (its spelling kept). */
function requireReachable(server: ServerRecord): void {
  if (!server.commissioned) {
    throw nonFieldError(
      "Requested server is not commisioned yet. Please finish the installation steps first.",
    );
  }
  if (!server.isConnected) {
    throw nonFieldError("Requested server is not connected now. Please try again later.");
  }
}

const ACTION_COMMANDS: ReadonlySet<string> = new Set(Object.values(ACTION_LINES));

/** Open websh sessions and unfinished commands (other than actions) on the server. */
function hasUserWork(ctx: RequestContext, server: ServerRecord): boolean {
  const ws = ctx.ws;
  const command = ws.commands
    .all()
    .some(
      (c) =>
        c.serverId === server.id &&
        !ws.commands.isTerminal(c) &&
        !(c.shell === "internal" && ACTION_COMMANDS.has(c.line)),
    );
  return command || ws.websh.all().some((s) => s.serverId === server.id && s.closedAt === null);
}

function requestAction(ctx: RequestContext) {
  const server = findServer(ctx);
  mayAdminister(ctx, server);
  const body = new BodyReader(ctx.body);
  const action = body.choice("action", SERVER_ACTIONS, { required: true });
  const force = body.bool("force") ?? false;
  body.done();
  if (!action) throw fieldErrors({ action: ["This field is required."] });
  requireReachable(server);
  if (DISRUPTIVE_ACTIONS.has(action) && !force && hasUserWork(ctx, server)) {
    throw new ApiError(409, {
      code: "server_busy_with_user_work",
      source: "server",
      detail:
        "The server has active user work (open Websh/WebFTP session or in-flight command). Retry when idle, or pass force.",
    });
  }
  const ws = ctx.ws;
  const now = ws.now();
  const line = ACTION_LINES[action];
  const requester = ctx.principal.user;
  const record = {
    id: ws.newId(),
    serverId: server.id,
    shell: "internal" as const,
    line,
    data: "",
    username: "",
    groupname: "",
    env: {},
    requestedBy: requester.id,
    runAfter: [],
    addedAt: now,
    scheduledAt: now,
    status: "queued" as const,
    ...notStarted(),
    searchText: `${server.id} ${server.name} ${line} ${requester.username}`.toLowerCase(),
  };
  ws.commands.create(record, async () => {
    const output = actionOutput(server, action);
    // After the command finished: the agent or host goes away only then.
    ws.actions.timers.set(() => applyAction(ws.actions, server, action), 0);
    return { exitCode: 0, output };
  });
  return { status: 201, body: commandJson(ws, record, true) };
}

function registrationTokenJson(t: RegistrationTokenRecord, withKey = false) {
  return {
    id: t.id,
    name: t.name,
    allowed_groups: t.allowedGroups,
    enabled: t.enabled,
    expires_at: isoOrNull(t.expiresAt),
    added_at: iso(t.addedAt),
    ...(withKey ? { key: t.key } : {}),
  };
}

const TOKEN_LIST: ListSpec<RegistrationTokenRecord> = {
  search: (t) => t.name.toLowerCase(),
  ordering: { name: (t) => t.name, added_at: (t) => t.addedAt },
  defaultOrdering: ["-added_at"],
};

const PLATFORM_LABEL = {
  debian: "Debian / Ubuntu",
  rhel: "RHEL / CentOS / Rocky",
  darwin: "macOS",
  windows: "Windows",
} as const;

/** The body of both guides: platform, server name, and a usable token (CLI or MCP field name). */
function readGuide(ctx: RequestContext) {
  if (ctx.query.get("response_type") !== "json") {
    throw fieldErrors({ response_type: ['Only "json" is supported here.'] });
  }
  const body = new BodyReader(ctx.body);
  const platform = body.choice("platform", ["debian", "rhel", "darwin", "windows"] as const, {
    required: true,
  });
  const serverName = body.string("server_name", { allowBlank: true, max: 128 }) ?? "";
  const cliToken = body.uuid("registration_token");
  const mcpToken = body.uuid("token");
  body.done();
  if (!platform) throw nonFieldError("Invalid data.");
  const id = cliToken ?? mcpToken;
  const field = cliToken ? "registration_token" : "token";
  if (!id) throw fieldErrors({ registration_token: ["This field is required."] });
  const token = ctx.ws.registrationTokens.all().find((t) => t.id === id);
  if (!token) throw fieldErrors({ [field]: [`Invalid pk "${id}" - object does not exist.`] });
  if (!token.enabled) throw fieldErrors({ [field]: ["This registration token is disabled."] });
  if (token.expiresAt !== null && token.expiresAt <= ctx.ws.now()) {
    throw fieldErrors({ [field]: ["This registration token has expired."] });
  }
  const url = ctx.ws.baseUrl;
  return {
    platform,
    token,
    common: {
      platform,
      platform_label: PLATFORM_LABEL[platform],
      alpacon_url: url,
      server_name: serverName,
      // The workspace's settings, as the real guide embeds them in the agent's configuration.
      package_proxy: ctx.ws.settings.preferences.package_proxy,
      allow_sudo_with_mfa: ctx.ws.settings.accessControl.allow_sudo_with_mfa,
    },
  };
}

function installCommands(platform: keyof typeof PLATFORM_LABEL): string[] {
  switch (platform) {
    case "debian":
      return [
        "curl -s https://packagecloud.io/install/repositories/alpacax/alpamon/script.deb.sh?any=true | sudo bash",
        "sudo apt-get install alpamon",
      ];
    case "rhel":
      return [
        "curl -s https://packagecloud.io/install/repositories/alpacax/alpamon/script.rpm.sh?any=true | sudo bash",
        "sudo yum install alpamon",
      ];
    case "darwin":
      return ["brew install alpacax/tap/alpamon"];
    case "windows":
      return ["winget install Alpacax.Alpamon"];
  }
}

export function registerServerAdmin(app: App): void {
  app.route("/api/servers/servers/:id/star/", {
    GET: (ctx) => {
      const server = findServer(ctx);
      return {
        status: 200,
        body: { status: ctx.ws.starsOf(ctx.principal.user.id).has(server.id) },
      };
    },
    POST: (ctx) => {
      const server = findServer(ctx);
      const body = new BodyReader(ctx.body);
      const status = body.bool("status", { required: true });
      body.done();
      const stars = ctx.ws.starsOf(ctx.principal.user.id);
      const starred = stars.has(server.id);
      if (status === true && starred) throw nonFieldError("You already have starred this server.");
      if (status === false && !starred) {
        throw nonFieldError("You already have unstarred this server.");
      }
      if (status === true && stars.size >= MAX_STARS) {
        throw nonFieldError("You can star up to 5 servers. Please unstar one first.");
      }
      if (status) stars.add(server.id);
      else stars.delete(server.id);
      ctx.ws.servers.touch();
      return { status: 200, body: { status: status === true } };
    },
  });
  app.route("/api/servers/servers/:id/actions/", { POST: requestAction });

  app.route("/api/servers/registration-tokens/", {
    GET: (ctx) => {
      requireStaff(ctx);
      const items = queryList(ctx.ws.registrationTokens, ctx.query, TOKEN_LIST);
      return { status: 200, body: paginate(items, ctx.query, (t) => registrationTokenJson(t)) };
    },
    POST: (ctx) => {
      requireStaff(ctx);
      const ws = ctx.ws;
      const body = new BodyReader(ctx.body);
      const name = body.string("name", { required: true, max: 128 });
      const groups = body.uuidList("allowed_groups") ?? [];
      const expiresAt = body.dateTime("expires_at", { nullable: true });
      body.string("description", { allowBlank: true, nullable: true, max: 512 });
      for (const g of groups) {
        if (!ws.groupById.has(g))
          body.fail("allowed_groups", `Invalid pk "${g}" - object does not exist.`);
      }
      if (typeof expiresAt === "string" && Date.parse(expiresAt) <= ws.now()) {
        body.fail("expires_at", "The expiry must be in the future.");
      }
      if (typeof name === "string" && ws.registrationTokens.all().some((t) => t.name === name)) {
        body.fail("name", "registration token with this name already exists.");
      }
      body.done();
      if (typeof name !== "string") throw nonFieldError("Invalid data.");
      const token: RegistrationTokenRecord = {
        id: ws.newId(),
        name,
        key: newRegistrationKey(),
        allowedGroups: groups,
        expiresAt: typeof expiresAt === "string" ? Date.parse(expiresAt) : null,
        enabled: true,
        addedAt: ws.now(),
      };
      ws.registrationTokens.add(token);
      return { status: 201, body: registrationTokenJson(token, true) };
    },
  });
  app.route("/api/servers/registration-tokens/:id/", {
    DELETE: (ctx) => {
      requireStaff(ctx);
      const id = idParam(ctx);
      if (ctx.ws.registrationTokens.remove((t) => t.id === id) === 0) throw notFound();
      return { status: 204 };
    },
  });
  app.route("/api/servers/registration-methods/token-install/guide/", {
    POST: (ctx) => {
      requireStaff(ctx);
      const { platform, token, common } = readGuide(ctx);
      const name = common.server_name ? ` --name ${common.server_name}` : "";
      return {
        status: 200,
        body: {
          method_id: "token-install",
          ...common,
          token_key: token.key,
          install_commands: installCommands(platform),
          register_command: `sudo alpamon register --url ${common.alpacon_url} --token ${token.key}${name}`,
        },
      };
    },
  });
  app.route("/api/servers/registration-methods/ansible/guide/", {
    POST: (ctx) => {
      requireStaff(ctx);
      const { token, common } = readGuide(ctx);
      const vars = `-e alpacon_url=${common.alpacon_url} -e registration_token=${token.key}`;
      return {
        status: 200,
        body: {
          method_id: "ansible",
          ...common,
          registration_token: token.key,
          collection_install: "ansible-galaxy collection install alpacax.alpacon --upgrade",
          run_command_quick: `ansible-playbook -i inventory.ini alpacax.alpacon.register ${vars}`,
          inventory_snippet: "[targets]\nYOUR_IP ansible_user=YOUR_USER",
          playbook_snippet: "- hosts: targets\n  roles:\n    - alpacax.alpacon.register",
          run_command_custom: `ansible-playbook -i inventory.ini playbook.yml ${vars}`,
        },
      };
    },
  });
}

/** PATCH and DELETE of `/api/servers/servers/{id}/` (the GET lives in servers.ts). */
export function updateServer(ctx: RequestContext) {
  const server = findServer(ctx);
  mayAdminister(ctx, server);
  const body = new BodyReader(ctx.body);
  // The CLI sends the whole edited detail: read-only fields are ignored, as DRF does.
  const name = body.string("name", { max: 128 });
  const description = body.string("description", { allowBlank: true, nullable: true });
  if (
    typeof name === "string" &&
    ctx.ws.servers.all().some((s) => s.name === name && s.id !== server.id)
  ) {
    body.fail("name", "server with this name already exists.");
  }
  body.done();
  if (typeof name === "string" && name !== server.name) {
    server.searchText = server.searchText.replace(
      ` ${server.name.toLowerCase()} `,
      ` ${name.toLowerCase()} `,
    );
    server.name = name;
  }
  if (description !== undefined) server.description = description ?? "";
  server.updatedAt = ctx.ws.now();
  ctx.ws.servers.touch();
  return {
    status: 200,
    body: serverJson(ctx.ws, server, true, ctx.ws.starsOf(ctx.principal.user.id)),
  };
}

export function unregisterServer(ctx: RequestContext) {
  const server = findServer(ctx);
  mayAdminister(ctx, server);
  ctx.ws.unregister(server);
  return { status: 204 as const };
}
