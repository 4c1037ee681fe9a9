import { abortableDelay } from "../core/delay.js";

/**
 * Shared by every worker of a batch: when the API answers 429, all of them pause until the
 * time it asked for, instead of each one hammering it on its own schedule.
 */
export class RateGate {
  private until = 0;

  block(ms: number): void {
    this.until = Math.max(this.until, Date.now() + ms);
  }

  async wait(signal?: AbortSignal): Promise<void> {
    for (let left = this.until - Date.now(); left > 0; left = this.until - Date.now()) {
      await abortableDelay(left, signal);
    }
  }
}
