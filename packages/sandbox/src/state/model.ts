import type { OsProfile, ServerRole } from "../data/os-profiles.js";

/** Nested summaries as the SaaS returns them for foreign keys (`cli:api/types/types.go`). */
export interface UserSummary {
  id: string;
  name: string;
  email: string;
}

export interface ServerSummary {
  id: string;
  name: string;
  os: string | null;
  is_connected: boolean;
}

export type StatusCode = "ok" | "warn" | "error";

export interface ServerRecord {
  id: string;
  /** Generation order; feeds per-server sub-seeds so details don't depend on list order. */
  index: number;
  name: string;
  description: string;
  os: OsProfile;
  osVersion: OsProfile["versions"][number];
  role: ServerRole;
  remoteIp: string;
  privateIp: string;
  isConnected: boolean;
  commissioned: boolean;
  cpuPhysicalCores: number;
  cpuLogicalCores: number;
  cpuType: string;
  physicalMemory: number;
  load: number;
  statusCode: StatusCode;
  statusMessages: string[];
  agentVersion: string;
  osqueryVersion: string;
  ownerId: string;
  groupIds: string[];
  /** Epoch ms. */
  bootTime: number;
  startedAt: number;
  addedAt: number;
  updatedAt: number;
  lastConnectivity: number;
  /** A "hot" server runs near saturation in the metrics. */
  hot: boolean;
  /** Lower-cased text for `?search=`. */
  searchText: string;
}

export interface IamUser {
  id: string;
  username: string;
  first_name: string;
  last_name: string;
  email: string;
  phone: string;
  tags: string;
  description: string;
  uid: number;
  shell: string;
  home_directory: string;
  is_active: boolean;
  is_staff: boolean;
  is_superuser: boolean;
  is_ldap_user: boolean;
  date_joined: number;
  last_login: number | null;
  last_login_ip: string | null;
  added_at: number;
  updated_at: number;
}

export interface IamGroup {
  id: string;
  name: string;
  display_name: string;
  description: string;
  tags: string;
  gid: number;
  is_ldap_group: boolean;
  serverIds: string[];
  added_at: number;
  updated_at: number;
}

export type MembershipRole = "member" | "manager" | "owner";

export interface Membership {
  id: string;
  group: string;
  user: string;
  role: MembershipRole;
  added_at: number;
}

export interface Note {
  id: string;
  server: string;
  author: string;
  content: string;
  title?: string;
  private: boolean;
  pinned: boolean;
  added_at: number;
  updated_at: number;
}

export interface EventRecord {
  id: string;
  server: string;
  reporter: string;
  record: string;
  description: string;
  count: number;
  data: Record<string, unknown>;
  added_at: number;
  updated_at: number;
  searchText: string;
}

export const iso = (ms: number): string => new Date(ms).toISOString();
export const isoOrNull = (ms: number | null | undefined): string | null =>
  ms === null || ms === undefined ? null : new Date(ms).toISOString();

export function userDisplayName(u: IamUser): string {
  const full = `${u.first_name} ${u.last_name}`.trim();
  return full === "" ? u.username : full;
}

export function userSummary(u: IamUser): UserSummary {
  return { id: u.id, name: userDisplayName(u), email: u.email };
}

export function serverSummary(s: ServerRecord): ServerSummary {
  return { id: s.id, name: s.name, os: s.os.id, is_connected: s.isConnected };
}
