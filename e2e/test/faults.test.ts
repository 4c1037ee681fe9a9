// The fault matrix: every fault kind of the sandbox × one representative tool per toolset, run
// through a real MCP client connected in memory to the server (package sources). For each cell:
// the answer is an `isError` result with a clear message (or a success after the SDK's retries
// where the policy allows them), the journal shows the retries the policy promises, no
// non-idempotent request is processed twice, and the same server answers the next call.

import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { FaultRule, JournalEntry } from "@alpacon/sandbox";
import { describe, expect, test } from "vitest";
import { openFilesNamed } from "../../packages/sdk/test/helpers/open-files.js";
import {
  callTool,
  connectedServer,
  type InMemory,
  startInMemory,
  type ToolAnswer,
} from "../src/in-memory.js";
import { gaps, processed, writesProcessedTwice } from "../src/journal.js";

/**
 * SDK per-attempt timeout: small, so a stalled answer fails in seconds, yet with room for a
 * loaded two-core CI machine running the other cells at the same time.
 */
const TIMEOUT_MS = 2_000;
/** The SDK default: idempotent requests are tried 1 + 2 times. */
const ATTEMPTS = 3;

type RestFault = "429" | "500" | "502" | "503" | "reset" | "stall" | "truncate";

const REST_FAULTS: Record<RestFault, Omit<FaultRule, "path" | "method">> = {
  "429": { kind: "error", status: 429, retryAfter: 1 },
  "500": { kind: "error", status: 500 },
  "502": { kind: "error", status: 502 },
  "503": { kind: "error", status: 503 },
  reset: { kind: "reset" },
  stall: { kind: "stall" },
  truncate: { kind: "truncate" },
};

/** What the error text must say for each fault (the "why" part of the three answers). */
const WHY: Record<RestFault, RegExp> = {
  "429": /rate-limiting this token \(HTTP 429\)[\s\S]*Retry after 1 s/,
  "500": /the Alpacon server failed \(HTTP 500/,
  "502": /the Alpacon server failed \(HTTP 502\)/,
  "503": /the Alpacon server failed \(HTTP 503/,
  reset: /no answer from Alpacon for (GET|POST) \/api\//,
  stall: /(GET|POST) \/api\/\S+ got no answer within/,
  truncate: /no answer from Alpacon for (GET|POST) \/api\//,
};

interface Ctx {
  h: InMemory;
  server: string;
  /** Unique per call, so command lines and file names never collide between calls. */
  unique: () => string;
}

interface ToolCase {
  toolset: string;
  tool: string;
  /** The request the fault is put on: the tool's first one. */
  method: "GET" | "POST";
  path: string;
  args(ctx: Ctx): Record<string, unknown> | Promise<Record<string, unknown>>;
  /** Checks a successful answer in detail. */
  ok?(answer: ToolAnswer, ctx: Ctx): void;
}

const PAYLOAD = randomBytes(64 * 1024);

async function uploadedFile(ctx: Ctx): Promise<string> {
  const remotePath = `/tmp/${ctx.unique()}.bin`;
  const up = await callTool(ctx.h.client, "webftp_upload_file", {
    server: ctx.server,
    localPath: "payload.bin",
    remotePath,
  });
  expect(up.isError, up.text).toBe(false);
  return remotePath;
}

const READS: ToolCase[] = [
  {
    toolset: "servers",
    tool: "servers_list",
    method: "GET",
    path: "/api/servers/servers/",
    args: () => ({}),
  },
  {
    toolset: "metrics",
    tool: "get_cpu_usage",
    method: "GET",
    path: "/api/metrics/realtime/cpu/",
    args: ({ server }) => ({ server }),
  },
  {
    toolset: "system",
    tool: "get_system_info",
    method: "GET",
    path: "/api/proc/info/",
    args: ({ server }) => ({ server }),
  },
  {
    toolset: "events",
    tool: "list_events",
    method: "GET",
    path: "/api/events/events/",
    args: () => ({}),
  },
  {
    toolset: "iam",
    tool: "iam_users_list",
    method: "GET",
    path: "/api/iam/users/",
    args: () => ({}),
  },
  {
    toolset: "work-sessions",
    tool: "work_session_list",
    method: "GET",
    path: "/api/work-sessions/sessions/",
    args: () => ({}),
  },
];

const WRITES: ToolCase[] = [
  {
    toolset: "websh",
    tool: "websh_command_execute",
    method: "POST",
    path: "/api/websh/sessions/",
    args: ({ server }) => ({ server, command: "echo websh-ok" }),
    ok: (answer) => expect(answer.structured).toMatchObject({ exitCode: 0 }),
  },
  {
    toolset: "webftp",
    tool: "webftp_upload_file",
    method: "POST",
    path: "/api/webftp/uploads/",
    args: (ctx) => ({
      server: ctx.server,
      localPath: "payload.bin",
      remotePath: `/tmp/${ctx.unique()}.bin`,
    }),
    ok: (answer) => expect(answer.structured).toMatchObject({ bytes: PAYLOAD.length }),
  },
  {
    toolset: "webftp",
    tool: "webftp_download_file",
    method: "POST",
    path: "/api/webftp/downloads/",
    args: async (ctx) => ({
      server: ctx.server,
      remotePath: await uploadedFile(ctx),
      localPath: `${ctx.unique()}.bin`,
    }),
    ok: (answer, ctx) => {
      const local = answer.structured!.localPath as string;
      expect(readFileSync(local).equals(PAYLOAD)).toBe(true);
      expect(local.startsWith(ctx.h.dir)).toBe(true);
    },
  },
];

const COMMAND_RUN: ToolCase = {
  toolset: "commands",
  tool: "command_run",
  method: "POST",
  path: "/api/events/commands/",
  args: (ctx) => ({ servers: [ctx.server], command: `echo ${ctx.unique()}`, timeoutSeconds: 3 }),
  ok: (answer) => expect(answer.structured).toMatchObject({ succeeded: 1, failed: 0 }),
};

async function harness(timeoutMs = TIMEOUT_MS): Promise<Ctx> {
  const h = await startInMemory({ server: { clientOptions: { timeoutMs } } });
  writeFileSync(join(h.dir, "payload.bin"), PAYLOAD);
  let n = 0;
  return {
    h,
    server: connectedServer(h.sandbox),
    unique: () => `u${++n}x${randomBytes(3).toString("hex")}`,
  };
}

/** Runs `body` on a fresh sandbox and server; always closes both. */
async function withHarness(
  body: (ctx: Ctx) => Promise<void>,
  timeoutMs = TIMEOUT_MS,
): Promise<void> {
  const ctx = await harness(timeoutMs);
  try {
    await body(ctx);
  } finally {
    await ctx.h.close();
  }
}

/** Calls the tool with a fault in place; returns the answer and the journal of that call only. */
async function callWithFault(
  ctx: Ctx,
  tc: ToolCase,
  rule: FaultRule,
): Promise<{ answer: ToolAnswer; journal: JournalEntry[]; all: JournalEntry[] }> {
  const args = await tc.args(ctx);
  const control = ctx.h.sandbox.control;
  control.clearJournal();
  control.clearFaults();
  control.addFault(rule);
  const answer = await callTool(ctx.h.client, tc.tool, args, { timeout: 30_000 });
  control.clearFaults();
  const all = control.journal();
  const journal = all.filter((entry) => entry.method === tc.method && entry.path === tc.path);
  return { answer, journal, all };
}

/** After the fault is gone, the same server answers the same tool normally. */
async function answersNextCall(ctx: Ctx, tc: ToolCase): Promise<void> {
  const answer = await callTool(ctx.h.client, tc.tool, await tc.args(ctx));
  expect(answer.isError, answer.text).toBe(false);
  tc.ok?.(answer, ctx);
}

function expectClearError(answer: ToolAnswer, tool: string, why: RegExp): void {
  expect(answer.isError).toBe(true);
  expect(answer.structured).toBeUndefined();
  expect(answer.text).toContain(`${tool} failed (workspace acme, region ap1`);
  expect(answer.text).toMatch(why);
  expect(answer.text).toMatch(/\nWhat to do: \S/);
  expect(answer.text).not.toMatch(/<html|<\/|\bat \S+:\d+:\d+|unexpected error/i);
}

const FAULT_NAMES = Object.keys(REST_FAULTS) as RestFault[];

describe.concurrent.each(FAULT_NAMES)("%s", (name) => {
  const fault = REST_FAULTS[name];

  test.each(READS)("$tool ($toolset): read-only, retried as the SDK policy says", (tc) =>
    withHarness(async (ctx) => {
      // Every attempt fails: the SDK tries 1 + 2 times, then the tool explains.
      const always = await callWithFault(ctx, tc, { ...fault, path: tc.path, method: tc.method });
      expectClearError(always.answer, tc.tool, WHY[name]);
      expect(always.journal).toHaveLength(ATTEMPTS);
      expect(always.journal.every((entry) => entry.outcome.startsWith("fault:"))).toBe(true);
      if (name === "429") {
        // Retry-After: 1 is honoured on top of the backoff.
        for (const gap of gaps(always.journal)) expect(gap).toBeGreaterThanOrEqual(950);
      }

      // One failure only: the retry succeeds and the tool answers normally.
      const once = await callWithFault(ctx, tc, {
        ...fault,
        path: tc.path,
        method: tc.method,
        times: 1,
      });
      expect(once.answer.isError, once.answer.text).toBe(false);
      expect(once.journal.map((entry) => entry.outcome)).toEqual([`fault:${fault.kind}`, "ok"]);

      await answersNextCall(ctx, tc);
    }),
  );

  test.each(WRITES)("$tool ($toolset): the creating POST is never resent", (tc) =>
    withHarness(async (ctx) => {
      for (const times of [undefined, 1]) {
        const rule = { ...fault, path: tc.path, method: tc.method, ...(times ? { times } : {}) };
        const { answer, journal, all } = await callWithFault(ctx, tc, rule);
        expectClearError(answer, tc.tool, WHY[name]);
        expect(journal).toHaveLength(1);
        expect(writesProcessedTwice(all)).toEqual([]);
      }
      await answersNextCall(ctx, tc);
    }),
  );

  test("command_run (commands): an unknown outcome is reported, never resent", () =>
    withHarness(async (ctx) => {
      const tc = COMMAND_RUN;
      const rule = { ...fault, path: tc.path, method: tc.method };
      const { answer, journal, all } = await callWithFault(ctx, tc, rule);
      expect(writesProcessedTwice(all)).toEqual([]);
      // command_run reports per server: a failed server is a row with an error kind, and the
      // result itself is not isError (see the README of e2e, "Findings").
      const row = (answer.structured!.results as Array<Record<string, unknown>>)[0]!;
      if (name === "429") {
        // Refused before anything ran: the SDK waits Retry-After and submits again until the
        // call's timeout, then reports the refusal. No attempt reached the application.
        expect(row.error).toMatchObject({ kind: "rejected" });
        expect(answer.text).toContain("Retry after 1 s");
        expect(journal.length).toBeGreaterThanOrEqual(2);
        expect(journal.some(processed)).toBe(false);
        for (const gap of gaps(journal)) expect(gap).toBeGreaterThanOrEqual(950);
      } else if (name === "truncate") {
        // The command was created but the answer was cut: instead of resending, the SDK finds
        // it in the list and follows it to its end.
        expect(journal).toHaveLength(1);
        expect(answer.structured).toMatchObject({ succeeded: 1 });
      } else {
        expect(journal).toHaveLength(1);
        expect(row.error).toMatchObject({ kind: "may_have_run" });
        expect(answer.text).toContain("OUTCOME UNKNOWN (may have run; do not resend");
      }

      if (name === "429") {
        // A single 429: the second submission goes through.
        const once = await callWithFault(ctx, tc, { ...rule, times: 1 });
        expect(once.answer.structured).toMatchObject({ succeeded: 1 });
        expect(once.journal.map((entry) => entry.status)).toEqual([429, 201]);
      }
      await answersNextCall(ctx, tc);
    }));
});

describe.concurrent("websh: WebSocket dropped mid-exec", () => {
  test.each([0, 1, 2])("after %i frames: isError, the command is not run again", (afterFrames) =>
    withHarness(async (ctx) => {
      const tc = WRITES[0]!;
      const { answer, all } = await callWithFault(
        ctx,
        { ...tc, args: ({ server }) => ({ server, command: "echo start; sleep 1; echo end" }) },
        { kind: "ws-drop", afterFrames, path: "/ws/websh/*" },
      );
      expectClearError(answer, tc.tool, /websh connection was lost[\s\S]*result is unknown/);
      expect(all.filter((entry) => entry.path === "/api/websh/sessions/")).toHaveLength(1);
      expect(all.filter((entry) => entry.path.startsWith("/ws/websh/"))).toHaveLength(1);
      await answersNextCall(ctx, tc);
    }),
  );

  test("a dropped channel is reported, and a new session works", () =>
    withHarness(async (ctx) => {
      const control = ctx.h.sandbox.control;
      control.addFault({ kind: "ws-drop", afterFrames: 3, path: "/ws/websh/*", times: 1 });
      const created = await callTool(ctx.h.client, "websh_session_create", { server: ctx.server });
      expect(created.isError, created.text).toBe(false);
      const { channelId } = created.structured!.channel as { channelId: string };
      const results: ToolAnswer[] = [];
      for (let i = 0; i < 3; i++) {
        results.push(
          await callTool(ctx.h.client, "websh_channel_execute", {
            channelId,
            command: `echo step-${i}; sleep 0.2`,
          }),
        );
      }
      const failed = results.filter((answer) => answer.isError);
      expect(failed.length).toBeGreaterThan(0);
      for (const answer of failed) {
        expect(answer.text).toMatch(/websh_channel_execute failed/);
        expect(answer.text).toMatch(/websh_session_create/);
      }
      control.clearFaults();
      const again = await callTool(ctx.h.client, "websh_session_create", { server: ctx.server });
      expect(again.isError, again.text).toBe(false);
      const next = (again.structured!.channel as { channelId: string }).channelId;
      const ran = await callTool(ctx.h.client, "websh_channel_execute", {
        channelId: next,
        command: "echo fine",
      });
      expect(ran.structured).toMatchObject({ exitCode: 0 });
    }));
});

describe.concurrent("webftp: transfer aborted mid-way", () => {
  const upload = WRITES[1]!;
  const download = WRITES[2]!;

  test("upload: the storage connection is reset; the PUT (idempotent) is retried", () =>
    withHarness(async (ctx) => {
      const rule: FaultRule = { kind: "reset", path: "/storage/uploads/*", method: "PUT" };
      const always = await callWithFault(ctx, upload, rule);
      expectClearError(always.answer, upload.tool, /no answer from Alpacon for PUT <upload_url>/);
      expect(always.all.filter((entry) => entry.method === "PUT")).toHaveLength(ATTEMPTS);
      expect(always.journal).toHaveLength(1);

      const once = await callWithFault(ctx, upload, { ...rule, times: 1 });
      expect(once.answer.isError, once.answer.text).toBe(false);
      upload.ok!(once.answer, ctx);
      expect(once.all.filter((entry) => entry.method === "PUT").map((e) => e.outcome)).toEqual([
        "fault:reset",
        "ok",
      ]);
      expect(writesProcessedTwice([...always.all, ...once.all])).toEqual([]);
      await answersNextCall(ctx, upload);
    }));

  test("download: the storage connection is reset before the body; the GET is retried", () =>
    withHarness(async (ctx) => {
      const rule: FaultRule = { kind: "reset", path: "/storage/downloads/*", method: "GET" };
      const always = await callWithFault(ctx, download, rule);
      expectClearError(
        always.answer,
        download.tool,
        /no answer from Alpacon for GET <download_url>/,
      );
      expect(always.all.filter((entry) => entry.path.startsWith("/storage/"))).toHaveLength(
        ATTEMPTS,
      );

      const once = await callWithFault(ctx, download, { ...rule, times: 1 });
      expect(once.answer.isError, once.answer.text).toBe(false);
      download.ok!(once.answer, ctx);
      await answersNextCall(ctx, download);
    }));

  test("download: the body is cut mid-way; isError and no partial file is left", () =>
    withHarness(async (ctx) => {
      const before = readdirSync(ctx.h.dir).sort();
      const rule: FaultRule = { kind: "truncate", path: "/storage/downloads/*", method: "GET" };
      const { answer, journal } = await callWithFault(ctx, download, rule);
      expect(answer.isError).toBe(true);
      expect(answer.text).toContain("webftp_download_file failed (workspace acme, region ap1");
      expect(journal).toHaveLength(1);
      // The bytes went to a temporary .part file, removed on failure: only the upload's source
      // and nothing else is in the directory.
      expect(readdirSync(ctx.h.dir).sort()).toEqual(before);
      await answersNextCall(ctx, download);
    }));
});

describe("auth (local only)", () => {
  test("auth_set_token makes no request, so no fault reaches it", () =>
    withHarness(async (ctx) => {
      const control = ctx.h.sandbox.control;
      control.clearJournal();
      control.addFault({ kind: "reset" });
      control.addFault({ kind: "ws-drop", afterFrames: 0 });
      const set = await callTool(ctx.h.client, "auth_set_token", {
        workspace: "ops",
        region: "us1",
        token: "alpat-e2e-fault-matrix-token",
      });
      expect(set.isError, set.text).toBe(false);
      const listed = await callTool(ctx.h.client, "workspaces_list");
      expect(JSON.stringify(listed.structured)).toContain('"ops"');
      expect(control.journal()).toEqual([]);
      // And the faulted API is still reported, not hung on.
      const servers = await callTool(ctx.h.client, "servers_list", { workspace: "acme" });
      expectClearError(servers, "servers_list", WHY.reset);
    }));
});

// Bugs this matrix found in packages/* (now fixed): each test states the behaviour a user needs.
// See e2e/README.md, "Findings".
describe.concurrent("regressions of bugs found here", () => {
  test(
    "sdk: a stalled storage download ends after the client timeout",
    () =>
      withHarness(async (ctx) => {
        const args = await WRITES[2]!.args(ctx);
        ctx.h.sandbox.control.addFault({ kind: "stall", path: "/storage/downloads/*" });
        // Expected: isError after a few client timeouts (1 s × 3 attempts + backoff). Today the
        // GET of the presigned URL has no timeout: the call hangs until the MCP client gives up.
        const answer = await callTool(ctx.h.client, "webftp_download_file", args, {
          timeout: 8_000,
        });
        expect(answer.isError).toBe(true);
      }, 1_000),
    20_000,
  );

  test(
    "sdk: a stalled storage upload ends after the client timeout",
    () =>
      withHarness(async (ctx) => {
        const args = await WRITES[1]!.args(ctx);
        ctx.h.sandbox.control.addFault({ kind: "stall", path: "/storage/uploads/*" });
        const answer = await callTool(ctx.h.client, "webftp_upload_file", args, {
          timeout: 8_000,
        });
        expect(answer.isError).toBe(true);
      }, 1_000),
    20_000,
  );

  test("sdk/mcp: a download cut mid-body is a clear connection error", () =>
    withHarness(async (ctx) => {
      const rule: FaultRule = { kind: "truncate", path: "/storage/downloads/*", method: "GET" };
      const { answer } = await callWithFault(ctx, WRITES[2]!, rule);
      expectClearError(answer, "webftp_download_file", /GET <download_url>/);
    }));

  test("sdk: a lost answer to the upload trigger does not turn a done upload into a failure", () =>
    withHarness(async (ctx) => {
      const rule: FaultRule = {
        kind: "truncate",
        path: "/api/webftp/uploads/*/upload/",
        times: 1,
      };
      const { answer } = await callWithFault(ctx, WRITES[1]!, rule);
      // The upload did happen (the first trigger was processed); the retry answers 400 "This
      // file has already been transferred." and the tool reports a failure.
      expect(answer.isError, answer.text).toBe(false);
    }));

  test("mcp: a timeout under a second is described in ms", () =>
    withHarness(async (ctx) => {
      const { answer } = await callWithFault(ctx, READS[0]!, {
        kind: "stall",
        path: "/api/servers/servers/",
      });
      expect(answer.text).not.toContain("within 0 s");
    }, 300));
});

describe("regressions: file handles", () => {
  test("sdk: a download failing before its first byte leaves no file handle open", () =>
    withHarness(async (ctx) => {
      const tc = WRITES[2]!;
      const args = await tc.args(ctx);
      // The create request fails: downloadFile has already opened the .part file
      // (fileWriteStream's start) and nothing ever closes or aborts that stream.
      ctx.h.sandbox.control.addFault({ kind: "error", status: 400, path: tc.path, method: "POST" });
      // Garbage collection closes such handles eventually (with a warning), so each call is
      // checked right after it returns.
      let leftOpen = 0;
      for (let i = 0; i < 10; i++) {
        const marker = `leak-${randomBytes(4).toString("hex")}`;
        const answer = await callTool(ctx.h.client, tc.tool, {
          ...args,
          localPath: `${marker}.bin`,
        });
        expect(answer.isError).toBe(true);
        // The .part file is deleted; its descriptor should be closed too.
        leftOpen += openFilesNamed(marker);
      }
      expect(leftOpen).toBe(0);
    }));
});
