import { describe, expect, test } from "vitest";
import { confirmingClient } from "../helpers/confirming-client.js";
import { expectInvalidInput, expectToolError } from "../helpers/expect-tool.js";
import { useHarness } from "../helpers/file-harness.js";
import { call, connectedServer, MISSING_ID, sdkClient } from "../helpers/harness.js";

const h = useHarness();
const acme = { workspace: "acme" };

async function newGroup(name: string, servers: string[] = []) {
  return sdkClient(h.sandbox).iam.groups.create({ name, servers });
}

async function systemUserIds(count: number): Promise<{ id: string; username: string }[]> {
  const sdk = sdkClient(h.sandbox);
  const users = await sdk.system.users({ server: connectedServer(h.sandbox) });
  return users.results.slice(0, count).map((u) => ({ id: u.id, username: u.username }));
}

describe("update_iam_group", () => {
  test("asks who gains and loses which servers, then changes them", async () => {
    const server = connectedServer(h.sandbox);
    const group = await newGroup("movers");
    const { client, questions } = await confirmingClient(h);
    const result = await call(client, "update_iam_group", {
      ...acme,
      group: "movers",
      description: "Moves things",
      servers: [server],
    });
    expect(result.isError).toBe(false);
    expect(questions[0]).toMatch(
      /Change group movers .*description to `Moves things`; servers: its 1 member\(s\) \(.+\) gain access to /,
    );
    const after = await sdkClient(h.sandbox).iam.groups.get(group.id);
    expect(after.servers.map((s) => s.id)).toEqual([server]);
  });

  test("nothing to change is an error; an unknown group points to iam_groups_list", async () => {
    await newGroup("still");
    expectToolError(await h.call("update_iam_group", { ...acme, group: "still" }), "no field");
    expectToolError(
      await h.call("update_iam_group", { ...acme, group: MISSING_ID, tags: "x" }),
      "iam_groups_list",
    );
  });
});

describe("delete_iam_group", () => {
  test("names the memberships that go, then deletes the group and them", async () => {
    const group = await newGroup("doomed");
    const { client, questions } = await confirmingClient(h);
    const result = await call(client, "delete_iam_group", { ...acme, group: "doomed" });
    expect(result.isError).toBe(false);
    expect(questions[0]).toMatch(/Delete group doomed .*permanently\? Its 1 membership\(s\)/);
    const left = await sdkClient(h.sandbox).iam.memberships.list({ group: group.id });
    expect(left.results).toEqual([]);
  });

  test("the default group cannot be deleted", async () => {
    expectToolError(
      await h.call("delete_iam_group", { ...acme, group: "alpacon" }),
      "cannot be removed",
    );
  });
});

describe("IAM applications", () => {
  test("create, list, get, update, bind and release system users, delete", async () => {
    const { client, questions } = await confirmingClient(h);
    const created = await call(client, "create_iam_application", {
      ...acme,
      name: "deploy-bot",
      serviceType: "ci_cd",
    });
    expect(created.isError).toBe(false);
    const id = (created.structured!.application as { id: string }).id;
    const listed = await call(client, "list_iam_applications", { ...acme, search: "deploy" });
    expect(listed.text).toContain("deploy-bot");

    const updated = await call(client, "update_iam_application", {
      ...acme,
      application: id,
      description: "Ships builds",
    });
    expect(updated.isError).toBe(false);
    expect(questions.at(-1)).toBe(
      "Change application `deploy-bot`: description to `Ships builds`? (workspace acme, region ap1)",
    );

    const users = await systemUserIds(2);
    const assigned = await call(client, "assign_application_system_users", {
      ...acme,
      application: id,
      systemUserIds: users.map((u) => u.id),
    });
    expect(assigned.isError).toBe(false);
    expect(questions.at(-1)).toContain(
      "Let application `deploy-bot` (ci_cd) run as 2 system user(s)",
    );
    const got = await call(client, "get_iam_application", { ...acme, application: id });
    expect(got.text).toContain(`runs as ${users.map((u) => u.username).join(", ")}`);

    const released = await call(client, "unassign_application_system_users", {
      ...acme,
      application: id,
      systemUserIds: [users[0]!.id],
    });
    expect(released.structured).toMatchObject({ unassigned: 1 });
    expect(questions.at(-1)).toBe(
      `Stop application \`deploy-bot\` running as ${users[0]!.username}? (workspace acme, region ap1)`,
    );

    const deleted = await call(client, "delete_iam_application", { ...acme, application: id });
    expect(deleted.isError).toBe(false);
    expect(questions.at(-1)).toContain(`It stops running as ${users[1]!.username}.`);
    expectToolError(
      await call(client, "get_iam_application", { ...acme, application: id }),
      "list_iam_applications",
    );
  });

  test("an empty system user list and a bad service type are refused by the schema", async () => {
    expectInvalidInput(
      await h.call("assign_application_system_users", {
        ...acme,
        application: MISSING_ID,
        systemUserIds: [],
      }),
    );
    expectInvalidInput(
      await h.call("create_iam_application", { ...acme, name: "x", serviceType: "oauth" }),
    );
  });

  test("releasing users the application does not run as asks nothing and releases nothing", async () => {
    const { client, questions } = await confirmingClient(h);
    const app = await sdkClient(h.sandbox).iam.applications.create({ name: "idle" });
    const result = await call(client, "unassign_application_system_users", {
      ...acme,
      application: app.id,
      systemUserIds: [MISSING_ID],
    });
    expect(result.structured).toMatchObject({ unassigned: 0 });
    expect(questions).toEqual([]);
  });

  test("an unknown application is a 404 pointing to list_iam_applications", async () => {
    for (const name of ["update_iam_application", "delete_iam_application"]) {
      const result = await h.call(name, { ...acme, application: MISSING_ID, name: "x" });
      expectToolError(result, "list_iam_applications");
    }
  });
});

describe("invite_workspace_user", () => {
  test("asks, naming the address, workspace and how long it stays valid; the invitation is pending", async () => {
    const { client, questions } = await confirmingClient(h);
    const result = await call(client, "invite_workspace_user", {
      ...acme,
      email: "kim@example.com",
    });
    expect(result.isError).toBe(false);
    expect(questions[0]).toBe(
      "Email `kim@example.com` an invitation to join the workspace? Once they accept, they are a member of it. The invitation stays valid for 48 hour(s). (workspace acme, region ap1)",
    );
    const pending = h.sandbox.control.workspace("ap1", "acme").invitations();
    expect(pending.map((i) => i.email)).toContain("kim@example.com");
  });

  test("a second invitation to the same address is refused; a member token is refused", async () => {
    await h.call("invite_workspace_user", { ...acme, email: "lee@example.com" });
    expectToolError(
      await h.call("invite_workspace_user", { ...acme, email: "lee@example.com" }),
      "still pending",
    );
    expectToolError(
      await h.call("invite_workspace_user", { ...acme, email: "x@example.com" }, { token: "jwt" }),
      "staff",
    );
  });

  test("confirm deny refuses it: it grants access", async () => {
    const result = await h.call(
      "invite_workspace_user",
      { ...acme, email: "no@example.com" },
      { confirm: "deny" },
    );
    expectToolError(result, "confirm mode deny");
  });
});
