// The end-to-end scenario a user's assistant would run, touching every toolset, on any
// transport. Returns a transcript (every answer as text) so callers can look for leaks in it.

import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { expect } from "vitest";

export interface ScenarioOptions {
  /** A directory the server may use for webftp (its `--allow-dir`). */
  allowDir: string;
  /** Workspace arguments when several workspaces are configured. */
  target?: { workspace: string; region: string };
  /** A token value to save and remove with the auth tools (a canary in the secrets test). */
  tokenToSave?: string;
}

export interface Transcript {
  /** Step names, in order. */
  steps: string[];
  /** Every tool answer: text content and structured content, as JSON. */
  answers: string[];
}

interface Answer {
  isError: boolean;
  text: string;
  structured: Record<string, unknown> | undefined;
}

/**
 * The toolsets the scenario calls: the default set, plus IAM's writes (creating, updating and
 * deleting a user are opt-in). Servers that run it are started with these flags.
 */
export const SCENARIO_FLAGS = ["--toolsets", "default,iam"];

/**
 * Runs the scenario: list servers, read metrics, system info, a command's exit code, a websh
 * session with two commands sharing state, an upload and a download compared byte for byte,
 * events listed and searched, an IAM user created, updated and deleted, a token saved and
 * removed. Asserts each step and returns the transcript.
 */
export async function runScenario(client: Client, options: ScenarioOptions): Promise<Transcript> {
  const where = options.target ?? {};
  const transcript: Transcript = { steps: [], answers: [] };
  const call = async (step: string, name: string, args: Record<string, unknown> = {}) => {
    const result = await client.callTool({ name, arguments: args }, undefined, {
      timeout: 60_000,
    });
    const content = (result.content ?? []) as Array<{ type: string; text?: string }>;
    const answer: Answer = {
      isError: result.isError === true,
      text: content.map((item) => item.text ?? "").join("\n"),
      structured: result.structuredContent as Record<string, unknown> | undefined,
    };
    transcript.steps.push(step);
    transcript.answers.push(answer.text, JSON.stringify(answer.structured ?? null));
    expect(answer.isError, `${step} (${name}): ${answer.text}`).toBe(false);
    return answer;
  };

  // servers
  const servers = await call("list servers", "servers_list", { ...where });
  const list = servers.structured!.servers as Array<{
    id: string;
    connected: boolean;
    os: string | null;
  }>;
  expect(list.length).toBeGreaterThan(0);
  const server = list.find((item) => item.connected && item.os && !/windows/i.test(item.os))!.id;
  expect(server).toBeDefined();

  // metrics
  const cpu = await call("read CPU metrics", "get_cpu_usage", { ...where, server, hours: 6 });
  expect(cpu.text).toMatch(/CPU usage/);

  // system
  const info = await call("system info", "get_system_info", { ...where, server });
  expect(info.text).toMatch(/cores/);

  // commands: the exit code comes back
  const ran = await call("run a command", "command_run", {
    ...where,
    servers: [server],
    command: "echo from-command-api; exit 3",
  });
  const row = (ran.structured!.results as Array<Record<string, unknown>>)[0]!;
  expect(row).toMatchObject({ exitCode: 3 });
  expect(row.output).toContain("from-command-api");

  // websh: one session, two commands, state kept between them
  const opened = await call("open a websh session", "websh_session_create", { ...where, server });
  const channel = opened.structured!.channel as { channelId: string; sessionId: string };
  await call("websh: cd", "websh_channel_execute", {
    channelId: channel.channelId,
    command: "cd /tmp && export E2E_MARK=kept",
  });
  const pwd = await call("websh: pwd", "websh_channel_execute", {
    channelId: channel.channelId,
    command: 'pwd; echo "$E2E_MARK"; false',
  });
  expect(pwd.structured).toMatchObject({ exitCode: 1 });
  expect(String(pwd.structured!.output)).toMatch(/\/tmp[\s\S]*kept/);
  await call("close the websh session", "websh_session_terminate", {
    ...where,
    sessionId: channel.sessionId,
  });

  // webftp: upload, download, same bytes
  const bytes = randomBytes(48 * 1024);
  const name = `e2e-${randomBytes(4).toString("hex")}`;
  writeFileSync(join(options.allowDir, `${name}.bin`), bytes);
  await call("upload a file", "webftp_upload_file", {
    ...where,
    server,
    localPath: join(options.allowDir, `${name}.bin`),
    remotePath: `/tmp/${name}.bin`,
  });
  const download = await call("download it back", "webftp_download_file", {
    ...where,
    server,
    remotePath: `/tmp/${name}.bin`,
    localPath: join(options.allowDir, `${name}.back.bin`),
  });
  expect(readFileSync(String(download.structured!.localPath)).equals(bytes)).toBe(true);

  // events
  const events = await call("list events", "list_events", { ...where, pageSize: 10 });
  const first = (events.structured!.events as Array<Record<string, unknown>>)[0];
  expect(first).toBeDefined();
  const word =
    String(first!.description ?? first!.title ?? first!.kind ?? "cpu")
      .split(/\W+/)
      .find((item) => item.length >= 4) ?? "cpu";
  const found = await call("search events", "search_events", { ...where, query: word });
  expect(Number(found.structured!.count)).toBeGreaterThan(0);

  // iam: create, update, delete
  const username = `e2e-${randomBytes(3).toString("hex")}`;
  const created = await call("create an IAM user", "iam_user_create", {
    ...where,
    username,
    email: `${username}@example.com`,
    firstName: "End",
  });
  const user = (created.structured!.user as { id: string }).id;
  const updated = await call("update the IAM user", "iam_user_update", {
    ...where,
    user,
    firstName: "Updated",
  });
  expect(JSON.stringify(updated.structured)).toContain("Updated");
  await call("delete the IAM user", "iam_user_delete", { ...where, user });
  const users = await call("list IAM users", "iam_users_list", { ...where, pageSize: 100 });
  expect(JSON.stringify(users.structured)).not.toContain(username);

  // auth: set a token, see it configured, remove it
  const token = options.tokenToSave ?? `alpat-e2e${randomBytes(12).toString("hex")}`;
  await call("set a token", "auth_set_token", { workspace: "e2e-extra", region: "ap1", token });
  const withIt = await call("list workspaces", "workspaces_list");
  expect(JSON.stringify(withIt.structured)).toContain("e2e-extra");
  await call("remove the token", "auth_remove_token", { workspace: "e2e-extra", region: "ap1" });
  const without = await call("list workspaces again", "workspaces_list");
  expect(JSON.stringify(without.structured)).not.toContain("e2e-extra");

  return transcript;
}

/** Scenario steps, for the README's figures. */
export const SCENARIO_STEPS = 20;

/** Accepts every confirmation the server asks for (a client with elicitation support). */
export function acceptConfirmations(client: Client, asked: string[] = []): string[] {
  client.setRequestHandler(ElicitRequestSchema, async (request) => {
    asked.push(String(request.params.message));
    return { action: "accept", content: { confirm: true } };
  });
  return asked;
}

/** Records every message the client receives (results, errors, notifications) as JSON. */
export function recordIncoming(transport: Transport, into: string[]): void {
  const original = transport.onmessage;
  transport.onmessage = (message, extra) => {
    into.push(JSON.stringify(message));
    original?.(message, extra);
  };
}
