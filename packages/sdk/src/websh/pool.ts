import type { WebshSession } from "./session.js";

export interface PoolKey {
  server: string;
  username?: string | undefined;
  groupname?: string | undefined;
  /** Sessions opened under different work sessions are never shared. */
  workSession?: string | undefined;
}

interface Entry {
  session: Promise<WebshSession>;
  /** The session once open, so a warm lookup needs no promise. */
  opened: WebshSession | undefined;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * Live sessions keyed by server + user + group, so repeated commands reuse one terminal and
 * never another user's. One pool belongs to one client, hence to one workspace. Idle sessions
 * close after `idleMs`; their timers never keep the process alive.
 */
export class WebshPool {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly open: (key: PoolKey) => Promise<WebshSession>,
    private readonly idleMs: number,
  ) {}

  /** The pooled session when one is open right now (the warm case), without waiting. */
  ready(key: PoolKey): WebshSession | undefined {
    const name = poolKey(key);
    const entry = this.entries.get(name);
    if (!entry?.opened?.isOpen) return undefined;
    this.touch(name, entry);
    return entry.opened;
  }

  async acquire(key: PoolKey): Promise<WebshSession> {
    const name = poolKey(key);
    const existing = this.entries.get(name);
    if (existing) {
      const session = await existing.session.catch(() => undefined);
      if (session?.isOpen) {
        this.touch(name, existing);
        return session;
      }
      this.entries.delete(name);
    }
    const entry: Entry = { session: this.open(key), opened: undefined, timer: undefined };
    this.entries.set(name, entry);
    try {
      const session = await entry.session;
      entry.opened = session;
      void session.closed.then(() => {
        if (this.entries.get(name) === entry) this.drop(name);
      });
      this.touch(name, entry);
      return session;
    } catch (error) {
      this.drop(name);
      throw error;
    }
  }

  /** The sessions currently open in the pool. */
  async sessions(): Promise<WebshSession[]> {
    const settled = await Promise.allSettled(
      [...this.entries.values()].map((entry) => entry.session),
    );
    return settled.flatMap((result) =>
      result.status === "fulfilled" && result.value.isOpen ? [result.value] : [],
    );
  }

  async closeAll(): Promise<void> {
    const sessions = await this.sessions();
    for (const name of [...this.entries.keys()]) this.drop(name);
    await Promise.all(sessions.map((session) => session.close()));
  }

  private touch(name: string, entry: Entry): void {
    // Node's timers restart in place; elsewhere the timer is replaced.
    const timer = entry.timer as { refresh?: () => unknown } | undefined;
    if (timer?.refresh) {
      timer.refresh();
      return;
    }
    if (entry.timer) clearTimeout(entry.timer);
    entry.timer = setTimeout(() => {
      this.drop(name);
      void entry.session.then((session) => session.close()).catch(() => undefined);
    }, this.idleMs);
    (entry.timer as { unref?: () => void }).unref?.();
  }

  private drop(name: string): void {
    const entry = this.entries.get(name);
    if (entry?.timer) clearTimeout(entry.timer);
    this.entries.delete(name);
  }
}

// NUL cannot occur in a server id, user or group name, so the joined key is unambiguous.
function poolKey(key: PoolKey): string {
  return `${key.server}\0${key.username ?? ""}\0${key.groupname ?? ""}\0${key.workSession ?? ""}`;
}
