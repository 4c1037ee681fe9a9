import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "@alpacon/sdk/node";
import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import * as z from "zod";
import {
  type Effect,
  effectOf,
  UNCONFIRMED_EFFECTS,
  workspaceFields,
} from "../src/tools/define.js";
import { ALL_TOOLS } from "../src/tools/index.js";
import { type Connected, connect, tempDir } from "./helpers/harness.js";

// Every tool's public surface (what tools/list shows, plus its toolset and SDK method) is kept
// in test/__toolsnaps__/<name>.snap.json, so any change to it shows up in review. Accept an
// intended change with UPDATE_TOOLSNAPS=1.

const SNAP_DIR = join(import.meta.dirname, "__toolsnaps__");
const UPDATE = process.env.UPDATE_TOOLSNAPS === "1";

/** The reference server's 46 names: existing prompts and client configs rely on them. */
const REFERENCE_NAMES = [
  "servers_list",
  "server_get",
  "server_notes_list",
  "server_note_create",
  "get_cpu_usage",
  "get_memory_usage",
  "get_disk_usage",
  "get_network_traffic",
  "get_server_metrics_summary",
  "get_cpu_top_servers",
  "get_system_info",
  "get_os_version",
  "list_system_users",
  "list_system_groups",
  "list_system_packages",
  "get_network_interfaces",
  "get_disk_info",
  "websh_session_create",
  "websh_command_execute",
  "websh_websocket_execute",
  "websh_channel_connect",
  "websh_channel_execute",
  "websh_channels_list",
  "websh_session_terminate",
  "webftp_upload_file",
  "webftp_download_file",
  "webftp_uploads_list",
  "webftp_downloads_list",
  "webftp_sessions_list",
  "list_events",
  "search_events",
  "acknowledge_command",
  "finish_command",
  "iam_users_list",
  "iam_user_get",
  "iam_user_create",
  "iam_user_update",
  "iam_user_delete",
  "iam_user_permissions_get",
  "iam_user_assign_role",
  "iam_groups_list",
  "iam_group_create",
  "iam_roles_list",
  "iam_permissions_list",
  "auth_set_token",
  "auth_remove_token",
];

/**
 * Tools whose effect is not their operation's: larger ones (what issue 15 found running unasked:
 * a token replaced, a group made with the caller as owner, a root shell opened, and their kin),
 * and POSTs that change or end something rather than add.
 */
const EFFECTS: Record<string, Effect> = {
  websh_session_terminate: "change",
  acknowledge_command: "change",
  finish_command: "change",
  auth_set_token: "replace-credential",
  iam_user_create: "grant-access",
  iam_user_update: "grant-access",
  iam_user_assign_role: "grant-access",
  iam_group_create: "grant-access",
  websh_session_create: "open-shell",
  websh_channel_connect: "open-shell",
  websh_session_reconnect: "open-shell",
  join_shared_session: "open-shell",
  // A share link or an invitation lets others watch or type into your shell.
  share_websh_session: "grant-access",
  invite_to_websh_session: "grant-access",
  // Whoever connects to a tunnel reaches the server's port.
  create_websh_tunnel: "grant-access",
  close_websh_tunnel: "change",
  // A file-manager session reads and writes files on the server as its user.
  webftp_session_create: "grant-access",
  work_session_close: "change",
  work_session_extend: "change",
  acknowledge_alert: "change",
  detach_alert_rule: "change",
  // A new token acts as its user; an update can enable one or widen its scopes.
  create_api_token: "grant-access",
  update_api_token: "grant-access",
  duplicate_api_token: "grant-access",
  // ACL entries grant access to commands, servers and paths.
  create_command_acl: "grant-access",
  update_command_acl: "grant-access",
  create_server_acl: "grant-access",
  update_server_acl: "grant-access",
  bulk_server_acl: "grant-access",
  create_file_acl: "grant-access",
  update_file_acl: "grant-access",
  restart_agent: "change",
  shutdown_agent: "change",
  upgrade_agent: "change",
  reboot_system: "change",
  shutdown_system: "change",
  upgrade_system: "change",
  create_registration_token: "grant-access",
  get_registration_guide: "grant-access",
  // A CA signs certificates for every name under its domain; an approval issues one.
  create_certificate_authority: "grant-access",
  approve_sign_request: "grant-access",
  deny_sign_request: "change",
  retry_sign_request: "change",
  revoke_certificate: "change",
  approve_revoke_request: "change",
  deny_revoke_request: "change",
  retry_revoke_request: "change",
  // A group's servers are its members' access; an application runs as the system users bound to
  // it; an accepted invitation makes a member.
  update_iam_group: "grant-access",
  assign_application_system_users: "grant-access",
  unassign_application_system_users: "change",
  invite_workspace_user: "grant-access",
  create_sudo_policy: "grant-access",
  // The package manager runs on the server as root.
  install_system_package: "change",
  install_python_package: "change",
  // Through a webhook, events leave Alpacon for the webhook's URL.
  create_event_subscription: "grant-access",
};

/** Writes that ask nothing: each adds something that gives nobody any access. */
// A work-session request grants nothing until a person approves it; an analysis only reads.
// A star is the caller's own flag; an inventory report only refreshes what Alpacon shows.
const UNASKED_WRITES = [
  "server_note_create",
  "work_session_create",
  "work_session_analyze",
  "request_session_analysis",
  "create_alert_rule",
  "attach_alert_rule",
  "star_server",
  "update_information",
  // A certificate request grants nothing until an admin or the CA's owner approves it.
  "create_sign_request",
  // An application can do nothing until system users are bound to it (a confirmed call).
  "create_iam_application",
  // A webhook receives nothing until a subscription (which asks) sends events to it.
  "create_webhook",
];

/** The MCP spec's value for each hint a tool leaves out. */
const SPEC_DEFAULTS = {
  readOnlyHint: false,
  destructiveHint: true,
  idempotentHint: false,
  openWorldHint: true,
};

/**
 * Arguments whose name, type and bounds say all there is to say: a description would only
 * repeat them (`page`: integer ≥ 1, default 1).
 */
const SELF_EXPLANATORY = new Set([
  "page",
  "pageSize",
  "email",
  "firstName",
  "lastName",
  "phone",
  "rows",
  "cols",
  "groupname",
  "command",
  "content",
  // The name and type (or enum, or format) say it all.
  "start",
  "timeoutSeconds",
  "env",
  "shell",
  "stdin",
  "elapsedSeconds",
  "name",
  "success",
  "exitCode",
  "role",
]);

let server: Connected;
let listed: Tool[];
beforeAll(async () => {
  server = await connect({
    config: loadConfig({ configFile: join(tempDir(), "t.json"), env: {} }),
    // Every tool, opt-in toolsets included: each has a snapshot.
    toolsets: ["all"],
    outputSchemas: true,
  });
  listed = (await server.client.listTools()).tools;
});
afterAll(() => server.close());

test("all 46 reference tool names are listed", () => {
  expect(REFERENCE_NAMES).toHaveLength(46);
  const names = listed.map((tool) => tool.name);
  for (const name of REFERENCE_NAMES) expect(names).toContain(name);
});

test("tool names are unique, snake_case and short enough for client prefixes", () => {
  const names = ALL_TOOLS.map((tool) => tool.name);
  expect(new Set(names).size).toBe(names.length);
  for (const name of names) {
    expect(name).toMatch(/^[a-z][a-z0-9_]*$/);
    // Claude Code adds `mcp__alpacon__` (14 characters); clients cap the total at 64.
    expect(name.length + 14).toBeLessThanOrEqual(64);
  }
});

describe.each(ALL_TOOLS.map((tool) => [tool.name, tool] as const))("%s", (name, tool) => {
  test("matches its snapshot", () => {
    const advertised = listed.find((item) => item.name === name)!;
    const snapshot = {
      name,
      toolset: tool.toolset,
      sdk: tool.sdk,
      operation: tool.operation,
      effect: effectOf(tool),
      confirms: tool.confirm !== undefined || tool.confirmsEachCall === true,
      title: advertised.title,
      description: advertised.description,
      annotations: advertised.annotations,
      inputSchema: advertised.inputSchema,
      outputSchema: advertised.outputSchema,
      _meta: advertised._meta,
    };
    const file = join(SNAP_DIR, `${name}.snap.json`);
    const text = `${JSON.stringify(snapshot, null, 2)}\n`;
    if (UPDATE) {
      mkdirSync(SNAP_DIR, { recursive: true });
      writeFileSync(file, text);
      return;
    }
    expect(existsSync(file), `${file} is missing: run with UPDATE_TOOLSNAPS=1`).toBe(true);
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual(JSON.parse(text));
  });

  test("states every hint, consistent with its operation", () => {
    const hints = tool.annotations;
    for (const hint of ["readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint"]) {
      expect(typeof hints[hint as keyof typeof hints], `${name} lacks ${hint}`).toBe("boolean");
    }
    const expected: Record<string, Partial<Record<string, boolean>>> = {
      GET: { readOnlyHint: true, destructiveHint: false, idempotentHint: true },
      "local-read": { readOnlyHint: true, destructiveHint: false, idempotentHint: true },
      POST: { readOnlyHint: false, idempotentHint: false },
      PATCH: { readOnlyHint: false, destructiveHint: true },
      PUT: { readOnlyHint: false, idempotentHint: true },
      DELETE: { readOnlyHint: false, destructiveHint: true, idempotentHint: true },
      exec: { readOnlyHint: false, destructiveHint: true, openWorldHint: true },
      transfer: { readOnlyHint: false, destructiveHint: true, openWorldHint: true },
      "local-write": { readOnlyHint: false },
    };
    expect(hints).toMatchObject(expected[tool.operation]!);
  });

  test("lists hints that mean the same to a client with or without the spec's defaults", () => {
    const sent = listed.find((item) => item.name === name)!.annotations!;
    const hints = tool.annotations;
    // What a client applying the spec's defaults reads: the tool's own hints (for read-only
    // tools, destructiveHint and idempotentHint mean nothing by the spec).
    const withDefaults = { ...SPEC_DEFAULTS, ...sent };
    if (hints.readOnlyHint) {
      expect(sent).toEqual({ readOnlyHint: true, openWorldHint: hints.openWorldHint });
    } else {
      expect(withDefaults).toEqual(hints);
    }
    // What a client reading a missing hint as false takes away: never a harmless-looking tool
    // that is destructive or reaches the open world.
    expect(sent.readOnlyHint ?? false).toBe(hints.readOnlyHint);
    expect(sent.openWorldHint ?? false).toBe(hints.openWorldHint);
    if (!hints.readOnlyHint) expect(sent.destructiveHint ?? false).toBe(hints.destructiveHint);
  });

  test("asks before anything destructive", () => {
    if (tool.annotations.destructiveHint && !tool.annotations.readOnlyHint) {
      // Code mode's execute asks before each destructive call its snippet makes instead.
      const asks = tool.confirm ?? tool.confirmsEachCall;
      expect(asks, `${name} is destructive but never asks`).toBeDefined();
    }
  });

  test("is classified by its effect, and annotated and confirmed by it", () => {
    const effect = effectOf(tool);
    expect(effect, `${name}: classify it in EFFECTS above if it does more`).toBe(
      EFFECTS[name] ?? effect,
    );
    if (!EFFECTS[name]) expect(tool.effect, `${name} is not in EFFECTS`).toBeUndefined();
    expect(
      tool.confirm !== undefined || tool.confirmsEachCall === true,
      `${name} (${effect})`,
    ).toBe(!UNCONFIRMED_EFFECTS.has(effect));
    const hints = tool.annotations;
    expect(hints.readOnlyHint).toBe(effect === "read");
    if (effect !== "read") expect(hints.destructiveHint).toBe(effect !== "add");
    if (effect === "run" || effect === "transfer" || effect === "open-shell") {
      expect(hints.openWorldHint).toBe(true);
    }
    // Only adding something that grants nothing runs unasked among the writes.
    if (!hints.readOnlyHint && !tool.confirm && !tool.confirmsEachCall) {
      expect(UNASKED_WRITES).toContain(name);
    }
  });

  test("takes a server's name wherever it takes a server (resolved in register.ts)", () => {
    const properties = (listed.find((item) => item.name === name)!.inputSchema.properties ??
      {}) as Record<string, { format?: string; items?: { format?: string } }>;
    expect(properties.server?.format).toBeUndefined();
    expect(properties.servers?.items?.format).toBeUndefined();
    if (properties.server || properties.servers) expect(tool.scope).toBe("workspace");
  });

  test("describes every argument and bounds every string and number", () => {
    const schema = listed.find((item) => item.name === name)!.inputSchema as {
      properties?: Record<string, Record<string, unknown>>;
    };
    for (const [field, property] of Object.entries(schema.properties ?? {})) {
      if (!SELF_EXPLANATORY.has(field)) {
        expect(property.description, `${name}.${field} has no description`).toBeTruthy();
      }
      if (property.type === "string" && !property.enum && !property.format) {
        expect(
          property.maxLength ?? property.pattern,
          `${name}.${field} is unbounded`,
        ).toBeDefined();
      }
      if (property.type === "integer" || property.type === "number") {
        expect(property.minimum, `${name}.${field} has no minimum`).toBeDefined();
      }
    }
  });
});

describe("workspace and region", () => {
  test("are bounded and checked on every call, though the list shows only what is configured", () => {
    for (const field of Object.values(workspaceFields)) {
      const json = z.toJSONSchema(field.unwrap()) as { maxLength?: number; pattern?: string };
      expect(json.maxLength).toBeLessThanOrEqual(63);
      expect(json.pattern).toBeDefined();
    }
    // No workspace is configured here: there is nothing to choose (see tool-list.test.ts).
    const servers = listed.find((item) => item.name === "servers_list")!.inputSchema.properties!;
    expect(servers).not.toHaveProperty("workspace");
    expect(servers).not.toHaveProperty("region");
  });

  test.each([
    ["workspace", "../../etc"],
    ["workspace", "a".repeat(64)],
    ["region", "AP1; rm -rf /"],
  ])("a %s like %j is refused before the tool runs", async (field, value) => {
    const result = await server.client.callTool({
      name: "servers_list",
      arguments: { [field]: value },
    });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toMatch(/Input validation error|Invalid/i);
  });
});

test("the list carries no $schema, no $ref, no safe-integer bounds, no default execution", () => {
  const text = JSON.stringify(listed);
  expect(text).not.toContain("$schema");
  // Several clients (Claude Code, Cursor, Kiro, opencode) fail on $ref in tool schemas.
  expect(text).not.toContain("$ref");
  // Nullable objects and arrays are `type: [T, "null"]`, not an anyOf with a null branch.
  expect(text).not.toContain('{"type":"null"}');
  expect(text).not.toContain(String(Number.MAX_SAFE_INTEGER));
  expect(text).not.toContain('"taskSupport":"forbidden"');
  for (const tool of listed) expect(tool.annotations).not.toHaveProperty("title");
});
