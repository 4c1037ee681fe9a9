import { describe, expect, it } from "vitest";
import { useSdkSandbox } from "../helpers/sandbox.js";

// ap1/acme answers memberships as the CLI's types have them, us1/globex as the 2024 server did.
const env = useSdkSandbox({
  servers: 2,
  workspaces: [
    { region: "ap1", workspace: "acme" },
    { region: "us1", workspace: "globex", membershipShape: "oss" },
  ],
});

describe("memberships in both shapes the official clients accept", () => {
  it.each([0, 1])("workspace %i: a page whose user is a nested summary", async (index) => {
    const client = env.client({ index });
    const me = await client.iam.users.get("-");
    const page = await client.iam.memberships.list({ user: me.id });
    expect(page.count).toBeGreaterThan(0);
    expect(page.results.length).toBe(page.count);
    for (const membership of page.results) {
      expect(membership.user.id).toBe(me.id);
      expect(membership.user.name).toBeTruthy();
      expect(membership).not.toHaveProperty("user_name");
    }
    const one = await client.iam.memberships.get(page.results[0]!.id);
    expect(one.user.id).toBe(me.id);
    const walked = [];
    for await (const m of client.iam.memberships.iterate({ user: me.id })) walked.push(m.id);
    expect(walked.sort()).toEqual(page.results.map((m) => m.id).sort());
  });
});
