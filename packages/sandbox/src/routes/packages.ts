import type { App, RequestContext } from "../http/app.js";
import type { UploadedFile } from "../http/body.js";
import { fieldErrors, nonFieldError, notFound } from "../http/errors.js";
import { type ListSpec, queryList } from "../http/list.js";
import { paginate } from "../http/pagination.js";
import { BodyReader } from "../http/validate.js";
import { describeFile, type PackageEntryRecord, type PackageKind } from "../state/packages.js";
import { idParam, requireConnected, requireStaff } from "./common.js";
import { packageEntryJson } from "./serialize/packages.js";

const ENTRY_LIST: ListSpec<PackageEntryRecord> = {
  filters: {
    name: { kind: "exact", get: (e) => e.name },
    server: { kind: "uuid", get: (e) => e.serverId },
  },
  ordering: { name: (e) => e.name, added_at: (e) => e.addedAt },
  defaultOrdering: ["-added_at"],
};

/**
 * Names a package manager accepts: Debian policy's (lower case, digits, `+-.`; RPM names also
 * take upper case and `_`) and PEP 508's. Anything else (spaces, `;`, flags) is refused before it
 * could reach a command line on the server.
 */
const NAME_RE: Record<PackageKind, RegExp> = {
  system: /^[A-Za-z0-9][A-Za-z0-9+._-]{0,127}$/,
  python: /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,126}[A-Za-z0-9])?$/,
};
const VERSION_RE = /^[A-Za-z0-9][A-Za-z0-9+.:~_-]{0,63}$/;

function entries(ctx: RequestContext, kind: PackageKind): PackageEntryRecord[] {
  return ctx.ws.packages.entries.all().filter((e) => e.kind === kind);
}

function findEntry(ctx: RequestContext, kind: PackageKind): PackageEntryRecord {
  const entry = ctx.ws.packages.byId.get(idParam(ctx));
  if (!entry || entry.kind !== kind) throw notFound();
  return entry;
}

function isFile(value: unknown): value is UploadedFile {
  return typeof value === "object" && value !== null && (value as UploadedFile).kind === "file";
}

/** The CLI's upload: the file in `content`; its file name becomes the entry's name. */
function upload(ctx: RequestContext, kind: PackageKind, body: Record<string, unknown>) {
  const file = body.content;
  if (!isFile(file) || file.filename === "") {
    throw fieldErrors({
      content: [
        file === undefined
          ? "No file was submitted."
          : "The submitted data was not a file. Check the encoding type on the form.",
      ],
    });
  }
  if (file.size === 0) throw fieldErrors({ content: ["The submitted file is empty."] });
  const name = file.filename.split(/[\\/]/).pop() as string;
  if (entries(ctx, kind).some((e) => e.serverId === null && e.name === name)) {
    throw fieldErrors({ name: ["A package with this file name already exists."] });
  }
  return { name, ...describeFile(kind, name), filesize: file.size, serverId: null };
}

/**
 * The MCP's "install on a server": the server must be connected; a system package then shows in
 * its inventory (`/api/proc/packages/`) at the given version, or at the one it has, until the
 * entry is deleted.
 */
function install(ctx: RequestContext, kind: PackageKind, body: BodyReader) {
  const server = body.ref("server", (id) => ctx.ws.serverById.get(id), { required: true });
  const name = body.string("name", { required: true, max: 128 });
  const version = body.string("version", { max: 64 });
  if (typeof name === "string" && !NAME_RE[kind].test(name)) {
    body.fail("name", "Enter a valid package name.");
  }
  if (typeof version === "string" && !VERSION_RE.test(version)) {
    body.fail("version", "Enter a valid version.");
  }
  body.done();
  if (!server || typeof name !== "string") throw nonFieldError("Invalid data.");
  requireConnected(server);
  if (entries(ctx, kind).some((e) => e.serverId === server.id && e.name === name)) {
    throw nonFieldError("The fields server, name must make a unique set.");
  }
  const inventory = ctx.ws.serverDetails(server).packages;
  const present = inventory.find((p) => p.name === name);
  const arch = present?.arch ?? inventory[0]?.arch ?? "";
  return {
    name,
    version: version ?? present?.version ?? "latest",
    platform: kind === "python" ? "any" : server.os.id,
    arch: kind === "python" ? "" : arch,
    target: kind === "python" ? "py3" : "",
    abi: kind === "python" ? "none" : "",
    filesize: 0,
    serverId: server.id,
  };
}

function routes(app: App, kind: PackageKind): void {
  const base = `/api/packages/${kind}/entries/`;
  app.route(base, {
    multipart: true,
    GET: (ctx) => {
      const items = queryList(entries(ctx, kind), ctx.query, ENTRY_LIST);
      return { status: 200, body: paginate(items, ctx.query, (e) => packageEntryJson(ctx.ws, e)) };
    },
    POST: (ctx) => {
      requireStaff(ctx);
      const raw = ctx.body as Record<string, unknown>;
      const fields =
        raw !== null && typeof raw === "object" && "content" in raw
          ? upload(ctx, kind, raw)
          : install(ctx, kind, new BodyReader(raw));
      const entry: PackageEntryRecord = {
        id: ctx.ws.newId(),
        kind,
        ownerId: ctx.principal.user.id,
        addedAt: ctx.ws.now(),
        ...fields,
      };
      ctx.ws.packages.add(entry);
      if (kind === "system" && entry.serverId !== null) {
        ctx.ws.packages.change(entry.serverId, {
          id: entry.id,
          name: entry.name,
          version: entry.version,
          arch: entry.arch,
        });
      }
      return { status: 201, body: packageEntryJson(ctx.ws, entry) };
    },
  });
  app.route(`${base}:id/`, {
    GET: (ctx) => ({ status: 200, body: packageEntryJson(ctx.ws, findEntry(ctx, kind)) }),
    DELETE: (ctx) => {
      const entry = findEntry(ctx, kind);
      requireStaff(ctx);
      // Removing an install removes the package from its server, which must be there to do it;
      // a server that left the workspace has nothing left to remove.
      const server = entry.serverId === null ? undefined : ctx.ws.serverById.get(entry.serverId);
      if (server) requireConnected(server);
      ctx.ws.packages.remove(entry);
      if (kind === "system" && server) {
        ctx.ws.packages.change(server.id, {
          id: entry.id,
          name: entry.name,
          version: null,
          arch: entry.arch,
        });
      }
      return { status: 204 };
    },
  });
}

export function registerPackages(app: App): void {
  routes(app, "system");
  routes(app, "python");
}
