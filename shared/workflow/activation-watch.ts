/**
 * When to check an activating SIM's status, from what this process has seen of activations, so that a
 * rate-limited status check is spent only when the ACTIVATED webhook is late:
 *
 * - how long after the activation request the ACTIVATED webhook moved recent orders (`webhookArrived`): no
 *   check before the 95th percentile of those, with a margin;
 * - the oldest SIM lately found still activating (`stillActivating`): SIMs activated after it are most likely
 *   not Active yet either, so they wait for its next check instead of each spending a call of their own.
 *   A check in flight counts as such a probe until it answers.
 *
 * Knowledge is per process (per Lambda execution environment): a new one knows nothing and checks on the
 * stage's schedule, as before. A deferred check never passes the activation deadline (the caller caps it).
 */
export interface ActivationWatchOptions {
  /** Webhook arrival times remembered (the most recent ones). */
  window: number;
  /** Arrivals needed before their percentile is trusted. */
  minSamples: number;
  /** The webhook is expected by this multiple of the 95th percentile of recent arrivals. */
  margin: number;
  /** The probe's next check comes this long after its last one (the step's backoff), in seconds. */
  backoffSeconds: (ageSeconds: number) => number;
  /** A probe's finding is trusted until its next check is due plus this slack. */
  slackSeconds: number;
  /** A probe still activating at age a holds back SIMs up to age a × (1 + this) + 1 s. */
  probeTolerance: number;
}

interface Probe {
  /** How long the probe's SIM had been activating when it was checked. */
  ageSeconds: number;
  /** When its finding stops counting (ms since the epoch). */
  validUntil: number;
  inFlight: boolean;
}

export type CheckTiming = { kind: 'check' } | { kind: 'wait'; seconds: number; reason: string };

export class ActivationWatch {
  private readonly arrivals: number[] = [];
  private next = 0;
  private probe: Probe | undefined;
  /** expectedWebhookSeconds() since the last arrival (null: to compute): every plan step asks for it. */
  private expected: number | undefined | null = null;

  constructor(private readonly options: ActivationWatchOptions) {}

  /** An order was moved ACTIVE by the ACTIVATED webhook this long after its activation request. */
  webhookArrived(ageSeconds: number): void {
    if (!Number.isFinite(ageSeconds) || ageSeconds < 0) return;
    if (this.arrivals.length < this.options.window) this.arrivals.push(ageSeconds);
    else this.arrivals[this.next] = ageSeconds;
    this.next = (this.next + 1) % this.options.window;
    this.expected = null;
  }

  /** Seconds after the activation request by which the webhook is expected (undefined: not known yet). */
  expectedWebhookSeconds(): number | undefined {
    if (this.expected !== null) return this.expected;
    if (this.arrivals.length < this.options.minSamples) this.expected = undefined;
    else {
      const sorted = [...this.arrivals].sort((a, b) => a - b);
      const p95 = sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)] ?? 0;
      this.expected = p95 * this.options.margin;
    }
    return this.expected;
  }

  /** Whether to check an order activating for `ageSeconds` now, or how long to wait first. */
  timing(ageSeconds: number, now: Date): CheckTiming {
    const expected = this.expectedWebhookSeconds();
    if (expected !== undefined && ageSeconds < expected) {
      return {
        kind: 'wait',
        seconds: expected - ageSeconds,
        reason: 'the ACTIVATED webhook is not late yet',
      };
    }
    const probe = this.currentProbe(now);
    if (probe && ageSeconds <= probe.ageSeconds * (1 + this.options.probeTolerance) + 1) {
      // Come back when the probe has its next check, to learn from it: a SIM activated after the probe's
      // reaches that age no sooner than the probe does.
      const probeNextAge = probe.ageSeconds + this.options.backoffSeconds(probe.ageSeconds);
      return {
        kind: 'wait',
        seconds: Math.max(1, probeNextAge - ageSeconds),
        reason: probe.inFlight
          ? 'an older SIM is being checked'
          : 'an older SIM was still activating at its last check',
      };
    }
    return { kind: 'check' };
  }

  /** A check starts: until it answers, it is the probe for SIMs no older. */
  checking(ageSeconds: number, now: Date): void {
    const probe = this.currentProbe(now);
    if (probe && probe.ageSeconds >= ageSeconds) return;
    this.probe = { ageSeconds, validUntil: this.validUntil(ageSeconds, now), inFlight: true };
  }

  /** The check found the SIM still activating: the probe for SIMs no older until its next check. */
  stillActivating(ageSeconds: number, now: Date): void {
    const probe = this.currentProbe(now);
    if (probe && probe.ageSeconds > ageSeconds) return;
    this.probe = { ageSeconds, validUntil: this.validUntil(ageSeconds, now), inFlight: false };
  }

  /** The check found the SIM Active, or failed: it no longer holds younger SIMs back. */
  checked(ageSeconds: number): void {
    if (this.probe?.inFlight && this.probe.ageSeconds === ageSeconds) this.probe = undefined;
  }

  private currentProbe(now: Date): Probe | undefined {
    return this.probe && now.getTime() <= this.probe.validUntil ? this.probe : undefined;
  }

  private validUntil(ageSeconds: number, now: Date): number {
    return now.getTime() + (this.options.backoffSeconds(ageSeconds) + this.options.slackSeconds) * 1000;
  }
}

/** The watch of a plan worker: the last 200 webhooks, trusted from 20, expected by 1.25× their 95th percentile. */
export function newActivationWatch(backoffSeconds: (ageSeconds: number) => number): ActivationWatch {
  return new ActivationWatch({
    window: 200,
    minSamples: 20,
    margin: 1.25,
    backoffSeconds,
    slackSeconds: 5,
    probeTolerance: 0.1,
  });
}
