import type { App, RequestContext } from "../http/app.js";
import { nonFieldError, notFound, permissionDenied } from "../http/errors.js";
import { type ListSpec, queryList } from "../http/list.js";
import { paginate } from "../http/pagination.js";
import { BodyReader } from "../http/validate.js";
import type { Note } from "../state/model.js";
import { idParam } from "./common.js";
import { noteJson } from "./serialize/notes.js";

const MAX_PINNED = 3;

function noteSpec(ctx: RequestContext): ListSpec<Note> {
  const ws = ctx.ws;
  return {
    filters: {
      server: { kind: "uuid", get: (n) => n.server },
      pinned: { kind: "bool", get: (n) => n.pinned },
      private: { kind: "bool", get: (n) => n.private },
      author: { kind: "uuid", get: (n) => n.author },
    },
    search: (n) => {
      const author = ws.userById.get(n.author);
      const server = ws.serverById.get(n.server);
      return `${n.content} ${server?.name ?? ""} ${author?.first_name ?? ""} ${author?.last_name ?? ""}`.toLowerCase();
    },
    ordering: {
      pinned: (n) => n.pinned,
      private: (n) => n.private,
      added_at: (n) => n.added_at,
      updated_at: (n) => n.updated_at,
    },
    defaultOrdering: ["-pinned", "-updated_at"],
  };
}

/** Private notes exist only for their author (`oss:servers/api/views.py` NoteViewSet). */
function visible(ctx: RequestContext, note: Note): boolean {
  return !note.private || note.author === ctx.principal.user.id;
}

function findNote(ctx: RequestContext): Note {
  const note = ctx.ws.noteById.get(idParam(ctx));
  if (!note || !visible(ctx, note)) throw notFound();
  return note;
}

/** Only the author, or staff for a shared note, may change it. */
function mayEdit(ctx: RequestContext, note: Note): boolean {
  return note.author === ctx.principal.user.id || (!note.private && ctx.principal.user.is_staff);
}

function pinnedCount(ctx: RequestContext, serverId: string, except?: string): number {
  return ctx.ws.notes.all().filter((n) => n.server === serverId && n.pinned && n.id !== except)
    .length;
}

const PINNED_LIMIT = "There can be at most 3 pinned notes. Please remove another one first.";

export function registerNotes(app: App): void {
  app.route("/api/servers/notes/", {
    GET: (ctx) => {
      const all = ctx.ws.notes.all().filter((n) => visible(ctx, n));
      const items = queryList(all, ctx.query, noteSpec(ctx));
      return { status: 200, body: paginate(items, ctx.query, (n) => noteJson(ctx.ws, n)) };
    },
    POST: (ctx) => {
      const body = new BodyReader(ctx.body);
      const server = body.ref("server", (id) => ctx.ws.serverById.get(id), { required: true });
      const content = body.string("content", { required: true, max: 512 });
      const isPrivate = body.bool("private") ?? false;
      const pinned = body.bool("pinned") ?? false;
      body.done();
      if (!server || content == null) throw nonFieldError("Invalid data.");
      if (pinned && pinnedCount(ctx, server.id) >= MAX_PINNED) throw nonFieldError(PINNED_LIMIT);
      const now = ctx.ws.now();
      const note: Note = {
        id: ctx.ws.newId(),
        server: server.id,
        author: ctx.principal.user.id,
        content,
        private: isPrivate,
        pinned,
        added_at: now,
        updated_at: now,
      };
      ctx.ws.notes.add(note);
      ctx.ws.noteById.set(note.id, note);
      return { status: 201, body: noteJson(ctx.ws, note) };
    },
  });
  app.route("/api/servers/notes/:id/", {
    GET: (ctx) => ({ status: 200, body: noteJson(ctx.ws, findNote(ctx)) }),
    PATCH: (ctx) => {
      const note = findNote(ctx);
      if (!mayEdit(ctx, note)) throw permissionDenied();
      const body = new BodyReader(ctx.body);
      const content = body.string("content", { max: 512 });
      const isPrivate = body.bool("private");
      const pinned = body.bool("pinned");
      body.done();
      if (pinned === true && !note.pinned && pinnedCount(ctx, note.server, note.id) >= MAX_PINNED) {
        throw nonFieldError(PINNED_LIMIT);
      }
      if (typeof content === "string") note.content = content;
      if (typeof isPrivate === "boolean") note.private = isPrivate;
      if (typeof pinned === "boolean") note.pinned = pinned;
      note.updated_at = ctx.ws.now();
      ctx.ws.notes.touch();
      return { status: 200, body: noteJson(ctx.ws, note) };
    },
    DELETE: (ctx) => {
      const note = findNote(ctx);
      if (!mayEdit(ctx, note)) throw permissionDenied();
      ctx.ws.notes.remove((n) => n.id === note.id);
      ctx.ws.noteById.delete(note.id);
      return { status: 204 };
    },
  });
}
