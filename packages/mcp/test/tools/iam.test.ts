import { describe, expect, test } from "vitest";
import { confirmingClient } from "../helpers/confirming-client.js";
import { expectInvalidInput, expectToolError } from "../helpers/expect-tool.js";
import { useHarness } from "../helpers/file-harness.js";
import { call, connectedServer, MISSING_ID, sdkClient } from "../helpers/harness.js";

const h = useHarness();

async function userId(username: string): Promise<string> {
  const result = await h.call("iam_users_list", { workspace: "acme", username });
  return (result.structured!.users as Array<{ id: string }>)[0]!.id;
}

describe("iam_users_list", () => {
  test("lists users with a filter", async () => {
    const result = await h.call("iam_users_list", { workspace: "acme", isActive: true });
    expect(result.isError).toBe(false);
    expect((result.structured!.users as unknown[]).length).toBeGreaterThan(0);
  });

  test("an unknown workspace lists the configured ones", async () => {
    const result = await h.call("iam_users_list", { workspace: "nope" });
    expectToolError(result, "Pass workspace: one of acme, globex");
  });
});

describe("iam_user_get", () => {
  test("- is the token's own user", async () => {
    const result = await h.call("iam_user_get", { workspace: "acme", user: "-" });
    expect(result.isError).toBe(false);
    expect(result.structured!.user).toMatchObject({ username: expect.any(String) });
  });

  test("an unknown user is a 404 pointing to iam_users_list", async () => {
    const result = await h.call("iam_user_get", { workspace: "acme", user: MISSING_ID });
    expectToolError(result, "iam_users_list");
  });
});

describe("iam_user_create", () => {
  test("creates a user", async () => {
    const result = await h.call("iam_user_create", {
      workspace: "acme",
      username: "zoe",
      email: "zoe@example.com",
    });
    expect(result.isError).toBe(false);
    expect(result.structured!.user).toMatchObject({ username: "zoe", is_superuser: false });
  });

  test("a read-only token is refused", async () => {
    const { client } = await h.connect({ token: "readOnly" });
    const result = await call(client, "iam_user_create", { workspace: "acme", username: "yan" });
    expectToolError(result, /ACL/);
  });
});

describe("iam_user_update", () => {
  test("changes only the given fields", async () => {
    const { client } = await h.connect();
    const id = await userId("dave");
    const result = await call(client, "iam_user_update", {
      workspace: "acme",
      user: id,
      lastName: "Jones",
    });
    expect(result.isError).toBe(false);
    expect(result.structured!.user).toMatchObject({ last_name: "Jones", first_name: "Dave" });
  });

  test("nothing to change is an error, not an empty request", async () => {
    const result = await h.call("iam_user_update", {
      workspace: "acme",
      user: await userId("dave"),
    });
    expectToolError(result, "no field to change");
  });
});

describe("iam_user_delete", () => {
  test("deletes a user", async () => {
    const { client } = await h.connect();
    const created = await call(client, "iam_user_create", { workspace: "acme", username: "temp" });
    const id = (created.structured!.user as { id: string }).id;
    const result = await call(client, "iam_user_delete", { workspace: "acme", user: id });
    expect(result.isError).toBe(false);
    const after = await call(client, "iam_user_get", { workspace: "acme", user: id });
    expect(after.isError).toBe(true);
  });

  test("an unknown user is a 404", async () => {
    const result = await h.call("iam_user_delete", { workspace: "acme", user: MISSING_ID });
    expectToolError(result, "404");
  });
});

describe("iam_groups_list", () => {
  test("lists groups", async () => {
    const result = await h.call("iam_groups_list", { workspace: "acme" });
    expect(result.isError).toBe(false);
    expect((result.structured!.groups as unknown[]).length).toBeGreaterThan(0);
  });

  test("page 0 is refused", async () => {
    const result = await h.call("iam_groups_list", { workspace: "acme", page: 0 });
    expect(result.isError).toBe(true);
  });
});

describe("iam_group_create", () => {
  test("creates a group with servers", async () => {
    const result = await h.call("iam_group_create", {
      workspace: "acme",
      name: "oncall",
      servers: [connectedServer(h.sandbox)],
    });
    expect(result.isError).toBe(false);
    expect(result.structured!.group).toMatchObject({ name: "oncall" });
  });

  test("an upper-case name is refused", async () => {
    const result = await h.call("iam_group_create", { workspace: "acme", name: "OnCall" });
    expectInvalidInput(result);
  });
});

async function roleOf(username: string, group: string): Promise<string | null> {
  const sdk = sdkClient(h.sandbox);
  const [user] = (await sdk.iam.users.list({ username })).results;
  const [found] = (await sdk.iam.groups.list({ name: group })).results;
  const [membership] = (await sdk.iam.memberships.list({ user: user!.id, group: found!.id }))
    .results;
  return membership?.role ?? null;
}

/** An active seeded user (they have names) who is not in the group. */
async function outsider(group: string): Promise<string> {
  const sdk = sdkClient(h.sandbox);
  const [found] = (await sdk.iam.groups.list({ name: group })).results;
  const members = new Set(
    (await sdk.iam.memberships.list({ group: found!.id })).results.map((m) => m.user.id),
  );
  const users = (await sdk.iam.users.list({ is_active: true, page_size: 100 })).results;
  return users.find((user) => user.first_name && !members.has(user.id))!.username!;
}

describe("iam_user_assign_role", () => {
  test("adds a user to a group, then changes the role, asking with names a person knows", async () => {
    const { client, questions } = await confirmingClient(h);
    const group = "qa";
    const username = await outsider(group);
    const added = await call(client, "iam_user_assign_role", {
      workspace: "acme",
      user: username,
      group,
      role: "member",
    });
    expect(added.isError).toBe(false);
    expect(added.structured).toMatchObject({ previousRole: null, changed: true });
    expect(await roleOf(username, group)).toBe("member");
    const promoted = await call(client, "iam_user_assign_role", {
      workspace: "acme",
      user: username,
      group,
      role: "manager",
    });
    expect(promoted.text).toContain(`${username} is now manager of group qa (was member)`);
    expect(await roleOf(username, group)).toBe("manager");
    expect(questions).toHaveLength(2);
    const who = `user ${username} \\([A-Z][a-z]+ [A-Za-z]+\\)`;
    expect(questions[0]).toMatch(
      new RegExp(
        `^Add ${who} to group qa \\(QA, \\d+ server\\(s\\).*\\) as member\\? A member may: see the group's servers; .*\\(workspace acme, region ap1\\)$`,
      ),
    );
    expect(questions[1]).toMatch(
      new RegExp(
        `^Change the role of ${who} in group qa .* from member to manager\\? A manager may: act as any account on the group's servers, root included`,
      ),
    );
  });

  test("asks nothing and changes nothing when the user already has the role", async () => {
    const { client, questions } = await confirmingClient(h);
    const owner = (await sdkClient(h.sandbox).iam.users.get("-")).username!;
    const result = await call(client, "iam_user_assign_role", {
      workspace: "acme",
      user: owner,
      group: "sre",
      role: "owner",
    });
    expect(result.text).toContain("already is owner of group sre; nothing changed");
    expect(result.structured).toMatchObject({ changed: false, previousRole: "owner" });
    expect(questions).toEqual([]);
  });

  test.each([
    [{ user: "nobody-here", group: "qa" }, 'no user is named "nobody-here"', "iam_users_list"],
    [
      { user: "frank", group: "no-such-group" },
      'no group is named "no-such-group"',
      "iam_groups_list",
    ],
    [
      { user: "frank", group: "alpacon" },
      'default group "alpacon" cannot be changed',
      "another group",
    ],
  ])("fails before asking when %j cannot work", async (refs, why, todo) => {
    const { client, questions } = await confirmingClient(h);
    const result = await call(client, "iam_user_assign_role", {
      workspace: "acme",
      ...refs,
      role: "member",
    });
    expectToolError(result, why);
    expect(result.text).toContain(todo);
    expect(questions).toEqual([]);
  });

  test("a role outside member, manager and owner is refused by the schema", async () => {
    const result = await h.call("iam_user_assign_role", {
      workspace: "acme",
      user: "frank",
      group: "qa",
      role: "admin",
    });
    expectInvalidInput(result);
  });

  test("a token whose ACL forbids writes is refused by the API, and nothing changes", async () => {
    const before = await roleOf("grace", "dba");
    const result = await h.call(
      "iam_user_assign_role",
      { workspace: "acme", user: "grace", group: "dba", role: "owner" },
      { token: "readOnly" },
    );
    expectToolError(result, /ACL/);
    expect(await roleOf("grace", "dba")).toBe(before);
  });

  test("confirm deny refuses it: it grants access", async () => {
    const result = await h.call(
      "iam_user_assign_role",
      { workspace: "acme", user: "grace", group: "dba", role: "owner" },
      { confirm: "deny" },
    );
    expectToolError(result, "confirm mode deny");
  });
});

describe("remove_iam_member", () => {
  test("removes a member after asking, naming the user, role and group; a non-member is an error", async () => {
    const { client, questions } = await confirmingClient(h);
    const username = await outsider("data");
    await call(client, "add_iam_member", {
      workspace: "acme",
      user: username,
      group: "data",
      role: "member",
    });
    const removed = await call(client, "remove_iam_member", {
      workspace: "acme",
      user: username,
      group: "data",
    });
    expect(removed.structured).toEqual({ user: username, group: "data", removedRole: "member" });
    expect(await roleOf(username, "data")).toBeNull();
    const again = await call(client, "remove_iam_member", {
      workspace: "acme",
      user: username,
      group: "data",
    });
    expectToolError(again, "is not a member of group data");
    expect(questions).toHaveLength(2);
    expect(questions[1]).toMatch(
      new RegExp(`^Remove user ${username} .*\\(member\\) from group data `),
    );
  });
});

describe("get_iam_group and list_iam_memberships", () => {
  test("a group with its members; memberships filtered by group", async () => {
    const group = await h.call("get_iam_group", { workspace: "acme", group: "sre" });
    expect(group.isError).toBe(false);
    const { group: found, members } = group.structured as {
      group: { id: string; name: string };
      members: Array<{ role: string }>;
    };
    expect(found.name).toBe("sre");
    expect(members.some((member) => member.role === "owner")).toBe(true);
    const listed = await h.call("list_iam_memberships", { workspace: "acme", group: found.id });
    expect((listed.structured!.memberships as unknown[]).length).toBe(members.length);
  });

  test("an unknown group is an error that points to iam_groups_list", async () => {
    const result = await h.call("get_iam_group", { workspace: "acme", group: "no-such-group" });
    expectToolError(result, "iam_groups_list");
  });
});

describe("iam_user_permissions_get", () => {
  test("the workspace owner: superuser and staff rights, and owner of every group", async () => {
    const result = await h.call("iam_user_permissions_get", { workspace: "acme", user: "-" });
    expect(result.isError).toBe(false);
    const structured = result.structured as {
      user: { is_superuser: boolean };
      memberships: { role: string; group: { name: string } }[];
      may: string[];
    };
    expect(structured.user.is_superuser).toBe(true);
    expect(structured.memberships.map((row) => row.group.name)).toContain("developers");
    expect(structured.may.join("\n")).toMatch(/grant or remove staff and superuser rights/);
    expect(result.text).toMatch(/\[superuser, staff\]/);
    expect(result.text).toMatch(/owner of developers: \d+ server\(s\)/);
  });

  test("a member by username: what their groups allow, with the servers", async () => {
    const sdk = sdkClient(h.sandbox);
    const user = (await sdk.iam.users.list({ is_staff: false, is_active: true })).results[0]!;
    const result = await h.call("iam_user_permissions_get", {
      workspace: "acme",
      user: user.username!,
    });
    expect(result.isError).toBe(false);
    const may = (result.structured!.may as string[]).join("\n");
    expect(may).toMatch(/\(member\): see the group's servers/);
    expect(may).not.toMatch(/superuser/);
    expect(may).toMatch(/API token.*ACL/);
    const rows = result.structured!.memberships as { group: { name: string } }[];
    expect(rows.map((row) => row.group.name)).toContain("alpacon");
  });

  test("an unknown username points to iam_users_list", async () => {
    const result = await h.call("iam_user_permissions_get", {
      workspace: "acme",
      user: "nobody-here",
    });
    expectToolError(result, "iam_users_list");
  });

  test("a value that is neither an id nor a username gets the rule in words", async () => {
    const result = await h.call("iam_user_permissions_get", { workspace: "acme", user: "Bob!" });
    expectInvalidInput(result);
    expect(result.text).toContain("lowercase letters, digits, - and _");
  });
});

describe("iam_roles_list", () => {
  test("lists member, manager and owner with what each allows", async () => {
    const result = await h.call("iam_roles_list", { workspace: "acme" });
    expect(result.isError).toBe(false);
    const roles = result.structured!.roles as { role: string; holders?: unknown }[];
    expect(roles.map((item) => item.role)).toEqual(["member", "manager", "owner"]);
    expect(roles[0]!.holders).toBeUndefined();
    expect(result.text).toMatch(/owner: .*delete the group/);
  });

  test("with a group, says who holds each role there", async () => {
    const result = await h.call("iam_roles_list", { workspace: "acme", group: "developers" });
    const roles = result.structured!.roles as { role: string; holders: { name: string }[] }[];
    expect(roles.find((item) => item.role === "owner")!.holders.length).toBeGreaterThan(0);
    expect(result.text).toMatch(/Held by/);
  });

  test("an unknown group points to iam_groups_list", async () => {
    const result = await h.call("iam_roles_list", { workspace: "acme", group: "no-such-group" });
    expectToolError(result, "iam_groups_list");
  });
});

describe("iam_permissions_list", () => {
  test("explains roles, user flags and token ACLs", async () => {
    const result = await h.call("iam_permissions_list", {});
    expect(result.isError).toBe(false);
    expect((result.structured!.flags as { flag: string }[]).map((item) => item.flag)).toEqual([
      "is_staff",
      "is_superuser",
    ]);
    expect(result.text).toMatch(/manager: .*root included/);
    expect(result.text).toMatch(/API tokens: .*api_token_acl_not_allowed/);
  });

  test("needs no token: it works with no workspace configured", async () => {
    const { client } = await h.connect({ config: { configFile: h.configFile, workspaces: [] } });
    const result = await call(client, "iam_permissions_list", {});
    expect(result.isError).toBe(false);
  });
});

describe("account names", () => {
  test("a bad username is refused with the rule in words, not a regex", async () => {
    const result = await h.call("iam_user_create", { workspace: "acme", username: "Bad Name" });
    expectToolError(result, "must start with a lowercase letter");
    expect(result.text).not.toContain("[a-z0-9_-]");
  });
});
