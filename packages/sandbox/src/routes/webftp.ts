import { randomBytes } from "node:crypto";
import { checkTokenAcl } from "../auth/acl.js";
import type { App, RequestContext } from "../http/app.js";
import { ApiError, nonFieldError, notFound } from "../http/errors.js";
import { type ListSpec, queryList } from "../http/list.js";
import { paginate } from "../http/pagination.js";
import { BodyReader } from "../http/validate.js";
import { type CommandRecord, notStarted } from "../state/commands.js";
import type { ServerRecord } from "../state/model.js";
import { TRANSFER_TTL_MS, type Transfer, type TransferKind } from "../state/transfers.js";
import type { WebftpSessionRecord, WorkspaceState } from "../state/workspace.js";
import { checkGates, idParam, ownOrStaff, readRunAs } from "./common.js";
import { storageUrl, transferJson, webftpSessionJson } from "./serialize/webftp.js";
import { resolveRunAs } from "./websh.js";
import { recordWork, useWorkSession } from "./work-sessions.js";

const TRANSFER_LIST: ListSpec<Transfer> = {
  filters: {
    server: { kind: "uuid", get: (t) => t.serverId },
    user: { kind: "uuid", get: (t) => t.userId },
    username: { kind: "exact", get: (t) => t.username },
    groupname: { kind: "exact", get: (t) => t.groupname },
  },
  ordering: { added_at: (t) => t.addedAt, name: (t) => t.name, size: (t) => t.size },
  defaultOrdering: ["-added_at"],
};

const SESSION_LIST: ListSpec<WebftpSessionRecord> = {
  filters: { server: { kind: "uuid", get: (s) => s.serverId } },
  ordering: { added_at: (s) => s.addedAt },
  defaultOrdering: ["-added_at"],
};

/** The internal command that moves a file; webftp responses name it in `command`. */
function transferCommand(ws: WorkspaceState, t: Transfer, requester: string): CommandRecord {
  const server = ws.serverById.get(t.serverId) as ServerRecord;
  const now = ws.now();
  // The agent's command names are inverted: a user upload is an agent `download`.
  const line = t.kind === "upload" ? "download" : "upload";
  return {
    id: ws.newId(),
    serverId: t.serverId,
    shell: "internal",
    line,
    data: JSON.stringify({ path: t.paths ?? t.path, name: t.name, type: t.resourceType }),
    username: t.username,
    groupname: t.groupname,
    env: {},
    requestedBy: requester,
    runAfter: [],
    addedAt: now,
    scheduledAt: now,
    status: "queued",
    ...notStarted(),
    searchText: `${server.id} ${server.name} ${line}`.toLowerCase(),
  };
}

function findTransfer(ctx: RequestContext, kind: TransferKind): Transfer {
  const t = ctx.ws.transfers.get(idParam(ctx), kind);
  if (!t || !ownOrStaff(ctx, t)) throw notFound();
  return t;
}

function statusReply(ctx: RequestContext, t: Transfer) {
  if (t.state !== "done") {
    throw new ApiError(422, {
      code: "webftp_transfer_in_progress",
      detail: "webftp_transfer_in_progress",
    });
  }
  // The reference's remote mode reads the URL from here when the create answer had none.
  const url =
    t.kind === "download" && t.success && ctx.ws.variants.downloadUrl === "status"
      ? { download_url: storageUrl(ctx.ws, ctx.core.origin, t, "client") }
      : {};
  return { status: 200, body: { success: t.success, message: t.message, ...url } };
}

function baseTransfer(
  ctx: RequestContext,
  kind: TransferKind,
  fields: { server: ServerRecord; name: string; path: string; username: string; groupname: string },
): Transfer {
  const now = ctx.ws.now();
  return {
    id: ctx.ws.newId(),
    kind,
    name: fields.name,
    path: fields.path,
    serverId: fields.server.id,
    userId: ctx.principal.user.id,
    username: fields.username,
    groupname: fields.groupname,
    allowOverwrite: true,
    allowUnzip: false,
    resourceType: "file",
    size: null,
    addedAt: now,
    expiresAt: now + TRANSFER_TTL_MS,
    commandId: "",
    state: "pending",
    success: null,
    message: "",
    storagePath: null,
  };
}

export function registerWebftp(app: App): void {
  app.route("/api/webftp/sessions/", {
    GET: (ctx) => {
      const all = ctx.ws.webftpSessions.all().filter((s) => ownOrStaff(ctx, s));
      const items = queryList(all, ctx.query, SESSION_LIST);
      return {
        status: 200,
        body: paginate(items, ctx.query, (s) => webftpSessionJson(ctx.ws, ctx.core.wsOrigin, s)),
      };
    },
    POST: (ctx) => {
      const body = new BodyReader(ctx.body);
      checkGates(ctx, "webftp", body);
      const server = body.ref("server", (id) => ctx.ws.serverById.get(id), { required: true });
      const requested = readRunAs(body);
      const workSessionId = body.uuid("work_session", { nullable: true });
      body.done();
      if (!server) throw nonFieldError("Invalid data.");
      const workSession = useWorkSession(ctx, "webftp", workSessionId, server);
      const runAs = resolveRunAs(ctx, server, requested);
      const session: WebftpSessionRecord = {
        id: ctx.ws.newId(),
        serverId: server.id,
        userId: ctx.principal.user.id,
        ...runAs,
        token: randomBytes(24).toString("base64url"),
        addedAt: ctx.ws.now(),
        closedAt: null,
      };
      ctx.ws.webftpSessions.add(session);
      recordWork(ctx, workSession, "ftp_session", session.id, server.id);
      return { status: 201, body: webftpSessionJson(ctx.ws, ctx.core.wsOrigin, session) };
    },
  });

  app.route("/api/webftp/uploads/", {
    GET: (ctx) => listTransfers(ctx, "upload"),
    POST: (ctx) => {
      const body = new BodyReader(ctx.body);
      checkGates(ctx, "webftp", body);
      const server = body.ref("server", (id) => ctx.ws.serverById.get(id), { required: true });
      const name = body.string("name", { required: true, max: 255 });
      const path = body.string("path", { allowBlank: true, nullable: true }) ?? "";
      const requested = readRunAs(body);
      const allowOverwrite = body.bool("allow_overwrite") ?? true;
      const allowUnzip = body.bool("allow_unzip") ?? false;
      const workSessionId = body.uuid("work_session", { nullable: true });
      if (typeof name === "string" && name.includes("/"))
        body.fail("name", "File names cannot contain '/'.");
      body.done();
      if (!server || typeof name !== "string") throw nonFieldError("Invalid data.");
      const workSession = useWorkSession(ctx, "webftp", workSessionId, server);
      const target = `${path.replace(/\/+$/, "")}/${name}`;
      checkTokenAcl(ctx, server, { ...requested, file: { path: target, action: "upload" } });
      const runAs = resolveRunAs(ctx, server, requested);
      const t = baseTransfer(ctx, "upload", { server, name, path, ...runAs });
      t.allowOverwrite = allowOverwrite;
      t.allowUnzip = allowUnzip;
      const ws = ctx.ws;
      const command = transferCommand(ws, t, ctx.principal.user.id);
      t.commandId = command.id;
      ws.transfers.add(t);
      recordWork(
        ctx,
        workSession,
        t.kind === "upload" ? "file_upload" : "file_download",
        t.id,
        server.id,
      );
      // Created now, started by the trigger (GET …/upload/), as the agent is dispatched then.
      ws.commands.create(
        command,
        async () => {
          ws.transfers.begin(t);
          const outcome = await ws.transfers.hooks.deliverUpload(t);
          ws.transfers.complete(t, outcome);
          return { exitCode: outcome.success ? 0 : 1, output: outcome.message };
        },
        false,
      );
      return { status: 201, body: transferJson(ws, ctx.core.origin, t) };
    },
  });
  app.route("/api/webftp/uploads/:id/upload/", {
    GET: (ctx) => {
      const t = findTransfer(ctx, "upload");
      if (t.state === "done") throw nonFieldError("This file has already been transferred.");
      ctx.ws.commands.start(t.commandId);
      return { status: 200, body: { success: true, command: t.commandId } };
    },
  });
  app.route("/api/webftp/uploads/:id/status/", {
    GET: (ctx) => statusReply(ctx, findTransfer(ctx, "upload")),
  });

  app.route("/api/webftp/downloads/", {
    GET: (ctx) => listTransfers(ctx, "download"),
    POST: (ctx) => {
      const body = new BodyReader(ctx.body);
      checkGates(ctx, "webftp", body);
      const server = body.ref("server", (id) => ctx.ws.serverById.get(id), { required: true });
      const path = body.string("path", { required: true });
      const name = body.string("name", { allowBlank: true, nullable: true });
      const resourceType = body.choice("resource_type", ["file", "folder"] as const) ?? "file";
      const requested = readRunAs(body);
      const workSessionId = body.uuid("work_session", { nullable: true });
      body.done();
      if (!server || typeof path !== "string") throw nonFieldError("Invalid data.");
      const workSession = useWorkSession(ctx, "webftp", workSessionId, server);
      checkTokenAcl(ctx, server, { ...requested, file: { path, action: "download" } });
      const runAs = resolveRunAs(ctx, server, requested);
      const base = path.replace(/\/+$/, "").split("/").pop() || "download";
      const fileName = name || (resourceType === "folder" ? `${base}.zip` : base);
      const t = baseTransfer(ctx, "download", { server, name: fileName, path, ...runAs });
      t.resourceType = resourceType;
      return startDownload(ctx, t, workSession);
    },
  });
  app.route("/api/webftp/downloads/bulk/", {
    POST: (ctx) => {
      const body = new BodyReader(ctx.body);
      checkGates(ctx, "webftp", body);
      const server = body.ref("server", (id) => ctx.ws.serverById.get(id), { required: true });
      const paths = body.stringList("path", { required: true });
      // DRF ListField(child=CharField(), allow_empty=False) wording.
      if (paths?.length === 0) body.fail("path", "This list may not be empty.");
      else if (paths?.some((p) => p.trim() === ""))
        body.fail("path", "This field may not be blank.");
      const requested = readRunAs(body);
      const workSessionId = body.uuid("work_session", { nullable: true });
      body.done();
      if (!server || !paths?.length) throw nonFieldError("Invalid data.");
      const workSession = useWorkSession(ctx, "webftp", workSessionId, server);
      for (const path of paths) {
        checkTokenAcl(ctx, server, { ...requested, file: { path, action: "download" } });
      }
      const runAs = resolveRunAs(ctx, server, requested);
      // The CLI's comment names what the server calls the archive (`download.zip`).
      const t = baseTransfer(ctx, "download", {
        server,
        name: "download.zip",
        path: paths[0] as string,
        ...runAs,
      });
      t.paths = paths;
      return startDownload(ctx, t, workSession);
    },
  });
  app.route("/api/webftp/downloads/:id/status/", {
    GET: (ctx) => statusReply(ctx, findTransfer(ctx, "download")),
  });
}

/** Records a download, and has the agent store the file (or zip) at once, as the API does. */
function startDownload(
  ctx: RequestContext,
  t: Transfer,
  workSession: ReturnType<typeof useWorkSession>,
) {
  const ws = ctx.ws;
  const command = transferCommand(ws, t, ctx.principal.user.id);
  t.commandId = command.id;
  ws.transfers.add(t);
  recordWork(ctx, workSession, "file_download", t.id, t.serverId);
  ws.commands.create(command, async () => {
    ws.transfers.begin(t);
    const outcome = await ws.transfers.hooks.prepareDownload(t);
    ws.transfers.complete(t, outcome);
    return { exitCode: outcome.success ? 0 : 1, output: outcome.message };
  });
  return { status: 201, body: transferJson(ws, ctx.core.origin, t) };
}

/** Upload or download history: staff see everyone's, others their own (as the OSS views). */
function listTransfers(ctx: RequestContext, kind: TransferKind) {
  const all = ctx.ws.transfers.all(kind).filter((t) => ownOrStaff(ctx, t));
  const items = queryList(all, ctx.query, TRANSFER_LIST);
  return {
    status: 200,
    body: paginate(items, ctx.query, (t) => transferJson(ctx.ws, ctx.core.origin, t, true)),
  };
}
