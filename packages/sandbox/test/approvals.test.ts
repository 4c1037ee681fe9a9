/**
 * Alpacon's sudo decision in front of commands, and the CLI's shape of approval requests. The
 * happy path and main error of each approvals operation are in contract/approvals.ts.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { ALTERNATIVE_VARIANTS } from "../src/index.js";
import { type Api, eventually, useSandbox } from "./helpers/sandbox.js";

const h = useSandbox({
  servers: 6,
  seed: 11,
  workspaces: [
    { region: "ap1", workspace: "acme" },
    { region: "ap1", workspace: "cli", variants: ALTERNATIVE_VARIANTS },
  ],
});
const denial = (code: string) => `Alpacon denied this sudo command (${code}).\n`;

let api: Api;
let jwt: Api;
let owner: Api;
let server: string;

beforeAll(() => {
  api = h.api();
  jwt = h.api(0, "jwt");
  owner = h.api(0, "ownerJwt");
  const servers = h.sandbox.control.workspace("ap1", "acme").servers();
  server = String(servers.find((s) => s.is_connected && s.os_name !== "Windows")?.id);
});

async function run(line: string, extra: Record<string, unknown> = {}, as = jwt) {
  const created = await as.post("/api/events/commands/", { server, line, ...extra });
  expect(created.status).toBe(201);
  const id = created.body[0].id as string;
  return eventually(async () => {
    const r = await as.get(`/api/events/commands/${id}/`);
    return r.body.handled_at ? (r.body as { exit_code: number; result: string }) : null;
  });
}

async function activeSession(scopes: string[], sudoPolicies: unknown[] = []) {
  const created = await jwt.post("/api/work-sessions/sessions/", {
    description: "Maintenance",
    scopes,
    servers: [server],
    expires_at: new Date(Date.now() + 3_600_000).toISOString(),
    sudo_policies: sudoPolicies,
  });
  const approved = await owner.post(
    `/api/approvals/approvals/${created.body.approval_request_id}/approve/`,
    {},
  );
  expect(approved.status).toBe(200);
  return created.body.id as string;
}

describe("sudo under workspace policies", () => {
  it("is the server's own sudoers business until a policy covers the line", async () => {
    expect((await run("sudo -n hostname")).result).toMatch(/not in the sudoers file/);
  });

  it("runs at once under a no_password policy, for the users and groups it names", async () => {
    // The member the sandbox's JWT logs in: the first active non-staff user.
    const users = h.sandbox.control.workspace("ap1", "acme").users();
    const me = String(users.find((u) => !u.is_staff && u.is_active)?.id);
    const res = await api.post("/api/approvals/sudo-policies/", {
      name: "id for me",
      commands: ["id -un"],
      users: [me],
      no_password: true,
    });
    expect(res.status).toBe(201);
    expect(await run("sudo id -un")).toMatchObject({ exit_code: 0, result: "root\n" });
    // The policy names the member only: the owner's token is not covered by it.
    expect((await run("sudo id -un", {}, api)).result).not.toBe("root\n");
  });

  it("keeps compound lines to the server's sudoers, so a grant never widens to the rest", async () => {
    expect((await run("sudo id -un; id -un")).result).toMatch(/not in the sudoers file/);
  });
});

describe("sudo inside a work session", () => {
  it("runs what an MFA-bypass inline policy covers and refuses the rest with the plugin's codes", async () => {
    const id = await activeSession(
      ["command", "sudo"],
      [
        { commands: ["whoami"], allow_bypass_mfa: true },
        { commands: ["uptime"], allow_bypass_mfa: false },
      ],
    );
    const under = { work_session: id };
    expect(await run("sudo whoami", under)).toMatchObject({ exit_code: 0, result: "root\n" });
    expect((await run("sudo uptime", under)).result).toBe(denial("SUDO_POLICY_MFA_REQUIRED"));
    expect((await run("sudo hostname", under)).result).toBe(denial("SUDO_NO_WORKSESSION_POLICY"));
    const noSudo = await activeSession(["command"]);
    expect((await run("sudo whoami", { work_session: noSudo })).result).toBe(
      denial("WORK_SESSION_SCOPE_NOT_ALLOWED"),
    );
  });
});

describe("the CLI's shape (variant approvals: cli)", () => {
  it("has no requestor, and approve answers 200 with an empty body", async () => {
    // Plain fetch: the empty body is what the CLI's tests serve, outside the spec's JSON object.
    const ws = h.sandbox.workspaces[1]!;
    const headers = {
      Authorization: `Bearer ${ws.tokens.jwt}`,
      "Content-Type": "application/json",
    };
    const created = await fetch(`${ws.baseUrl}/api/work-sessions/sessions/`, {
      method: "POST",
      headers,
      body: JSON.stringify({
        scopes: ["command"],
        servers: [h.sandbox.control.workspace("ap1", "cli").servers()[0]?.id],
        expires_at: new Date(Date.now() + 3_600_000).toISOString(),
      }),
    });
    const requestId = ((await created.json()) as { approval_request_id: string })
      .approval_request_id;
    const url = `${ws.baseUrl}/api/approvals/approvals/${requestId}/`;
    const request = (await (await fetch(url, { headers })).json()) as Record<string, unknown>;
    expect(request).not.toHaveProperty("requestor");
    expect(request.status).toBe("pending");
    const approved = await fetch(`${url}approve/`, {
      method: "POST",
      headers: { ...headers, Authorization: `Bearer ${ws.tokens.ownerJwt}` },
      body: "{}",
    });
    expect(approved.status).toBe(200);
    expect(await approved.text()).toBe("");
  });
});
