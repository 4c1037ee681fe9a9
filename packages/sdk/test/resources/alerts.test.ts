import { describe, expect, it } from "vitest";
import { NotFoundError, ValidationError } from "../../src/index.js";
import { useSdkSandbox } from "../helpers/sandbox.js";

// us1/globex serves rules with the reference MCP fixture's field names (`metric`, …).
const env = useSdkSandbox({
  servers: 6,
  workspaces: [
    { region: "ap1", workspace: "acme" },
    { region: "us1", workspace: "globex", variants: { alertRules: "metric", foreignKeys: "uuid" } },
  ],
});

describe("client.alertRules and client.alerts", () => {
  it("create, attach, see the alert fire, acknowledge it, detach, delete", async () => {
    const client = env.client();
    const [server] = env.serverIds(1);
    const rule = await client.alertRules.create({
      name: "any CPU",
      target: "cpu-usage",
      threshold: 0.01,
      is_default: false,
    });
    expect(rule).toMatchObject({ name: "any CPU", target: "cpu-usage", is_default: false });
    expect((await client.alertRules.get(rule.id)).threshold).toBe(0.01);
    await client.alertRules.attach(server!, rule.id);
    await client.alertRules.attach(server!, rule.id);
    const watching = [];
    for await (const r of client.alertRules.iterate({ server: server! })) watching.push(r.name);
    expect(watching).toContain("any CPU");

    const page = await client.alerts.list({ server: server!, acknowledged: false });
    const alert = page.results.find((a) => a.rule === rule.id);
    expect(alert).toMatchObject({ status: "triggered", server: { id: server } });
    expect(await client.alerts.acknowledge(alert!.id, "checked")).toEqual({
      message: "Alert checked successfully",
    });
    await expect(client.alerts.acknowledge(alert!.id, "dismissed")).rejects.toBeInstanceOf(
      ValidationError,
    );
    const seen = await client.alerts.get(alert!.id);
    expect(seen.acknowledged).toBe(true);
    expect(seen.acknowledgements?.[0]?.user.name).toBeTruthy();
    const all = [];
    for await (const a of client.alerts.iterate({ server: server! })) all.push(a.id);
    expect(all).toContain(alert!.id);

    expect((await client.alertRules.update(rule.id, { threshold: 100 })).threshold).toBe(100);
    await client.alertRules.detach(server!, rule.id);
    await client.alertRules.delete(rule.id);
    await expect(client.alertRules.get(rule.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("normalises the MCP fixture's rule fields and bare uuids", async () => {
    const client = env.client({ index: 1 });
    const [server] = env.serverIds(1, 1);
    const rule = await client.alertRules.create({
      name: "disk",
      target: "disk-usage",
      threshold: 0.01,
    });
    expect(rule.target).toBe("disk-usage");
    expect(rule.metric).toBe("disk-usage");
    await client.alertRules.attach(server!, rule.id);
    const [alert] = (await client.alerts.list({ server: server! })).results.filter(
      (a) => a.target === "disk-usage",
    );
    expect(alert?.server).toEqual({ id: server });
    await client.alerts.acknowledge(alert!.id, "dismissed");
    const seen = await client.alerts.get(alert!.id);
    expect(seen.acknowledgements?.[0]?.user).toEqual({ id: expect.any(String) });
  });
});
