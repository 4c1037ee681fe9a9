import type { App, RequestContext } from "../http/app.js";
import { fieldErrors, nonFieldError, notFound } from "../http/errors.js";
import { type ListSpec, queryList } from "../http/list.js";
import { paginate } from "../http/pagination.js";
import { BodyReader } from "../http/validate.js";
import { iso } from "../state/model.js";
import type { WorkspaceState } from "../state/workspace.js";
import type {
  ApplicationRecord,
  ApplicationSystemUserRecord,
} from "../state/workspace-settings.js";
import { idParam, requireStaff } from "./common.js";
import { serverRef } from "./serialize/refs.js";

const SERVICE_TYPES = ["ci_cd", "monitoring", "automation", "integration"] as const;

const APP_LIST: ListSpec<ApplicationRecord> = {
  filters: {},
  search: (a) => `${a.id} ${a.name} ${a.description}`.toLowerCase(),
  ordering: { name: (a) => a.name, added_at: (a) => a.addedAt },
  defaultOrdering: ["name"],
};

function systemUserJson(ws: WorkspaceState, u: ApplicationSystemUserRecord) {
  return { id: u.id, username: u.username, uid: u.uid, server: serverRef(ws, u.serverId) };
}

function applicationJson(ws: WorkspaceState, a: ApplicationRecord): Record<string, unknown> {
  return {
    id: a.id,
    name: a.name,
    description: a.description,
    service_type: a.serviceType,
    system_users: a.systemUsers.map((u) => systemUserJson(ws, u)),
    added_at: iso(a.addedAt),
    updated_at: iso(a.updatedAt),
  };
}

function findApplication(ctx: RequestContext): ApplicationRecord {
  const id = idParam(ctx);
  const found = ctx.ws.applications.all().find((a) => a.id === id);
  if (!found) throw notFound();
  return found;
}

function checkName(ws: WorkspaceState, body: BodyReader, name: unknown, self?: string): void {
  if (typeof name !== "string") return;
  if (ws.applications.all().some((a) => a.name === name && a.id !== self)) {
    body.fail("name", "application with this name already exists.");
  }
}

/** The system users (`/api/proc/users/` ids, one OS account on one server) the ids name. */
function findSystemUsers(
  ws: WorkspaceState,
  ids: readonly string[],
): ApplicationSystemUserRecord[] {
  const wanted = new Set(ids);
  const found = new Map<string, ApplicationSystemUserRecord>();
  for (const server of ws.servers.all()) {
    for (const u of ws.serverDetails(server).users) {
      if (wanted.has(u.id))
        found.set(u.id, { id: u.id, username: u.username, uid: u.uid, serverId: server.id });
    }
    if (found.size === wanted.size) break;
  }
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length > 0) {
    throw fieldErrors({
      system_user_ids: missing.map((id) => `Invalid pk "${id}" - object does not exist.`),
    });
  }
  return ids.map((id) => found.get(id) as ApplicationSystemUserRecord);
}

function readIds(ctx: RequestContext): string[] {
  const body = new BodyReader(ctx.body);
  const ids = body.uuidList("system_user_ids", { required: true });
  if (ids && ids.length === 0) body.fail("system_user_ids", "This list may not be empty.");
  body.done();
  if (!ids) throw nonFieldError("Invalid data.");
  return [...new Set(ids)];
}

export function registerIamApplications(app: App): void {
  app.route("/api/iam/applications/", {
    GET: (ctx) => {
      const items = queryList(ctx.ws.applications, ctx.query, APP_LIST);
      return { status: 200, body: paginate(items, ctx.query, (a) => applicationJson(ctx.ws, a)) };
    },
    POST: (ctx) => {
      requireStaff(ctx);
      const ws = ctx.ws;
      const body = new BodyReader(ctx.body);
      const name = body.string("name", { required: true, max: 150 });
      const description = body.string("description", { allowBlank: true }) ?? "";
      const serviceType = body.choice("service_type", SERVICE_TYPES) ?? "integration";
      checkName(ws, body, name);
      body.done();
      if (typeof name !== "string") throw nonFieldError("Invalid data.");
      const now = ws.now();
      const record: ApplicationRecord = {
        id: ws.newId(),
        name,
        description,
        serviceType,
        systemUsers: [],
        addedAt: now,
        updatedAt: now,
      };
      ws.applications.add(record);
      return { status: 201, body: applicationJson(ws, record) };
    },
  });
  app.route("/api/iam/applications/:id/", {
    GET: (ctx) => ({ status: 200, body: applicationJson(ctx.ws, findApplication(ctx)) }),
    PATCH: (ctx) => {
      requireStaff(ctx);
      const record = findApplication(ctx);
      const body = new BodyReader(ctx.body);
      const name = body.string("name", { max: 150 });
      const description = body.string("description", { allowBlank: true });
      checkName(ctx.ws, body, name, record.id);
      body.done();
      if (typeof name === "string") record.name = name;
      if (typeof description === "string") record.description = description;
      record.updatedAt = ctx.ws.now();
      ctx.ws.applications.touch();
      return { status: 200, body: applicationJson(ctx.ws, record) };
    },
    DELETE: (ctx) => {
      requireStaff(ctx);
      const record = findApplication(ctx);
      ctx.ws.applications.remove((a) => a.id === record.id);
      return { status: 204 };
    },
  });
  app.route("/api/iam/applications/:id/system-users/", {
    POST: (ctx) => {
      requireStaff(ctx);
      const record = findApplication(ctx);
      const users = findSystemUsers(ctx.ws, readIds(ctx));
      const bound = new Set(record.systemUsers.map((u) => u.id));
      for (const u of users) if (!bound.has(u.id)) record.systemUsers.push(u);
      record.updatedAt = ctx.ws.now();
      return { status: 200, body: users.map((u) => systemUserJson(ctx.ws, u)) };
    },
  });
  app.route("/api/iam/applications/:id/system-users/unassign/", {
    POST: (ctx) => {
      requireStaff(ctx);
      const record = findApplication(ctx);
      const ids = new Set(readIds(ctx));
      const released = record.systemUsers.filter((u) => ids.has(u.id)).map((u) => u.id);
      record.systemUsers = record.systemUsers.filter((u) => !ids.has(u.id));
      if (released.length > 0) record.updatedAt = ctx.ws.now();
      return { status: 200, body: { unassigned: released.length, system_user_ids: released } };
    },
  });
}
