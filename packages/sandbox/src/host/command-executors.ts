import { isSudoLine, sudoDenialLine } from "../state/approvals.js";
import type { CommandExecutor, CommandRecord } from "../state/commands.js";
import type { ServerRecord } from "../state/model.js";
import type { WorkSessionRecord } from "../state/work-sessions.js";
import type { WorkspaceState } from "../state/workspace.js";

/** Agent built-ins the `internal` shell accepts (`oss:servers/models.py` actions and friends). */
const INTERNAL = new Set([
  "commit",
  "sync",
  "update",
  "upgrade",
  "restart",
  "quit",
  "reboot",
  "shutdown",
  "ping",
  "debug",
  "help",
]);

/**
 * A few osquery tables answered from the seeded data, so `shell: "osquery"` returns something
 * plausible; anything else fails like osqueryi does.
 */
function osquery(
  ws: WorkspaceState,
  server: ServerRecord,
  line: string,
): { exitCode: number; output: string } {
  const table = /\bfrom\s+([a-z_]+)/i.exec(line)?.[1]?.toLowerCase();
  const d = ws.serverDetails(server);
  let rows: Record<string, unknown>[] | null = null;
  switch (table) {
    case "system_info":
      rows = [
        {
          hostname: d.hostname,
          cpu_brand: d.hardware.cpuBrand,
          cpu_logical_cores: String(server.cpuLogicalCores),
          physical_memory: String(server.physicalMemory),
        },
      ];
      break;
    case "os_version":
      rows = [
        { name: server.os.name, version: server.osVersion.build, platform: server.os.platform },
      ];
      break;
    case "users":
      rows = d.users.map((u) => ({
        uid: String(u.uid),
        gid: String(u.gid),
        username: u.username,
        directory: u.directory,
        shell: u.shell,
      }));
      break;
    case "groups":
      rows = d.groups.map((g) => ({ gid: String(g.gid), groupname: g.groupname }));
      break;
    case "deb_packages":
    case "rpm_packages":
    case "programs":
      rows = d.packages.map((p) => ({ name: p.name, version: p.version, arch: p.arch }));
      break;
    case "interface_addresses":
      rows = d.interfaces.flatMap((n) =>
        n.addresses.map((a) => ({ interface: n.name, address: a.address, mask: a.mask })),
      );
      break;
    default:
      return { exitCode: 1, output: `Error: no such table: ${table ?? line.trim()}\n` };
  }
  return { exitCode: 0, output: `${JSON.stringify(rows, null, 2)}\n` };
}

/** The executor for a user command: the line runs on the server as the agent would run it. */
export function executorFor(
  ws: WorkspaceState,
  server: ServerRecord,
  runAs: string,
): CommandExecutor {
  return async (command: CommandRecord, opts) => {
    switch (command.shell) {
      case "internal": {
        const word = command.line.trim().split(/\s+/)[0] ?? "";
        return INTERNAL.has(word)
          ? { exitCode: 0, output: "" }
          : { exitCode: 1, output: `Invalid command: ${word}\n` };
      }
      case "osquery":
        return osquery(ws, server, command.line);
      default:
        try {
          return await ws.shells.run(server, command.line, {
            user: runAs,
            env: command.env,
            stdin: command.data,
            signal: opts.signal,
            onOutput: opts.onOutput,
          });
        } catch (err) {
          return { exitCode: 1, output: `${(err as Error).message}\n` };
        }
    }
  };
}

/**
 * A user command with Alpacon's sudo plugin in front (decided when the command runs, as the
 * plugin does): a `sudo` line a policy grants runs with root's rights, one a person must approve
 * fails with the plugin's denial line and leaves an approval request, and the rest runs as before.
 */
export function sudoAwareExecutor(
  ws: WorkspaceState,
  server: ServerRecord,
  caller: { userId: string; runAs: string },
  session: WorkSessionRecord | null,
): CommandExecutor {
  const plain = executorFor(ws, server, caller.runAs);
  return (command, opts) => {
    // Only a line that starts with sudo pays for the policy lookup (commands are a hot path).
    if (command.shell !== "system" || !isSudoLine(command.line)) return plain(command, opts);
    const decision = ws.approvals.decideSudo(
      command.line,
      {
        userId: caller.userId,
        groups: ws.groupsOfUser(caller.userId),
        serverId: server.id,
        serverName: server.name,
      },
      session,
    );
    if (decision.kind === "os") return plain(command, opts);
    if (decision.kind === "run") return executorFor(ws, server, "root")(command, opts);
    return Promise.resolve({ exitCode: 1, output: sudoDenialLine(decision.code) });
  };
}
