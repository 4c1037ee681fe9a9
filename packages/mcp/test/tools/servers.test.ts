import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, test } from "vitest";
import { expectInvalidInput, expectToolError } from "../helpers/expect-tool.js";
import { useHarness } from "../helpers/file-harness.js";
import { call, connectedServer, MISSING_ID } from "../helpers/harness.js";

const h = useHarness();

describe("servers_list", () => {
  test("lists the servers of the only matching workspace, paged", async () => {
    const result = await h.call("servers_list", { workspace: "acme", pageSize: 2 });
    expect(result.isError).toBe(false);
    expect(result.structured).toMatchObject({ count: 6, page: 1, lastPage: 3, nextPage: 2 });
    expect(result.structured!.servers).toHaveLength(2);
    expect(result.text).toContain("call again with page: 2");
  });

  test("asks for the workspace when several are configured, listing them", async () => {
    const result = await h.call("servers_list", {});
    expect(result.isError).toBe(true);
    expect(result.structured).toBeUndefined();
    expect(result.text).toContain("Pass workspace: one of acme, globex");
  });

  test("refuses a page size over 100 before calling the API", async () => {
    const result = await h.call("servers_list", { workspace: "acme", pageSize: 500 });
    expectInvalidInput(result);
  });
});

describe("server_get", () => {
  test("returns every field of one server", async () => {
    const { client } = await h.connect();
    const id = connectedServer(h.sandbox);
    const result = await call(client, "server_get", { workspace: "acme", server: id });
    expect(result.isError).toBe(false);
    expect(result.structured!.server).toMatchObject({ id, is_connected: true });
  });

  test("its text alone carries the health reason, load and size", async () => {
    const hot = h.sandbox.control
      .workspace("ap1", "acme")
      .servers()
      .find((item) => (item.status as { code: string }).code === "warn") as {
      id: string;
      name: string;
      load: number;
      status: { messages: string[] };
    };
    const result = await h.call("server_get", { workspace: "acme", server: hot.name });
    expect(result.text).toContain(`health Warning (${hot.status.messages.join(" ")})`);
    expect(result.text).toContain(`load ${hot.load}`);
    expect(result.text).toMatch(/\d+ CPU threads, [\d.]+ GiB memory/);
    const listed = await h.call("servers_list", { workspace: "acme", pageSize: 100 });
    expect(listed.text).toContain(`Warning (${hot.status.messages.join(" ")})`);
  });

  test("a missing server is a 404 with a next step", async () => {
    const result = await h.call("server_get", { workspace: "acme", server: MISSING_ID });
    expectToolError(result, "server_get failed (workspace acme, region ap1");
    expect(result.text).toContain("404");
    expect(result.text).toContain("servers_list");
  });
});

describe("server_notes_list", () => {
  test("lists notes", async () => {
    const result = await h.call("server_notes_list", { workspace: "acme" });
    expect(result.isError).toBe(false);
    expect(Array.isArray(result.structured!.notes)).toBe(true);
  });

  test("takes a server's name as well as its id", async () => {
    const name = h.sandbox.control.workspace("ap1", "acme").server(h.server).name as string;
    const result = await h.call("server_notes_list", { workspace: "acme", server: name });
    expect(result.isError).toBe(false);
  });
});

describe("server_note_create", () => {
  test("adds a note", async () => {
    const { client } = await h.connect();
    const id = connectedServer(h.sandbox);
    const result = await call(client, "server_note_create", {
      workspace: "acme",
      server: id,
      content: "Rotated the logs.",
    });
    expect(result.isError).toBe(false);
    expect(result.structured!.note).toMatchObject({ content: "Rotated the logs.", pinned: false });
  });

  test("a read-only token is refused with an ACL hint", async () => {
    const { client } = await h.connect({ token: "readOnly" });
    const result = await call(client, "server_note_create", {
      workspace: "acme",
      server: connectedServer(h.sandbox),
      content: "x",
    });
    expectToolError(result, "What to do:");
    expect(result.text).toMatch(/ACL|permission/);
  });
});

describe("get_server_note, update_server_note, delete_server_note", () => {
  async function addNote(content: string): Promise<string> {
    const { client } = await h.connect();
    const result = await call(client, "server_note_create", {
      workspace: "acme",
      server: connectedServer(h.sandbox),
      content,
    });
    return (result.structured!.note as { id: string }).id;
  }

  test("reads, changes and deletes a note", async () => {
    const id = await addNote("Disk replaced.");
    const { client } = await h.connect();
    const read = await call(client, "get_server_note", { workspace: "acme", note: id });
    expect(read.structured!.note).toMatchObject({ id, content: "Disk replaced." });
    expect(read.text).toContain("Disk replaced.");
    const updated = await call(client, "update_server_note", {
      workspace: "acme",
      note: id,
      content: "Disk replaced; RAID rebuilt.",
      pinned: true,
    });
    expect(updated.structured!.note).toMatchObject({
      content: "Disk replaced; RAID rebuilt.",
      pinned: true,
    });
    const deleted = await call(client, "delete_server_note", { workspace: "acme", note: id });
    expect(deleted.structured).toEqual({ note: id, deleted: true });
    const gone = await call(client, "get_server_note", { workspace: "acme", note: id });
    expectToolError(gone, "server_notes_list");
  });

  test("asks before deleting, naming the note and its server", async () => {
    const id = await addNote("Keep this one.");
    const questions: string[] = [];
    const { client } = await h.connect({ confirm: "elicit" }, { elicitation: { form: {} } });
    client.setRequestHandler(ElicitRequestSchema, async (request) => {
      questions.push(request.params.message);
      return { action: "decline" };
    });
    const result = await call(client, "delete_server_note", { workspace: "acme", note: id });
    expect(result.isError).toBe(true);
    expect(questions[0]).toMatch(/^Delete note `Keep this one.` on server \S+ for good\?/);
    const still = await call(client, "get_server_note", { workspace: "acme", note: id });
    expect(still.isError).toBe(false);
  });

  test("unknown notes are errors that point to server_notes_list", async () => {
    for (const name of ["update_server_note", "delete_server_note"]) {
      const result = await h.call(name, { workspace: "acme", note: MISSING_ID, content: "x" });
      expectToolError(result, "server_notes_list");
    }
  });
});
