import { checkTokenAcl } from "../auth/acl.js";
import { hasInlineCredential } from "../auth/inline-credentials.js";
import { commandMatches } from "../auth/tokens.js";
import { sudoAwareExecutor } from "../host/command-executors.js";
import type { App, RequestContext } from "../http/app.js";
import { ApiError, coded, nonFieldError, notFound } from "../http/errors.js";
import { type ListSpec, queryList } from "../http/list.js";
import { paginate } from "../http/pagination.js";
import { BodyReader } from "../http/validate.js";
import {
  type CommandChunk,
  type CommandRecord,
  type CommandShell,
  notStarted,
} from "../state/commands.js";
import { checkGates, idParam, readRunAs, requireConnected, USER_NOT_REGISTERED } from "./common.js";
import { commandCreatedJson, commandJson } from "./serialize/commands.js";
import { recordWork, useWorkSession } from "./work-sessions.js";

const SHELLS: readonly CommandShell[] = ["system", "osquery", "internal"];
/** Internal chatter the list hides from users (`oss:events/api/views.py`). */
const HIDDEN = new Set(["ping", "debug", "resizepty"]);

function commandSpec(ctx: RequestContext): ListSpec<CommandRecord> {
  return {
    filters: {
      server: { kind: "uuid", get: (c) => c.serverId },
      requested_by: { kind: "uuid", get: (c) => c.requestedBy },
    },
    search: (c) => c.searchText,
    ordering: {
      added_at: (c) => c.addedAt,
      scheduled_at: (c) => c.scheduledAt,
      handled_at: (c) => c.handledAt,
      status: (c) => c.status,
      server: (c) => ctx.ws.serverById.get(c.serverId)?.name,
    },
    defaultOrdering: ["-scheduled_at"],
  };
}

const CHUNK_LIST: ListSpec<CommandChunk> = {
  filters: {
    seq__gte: { kind: "int", op: "gte", get: (c) => c.seq },
    seq__lte: { kind: "int", op: "lte", get: (c) => c.seq },
  },
  ordering: { seq: (c) => c.seq },
  defaultOrdering: ["seq"],
};

/** Staff see every command; other users only their own. */
function visible(ctx: RequestContext, c: CommandRecord): boolean {
  return ctx.principal.user.is_staff || c.requestedBy === ctx.principal.user.id;
}

function findCommand(ctx: RequestContext): CommandRecord {
  const command = ctx.ws.commands.get(idParam(ctx));
  if (!command) throw notFound();
  if (ctx.principal.agentServer) {
    if (command.serverId !== ctx.principal.agentServer.id) throw notFound();
  } else if (!visible(ctx, command)) {
    throw notFound();
  }
  return command;
}

function create(ctx: RequestContext) {
  const { ws, principal } = ctx;
  const body = new BodyReader(ctx.body);
  checkGates(ctx, "command", body);
  const server = body.ref("server", (id) => ws.serverById.get(id), { required: true });
  const line = body.string("line", { required: true });
  const shell = body.choice("shell", SHELLS) ?? "system";
  const data = body.string("data", { allowBlank: true, nullable: true }) ?? "";
  const { username, groupname } = readRunAs(body);
  const env = body.stringMap("env") ?? {};
  const scheduledAt = body.dateTime("scheduled_at", { nullable: true });
  const runAfter = body.uuidList("run_after") ?? [];
  const workSessionId = body.uuid("work_session", { nullable: true });
  for (const dep of runAfter) {
    if (!ws.commands.get(dep))
      body.fail("run_after", `Invalid pk "${dep}" - object does not exist.`);
  }
  body.done();
  if (!server || typeof line !== "string") throw nonFieldError("Invalid data.");
  const workSession = useWorkSession(ctx, "command", workSessionId, server);

  // Token ACLs (alpacon-server#2804 moved the denial from 400 to 403).
  const acl = principal.credential.acl;
  if (acl.kind === "command") {
    const allowed =
      acl.servers.includes(server.id) && acl.patterns.some((p) => commandMatches(p, line));
    if (!allowed) throw coded(403, "api_token_acl_not_allowed", "command");
  }
  checkTokenAcl(ctx, server, { command: line, username, groupname });
  if (hasInlineCredential(line)) throw coded(400, "command_inline_credential", "command");
  requireConnected(server);

  const runAs = username !== "" ? username : principal.user.username;
  if (shell === "system") {
    const details = ws.serverDetails(server);
    const group = groupname !== "" ? groupname : "alpacon";
    const userOk = details.users.some((u) => u.username === runAs);
    const groupOk = details.groups.some((g) => g.groupname === group);
    if (!userOk || !groupOk) throw new ApiError(400, { non_field_errors: [USER_NOT_REGISTERED] });
  }

  const now = ws.now();
  const scheduled = scheduledAt ? Date.parse(scheduledAt) : now;
  const requester = principal.user;
  const record: CommandRecord = {
    id: ws.newId(),
    serverId: server.id,
    shell,
    line,
    data,
    username,
    groupname,
    env,
    requestedBy: requester.id,
    runAfter,
    addedAt: now,
    scheduledAt: scheduled,
    status: scheduled > now ? "scheduled" : "queued",
    ...notStarted(),
    searchText:
      `${server.id} ${server.name} ${line} ${requester.first_name} ${requester.last_name}`.toLowerCase(),
  };
  ws.commands.create(
    record,
    sudoAwareExecutor(ws, server, { userId: requester.id, runAs }, workSession),
  );
  recordWork(ctx, workSession, "command", record.id, server.id);
  const created = commandCreatedJson(ws, record);
  return { status: 201, body: ws.variants.commandCreate === "object" ? created : [created] };
}

export function registerCommands(app: App): void {
  app.route("/api/events/commands/", {
    GET: (ctx) => {
      const all = ctx.ws.commands
        .all()
        .filter((c) => visible(ctx, c) && !HIDDEN.has(c.line.trim()));
      const items = queryList(all, ctx.query, commandSpec(ctx));
      return {
        status: 200,
        body: paginate(items, ctx.query, (c) =>
          commandJson(ctx.ws, c, false, ctx.ws.variants.commandDetail),
        ),
      };
    },
    POST: create,
  });
  app.route("/api/events/commands/:id/", {
    GET: (ctx) => ({
      status: 200,
      body: commandJson(ctx.ws, findCommand(ctx), true, ctx.ws.variants.commandDetail),
    }),
    DELETE: (ctx) => {
      const command = findCommand(ctx);
      if (!ctx.ws.commands.cancel(command.id)) {
        throw nonFieldError(
          "Command cannot be cancelled as it has already been sent to the server.",
        );
      }
      return { status: 204 };
    },
  });
  app.route("/api/events/commands/:id/chunks/", {
    GET: (ctx) => {
      const command = findCommand(ctx);
      const items = queryList(command.chunks, ctx.query, CHUNK_LIST);
      return { status: 200, body: paginate(items, ctx.query) };
    },
  });
  // Agent endpoints: agent credentials only (`Authorization: id="<server>", key="<key>"`).
  app.route("/api/events/commands/:id/ack/", {
    agent: "only",
    POST: (ctx) => {
      const command = findCommand(ctx);
      if (ctx.ws.commands.isTerminal(command) || command.ackedAt !== null) {
        throw nonFieldError("Command has already been acknowledged.");
      }
      ctx.ws.commands.ack(command);
      return { status: 200, body: { success: true } };
    },
  });
  app.route("/api/events/commands/:id/fin/", {
    agent: "only",
    POST: (ctx) => {
      const command = findCommand(ctx);
      const body = new BodyReader(ctx.body);
      const success = body.bool("success", { required: true });
      const result = body.string("result", { allowBlank: true, nullable: true }) ?? "";
      const elapsed = body.number("elapsed_time", { nullable: true }) ?? null;
      const exitCode = body.int("exit_code", { nullable: true }) ?? null;
      body.done();
      if (ctx.ws.commands.isTerminal(command)) throw nonFieldError("Command has already finished.");
      ctx.ws.commands.fin(command, {
        success: success === true,
        result,
        exitCode,
        elapsedTime: elapsed,
      });
      return { status: 200, body: { success: true } };
    },
  });
}
