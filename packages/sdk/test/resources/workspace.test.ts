import { describe, expect, it } from "vitest";
import { PermissionDeniedError, ValidationError } from "../../src/index.js";
import { useSdkSandbox } from "../helpers/sandbox.js";

const env = useSdkSandbox({ servers: 4 });

describe("client.workspaces", () => {
  it("me() is the token's own user", async () => {
    const admin = await env.client().workspaces.me();
    expect(admin.is_superuser).toBe(true);
    const member = await env.client({ token: "jwt" }).workspaces.me();
    expect(member.id).not.toBe(admin.id);
  });

  it("preferences update and read back; a bad value is a ValidationError naming the field", async () => {
    const client = env.client();
    const updated = await client.workspaces.preferences.update({ timezone: "Europe/Berlin" });
    expect(updated.timezone).toBe("Europe/Berlin");
    expect((await env.client({ token: "jwt" }).workspaces.preferences.get()).timezone).toBe(
      "Europe/Berlin",
    );
    const error = await client.workspaces.preferences
      .update({ invite_ttl: 0 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fieldErrors).toHaveProperty("invite_ttl");
  });

  it("security and MFA methods answer browser sessions; an API token is refused", async () => {
    const browser = env.client({ token: "jwt" });
    expect((await browser.workspaces.security()).mfa_required).toBe(false);
    expect((await browser.workspaces.mfaMethods()).allowed_mfa_methods).toEqual(["email", "otp"]);
    await expect(env.client().workspaces.security()).rejects.toBeInstanceOf(PermissionDeniedError);
  });

  it("access control is readable by members", async () => {
    const settings = await env.client({ token: "jwt" }).workspaces.accessControl();
    expect(settings.work_session_max_ttl).toBeGreaterThan(0);
  });
});

describe("IAM extras", () => {
  it("deleting a group removes its memberships and unlinks its servers", async () => {
    const client = env.client();
    const member = await env.client({ token: "jwt" }).workspaces.me();
    const [server] = (await client.servers.list()).results;
    const group = await client.iam.groups.create({ name: "deployers", servers: [server!.id] });
    await client.iam.memberships.create({ group: group.id, user: member.id });
    const before = (await client.iam.users.get(member.id)).num_groups;
    expect((await client.servers.get(server!.id)).groups).toContain(group.id);
    await client.iam.groups.delete(group.id);
    expect((await client.iam.memberships.list({ group: group.id })).results).toEqual([]);
    expect((await client.iam.users.get(member.id)).num_groups).toBe(before - 1);
    expect((await client.servers.get(server!.id)).groups).not.toContain(group.id);
  });

  it("a group's servers change with update", async () => {
    const client = env.client();
    const [a, b] = (await client.servers.list()).results;
    const group = await client.iam.groups.create({ name: "movers", servers: [a!.id] });
    const updated = await client.iam.groups.update(group.id, { servers: [b!.id] });
    expect(updated.servers.map((s) => s.id)).toEqual([b!.id]);
    expect((await client.servers.list({ groups: group.id })).results.map((s) => s.id)).toEqual([
      b!.id,
    ]);
  });

  it("applications bind system users and release them", async () => {
    const client = env.client();
    const [server] = (await client.servers.list()).results;
    const [user] = (await client.system.users({ server: server!.id })).results;
    const app = await client.iam.applications.create({ name: "deploy-bot" });
    expect(app.service_type).toBe("integration");
    const bound = await client.iam.applications.assignSystemUsers(app.id, [user!.id]);
    expect(bound[0]?.server?.id).toBe(server!.id);
    expect((await client.iam.applications.get(app.id)).system_users).toHaveLength(1);
    expect(await client.iam.applications.unassignSystemUsers(app.id, [user!.id])).toEqual({
      unassigned: 1,
      system_user_ids: [user!.id],
    });
    await client.iam.applications.delete(app.id);
    expect((await client.iam.applications.list()).results).toEqual([]);
  });

  it("an invitation must go to an allowed domain", async () => {
    const client = env.client();
    await client.workspaces.preferences.update({ allowed_domains: ["example.com"] });
    expect((await client.iam.invites.create({ email: "kim@example.com" })).detail).toEqual([
      "User invitation sent.",
    ]);
    await expect(client.iam.invites.create({ email: "kim@elsewhere.io" })).rejects.toBeInstanceOf(
      ValidationError,
    );
    expect(env.sandbox.control.workspace("ap1", "acme").invitations()).toHaveLength(1);
  });
});
