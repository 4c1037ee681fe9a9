import { describe, expect, it } from "vitest";
import { ConflictError, NotFoundError, ValidationError } from "../../src/index.js";
import { useSdkSandbox } from "../helpers/sandbox.js";

const env = useSdkSandbox({
  servers: 10,
  seed: 5,
  commandDelays: 3,
  serverActionDelays: { agentRestart: 100, reboot: 200 },
});

/** Connected Linux servers, so actions are accepted. */
async function onlineIds(): Promise<string[]> {
  const client = env.client();
  const ids: string[] = [];
  for await (const s of client.servers.iterate()) {
    if (s.is_connected && s.os_name !== "Windows") ids.push(s.id);
  }
  return ids;
}

async function until<T>(read: () => Promise<T | false>): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const value = await read();
    if (value !== false) return value;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error("timed out");
}

describe("server administration", () => {
  it("updates, stars and unregisters a server", async () => {
    const client = env.client();
    const [a, b] = await onlineIds();
    const updated = await client.servers.update(a!, { description: "edge proxy" });
    expect(updated.id).toBe(a);
    expect(await client.servers.starred(a!)).toBe(false);
    expect(await client.servers.star(a!)).toBe(true);
    expect(await client.servers.starred(a!)).toBe(true);
    await expect(client.servers.star(a!)).rejects.toBeInstanceOf(ValidationError);
    expect(await client.servers.star(a!, false)).toBe(false);
    await client.servers.unregister(b!);
    await expect(client.servers.get(b!)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("reboots a server: the command, the disconnection and a new boot time", async () => {
    const client = env.client();
    const [, , id] = await onlineIds();
    const before = await client.servers.get(id!);
    const result = await client.servers.reboot(id!);
    expect(result.action).toBe("reboot_system");
    expect(result.command?.line).toBe("reboot");
    await until(async () => !(await client.servers.get(id!)).is_connected);
    const after = await until(async () => {
      const s = await client.servers.get(id!);
      return s.is_connected ? s : false;
    });
    expect(Date.parse(after.boot_time!)).toBeGreaterThan(Date.parse(before.boot_time!));
  });

  it("upgrades the agent to a new version", async () => {
    const client = env.client();
    const ids = await onlineIds();
    const id = ids.at(-1)!;
    const before = (await client.servers.get(id)).version;
    expect((await client.servers.upgradeAgent(id)).command?.line).toBe("upgrade");
    await until(async () => !(await client.servers.get(id)).is_connected);
    const after = await until(async () => {
      const s = await client.servers.get(id);
      return s.is_connected ? s : false;
    });
    expect(after.version).not.toBe(before);
  });

  it("reports the busy guard as a ConflictError with its code; force overrides it", async () => {
    const client = env.client();
    const id = (await onlineIds()).at(-2)!;
    await client.websh.sessions.create({ server: id, rows: 24, cols: 80 });
    const refused = await client.servers.upgradeSystem(id).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ConflictError);
    expect((refused as ConflictError).code).toBe("server_busy_with_user_work");
    expect((await client.servers.upgradeSystem(id, { force: true })).command?.line).toBe("update");
    expect((await client.servers.updateInformation(id)).command?.line).toBe("commit");
  });
});

describe("registration tokens", () => {
  it("creates a token whose key only the answer and the guides carry, then deletes it", async () => {
    const tokens = env.client().servers.registrationTokens;
    const created = await tokens.create({ name: "rack-4" });
    expect(created.key).toMatch(/^alpacax_/);
    const listed = [];
    for await (const t of tokens.iterate({ search: "rack" })) listed.push(t);
    expect(listed.map((t) => t.id)).toEqual([created.id]);
    expect(listed[0]).not.toHaveProperty("key");
    const guide = await tokens.installGuide({
      platform: "debian",
      token: created.id,
      serverName: "rack-4-a",
    });
    expect(guide.token_key).toBe(created.key);
    expect(guide.register_command).toContain("--name rack-4-a");
    const ansible = await tokens.ansibleGuide({ platform: "rhel", token: created.id });
    expect(ansible.registration_token).toBe(created.key);
    await tokens.delete(created.id);
    await expect(tokens.installGuide({ platform: "debian", token: created.id })).rejects.toThrow(
      ValidationError,
    );
    await expect(tokens.delete(created.id)).rejects.toBeInstanceOf(NotFoundError);
  });
});
