import { describe, expect, test } from "vitest";
import { confirmingClient } from "../helpers/confirming-client.js";
import { expectToolError } from "../helpers/expect-tool.js";
import { useHarness } from "../helpers/file-harness.js";
import { type ConnectOptions, call } from "../helpers/harness.js";

const h = useHarness();
const WS: ConnectOptions = { toolsets: ["workspace"] };
const LOGIN: ConnectOptions = { token: "jwt", toolsets: ["workspace"] };
const acme = { workspace: "acme" };

describe("get_current_user", () => {
  test("the token's own user", async () => {
    const result = await h.call("get_current_user", acme, WS);
    expect(result.isError).toBe(false);
    expect(result.structured!.user).toMatchObject({ is_superuser: true });
    expect(result.text).toContain("superuser");
  });

  test("an unknown workspace is refused, listing the configured ones", async () => {
    const result = await h.call("get_current_user", { workspace: "nope" }, WS);
    expectToolError(result, "acme");
  });
});

describe("get_workspace_access_control", () => {
  test("shows the settings", async () => {
    const result = await h.call("get_workspace_access_control", acme, LOGIN);
    expect(result.structured!.settings).toMatchObject({ home_directory_permission: "750" });
    expect(result.text).toContain("work_session_max_ttl: ");
  });

  test("a workspace that is not configured is refused", async () => {
    expectToolError(
      await h.call("get_workspace_access_control", { workspace: "nope" }, WS),
      "acme",
    );
  });
});

describe("get_workspace_security", () => {
  test("a login sees the MFA settings, and they follow the gate", async () => {
    const ws = h.sandbox.control.workspace("ap1", "acme");
    ws.setGates({ mfaRequired: true });
    try {
      const result = await h.call("get_workspace_security", acme, LOGIN);
      expect(result.structured!.settings).toMatchObject({
        mfa_required: true,
        mfa_required_actions: ["command", "websh", "webftp"],
      });
    } finally {
      ws.setGates({ mfaRequired: false });
    }
  });

  test("an API token is refused with what to use instead", async () => {
    expectToolError(await h.call("get_workspace_security", acme, WS), "browser login");
  });
});

describe("list_workspace_mfa_methods", () => {
  test("lists the allowed methods", async () => {
    const result = await h.call("list_workspace_mfa_methods", acme, LOGIN);
    expect(result.structured).toMatchObject({ methods: ["email", "otp"], passkeyAsMfa: false });
  });

  test("an API token is refused", async () => {
    expectToolError(await h.call("list_workspace_mfa_methods", acme, WS), "browser login");
  });
});

describe("get_workspace_preferences", () => {
  test("shows the preferences", async () => {
    const result = await h.call("get_workspace_preferences", acme, LOGIN);
    expect(result.structured!.preferences).toMatchObject({ invite_ttl: 172800 });
  });

  test("an unknown workspace is refused", async () => {
    expectToolError(await h.call("get_workspace_preferences", { workspace: "nope" }, WS), "acme");
  });
});

describe("update_workspace_preferences", () => {
  test("asks with each change, its old value and what it does, then the change reads back", async () => {
    const { client, questions } = await confirmingClient(h, WS);
    const result = await call(client, "update_workspace_preferences", {
      ...acme,
      timezone: "Asia/Seoul",
      allowedDomains: ["example.com"],
    });
    expect(result.isError).toBe(false);
    expect(questions[0]).toContain(
      'timezone: `"UTC"` → `"Asia/Seoul"` (it moves the daily usage (billing) boundary)',
    );
    expect(questions[0]).toContain("allowed_domains");
    const after = await h.call("get_workspace_preferences", acme, LOGIN);
    expect(after.structured!.preferences).toMatchObject({
      timezone: "Asia/Seoul",
      allowed_domains: ["example.com"],
    });
    await h.call(
      "update_workspace_preferences",
      { ...acme, timezone: "UTC", allowedDomains: [] },
      WS,
    );
  });

  test("nothing to change is an error before any question", async () => {
    expectToolError(await h.call("update_workspace_preferences", acme, WS), "no preference");
  });

  test("a member (not staff) is refused by the API", async () => {
    const result = await h.call("update_workspace_preferences", { ...acme, language: "ko" }, LOGIN);
    expectToolError(result, "staff");
  });

  test("confirm deny refuses it", async () => {
    const result = await h.call(
      "update_workspace_preferences",
      { ...acme, language: "ko" },
      { ...WS, confirm: "deny" },
    );
    expectToolError(result, "confirm mode deny");
  });
});
