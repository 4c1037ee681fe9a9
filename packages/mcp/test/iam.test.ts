import { describe, expect, test } from "vitest";
import { expectInvalidInput, expectToolError } from "./helpers/expect-tool.js";
import { useHarness } from "./helpers/file-harness.js";
import { call, connectedServer, MISSING_ID } from "./helpers/harness.js";

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
    expectToolError(result, "acme (ap1)");
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

describe("iam_user_permissions_get", () => {
  test("returns permission codenames", async () => {
    const result = await h.call("iam_user_permissions_get", {
      workspace: "acme",
      user: await userId("alice"),
    });
    expect(result.isError).toBe(false);
    expect(Array.isArray(result.structured!.permissions)).toBe(true);
  });

  test("an id that is neither a UUID nor - is refused", async () => {
    const result = await h.call("iam_user_permissions_get", {
      workspace: "acme",
      user: "alice",
    });
    expectInvalidInput(result);
  });
});

describe("iam_user_assign_role", () => {
  test("assigns a role", async () => {
    const { client } = await h.connect();
    const roles = await call(client, "iam_roles_list", { workspace: "acme" });
    const role = (roles.structured!.roles as Array<{ id: string; name: string }>)[0]!;
    const result = await call(client, "iam_user_assign_role", {
      workspace: "acme",
      user: await userId("erin"),
      role: role.id,
    });
    expect(result.isError).toBe(false);
    expect(result.structured!.role).toMatchObject({ id: role.id });
  });

  test("an unknown role is an error that points to iam_roles_list", async () => {
    const result = await h.call("iam_user_assign_role", {
      workspace: "acme",
      user: await userId("erin"),
      role: "no-such-role",
    });
    expectToolError(result, "iam_user_assign_role failed");
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

describe("iam_roles_list", () => {
  test("lists roles", async () => {
    const result = await h.call("iam_roles_list", { workspace: "acme" });
    expect(result.isError).toBe(false);
    expect((result.structured!.roles as unknown[]).length).toBeGreaterThan(0);
  });

  test("a page past the last one is a 404", async () => {
    const result = await h.call("iam_roles_list", { workspace: "acme", page: 99 });
    expectToolError(result, "404");
  });
});

describe("iam_permissions_list", () => {
  test("lists permissions", async () => {
    const result = await h.call("iam_permissions_list", { workspace: "acme", pageSize: 100 });
    expect(result.isError).toBe(false);
    expect(result.structured!.nextPage).toBeNull();
  });

  test("a page past the last one is a 404", async () => {
    const result = await h.call("iam_permissions_list", { workspace: "acme", page: 99 });
    expect(result.isError).toBe(true);
  });
});
