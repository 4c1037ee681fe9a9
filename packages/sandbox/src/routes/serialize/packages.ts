import { iso } from "../../state/model.js";
import type { PackageEntryRecord } from "../../state/packages.js";
import type { WorkspaceState } from "../../state/workspace.js";
import { userRef } from "./refs.js";

/** `SystemPackageDetail` / `PythonPackageDetail` (`cli@9483716:api/packages/types.go`). */
export function packageEntryJson(
  ws: WorkspaceState,
  e: PackageEntryRecord,
): Record<string, unknown> {
  return {
    id: e.id,
    name: e.name,
    version: e.version,
    ...(e.kind === "python"
      ? { target: e.target, abi: e.abi, platform: e.platform }
      : { platform: e.platform, arch: e.arch }),
    filesize: e.filesize,
    owner: userRef(ws, e.ownerId),
    added_at: iso(e.addedAt),
    // The MCP's fixture echoes the server of an install; uploads have none.
    server: e.serverId,
  };
}
