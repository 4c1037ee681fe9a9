import { iso, type ServerRecord } from "../../state/model.js";
import type { WorkspaceState } from "../../state/workspace.js";
import { userRef } from "./refs.js";

const STATUS_STYLE = {
  ok: { text: "Good", icon: "circle-check", color: "success" },
  warn: { text: "Warning", icon: "triangle-exclamation", color: "warning" },
  error: { text: "Error", icon: "circle-xmark", color: "danger" },
} as const;

export function serverJson(
  ws: WorkspaceState,
  s: ServerRecord,
  detail = false,
  /** The caller's starred server ids (stars are personal). */
  starred?: ReadonlySet<string>,
): Record<string, unknown> {
  const style = STATUS_STYLE[s.statusCode];
  const now = ws.now();
  const delay = s.isConnected ? Math.round((0.05 + (s.index % 7) / 100) * 1000) / 1000 : 0;
  const out: Record<string, unknown> = {
    id: s.id,
    name: s.name,
    remote_ip: s.remoteIp,
    status: {
      code: s.statusCode,
      text: style.text,
      icon: style.icon,
      color: style.color,
      messages: s.statusMessages,
      meta: {
        delay_now: delay,
        delay_1h: delay,
        delay_1d: Math.round(delay * 1100) / 1000,
        delay_1w: Math.round(delay * 1200) / 1000,
      },
    },
    is_connected: s.isConnected,
    commissioned: s.commissioned,
    starred: starred?.has(s.id) ?? false,
    cpu_physical_cores: s.cpuPhysicalCores,
    cpu_logical_cores: s.cpuLogicalCores,
    cpu_type: s.cpuType,
    physical_memory: s.physicalMemory,
    os_name: s.os.name,
    os_version: s.osVersion.version,
    load: s.load,
    boot_time: iso(s.bootTime),
    owner: userRef(ws, s.ownerId),
    groups: s.groupIds,
  };
  if (detail) {
    // Set by updateServer; the MCP's fixtures echo it (no CLI type has it).
    out.description = s.description;
    out.is_root = false;
    out.version = s.agentVersion;
    out.osquery_version = s.osqueryVersion;
    out.uptime = s.isConnected ? Math.floor((now - s.bootTime) / 1000) : null;
    out.last_connectivity = iso(s.isConnected ? now : s.lastConnectivity);
    out.started_at = iso(s.startedAt);
    out.added_at = iso(s.addedAt);
    out.updated_at = iso(s.updatedAt);
  }
  return out;
}
