import { describe, expect, it } from "vitest";
import { createAlpaconClient, PermissionDeniedError, ValidationError } from "../../src/index.js";
import { useSdkSandbox } from "../helpers/sandbox.js";

const env = useSdkSandbox({ servers: 3 });

describe("client.security against the sandbox", () => {
  it("manages the three kinds of entries of a token", async () => {
    const client = env.client({ token: "jwt" });
    const token = await client.apiTokens.create({ name: "acl-sdk" });
    const [first, second] = env.serverIds(2);

    const command = await client.security.commandAcls.create({ token: token.id, command: "ls *" });
    expect(command.token_name).toBe("acl-sdk");
    expect(
      (await client.security.commandAcls.update(command.id, { groupname: "*" })).groupname,
    ).toBe("*");
    const walked: string[] = [];
    for await (const entry of client.security.commandAcls.iterate({ token: token.id }))
      walked.push(entry.id);
    expect(walked).toEqual([command.id]);
    await client.security.commandAcls.delete(command.id);

    const server = await client.security.serverAcls.create({ token: token.id, server: first! });
    expect(server.server).toMatchObject({ id: first });
    const moved = await client.security.serverAcls.update(server.id, { server: second! });
    expect(moved.server?.id).toBe(second);
    await client.security.serverAcls.delete(server.id);
    const bulk = await client.security.serverAcls.bulkCreate({
      token: token.id,
      servers: [first!, second!],
    });
    expect(bulk.map((e) => e.server?.id).sort()).toEqual([first, second].sort());
    expect((await client.security.serverAcls.list({ api_token: token.id })).count).toBe(2);
    expect(
      await client.security.serverAcls.bulkDelete({ token: token.id, servers: [first!, second!] }),
    ).toEqual({ deleted: 2 });

    const file = await client.security.fileAcls.create({
      token: token.id,
      path: "/var/log/*",
      action: "download",
    });
    expect((await client.security.fileAcls.update(file.id, { action: "*" })).action).toBe("*");
    expect((await client.security.fileAcls.list()).results.map((e) => e.id)).toEqual([file.id]);
    await client.security.fileAcls.delete(file.id);
  });

  it("gives typed errors", async () => {
    const client = env.client({ token: "jwt" });
    await expect(client.security.commandAcls.create({ command: "ls" })).rejects.toBeInstanceOf(
      ValidationError,
    );
    const token = await client.apiTokens.create({ name: "narrow", scopes: ["server:read"] });
    // A token without the security scope is refused by its scopes.
    const ws = env.sandbox.workspaces[0]!;
    const scoped = createAlpaconClient({ baseUrl: ws.baseUrl, token: token.key!, maxRetries: 0 });
    await expect(scoped.security.fileAcls.list()).rejects.toBeInstanceOf(PermissionDeniedError);
  });
});
