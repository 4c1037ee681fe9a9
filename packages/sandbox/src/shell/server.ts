/**
 * One simulated server: its profile plus the state every shell on it shares (filesystem and
 * service states), so a file written through websh is visible to the command API and webftp.
 */
import { createServerFilesystem } from "./seed-filesystem.js";
import {
  createServerProfile,
  type ServerProfile,
  type ServerProfileOptions,
  type ServiceInfo,
} from "./server-profile.js";
import type { LogEntry } from "./system-logs.js";
import type { Vfs } from "./vfs.js";

export interface ServiceState {
  info: ServiceInfo;
  active: boolean;
  enabled: boolean;
  since: Date;
}

export interface SimulatedServer {
  profile: ServerProfile;
  vfs: Vfs;
  services: Map<string, ServiceState>;
  /** Log entries produced after boot (service restarts), appended to the seeded log. */
  log: LogEntry[];
  /** Next PID handed to a process the shell pretends to start (ps, bash). */
  nextPid: number;
}

export function createSimulatedServer(
  profileOrOptions: ServerProfile | ServerProfileOptions,
): SimulatedServer {
  const profile =
    "kernel" in profileOrOptions && "users" in profileOrOptions
      ? (profileOrOptions as ServerProfile)
      : createServerProfile(profileOrOptions);
  const services = new Map<string, ServiceState>();
  profile.services.forEach((info, index) => {
    services.set(info.name, {
      info,
      active: info.active,
      enabled: info.enabled,
      since: new Date(profile.bootTime.getTime() + (8 + index) * 1000),
    });
  });
  return { profile, vfs: createServerFilesystem(profile), services, log: [], nextPid: 2400 };
}
