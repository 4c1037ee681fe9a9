import { describe, expect, test } from "vitest";
import { expectInvalidInput, expectToolError } from "../helpers/expect-tool.js";
import { confirmingClient, useHarness } from "../helpers/file-harness.js";
import { call, MISSING_ID, sdkClient } from "../helpers/harness.js";

const h = useHarness();
const SETS = { toolsets: ["packages", "system"] };

function tool(name: string, args: Record<string, unknown> = {}) {
  return h.call(name, { workspace: "acme", ...args }, SETS);
}

async function installed(name: string): Promise<string[]> {
  const page = await sdkClient(h.sandbox).system.packages({ server: h.server, name });
  return page.results.map((p) => `${p.name} ${p.version}`);
}

describe("install_system_package and remove_system_package", () => {
  test("ask naming the package and the server, then change what the server has installed", async () => {
    const server = (await sdkClient(h.sandbox).servers.get(h.server)).name;
    const { client, questions } = await confirmingClient(h, SETS);
    const result = await call(client, "install_system_package", {
      workspace: "acme",
      server,
      packageName: "ripgrep",
      version: "14.1.0-1",
    });
    expect(result.isError).toBe(false);
    expect(questions[0]).toBe(
      `Install system package \`ripgrep\` version \`14.1.0-1\` on server \`${server}\` (id ${h.server})? It runs the OS package manager (apt, dnf …) there as root; remove_system_package undoes it. (workspace acme, region ap1)`,
    );
    expect(await installed("ripgrep")).toEqual(["ripgrep 14.1.0-1"]);
    const entry = (result.structured!.entry as { id: string }).id;

    const listed = await call(client, "list_system_package_entries", {
      workspace: "acme",
      server: h.server,
    });
    expect(listed.text).toContain(`ripgrep 14.1.0-1 on server ${h.server} (${entry})`);

    const removed = await call(client, "remove_system_package", { workspace: "acme", entry });
    expect(removed.isError).toBe(false);
    expect(questions[1]).toBe(
      `Uninstall system package \`ripgrep\` 14.1.0-1 from server \`${server}\` (id ${h.server})? It runs the OS package manager (apt, dnf …) there as root. (workspace acme, region ap1)`,
    );
    expect(await installed("ripgrep")).toEqual([]);
  });

  test("a declined install changes nothing", async () => {
    const { client } = await confirmingClient(h, SETS, false);
    const result = await call(client, "install_system_package", {
      workspace: "acme",
      server: h.server,
      packageName: "nmap",
    });
    expect(result.isError).toBe(true);
    expect(await installed("nmap")).toEqual([]);
  });

  test("a name a package manager would not take is refused before any call", async () => {
    expectInvalidInput(
      await tool("install_system_package", { server: h.server, packageName: "htop; reboot" }),
    );
  });

  test("removing an unknown entry points to list_system_package_entries", async () => {
    expectToolError(
      await tool("remove_system_package", { entry: MISSING_ID }),
      "list_system_package_entries",
    );
  });

  test("are not there unless their toolset is chosen", async () => {
    expectToolError(
      await h.call("list_system_package_entries", { workspace: "acme" }, { toolsets: ["default"] }),
      "list_system_package_entries",
    );
  });
});

describe("Python packages", () => {
  test("install, list for the server, remove", async () => {
    const result = await tool("install_python_package", {
      server: h.server,
      packageName: "requests",
    });
    expect(result.isError).toBe(false);
    const entry = (result.structured!.entry as { id: string }).id;
    const listed = await tool("list_python_packages", { server: h.server });
    expect((listed.structured!.entries as { id: string }[]).map((e) => e.id)).toContain(entry);
    expect((await tool("remove_python_package", { entry })).isError).toBe(false);
    const again = await tool("list_python_packages", { server: h.server });
    expect((again.structured!.entries as { id: string }[]).map((e) => e.id)).not.toContain(entry);
  });

  test("a second install of the same package on the same server is refused with the API's reason", async () => {
    expect(
      (await tool("install_python_package", { server: h.server, packageName: "flask" })).isError,
    ).toBe(false);
    const again = await tool("install_python_package", { server: h.server, packageName: "flask" });
    expectToolError(again, "unique");
  });
});
