import { describe, expect, test } from "vitest";
import { useHarness } from "../helpers/file-harness.js";
import { MISSING_ID } from "../helpers/harness.js";

const h = useHarness();

// One happy path per tool, and an unknown server as the error path (the API refuses the id).
const cases: Array<
  [string, Record<string, unknown>, (structured: Record<string, unknown>) => void]
> = [
  ["get_system_info", {}, (s) => expect(s.info).toMatchObject({ hostname: expect.any(String) })],
  ["get_os_version", {}, (s) => expect(s.os).toMatchObject({ name: expect.any(String) })],
  [
    "list_system_users",
    { loginEnabledOnly: true },
    (s) => expect((s.users as unknown[]).length).toBeGreaterThan(0),
  ],
  ["list_system_groups", {}, (s) => expect((s.groups as unknown[]).length).toBeGreaterThan(0)],
  [
    "list_system_packages",
    { pageSize: 5 },
    (s) => {
      expect(s.packages).toHaveLength(5);
      expect(s.nextPage).toBe(2);
    },
  ],
  [
    "get_network_interfaces",
    {},
    (s) => expect((s.interfaces as unknown[]).length).toBeGreaterThan(0),
  ],
  ["get_disk_info", {}, (s) => expect((s.partitions as unknown[]).length).toBeGreaterThan(0)],
  ["get_system_time", {}, (s) => expect(s.time).toMatchObject({ timezone: expect.any(String) })],
  [
    "get_server_overview",
    {},
    (s) => {
      expect(s.hardware).toMatchObject({ hostname: expect.any(String) });
      expect(s.os).toMatchObject({ name: expect.any(String) });
      expect(s.time).toMatchObject({ timezone: expect.any(String) });
      expect((s.interfaces as unknown[]).length).toBeGreaterThan(0);
      expect((s.partitions as unknown[]).length).toBeGreaterThan(0);
      expect(s.unavailable).toEqual({});
    },
  ],
];

describe.each(cases)("%s", (name, args, check) => {
  test("answers for a connected server", async () => {
    const result = await h.call(name, { workspace: "acme", server: h.server, ...args });
    expect(result.isError).toBe(false);
    check(result.structured!);
    expect(result.text.length).toBeGreaterThan(0);
  });

  test("an unknown server is an error that says what to check", async () => {
    const result = await h.call(name, { workspace: "acme", server: MISSING_ID });
    expect(result.isError).toBe(true);
    expect(result.structured).toBeUndefined();
    expect(result.text).toContain(`${name} failed`);
    expect(result.text).toContain("What to do:");
  });
});

test("get_server_overview gives the parts it got when one fails, and says why for that one", async () => {
  const fault = h.sandbox.control.addFault({
    kind: "error",
    status: 403,
    path: "/api/proc/time/",
    body: { detail: "You do not have permission to perform this action." },
  });
  try {
    const result = await h.call("get_server_overview", { workspace: "acme", server: h.server });
    expect(result.isError).toBe(false);
    expect(result.structured!.time).toBeNull();
    expect(result.structured!.os).toMatchObject({ name: expect.any(String) });
    expect(result.structured!.unavailable).toEqual({ time: expect.stringContaining("403") });
    expect(result.text).toMatch(/^No time: .*403/m);
  } finally {
    h.sandbox.control.removeFault(fault);
  }
});
