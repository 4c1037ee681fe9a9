import { createAlpaconClient } from "@alpacon/sdk";
import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, test } from "vitest";
import { expectInvalidInput, expectToolError } from "../helpers/expect-tool.js";
import { useHarness } from "../helpers/file-harness.js";
import { type ConnectOptions, call, MISSING_ID } from "../helpers/harness.js";

const h = useHarness();
const LOGIN: ConnectOptions = { token: "jwt", toolsets: ["security"] };

/** The login's SDK client, to set up tokens and entries. */
function login() {
  const ws = h.sandbox.workspaces[0]!;
  return createAlpaconClient({ baseUrl: ws.baseUrl, token: ws.tokens.jwt, maxRetries: 0 });
}

let made = 0;
async function newToken(): Promise<{ id: string; name: string }> {
  const token = await login().apiTokens.create({ name: `acl-${++made}` });
  return { id: token.id, name: token.name };
}

/** A login client whose user accepts every question; it keeps the questions. */
async function asking() {
  const questions: string[] = [];
  const { client } = await h.connect(
    { ...LOGIN, confirm: "elicit" },
    { elicitation: { form: {} } },
  );
  client.setRequestHandler(ElicitRequestSchema, async (request) => {
    questions.push(request.params.message);
    return { action: "accept", content: {} };
  });
  return { client, questions };
}

const serverName = () => {
  const server = h.sandbox.control.workspace("ap1", "acme").server(h.server) as { name: string };
  return server.name;
};

describe("command ACLs", () => {
  test("create, list, update and delete, asking with the token's name", async () => {
    const token = await newToken();
    const { client, questions } = await asking();
    const created = await call(client, "create_command_acl", {
      workspace: "acme",
      token: token.id,
      command: "docker *",
    });
    expect(created.isError).toBe(false);
    expect(questions[0]).toMatch(
      new RegExp(
        `^Let API token \`${token.name}\` run commands matching \`docker \\*\` as the token's user\\?`,
      ),
    );
    const id = (created.structured!.acl as { id: string }).id;
    const listed = await call(client, "list_command_acls", { workspace: "acme", token: token.id });
    expect((listed.structured!.acls as Array<{ id: string }>).map((e) => e.id)).toEqual([id]);
    const updated = await call(client, "update_command_acl", {
      workspace: "acme",
      acl: id,
      username: "*",
    });
    expect(updated.structured!.acl).toMatchObject({ username: "*" });
    expect(questions.at(-1)).toContain('Change username to `"*"`');
    const deleted = await call(client, "delete_command_acl", { workspace: "acme", acl: id });
    expect(deleted.isError).toBe(false);
  });

  test("errors: both bindings, an unknown entry, nothing to change, a bad filter", async () => {
    const { client } = await asking();
    const both = await call(client, "create_command_acl", {
      workspace: "acme",
      token: MISSING_ID,
      serviceToken: MISSING_ID,
      command: "ls",
    });
    expectToolError(both, "exactly one of token and serviceToken");
    const missing = await call(client, "delete_command_acl", {
      workspace: "acme",
      acl: MISSING_ID,
    });
    expectToolError(missing, "list_command_acls");
    const nothing = await call(client, "update_command_acl", {
      workspace: "acme",
      acl: MISSING_ID,
    });
    expectToolError(nothing, "no field to change");
    expectInvalidInput(await call(client, "list_command_acls", { workspace: "acme", token: "x" }));
  });
});

describe("server ACLs", () => {
  test("create by server name, move, list, delete", async () => {
    const token = await newToken();
    const { client, questions } = await asking();
    const created = await call(client, "create_server_acl", {
      workspace: "acme",
      token: token.id,
      server: serverName(),
    });
    expect(created.structured!.acl).toMatchObject({ server: { id: h.server } });
    expect(questions[0]).toContain(`reach server ${serverName()}`);
    const id = (created.structured!.acl as { id: string }).id;
    const other = (h.sandbox.control.workspace("ap1", "acme").servers() as Array<{ id: string }>)
      .map((s) => s.id)
      .find((s) => s !== h.server)!;
    const moved = await call(client, "update_server_acl", {
      workspace: "acme",
      acl: id,
      server: other,
    });
    expect(moved.structured!.acl).toMatchObject({ server: { id: other } });
    const listed = await call(client, "list_server_acls", { workspace: "acme", token: token.id });
    expect(listed.structured!.count).toBe(1);
    expect((await call(client, "delete_server_acl", { workspace: "acme", acl: id })).isError).toBe(
      false,
    );
  });

  test("errors: a second entry for the same server, nothing to change, an unknown entry", async () => {
    const token = await newToken();
    const { client } = await asking();
    const args = { workspace: "acme", token: token.id, server: h.server };
    await call(client, "create_server_acl", args);
    expectToolError(await call(client, "create_server_acl", args), "already exists");
    expectToolError(
      await call(client, "update_server_acl", { workspace: "acme", acl: MISSING_ID }),
      "no field to change",
    );
    expectToolError(
      await call(client, "delete_server_acl", { workspace: "acme", acl: MISSING_ID }),
      "list_server_acls",
    );
    expectToolError(
      await call(client, "list_server_acls", { workspace: "nope" }),
      "Pass workspace: one of acme, globex",
    );
  });

  test("bulk_server_acl adds and removes, naming every server", async () => {
    const token = await newToken();
    const { client, questions } = await asking();
    const servers = (h.sandbox.control.workspace("ap1", "acme").servers() as Array<{ id: string }>)
      .slice(0, 3)
      .map((s) => s.id);
    const added = await call(client, "bulk_server_acl", {
      workspace: "acme",
      token: token.id,
      servers,
      action: "add",
    });
    expect(added.text).toBe("Added 3 server ACL entries.");
    expect(questions[0]).toContain("reach 3 server(s)");
    const removed = await call(client, "bulk_server_acl", {
      workspace: "acme",
      token: token.id,
      servers,
      action: "remove",
    });
    expect(removed.structured!.removed).toBe(3);
  });

  test("bulk_server_acl refuses more than 100 servers before any call", async () => {
    const result = await h.call(
      "bulk_server_acl",
      {
        workspace: "acme",
        token: MISSING_ID,
        servers: Array.from({ length: 101 }, () => MISSING_ID),
        action: "add",
      },
      LOGIN,
    );
    expectInvalidInput(result);
  });
});

describe("file ACLs", () => {
  test("create, list, update and delete", async () => {
    const token = await newToken();
    const { client, questions } = await asking();
    const created = await call(client, "create_file_acl", {
      workspace: "acme",
      token: token.id,
      path: "/var/log/*",
      action: "download",
    });
    expect(created.isError).toBe(false);
    expect(questions[0]).toContain("download from paths matching `/var/log/*`");
    const id = (created.structured!.acl as { id: string }).id;
    const listed = await call(client, "list_file_acls", { workspace: "acme", token: token.id });
    expect(listed.structured!.count).toBe(1);
    const updated = await call(client, "update_file_acl", {
      workspace: "acme",
      acl: id,
      action: "*",
    });
    expect(updated.structured!.acl).toMatchObject({ action: "*" });
    expect((await call(client, "delete_file_acl", { workspace: "acme", acl: id })).isError).toBe(
      false,
    );
  });

  test("errors: an unknown action, an unknown entry, a token that is not the caller's", async () => {
    const { client } = await asking();
    expectInvalidInput(
      await call(client, "create_file_acl", {
        workspace: "acme",
        token: MISSING_ID,
        path: "/tmp",
        action: "read",
      }),
    );
    expectToolError(
      await call(client, "update_file_acl", { workspace: "acme", acl: MISSING_ID, action: "*" }),
      "list_file_acls",
    );
    expectToolError(
      await call(client, "delete_file_acl", { workspace: "acme", acl: MISSING_ID }),
      "list_file_acls",
    );
    const foreign = await call(client, "create_file_acl", {
      workspace: "acme",
      token: MISSING_ID,
      path: "/tmp/*",
      action: "*",
    });
    expectToolError(foreign, "404");
    expectToolError(
      await call(client, "list_file_acls", { workspace: "nope" }),
      "Pass workspace: one of acme, globex",
    );
  });
});
