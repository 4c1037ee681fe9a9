import { describe, expect, test } from "vitest";
import { expectInvalidInput, expectToolError } from "../helpers/expect-tool.js";
import { useHarness } from "../helpers/file-harness.js";
import { call, MISSING_ID, sdkClient } from "../helpers/harness.js";

const h = useHarness();
// The alerts toolset is opt-in; get_alert_rules is in metrics, as in the reference server.
const SETS = { toolsets: ["alerts", "metrics"] };

function alerts(name: string, args: Record<string, unknown> = {}) {
  return h.call(name, { workspace: "acme", ...args }, SETS);
}

/** A client whose user answers every confirmation with `answer`, keeping the questions asked. */
const confirmingClient = (answer = true) => h.asking(SETS, answer);

/** A rule under any CPU reading, attached to the harness's server: it fires at once. */
async function firingRule(name: string): Promise<{ rule: string; alert: string }> {
  const sdk = sdkClient(h.sandbox);
  const rule = await sdk.alertRules.create({ name, target: "cpu-usage", threshold: 0.01 });
  await sdk.alertRules.attach(h.server, rule.id);
  const page = await sdk.alerts.list({ server: h.server, page_size: 100 });
  const alert = page.results.find((item) => item.rule === rule.id)!;
  return { rule: rule.id, alert: alert.id };
}

describe("list_alerts", () => {
  test("lists the alerts a rule fired, filtered", async () => {
    const { alert } = await firingRule("list cpu");
    const result = await alerts("list_alerts", { server: h.server, acknowledged: false });
    expect(result.isError).toBe(false);
    expect((result.structured!.alerts as Array<{ id: string }>).map((a) => a.id)).toContain(alert);
    expect(result.text).toMatch(/cpu-usage .* exceeded 0\.01/);
  });

  test("an unknown severity is refused before any call", async () => {
    expectInvalidInput(await alerts("list_alerts", { severity: "fatal" }));
  });

  test("is not there unless its toolset is chosen", async () => {
    const result = await h.call("list_alerts", { workspace: "acme" }, { toolsets: ["default"] });
    expectToolError(result, "list_alerts");
  });
});

describe("get_alert", () => {
  test("one alert with its value", async () => {
    const { alert } = await firingRule("get cpu");
    const result = await alerts("get_alert", { alert });
    expect(result.isError).toBe(false);
    expect(result.structured!.alert).toMatchObject({ id: alert, status: "triggered" });
  });

  test("an unknown alert points to list_alerts", async () => {
    expectToolError(await alerts("get_alert", { alert: MISSING_ID }), "list_alerts");
  });
});

describe("acknowledge_alert", () => {
  test("asks, records the acknowledgement, and the alert says who", async () => {
    const { alert } = await firingRule("ack cpu");
    const { client, questions } = await confirmingClient();
    const result = await call(client, "acknowledge_alert", {
      workspace: "acme",
      alert,
      action: "checked",
    });
    expect(result.isError).toBe(false);
    expect(result.structured).toMatchObject({ alert, action: "checked" });
    expect(questions[0]).toMatch(
      /^Acknowledge alert `cpu-usage .*` as checked\? It cannot be changed/,
    );
    const seen = await call(client, "get_alert", { workspace: "acme", alert });
    expect(seen.text).toMatch(/checked by .+ at \d{4}-/);
  });

  test("a second acknowledgement is refused with the API's reason", async () => {
    const { alert } = await firingRule("ack twice");
    expect((await alerts("acknowledge_alert", { alert, action: "dismissed" })).isError).toBe(false);
    const again = await alerts("acknowledge_alert", { alert, action: "checked" });
    expectToolError(again, "already acknowledged");
  });

  test("answers to its released name, mute_alert", async () => {
    const { alert } = await firingRule("muted");
    const result = await alerts("mute_alert", { alert, action: "dismissed" });
    expect(result.isError).toBe(false);
  });

  test("declined, nothing is recorded", async () => {
    const { alert } = await firingRule("declined ack");
    const { client } = await confirmingClient(false);
    const result = await call(client, "acknowledge_alert", {
      workspace: "acme",
      alert,
      action: "checked",
    });
    expect(result.isError).toBe(true);
    expect((await sdkClient(h.sandbox).alerts.get(alert)).acknowledged).toBe(false);
  });
});

describe("get_alert_rules", () => {
  test("lists the default rules, and the ones watching a server", async () => {
    const { rule } = await firingRule("watching");
    const all = await alerts("get_alert_rules");
    expect(all.text).toContain("default (watches every server)");
    const mine = await alerts("get_alert_rules", { server: h.server });
    expect((mine.structured!.rules as Array<{ id: string }>).map((r) => r.id)).toContain(rule);
  });

  test("an unknown server name is refused", async () => {
    expectToolError(await alerts("get_alert_rules", { server: "no-such-host" }), "servers_list");
  });
});

describe("create_alert_rule", () => {
  test("creates a rule with the four fields", async () => {
    const result = await alerts("create_alert_rule", {
      name: "disk 85",
      target: "disk-usage",
      threshold: 85,
    });
    expect(result.isError).toBe(false);
    expect(result.structured!.rule).toMatchObject({
      name: "disk 85",
      target: "disk-usage",
      threshold: 85,
      is_default: false,
    });
  });

  test("a target outside the 15 is refused before any call", async () => {
    expectInvalidInput(
      await alerts("create_alert_rule", { name: "x", target: "disk", threshold: 1 }),
    );
  });

  test("on a free plan it says so, and that retrying will not help", async () => {
    const ws = h.sandbox.control.workspace("ap1", "acme");
    ws.setGates({ freePlan: true });
    try {
      const result = await alerts("create_alert_rule", {
        name: "free plan",
        target: "cpu-usage",
        threshold: 50,
      });
      expectToolError(result, "plan does not include this action (HTTP 402");
      expect(result.text).toContain("Retrying will not help");
    } finally {
      ws.setGates({ freePlan: false });
    }
  });

  test("a second default for a target is refused with the API's reason", async () => {
    const result = await alerts("create_alert_rule", {
      name: "cpu default 2",
      target: "cpu-usage",
      threshold: 50,
      isDefault: true,
    });
    expectToolError(result, "A default rule for cpu-usage already exists");
  });
});

describe("update_alert_rule", () => {
  test("asks with the rule's name and changes only the threshold", async () => {
    const { rule } = await firingRule("retune");
    const { client, questions } = await confirmingClient();
    const result = await call(client, "update_alert_rule", {
      workspace: "acme",
      rule,
      threshold: 95,
    });
    expect(result.isError).toBe(false);
    expect(result.structured!.rule).toMatchObject({ name: "retune", threshold: 95 });
    expect(questions).toHaveLength(1);
    expect(questions[0]).toMatch(
      /^Change threshold to `95` for alert rule `retune` \(cpu-usage over 0\.01\)\?/,
    );
  });

  test("nothing to change is an error, not an empty request", async () => {
    const { rule } = await firingRule("unchanged");
    expectToolError(await alerts("update_alert_rule", { rule }), "no field to change");
  });
});

describe("delete_alert_rule", () => {
  test("asks, then deletes", async () => {
    const { rule } = await firingRule("doomed");
    const { client, questions } = await confirmingClient();
    const result = await call(client, "delete_alert_rule", { workspace: "acme", rule });
    expect(result.isError).toBe(false);
    expect(questions[0]).toMatch(
      /^Delete alert rule `doomed` \(cpu-usage over 0\.01\) permanently\?/,
    );
    await expect(sdkClient(h.sandbox).alertRules.get(rule)).rejects.toThrow();
  });

  test("a default rule is kept, with the API's reason", async () => {
    const rules = await sdkClient(h.sandbox).alertRules.list();
    const fallback = rules.results.find((r) => r.is_default)!;
    const result = await alerts("delete_alert_rule", { rule: fallback.id });
    expectToolError(result, "A default alert rule cannot be deleted");
  });
});

describe("attach_alert_rule and detach_alert_rule", () => {
  test("attach by server name, then detach asks with both names", async () => {
    const sdk = sdkClient(h.sandbox);
    const rule = await sdk.alertRules.create({
      name: "pair",
      target: "memory-usage",
      threshold: 1,
    });
    const name = (await sdk.servers.get(h.server)).name;
    const attached = await alerts("attach_alert_rule", { server: name, rule: rule.id });
    expect(attached.isError).toBe(false);
    expect(attached.text).toBe(`Alert rule ${rule.id} now watches ${name}.`);
    const watching = await sdk.alertRules.list({ server: h.server });
    expect(watching.results.map((r) => r.id)).toContain(rule.id);

    const { client, questions } = await confirmingClient();
    const detached = await call(client, "detach_alert_rule", {
      workspace: "acme",
      server: h.server,
      rule: rule.id,
    });
    expect(detached.isError).toBe(false);
    expect(questions[0]).toContain(
      `Stop alert rule \`pair\` (memory-usage over 1) watching server ${name}? No alert will fire for it from this rule.`,
    );
    const after = await sdk.alertRules.list({ server: h.server });
    expect(after.results.map((r) => r.id)).not.toContain(rule.id);
  });

  test("attach: an unknown server is a 404 pointing to servers_list", async () => {
    const rules = await sdkClient(h.sandbox).alertRules.list();
    const result = await alerts("attach_alert_rule", {
      server: MISSING_ID,
      rule: rules.results[0]!.id,
    });
    expectToolError(result, "servers_list");
  });

  test("detach: an unknown rule is refused before anyone is asked", async () => {
    const { client, questions } = await confirmingClient();
    const result = await call(client, "detach_alert_rule", {
      workspace: "acme",
      server: h.server,
      rule: MISSING_ID,
    });
    expectToolError(result, "get_alert_rules");
    expect(questions).toEqual([]);
  });
});
