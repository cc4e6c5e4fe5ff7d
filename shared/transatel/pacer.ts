import { sleep } from './retry.js';

/**
 * Spaces requests evenly so this process stays under a requests-per-second budget. Transatel enforces
 * a rate limit at its gateway; pacing ourselves below it avoids 429s and their Retry-After waits,
 * which cost far more throughput than the pacing does. In AWS the budget is per container: infra gives each
 * workflow worker's container its share of the stage's limit (infra/constructs/functions.ts).
 */
export class RequestPacer {
  private nextSlot = 0;
  private readonly intervalMs: number;

  constructor(requestsPerSecond: number) {
    this.intervalMs = 1000 / requestsPerSecond;
  }

  async acquire(): Promise<void> {
    const now = performance.now();
    const slot = Math.max(now, this.nextSlot);
    this.nextSlot = slot + this.intervalMs;
    if (slot - now >= 1) await sleep(slot - now);
  }
}
