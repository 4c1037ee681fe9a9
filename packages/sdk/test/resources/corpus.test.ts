/**
 * Every payload of the contract corpus (openapi/corpus/, taken from the official clients' tests
 * and types) answered by a loopback server to the SDK method that reads it: the SDK must accept
 * it and hand back its normalised shape.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCorpus } from "../../../sandbox/test/helpers/corpus.js";
import { type CursorPage, iteratePages, type Page } from "../../src/core/pagination.js";
import {
  type AlpaconClient,
  createAlpaconClient,
  NotFoundError,
  ValidationError,
} from "../../src/index.js";
import { json, startLoopbackServer } from "../helpers/loopback-server.js";

const ID = "550e8400-e29b-41d4-a716-446655440001";
const entries = loadCorpus();

/** Server administration (openapi/corpus/servers/). */
const SERVER_ADMIN_READERS: Record<string, (client: AlpaconClient) => Promise<void>> = {
  updateServer: async (c) => {
    expect(isId((await c.servers.update(ID, { description: "x" })).id)).toBe(true);
  },
  starServer: async (c) => {
    expect(await c.servers.star(ID)).toBe(true);
  },
  requestServerAction: async (c) => {
    // The MCP's fixture: a status word instead of the command.
    expect(await c.servers.restartAgent(ID)).toEqual({
      action: "restart_agent",
      command: null,
      status: "restarting",
    });
  },
  createRegistrationToken: async (c) => {
    expect((await c.servers.registrationTokens.create({ name: "x" })).key).toBeTruthy();
  },
  listRegistrationTokens: async (c) => {
    expect((await c.servers.registrationTokens.list()).results.length).toBeGreaterThan(0);
  },
  getAnsibleInstallGuide: async (c) => {
    const guide = await c.servers.registrationTokens.ansibleGuide({
      platform: "debian",
      token: ID,
    });
    expect(guide.registration_token).toBeTruthy();
  },
};

/** Certificates (openapi/corpus/certs/): partial payloads, status names as each client saw them. */
const CERT_READERS: Record<string, (client: AlpaconClient) => Promise<void>> = {
  listCertificateAuthorities: async (c) => {
    const page = await c.certificates.authorities.list();
    expect(page.next).toBe(2);
    expect(page.results[0]?.owner?.name).toBe("admin");
  },
  createCertificateAuthority: async (c) => {
    const created = await c.certificates.authorities.create({
      name: "Internal CA",
      domain: "internal.acme.com",
      organization: "Acme",
      agent: ID,
      owner: ID,
    });
    expect(created.domain).toBe("internal.acme.com");
  },
  listSignRequests: async (c) => {
    const page = await c.certificates.signRequests.list();
    expect(page.results[0]?.requested_by?.name).toBe("admin");
  },
  createSignRequest: async (c) => {
    const created = await c.certificates.signRequests.create({ domain_list: ["example.com"] });
    expect(created.submit_url).toBe(`/api/cert/sign-requests/${created.id}/submit/`);
    expect(created.status).toBe("requested");
  },
  getSignRequest: async (c) => {
    // A signed request with its certificate, the MCP's `pending` (read as `requested`), or 404.
    await c.certificates.signRequests.get(ID).then(
      (request) => {
        expect(["signed", "requested"]).toContain(request.status);
        if (request.status === "signed") expect(request.crt_text).toMatch(/BEGIN CERTIFICATE/);
      },
      (error) => expect(error).toBeInstanceOf(NotFoundError),
    );
  },
  approveSignRequest: async (c) => {
    expect(await c.certificates.signRequests.approve(ID)).toEqual({ status: "signing" });
  },
  listCertificates: async (c) => {
    const page = await c.certificates.list({ csr__authority__id: ID });
    expect(page.results[0]?.authority?.name).toBe("auth-test");
  },
  getCertificate: async (c) => {
    expect((await c.certificates.get(ID)).status).toBe("active");
  },
  createRevokeRequest: async (c) => {
    expect((await c.certificates.revokeRequests.create({ certificate: ID })).status).toBe(
      "revoked",
    );
  },
};

/** Workspace settings and the IAM extras (openapi/corpus/workspace/, iam/). */
const WORKSPACE_READERS: Record<string, (client: AlpaconClient) => Promise<void>> = {
  getWorkspaceAccessControl: async (c) => {
    expect(typeof (await c.workspaces.accessControl())).toBe("object");
  },
  getWorkspaceSecurity: async (c) => {
    expect(Array.isArray((await c.workspaces.security()).allowed_mfa_methods)).toBe(true);
  },
  listWorkspaceMfaMethods: async (c) => {
    expect((await c.workspaces.mfaMethods()).allowed_mfa_methods?.length).toBeGreaterThan(0);
  },
  getWorkspacePreferences: async (c) => {
    expect((await c.workspaces.preferences.get()).timezone).toBeTruthy();
  },
  getIamApplication: async (c) => {
    expect(isId((await c.iam.applications.get(ID)).id)).toBe(true);
  },
  listIamApplications: async (c) => {
    for (const app of (await c.iam.applications.list()).results) expect(app.name).toBeTruthy();
  },
  assignApplicationSystemUsers: async (c) => {
    const users = await c.iam.applications.assignSystemUsers(ID, [ID]);
    expect(users.map((u) => u.username)).toEqual(["svc-my-service"]);
  },
  unassignApplicationSystemUsers: async (c) => {
    expect((await c.iam.applications.unassignSystemUsers(ID, [ID])).unassigned).toBe(1);
  },
  inviteWorkspaceUser: async (c) => {
    expect(await c.iam.invites.create({ email: "a@example.com" })).toEqual({
      email: "a@example.com",
      detail: ["User invitation sent."],
    });
  },
};

/** Approvals and sudo policies (openapi/corpus/approvals/). */
const APPROVAL_READERS: Record<string, (client: AlpaconClient) => Promise<void>> = {
  listApprovalRequests: async (c) => {
    const requests = [];
    for await (const request of c.approvals.iterate()) requests.push(request);
    expect(requests.length).toBeGreaterThan(0);
    for (const request of requests) expect(isId(request.id)).toBe(true);
  },
  getApprovalRequest: async (c) => {
    expect((await c.approvals.get(ID)).requestor).toBe("user1");
  },
  listSudoPolicies: async (c) => {
    expect((await c.sudoPolicies.list()).results[0]?.name).toBe("admin-sudo");
  },
  createSudoPolicy: async (c) => {
    const policy = await c.sudoPolicies.create({ name: "deploy-sudo", commands: ["true"] });
    expect(policy.name).toBe("deploy-sudo");
  },
};

/** Packages, webhooks and event subscriptions (openapi/corpus/packages/, webhooks/, events/). */
const PACKAGE_AND_WEBHOOK_READERS: Record<string, (client: AlpaconClient) => Promise<void>> = {
  listSystemPackageEntries: async (c) => {
    expect((await c.packages.system.list({ name: "sys-pkg-0" })).results[0]?.name).toBeTruthy();
  },
  listPythonPackageEntries: async (c) => {
    expect((await c.packages.python.list({ server: ID })).results[0]?.name).toBeTruthy();
  },
  getPythonPackageEntry: async (c) => {
    expect((await c.packages.python.get(ID)).download_url).toMatch(/\/api\//);
  },
  // The CLI's upload answers `{}`; the MCP's install echoes the entry.
  createPythonPackageEntry: async (c) => {
    const created = await c.packages.python.create({
      content: new Uint8Array(1),
      filename: "p.whl",
    });
    expect(typeof created).toBe("object");
  },
  createSystemPackageEntry: async (c) => {
    expect(isId((await c.packages.system.install({ server: ID, name: "htop" })).id)).toBe(true);
  },
  createWebhook: async (c) => {
    const hook = await c.webhooks.create({ name: "w", url: "https://example.com/", owner: ID });
    expect(isId(hook.id)).toBe(true);
  },
  listWebhooks: async (c) => {
    expect((await c.webhooks.list()).results[0]?.name).toBeTruthy();
  },
  updateWebhook: async (c) => {
    expect((await c.webhooks.update(ID, { name: "updated-alerts" })).name).toBe("updated-alerts");
  },
  createEventSession: async (c) => {
    expect((await c.eventSessions.create()).channel_id).toBeTruthy();
  },
  // Servers without the events API answer 404: a NotFoundError the caller can carry on after.
  createEventSubscription: async (c) => {
    const result = await c.eventSubscriptions
      .create({ channel: "channel-456", event_type: "command_fin" })
      .catch((error: unknown) => error);
    if (result instanceof NotFoundError) return;
    expect(isId((result as { id: string }).id)).toBe(true);
  },
  listEventSubscriptions: async (c) => {
    expect(isId((await c.eventSubscriptions.list()).results[0]?.id)).toBe(true);
  },
};

type Check = (client: AlpaconClient) => Promise<void>;

/** A cursor page read as one: `next` a token or null, never the CLI fixtures' `""`. */
async function cursorPage(read: Promise<CursorPage<unknown>>) {
  const page = await read;
  expect(Array.isArray(page.results)).toBe(true);
  expect(page.next === null || (typeof page.next === "string" && page.next !== "")).toBe(true);
}

/** Audit and history (openapi/corpus/audit/). */
const AUDIT_READERS: Record<string, Check> = {
  listActivityLogs: (c) => cursorPage(c.audit.activity.list({ page_size: 5 })),
  getActivityLog: async (c) => {
    expect((await c.audit.activity.get("log-1")).id).toBe("log-1");
  },
  listServerLogs: (c) => cursorPage(c.audit.serverLogs.list({ server: ID })),
  listWebftpLogs: (c) => cursorPage(c.audit.webftpLogs.list()),
  listSessionAnalyses: async (c) => {
    expect(Array.isArray((await c.audit.sessionAnalyses.list()).results)).toBe(true);
  },
  listWebshSessionRecords: (c) => cursorPage(c.audit.sessionRecords.list(ID)),
  searchWebshSessionRecords: (c) => cursorPage(c.audit.sessionRecords.search(ID, "docker")),
  getSessionAnalysis: async (c) => {
    expect((await c.audit.sessionAnalyses.get("analysis-1")).id).toBe("analysis-1");
  },
};

const isId = (value: unknown) => typeof value === "string" && value !== "";
const since = "2024-01-01T00:00:00Z";

async function series(read: Promise<{ timestamp?: string }[]>) {
  const points = await read;
  expect(Array.isArray(points)).toBe(true);
  expect(points.length).toBeGreaterThan(0);
}

/** How each operation is read, and what its normalised result must look like. */
const READERS: Record<string, Check> = {
  getCpuUsage: (c) => series(c.metrics.cpuUsage({ server: ID, start: since })),
  getMemoryUsage: (c) => series(c.metrics.memoryUsage({ server: ID, start: since })),
  getDiskUsage: (c) =>
    series(c.metrics.diskUsage({ server: ID, device: "/dev/sda1", start: since })),
  getNetworkTraffic: (c) => series(c.metrics.networkTraffic({ server: ID, start: since })),
  listDiskUsageDevices: async (c) => {
    expect((await c.metrics.diskUsageDevices({ server: ID })).devices.length).toBeGreaterThan(0);
  },
  getCpuTopServers: async (c) => {
    const top = await c.metrics.cpuTopServers();
    expect(top.length).toBeGreaterThan(0);
    for (const item of top) {
      expect(isId(item.server.id)).toBe(true);
      expect(Number.isFinite(item.value)).toBe(true);
    }
  },
  listEvents: async (c) => {
    const page = await c.events.list();
    for (const event of page.results) expect(isId(event.server.id)).toBe(true);
  },
  getEvent: async (c) => {
    expect(isId((await c.events.get(ID)).server.id)).toBe(true);
  },
  createCommand: async (c) => {
    const created = await c.commands.create({ shell: "system", line: "true", server: ID });
    expect(created).toHaveLength(1);
    expect(isId(created[0]?.id)).toBe(true);
  },
  getCommand: async (c) => {
    expect(typeof (await c.commands.get(ID)).status).toBe("string");
  },
  createUpload: async (c) => {
    const created = await c.webftp.uploads.create({ server: ID, name: "a.txt" });
    expect(isId(created.id)).toBe(true);
  },
  createDownload: async (c) => {
    const created = await c.webftp.downloads.create({ server: ID, path: "/etc/hostname" });
    expect(isId(created.id)).toBe(true);
  },
  createBulkDownload: async (c) => {
    const created = await c.webftp.downloads.createBulk({ server: ID, path: ["/a", "/b"] });
    expect(isId(created.id)).toBe(true);
  },
  getUploadStatus: async (c) => {
    const status = c.webftp.uploads.status(ID);
    await status.then(
      (value) => expect(value).toHaveProperty("success"),
      (error) => {
        expect(error).toBeInstanceOf(ValidationError);
        expect(String((error as ValidationError).detail)).toContain("webftp_transfer_in_progress");
      },
    );
  },
  getDownloadStatus: async (c) => {
    expect(await c.webftp.downloads.status(ID)).toHaveProperty("success");
  },
  createWebftpSession: async (c) => {
    expect(isId((await c.webftp.sessions.create({ server: ID })).server?.id)).toBe(true);
  },
  listWebftpSessions: async (c) => {
    const page = await c.webftp.sessions.list();
    for (const session of page.results) expect(isId(session.server?.id)).toBe(true);
  },
  listUploads: async (c) => {
    const page = await c.webftp.uploads.list();
    for (const upload of page.results) expect(isId(upload.server.id)).toBe(true);
  },
  listAlerts: async (c) => {
    const page = await c.alerts.list({ acknowledged: false });
    for (const alert of page.results) expect(isId(alert.id)).toBe(true);
  },
  getAlert: async (c) => {
    expect(isId((await c.alerts.get(ID)).id)).toBe(true);
  },
  acknowledgeAlert: async (c) => {
    expect((await c.alerts.acknowledge(ID, "checked")).message).toBeTruthy();
  },
  listAlertRules: async (c) => {
    const page = await c.alertRules.list();
    expect(page.results.length).toBeGreaterThan(0);
    // The fixture's `metric` is read as the rule's target.
    for (const rule of page.results) expect(rule.target).toBeTruthy();
  },
  createAlertRule: async (c) => {
    const rule = await c.alertRules.create({ name: "r", target: "cpu-usage", threshold: 80 });
    expect(isId(rule.id)).toBe(true);
  },
  updateAlertRule: async (c) => {
    expect((await c.alertRules.update(ID, { threshold: 80 })).threshold).toBe(80);
  },
  listServerNotes: async (c) => {
    expect((await c.notes.list({ server: ID })).results.length).toBeGreaterThan(0);
  },
  listSystemInfo: async (c) => {
    expect((await c.system.info({ server: ID })).results).toHaveLength(1);
  },
  listOsVersions: async (c) => {
    expect((await c.system.osVersion({ server: ID })).results).toHaveLength(1);
  },
  listSystemTimes: async (c) => {
    expect((await c.system.time({ server: ID })).results).toHaveLength(1);
  },
  createWebshUserChannel: async (c) => {
    const connection = await c.websh.channels.create({ session: ID });
    expect(connection.websocket_url).toBeTruthy();
  },
  joinWebshUserChannel: async (c) => {
    const connection = await c.websh.channels.join(ID, { password: "x" });
    expect(connection.websocket_url).toBeTruthy();
  },
  createWebshTunnel: async (c) => {
    const tunnel = await c.websh.tunnels.create({ server: ID, target_port: 5432 });
    expect(tunnel).toMatchObject({ id: "tnl-1", target_port: 5432 });
  },
  listApiTokens: async (c) => {
    const page = await c.apiTokens.list();
    for (const token of page.results) expect(token).not.toHaveProperty("key");
    expect(page.results.length).toBeGreaterThan(0);
  },
  createApiToken: async (c) => {
    expect(isId((await c.apiTokens.create({ name: "t" })).id)).toBe(true);
  },
  updateApiToken: async (c) => {
    expect((await c.apiTokens.update(ID, { enabled: false })).enabled).toBe(false);
  },
  duplicateApiToken: async (c) => {
    expect((await c.apiTokens.duplicate(ID)).key).toBeTruthy();
  },
  listApiTokenScopes: async (c) => {
    const catalog = await c.apiTokens.scopes();
    expect(catalog.resources.length).toBeGreaterThan(0);
    for (const resource of catalog.resources) expect(resource.name).toBeTruthy();
  },
  listApiTokenPresets: async (c) => {
    expect(Object.values(await c.apiTokens.presets()).length).toBeGreaterThan(0);
  },
  listCommandAcls: async (c) => {
    expect((await c.security.commandAcls.list()).results[0]?.command).toBeTruthy();
  },
  createCommandAcl: async (c) => {
    expect(isId((await c.security.commandAcls.create({ token: ID, command: "ls" })).id)).toBe(true);
  },
  listServerAcls: async (c) => {
    const page = await c.security.serverAcls.list();
    for (const entry of page.results) expect(isId(entry.server?.id)).toBe(true);
  },
  createServerAcl: async (c) => {
    const entry = await c.security.serverAcls.create({ token: ID, server: ID });
    expect(isId(entry.server?.id)).toBe(true);
  },
  updateServerAcl: async (c) => {
    expect(isId((await c.security.serverAcls.update(ID, { server: ID })).server?.id)).toBe(true);
  },
  bulkCreateServerAcls: async (c) => {
    const created = await c.security.serverAcls.bulkCreate({ token: ID, servers: [ID] });
    expect(created.length).toBeGreaterThan(0);
  },
  bulkDeleteServerAcls: async (c) => {
    const result = await c.security.serverAcls.bulkDelete({ token: ID, servers: [ID] });
    expect(result.deleted).toBeGreaterThan(0);
  },
  listFileAcls: async (c) => {
    expect((await c.security.fileAcls.list()).results[0]?.path).toBeTruthy();
  },
  createFileAcl: async (c) => {
    const entry = await c.security.fileAcls.create({ token: ID, path: "/tmp/*", action: "*" });
    expect(isId(entry.id)).toBe(true);
  },
  listWebshSessions: async (c) => {
    expect((await c.websh.sessions.list()).results.length).toBeGreaterThan(0);
  },
  listWorkSessions: async (c) => {
    const sessions = [];
    for await (const session of c.workSessions.iterate()) sessions.push(session);
    expect(sessions.length).toBeGreaterThan(0);
    for (const session of sessions) expect(isId(session.servers?.[0]?.id)).toBe(true);
  },
  getWorkSession: async (c) => {
    expect(typeof (await c.workSessions.get(ID)).status).toBe("string");
  },
  createWorkSession: async (c) => {
    const created = await c.workSessions.create({
      scopes: ["command"],
      servers: [ID],
      expires_at: "2030-01-01T00:00:00Z",
    });
    expect(isId(created.id)).toBe(true);
  },
  updateWorkSession: async (c) => {
    const updated = await c.workSessions.update(ID, { description: "x" });
    const queued = updated.pending_modification_request;
    expect(queued === null || typeof queued?.id === "string").toBe(true);
  },
  analyzeWorkSession: async (c) => {
    expect((await c.workSessions.analyze(ID)).status).toBe("accepted");
  },
  listWorkSessionTimeline: async (c) => {
    const items = [];
    for await (const item of c.workSessions.iterateTimeline(ID)) items.push(item);
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) expect(Number.isNaN(Date.parse(item.timestamp ?? ""))).toBe(false);
  },
  ...SERVER_ADMIN_READERS,
  ...CERT_READERS,
  ...WORKSPACE_READERS,
  ...AUDIT_READERS,
  ...APPROVAL_READERS,
  ...PACKAGE_AND_WEBHOOK_READERS,
};

let api: Awaited<ReturnType<typeof startLoopbackServer>>;
let client: AlpaconClient;

beforeAll(async () => {
  api = await startLoopbackServer();
  client = createAlpaconClient({ token: "alpat-corpus", baseUrl: api.url, maxRetries: 0 });
});
afterAll(() => api.close());

describe("the SDK reads every corpus payload", () => {
  it("has a reader for every operation in the corpus", () => {
    const missing = entries.filter(({ entry }) => !READERS[entry.operation]);
    expect(missing.map(({ name }) => name)).toEqual([]);
  });

  it.each(entries)("$name", async ({ entry }) => {
    api.always((_request, response) => json(response, entry.status, entry.payload));
    await READERS[entry.operation]!(client);
  });
});

describe("page iteration", () => {
  it("ends on next 0 as well as null (the CLI's pages, corpus notes/list-nested)", async () => {
    const requested: number[] = [];
    const pages: Record<number, Page<string>> = {
      1: { count: 3, current: 1, next: 2, previous: null, last: 2, results: ["a", "b"] },
      2: { count: 3, current: 2, next: 0, previous: 1, last: 2, results: ["c"] },
    };
    const items: string[] = [];
    for await (const item of iteratePages(async (query: { page?: number }) => {
      requested.push(query.page ?? 1);
      return pages[query.page ?? 1]!;
    }, {})) {
      items.push(item);
    }
    expect(items).toEqual(["a", "b", "c"]);
    expect(requested).toEqual([1, 2]);
  });
});

describe("top-servers entries", () => {
  it("refuse an entry that names no server or carries no number, saying which", async () => {
    api.always((_request, response) => json(response, 200, [{ value: 3 }]));
    await expect(client.metrics.cpuTopServers()).rejects.toThrow(/names no server/);
    api.always((_request, response) => json(response, 200, { data: [{ server_id: ID }] }));
    await expect(client.metrics.cpuTopServers()).rejects.toThrow(
      new RegExp(`entry for ${ID} carries no number`),
    );
    api.always((_request, response) => json(response, 200, { rows: [] }));
    await expect(client.metrics.cpuTopServers()).rejects.toThrow(/unknown shape.*keys rows/);
  });
});

describe("cert action answers", () => {
  it("read an empty 200 as {} and the CLI help's names as the MCP's", async () => {
    api.always((_request, response) => {
      response.writeHead(200, { "content-length": "0" });
      response.end();
    });
    expect(await client.certificates.revokeRequests.approve(ID)).toEqual({});
    api.always((_request, response) => json(response, 200, { id: ID, status: "processing" }));
    expect(await client.certificates.signRequests.retry(ID)).toEqual({ id: ID, status: "signing" });
  });
});

describe("server action answers", () => {
  it("accept the CLI test's empty 201 (no command, no status)", async () => {
    api.always((_request, response) => {
      response.writeHead(201, { "content-length": "0" });
      response.end();
    });
    expect(await client.servers.reboot(ID, { force: true })).toEqual({
      action: "reboot_system",
      command: null,
      status: null,
    });
  });
});
