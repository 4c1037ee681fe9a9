import type { WorkspaceTokens } from "../auth/tokens.js";
import { SandboxIdp } from "../idp/idp-control.js";
import { commandJson } from "../routes/serialize/commands.js";
import { iamUserJson } from "../routes/serialize/iam.js";
import { serverJson } from "../routes/serialize/servers.js";
import { workSessionJson } from "../routes/serialize/work-sessions.js";
import type { SandboxCore } from "../server/core.js";
import type { CertDelays } from "../state/certs.js";
import type { CommandDelays } from "../state/commands.js";
import type { ServerRecord } from "../state/model.js";
import type { DeliveryRecord } from "../state/notifications.js";
import type { ServerActionDelays } from "../state/server-admin.js";
import type { WorkSessionAnalysis } from "../state/work-sessions.js";
import { type ApiVariants, checkVariants, type WorkspaceState } from "../state/workspace.js";
import type { ActiveFault, FaultRule } from "./faults.js";
import type { JournalEntry, JournalFilter } from "./journal.js";

export interface CommandAclSettings {
  /** Exact command lines where `*` matches anything (OSS CommandACL). */
  patterns: string[];
  /** Server ids the token may run commands on. */
  servers: string[];
}

/** Test helpers for one workspace. */
export class WorkspaceControl {
  constructor(readonly state: WorkspaceState) {}

  get region(): string {
    return this.state.region;
  }

  get workspace(): string {
    return this.state.name;
  }

  get baseUrl(): string {
    return this.state.baseUrl;
  }

  get tokens(): WorkspaceTokens {
    return this.state.tokens.tokens;
  }

  /** This workspace's identity provider: issuer, clients, logins, device approval, revocation. */
  idp(): SandboxIdp {
    if (!this.state.idp) throw new Error(`${this.state.key} has no identity provider yet.`);
    this.idpHandle ??= new SandboxIdp(this.state.idp);
    return this.idpHandle;
  }

  private idpHandle: SandboxIdp | undefined;

  private find(idOrName: string): ServerRecord {
    const s =
      this.state.serverById.get(idOrName.toLowerCase()) ??
      this.state.servers.all().find((x) => x.name === idOrName);
    if (!s) throw new Error(`No server "${idOrName}" in ${this.state.key}`);
    return s;
  }

  /** Every server as `getServer` returns it, in name order. */
  servers(): Record<string, unknown>[] {
    return this.state.servers
      .ordered(["name"], { name: (s) => s.name })
      .map((s) => serverJson(this.state, s, true));
  }

  server(idOrName: string): Record<string, unknown> {
    return serverJson(this.state, this.find(idOrName), true);
  }

  /** Connects or disconnects a server's agent; commands in flight on a lost server get stuck. */
  setServerConnected(idOrName: string, connected: boolean): void {
    this.state.setConnected(this.find(idOrName), connected);
  }

  /** How long agents stay away after restart, upgrade and reboot actions (ms). */
  setServerActionDelays(delays: Partial<ServerActionDelays>): void {
    Object.assign(this.state.actions.delays, delays);
  }

  /** How long a CA's agent takes to sign or revoke (ms). */
  setCertDelays(delays: Partial<CertDelays>): void {
    Object.assign(this.state.certDelays, delays);
  }

  commandAcl(): CommandAclSettings {
    const acl = this.state.tokens.commandAclCredential().acl;
    return { patterns: [...acl.patterns], servers: [...acl.servers] };
  }

  setCommandAcl(settings: Partial<CommandAclSettings>): void {
    const acl = this.state.tokens.commandAclCredential().acl;
    if (settings.patterns) acl.patterns = [...settings.patterns];
    if (settings.servers) acl.servers = settings.servers.map((s) => this.find(s).id);
  }

  /** `Authorization` header value of a server's agent (for the agent-only ack/fin endpoints). */
  agentAuthorization(idOrName: string): string {
    const s = this.find(idOrName);
    return `id="${s.id}", key="${this.state.tokens.agentKey(s.index)}"`;
  }

  users(): Record<string, unknown>[] {
    return this.state.users.all().map((u) => iamUserJson(this.state, u, true));
  }

  commands(): Record<string, unknown>[] {
    return this.state.commands.all().map((c) => commandJson(this.state, c, true));
  }

  /**
   * Pending workspace invitations (`inviteWorkspaceUser`): no API lists them (neither official
   * client reads one back), so tests and demos look here.
   */
  invitations(): { email: string; invited_by: string; added_at: string; expires_at: string }[] {
    return this.state.settings.pendingInvitations(this.state.now()).map((i) => ({
      email: i.email,
      invited_by: i.invitedBy,
      added_at: new Date(i.addedAt).toISOString(),
      expires_at: new Date(i.expiresAt).toISOString(),
    }));
  }

  /**
   * The websh invite links "sent" by `inviteToWebshSession`, oldest first: the sandbox sends no
   * mail, so tests and demos read the link's channel and token here to join as the invitee.
   */
  webshInvitations(): {
    email: string;
    session: string;
    channel: string;
    token: string;
    read_only: boolean;
    expires_at: string;
  }[] {
    return [...this.state.websh.sessions.values()].flatMap((session) =>
      [...session.channels.values()].flatMap((c) =>
        c.invite
          ? [
              {
                email: c.invite.email,
                session: session.id,
                channel: c.id,
                token: c.invite.token,
                read_only: c.readOnly,
                expires_at: new Date(c.expiresAt ?? c.addedAt).toISOString(),
              },
            ]
          : [],
      ),
    );
  }

  /**
   * What subscribed events delivered, oldest first: the sandbox sends nothing (no webhook is
   * called), it records what the service would have sent and to which channel or URL.
   */
  deliveries(): DeliveryRecord[] {
    return this.state.notifications.deliveries.map((d) => ({ ...d, data: { ...d.data } }));
  }

  /** Marks an upload's bytes as stored (what a PUT to `upload_url` does). */
  markUploaded(transferId: string, size: number): void {
    if (!this.state.transfers.markStored(transferId, { size })) {
      throw new Error(`No transfer "${transferId}" in ${this.state.key}`);
    }
  }

  setGates(gates: {
    mfaRequired?: boolean;
    workSessionRequired?: boolean;
    /** A free plan: authoring alert rules and webhooks answers 402. */
    freePlan?: boolean;
  }): void {
    if (gates.freePlan !== undefined) this.state.gates.freePlan = gates.freePlan;
    if (gates.mfaRequired !== undefined) this.state.gates.mfaRequired = gates.mfaRequired;
    if (gates.workSessionRequired !== undefined)
      this.state.gates.workSessionRequired = gates.workSessionRequired;
  }

  /**
   * What a person does in the web console or Slack, which the API refuses to agents and the
   * CLI: approve (optionally granting fewer scopes or servers) or reject a pending work session,
   * or decide its queued modification. Returns the session as `getWorkSession` shows it.
   */
  decideWorkSession(
    id: string,
    decision: "approve" | "reject" | "approve-modification" | "reject-modification",
    granted: { scopes?: string[]; servers?: string[] } = {},
  ): Record<string, unknown> {
    const store = this.state.workSessions;
    const session = store.get(id.toLowerCase());
    if (!session) throw new Error(`No work session "${id}" in ${this.state.key}`);
    if (decision === "approve-modification" || decision === "reject-modification") {
      store.decideModification(session, decision === "approve-modification");
    } else {
      store.expect(session, ["pending"], `Work session ${id} is ${session.status}, not pending`);
      if (decision === "approve") store.approve(session, granted);
      else store.move(session, "rejected");
    }
    return workSessionJson(this.state, session);
  }

  /** The analysis of a work session (run when it completes, or by `analyzeWorkSession`). */
  workSessionAnalysis(id: string): WorkSessionAnalysis | null {
    return this.state.workSessions.get(id.toLowerCase())?.analysis ?? null;
  }

  /** Switches the response shapes this workspace serves (see `ApiVariants`). */
  setVariants(variants: Partial<ApiVariants>): void {
    Object.assign(this.state.variants, checkVariants(variants));
  }

  variants(): ApiVariants {
    return { ...this.state.variants };
  }
}

/**
 * The programmatic control API handed to tests: faults, gates, the journal, data helpers and the
 * command clock. The same operations are served over HTTP under `/_sandbox/`.
 */
export class SandboxControl {
  private readonly byKey = new Map<string, WorkspaceControl>();

  constructor(private readonly core: SandboxCore) {
    for (const ws of core.workspaces.values()) this.byKey.set(ws.key, new WorkspaceControl(ws));
  }

  workspace(region: string, workspace: string): WorkspaceControl {
    const w = this.byKey.get(`${region}/${workspace}`);
    if (!w) throw new Error(`No workspace ${region}/${workspace} in this sandbox`);
    return w;
  }

  workspaces(): WorkspaceControl[] {
    return [...this.byKey.values()];
  }

  // ---- faults
  addFault(rule: FaultRule): string {
    return this.core.faults.add(rule);
  }

  setFaults(rules: readonly FaultRule[]): string[] {
    return this.core.faults.set(rules);
  }

  removeFault(id: string): boolean {
    return this.core.faults.remove(id);
  }

  clearFaults(): void {
    this.core.faults.clear();
  }

  faults(): ActiveFault[] {
    return this.core.faults.list();
  }

  // ---- gates (every workspace, or one)
  setMfaRequired(on: boolean, workspace?: string): void {
    for (const w of this.select(workspace)) w.setGates({ mfaRequired: on });
  }

  setWorkSessionRequired(on: boolean, workspace?: string): void {
    for (const w of this.select(workspace)) w.setGates({ workSessionRequired: on });
  }

  /** A free plan: authoring alert rules and webhooks answers 402. */
  setFreePlan(on: boolean, workspace?: string): void {
    for (const w of this.select(workspace)) w.setGates({ freePlan: on });
  }

  /** Response-shape variants, for every workspace or one (`region/workspace`). */
  setVariants(variants: Partial<ApiVariants>, workspace?: string): void {
    checkVariants(variants);
    for (const w of this.select(workspace)) w.setVariants(variants);
  }

  private select(workspace?: string): WorkspaceControl[] {
    if (workspace === undefined) return this.workspaces();
    const [region, name] = workspace.split("/");
    return [this.workspace(region ?? "", name ?? "")];
  }

  // ---- journal
  journal(filter?: JournalFilter): JournalEntry[] {
    return this.core.journal.list(filter);
  }

  clearJournal(): void {
    this.core.journal.clear();
  }

  // ---- commands
  /** Changes the lifecycle delays of commands created from now on (or `manual`). */
  setCommandDelays(delays: CommandDelays | "manual"): void {
    for (const ws of this.core.workspaces.values()) ws.commands.delays = delays;
  }

  /** Manual mode: moves every unfinished command one status forward. */
  async advanceCommands(): Promise<void> {
    await Promise.all([...this.core.workspaces.values()].map((ws) => ws.commands.advance()));
  }

  /** Resolves when every existing command has reached a terminal status. */
  async settleCommands(): Promise<void> {
    await Promise.all([...this.core.workspaces.values()].map((ws) => ws.commands.settle()));
  }
}
