import type { WebhookTimingStore } from '../store/webhook-timing.js';

/**
 * The plan workers' webhook timing, shared with the activation workers at a dozen requests a minute per
 * container (a bulk roll-out moves the estimate within seconds): a plan worker writes its estimate at most
 * every `refreshSeconds`; an activation worker reads it at most as often
 * and ignores one older than `maxAgeSeconds` (activations seen long ago say little about today's). Either
 * failing only leaves the first check on the stage's schedule: the caller is told through `warn`.
 */
export class WebhookTimingShare {
  private lastWrite = Number.NEGATIVE_INFINITY;
  private lastRead = Number.NEGATIVE_INFINITY;
  private cached: { expectedSeconds: number; at: Date } | undefined;

  constructor(
    private readonly store: WebhookTimingStore,
    private readonly warn: (message: string, attributes: Record<string, unknown>) => void,
    private readonly options = { refreshSeconds: 5, maxAgeSeconds: 3_600 },
  ) {}

  /** A plan worker's current estimate (written now if the last write is old enough). */
  async publish(expectedSeconds: number, now: Date): Promise<void> {
    if (now.getTime() - this.lastWrite < this.options.refreshSeconds * 1000) return;
    this.lastWrite = now.getTime();
    await this.store.write({ expectedSeconds, at: now }).catch((error: unknown) => {
      this.warn('webhook timing not shared', { error: String(error) });
    });
  }

  /** Seconds after an activation request by which the webhook is expected, if the plan workers know. */
  async expectedSeconds(now: Date): Promise<number | undefined> {
    if (now.getTime() - this.lastRead >= this.options.refreshSeconds * 1000) {
      this.lastRead = now.getTime();
      this.cached = await this.store.read().catch((error: unknown) => {
        this.warn('webhook timing not read', { error: String(error) });
        return undefined;
      });
    }
    const timing = this.cached;
    if (!timing || now.getTime() - timing.at.getTime() > this.options.maxAgeSeconds * 1000) return undefined;
    return timing.expectedSeconds;
  }
}
