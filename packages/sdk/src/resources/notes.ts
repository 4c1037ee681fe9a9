import { type IterateOptions, iteratePages, type Page } from "../core/pagination.js";
import { data, Resource } from "../core/resource.js";
import type { RequestOptions } from "../core/transport.js";
import type { QueryOf, Schemas } from "../core/types.js";

export type Note = Schemas["Note"];
export type ListNotesQuery = QueryOf<"listServerNotes">;
export type CreateNoteBody = Schemas["NoteCreateRequest"];
export type UpdateNoteBody = Schemas["NoteUpdateRequest"];

export class Notes extends Resource {
  /** One page of server notes: `listServerNotes`. */
  list(query: ListNotesQuery = {}, options?: RequestOptions): Promise<Page<Note>> {
    return data(
      this.http.GET("/api/servers/notes/", { params: { query }, ...this.request(options) }),
    );
  }

  iterate(
    query: ListNotesQuery = {},
    options: IterateOptions & RequestOptions = {},
  ): AsyncGenerator<Note> {
    return iteratePages((page) => this.list(page, options), query, options);
  }

  /** `createServerNote`. */
  create(body: CreateNoteBody, options?: RequestOptions): Promise<Note> {
    return data(this.http.POST("/api/servers/notes/", { body, ...this.request(options) }));
  }

  /** `getServerNote`. */
  get(id: string, options?: RequestOptions): Promise<Note> {
    return data(
      this.http.GET("/api/servers/notes/{id}/", {
        params: { path: { id } },
        ...this.request(options),
      }),
    );
  }

  /** `updateServerNote` (PATCH: only the given fields change). */
  update(id: string, body: UpdateNoteBody, options?: RequestOptions): Promise<Note> {
    return data(
      this.http.PATCH("/api/servers/notes/{id}/", {
        params: { path: { id } },
        body,
        ...this.request(options),
      }),
    );
  }

  /** `deleteServerNote`. */
  async delete(id: string, options?: RequestOptions): Promise<void> {
    await this.http.DELETE("/api/servers/notes/{id}/", {
      params: { path: { id } },
      ...this.request(options),
    });
  }
}
