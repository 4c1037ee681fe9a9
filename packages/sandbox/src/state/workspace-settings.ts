/**
 * Workspace-wide settings (`/api/workspaces/…/-/`), invitations and IAM applications. The
 * preferences change through the API; access control and the MFA settings are read-only views
 * here (the real product keeps their writes to the web console), and the MFA ones mirror the gate
 * tests switch on (`gates.mfaRequired`), so what they say is what the sandbox enforces.
 */

export interface WorkspacePreferences {
  /** null: the workspace's own base URL. */
  front_url: string | null;
  country: string;
  language: string;
  timezone: string;
  invite_ttl: number;
  enabled_extensions: string[];
  websh_session_timeout: number;
  auto_agent_upgrade: boolean;
  package_proxy: string | null;
  billing_email: string | null;
  allowed_domains: string[];
}

/** Values shown by `getWorkspaceAccessControl` (field names from the CLI test and the MCP tool). */
export interface WorkspaceAccessControl {
  allow_sudo_with_mfa: boolean;
  allow_direct_root: boolean;
  block_local_sudo: boolean;
  sudo_timeout: number;
  allow_tunnel_by_default: boolean;
  allow_editor_by_default: boolean;
  home_directory_permission: string;
  work_session_max_ttl: number;
  work_session_pending_ttl: number;
  shared_account_names: string[];
}

export interface InvitationRecord {
  id: string;
  email: string;
  invitedBy: string;
  addedAt: number;
  expiresAt: number;
}

export interface ApplicationSystemUserRecord {
  id: string;
  username: string;
  uid: number;
  serverId: string;
}

export interface ApplicationRecord {
  id: string;
  name: string;
  description: string;
  serviceType: string;
  systemUsers: ApplicationSystemUserRecord[];
  addedAt: number;
  updatedAt: number;
}

/** The sources the MFA gate covers (`checkGates` in routes/common.ts). */
export const MFA_ACTIONS = ["command", "websh", "webftp"] as const;

export class WorkspaceSettings {
  readonly preferences: WorkspacePreferences;
  readonly accessControl: WorkspaceAccessControl = {
    allow_sudo_with_mfa: false,
    allow_direct_root: false,
    block_local_sudo: false,
    sudo_timeout: 300,
    allow_tunnel_by_default: true,
    allow_editor_by_default: true,
    home_directory_permission: "750",
    work_session_max_ttl: 8 * 3600,
    work_session_pending_ttl: 24 * 3600,
    shared_account_names: [],
  };
  readonly mfa = {
    mfa_timeout: 300,
    allowed_mfa_methods: ["email", "otp"],
    passkey_as_mfa: false,
  };
  readonly invitations: InvitationRecord[] = [];

  constructor(billingEmail: string) {
    this.preferences = {
      front_url: null,
      country: "US",
      language: "en",
      timezone: "UTC",
      invite_ttl: 172_800,
      enabled_extensions: ["websh", "webftp", "tunnel"],
      websh_session_timeout: 3600,
      auto_agent_upgrade: true,
      package_proxy: null,
      billing_email: billingEmail || null,
      allowed_domains: [],
    };
  }

  /** Invitations not accepted and not expired at `now`. */
  pendingInvitations(now: number): InvitationRecord[] {
    return this.invitations.filter((i) => i.expiresAt > now);
  }
}
