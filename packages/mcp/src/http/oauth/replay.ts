/**
 * Remembers which single-use values (authorization codes) were spent. The in-memory guard sees
 * one instance only; see the README ("Deploy for a team") for why a code replayed on another
 * instance still fails: the upstream identity provider refuses its own code a second time.
 * A shared store (Redis `SET key 1 NX PX ttl`) would implement this interface in a few lines.
 */
export interface ReplayGuard {
  /** True the first time `id` is claimed; false when it was already (until `expiresAt`, epoch ms). */
  claim(id: string, expiresAt: number): Promise<boolean>;
}

export class MemoryReplayGuard implements ReplayGuard {
  private readonly spent = new Map<string, number>();

  async claim(id: string, expiresAt: number): Promise<boolean> {
    const now = Date.now();
    for (const [key, until] of this.spent) if (until <= now) this.spent.delete(key);
    if (this.spent.has(id)) return false;
    this.spent.set(id, expiresAt);
    return true;
  }
}
