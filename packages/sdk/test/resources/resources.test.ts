import { describe, expect, it } from "vitest";
import { NotFoundError, PermissionDeniedError, ValidationError } from "../../src/index.js";
import { useSdkSandbox } from "../helpers/sandbox.js";

const env = useSdkSandbox({ servers: 40 });
const client = () => env.client();

describe("servers", () => {
  it("lists a page, walks every page, and gets one", async () => {
    const page = await client().servers.list({ page_size: 15 });
    expect(page).toMatchObject({ count: 40, current: 1, next: 2, last: 3 });
    const all: string[] = [];
    for await (const server of client().servers.iterate({}, { pageSize: 15 })) all.push(server.id);
    expect(new Set(all).size).toBe(40);
    const first = page.results[0]!;
    await expect(client().servers.get(first.id)).resolves.toMatchObject({
      id: first.id,
      name: first.name,
    });
    await expect(
      client().servers.get("00000000-0000-4000-8000-000000000000"),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it("filters by name and searches", async () => {
    const [first] = (await client().servers.list()).results;
    const byName = await client().servers.list({ name: first!.name });
    expect(byName.results.map((server) => server.id)).toEqual([first!.id]);
  });
});

describe("notes", () => {
  it("creates, reads, updates, lists and deletes a note", async () => {
    const [server] = env.serverIds(1);
    const note = await client().notes.create({ server: server!, content: "disk almost full" });
    expect(note.content).toBe("disk almost full");
    await expect(client().notes.update(note.id, { pinned: true })).resolves.toMatchObject({
      pinned: true,
    });
    const listed = await client().notes.list({ server: server! });
    expect(listed.results.map((item) => item.id)).toContain(note.id);
    await client().notes.delete(note.id);
    await expect(client().notes.get(note.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("surfaces DRF field errors", async () => {
    const [server] = env.serverIds(1);
    const error = await client()
      .notes.create({ server: server!, content: "x".repeat(600) })
      .catch((e) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fieldErrors.content?.[0]).toMatch(/512/);
  });
});

describe("metrics", () => {
  it("reads each series and the top-5 rankings", async () => {
    const [server] = env.serverIds(1);
    const start = new Date(Date.now() - 3 * 60 * 60 * 1000);
    const cpu = await client().metrics.cpuUsage({ server: server!, start });
    expect(cpu.length).toBeGreaterThan(10);
    expect(cpu.every((point) => point.usage >= 0 && point.usage <= 100)).toBe(true);
    expect((await client().metrics.memoryUsage({ server: server!, start })).length).toBeGreaterThan(
      0,
    );
    const { devices } = await client().metrics.diskUsageDevices({ server: server! });
    expect(devices.length).toBeGreaterThan(0);
    expect(
      (await client().metrics.diskUsage({ server: server!, start, device: devices[0]! })).length,
    ).toBeGreaterThan(0);
    expect((await client().metrics.diskIo({ server: server!, start })).length).toBeGreaterThan(0);
    expect(
      (await client().metrics.networkTraffic({ server: server!, start })).length,
    ).toBeGreaterThan(0);
    for (const top of [
      await client().metrics.cpuTopServers(),
      await client().metrics.memoryTopServers(),
      await client().metrics.diskIoTopServers(),
      await client().metrics.trafficTopServers(),
    ]) {
      expect(top.length).toBeGreaterThan(0);
      expect(top.length).toBeLessThanOrEqual(5);
    }
  });

  it("reads disk usage of every device when none is named", async () => {
    const [server] = env.serverIds(1);
    const { devices } = await client().metrics.diskUsageDevices({ server: server! });
    const points = await client().metrics.diskUsage({ server: server! });
    expect(new Set(points.map((point) => point.device))).toEqual(new Set(devices));
  });

  it("summarises a server's health in one call", async () => {
    const [server] = env.serverIds(1);
    const summary = await client().metrics.summary({ server: server! });
    expect(summary.cpu?.samples).toBeGreaterThan(10);
    expect(summary.cpu!.max).toBeGreaterThanOrEqual(summary.cpu!.avg);
    expect(summary.memory).not.toBeNull();
    expect(summary.disks.length).toBeGreaterThan(0);
    expect(summary.interfaces.length).toBeGreaterThan(0);
    expect(summary.unavailable).toEqual([]);
    await expect(
      client().metrics.summary({ server: "00000000-0000-4000-8000-000000000000" }),
    ).rejects.toThrow();
  });

  it("defaults the range to the last 24 hours", async () => {
    const [server] = env.serverIds(1);
    const points = await client().metrics.cpuUsage({ server: server! });
    const oldest = Date.parse(points[0]!.timestamp);
    expect(Date.now() - oldest).toBeLessThanOrEqual(24 * 60 * 60 * 1000 + 60_000);
  });
});

describe("system", () => {
  it("reads every /api/proc area of a server", async () => {
    const [server] = env.serverIds(1);
    const q = { server: server! };
    expect((await client().system.info(q)).results[0]?.hostname).toBeTruthy();
    expect((await client().system.osVersion(q)).results[0]?.name).toBeTruthy();
    expect((await client().system.users(q)).count).toBeGreaterThan(0);
    expect((await client().system.groups(q)).count).toBeGreaterThan(0);
    const packages: string[] = [];
    for await (const pkg of client().system.iteratePackages(q, { limit: 120 }))
      packages.push(pkg.name);
    expect(packages.length).toBeGreaterThan(15);
    expect((await client().system.interfaces(q)).count).toBeGreaterThan(0);
    expect((await client().system.disks(q)).count).toBeGreaterThan(0);
    expect((await client().system.partitions(q)).count).toBeGreaterThan(0);
    expect((await client().system.time(q)).count).toBe(1);
    const { disks, partitions } = await client().system.diskInfo(q);
    expect(disks.length).toBeGreaterThan(0);
    expect(partitions.some((partition) => partition.mount_points.includes("/"))).toBe(true);
  });
});

describe("events", () => {
  it("lists newest first, searches, and gets one", async () => {
    const page = await client().events.list({ page_size: 5 });
    expect(page.results.length).toBe(5);
    const times = page.results.map((event) => Date.parse(event.added_at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const first = page.results[0]!;
    await expect(client().events.get(first.id)).resolves.toMatchObject({ id: first.id });
    const found = await client().events.search(first.reporter);
    expect(found.results.length).toBeGreaterThan(0);
  });
});

describe("commands (REST)", () => {
  it("creates a command and reads it back", async () => {
    const [server] = env.serverIds(1);
    const [created] = await client().commands.create({
      server: server!,
      line: "whoami",
      shell: "system",
    });
    const detail = await client().commands.get(created!.id);
    expect(detail.line).toBe("whoami");
    const listed = await client().commands.list({ server: server! });
    expect(listed.results.map((command) => command.id)).toContain(created!.id);
  });
});

describe("websh and webftp records", () => {
  it("creates, lists, shares and closes a websh session over REST", async () => {
    const [server] = env.serverIds(1);
    const session = await client().websh.sessions.create({ server: server!, rows: 24, cols: 80 });
    expect(session.websocket_url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\//);
    const share = await client().websh.sessions.share(session.id, { read_only: true });
    expect(share.password).toBeTruthy();
    await client().websh.sessions.close(session.id);
    const detail = await client().websh.sessions.get(session.id);
    expect(detail.closed_at).toBeTruthy();
  });

  it("lists webftp sessions, uploads and downloads", async () => {
    const [server] = env.serverIds(1);
    await client().webftp.sessions.create({ server: server! });
    expect((await client().webftp.sessions.list({ server: server! })).count).toBeGreaterThan(0);
    expect((await client().webftp.uploads.list()).results).toBeInstanceOf(Array);
    expect((await client().webftp.downloads.list()).results).toBeInstanceOf(Array);
  });
});

describe("iam", () => {
  it("manages a user from creation to deletion", async () => {
    const user = await client().iam.users.create({
      username: "sdk-test-user",
      email: "sdk@example.com",
    });
    expect(user.username).toBe("sdk-test-user");
    await expect(client().iam.users.update(user.id, { first_name: "Ada" })).resolves.toMatchObject({
      first_name: "Ada",
    });
    await client().iam.users.delete(user.id);
    await expect(client().iam.users.get(user.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("knows who the token belongs to, and manages a group's memberships and roles", async () => {
    const me = await client().iam.users.get("-");
    expect(me.username).toBeTruthy();
    const group = await client().iam.groups.create({ name: "sdk-ops", display_name: "SDK ops" });
    await expect(client().iam.groups.get(group.id)).resolves.toMatchObject({ name: "sdk-ops" });
    const [other] = (await client().iam.users.list({ is_staff: false })).results;
    const added = await client().iam.memberships.create({ group: group.id, user: other!.id });
    expect(added).toMatchObject({ group: group.id, group_name: "sdk-ops", role: "member" });
    expect(added.user.id).toBe(other!.id);
    const promoted = await client().iam.memberships.update(added.id, { role: "manager" });
    expect(promoted.role).toBe("manager");
    await expect(client().iam.memberships.get(added.id)).resolves.toMatchObject({
      role: "manager",
    });
    const members = [];
    for await (const m of client().iam.memberships.iterate({ group: group.id })) members.push(m);
    expect(members.map((m) => [m.user.id, m.role]).sort()).toEqual(
      [
        [me.id, "owner"],
        [other!.id, "manager"],
      ].sort(),
    );
    await client().iam.memberships.delete(added.id);
    await expect(client().iam.memberships.get(added.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("refuses writes with a read-only token, naming the ACL", async () => {
    const error = await env
      .client({ token: "readOnly" })
      .iam.users.create({ username: "nope", email: "n@example.com" })
      .catch((e) => e);
    expect(error).toBeInstanceOf(PermissionDeniedError);
    expect(error.code).toBe("api_token_acl_not_allowed");
  });
});

describe("auth", () => {
  it("validates a token with the status endpoint", async () => {
    await expect(client().auth.status()).resolves.toEqual({ status: "Good" });
    const other = env.sandbox.workspaces[1]!;
    const wrong = env.client({ token: "admin", baseUrl: other.baseUrl });
    await expect(wrong.auth.status()).rejects.toThrow(/401/);
  });
});
