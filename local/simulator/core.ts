import { type BasicCredentials, TokenStore } from './auth.js';
import { buildCatalog, type ProductDef } from './catalog.js';
import { Counters } from './counters.js';
import type { EventEnvelope, OcsContext } from './events.js';
import { FaultEngine } from './faults.js';
import { rngFor } from './rng.js';
import { Scheduler } from './scheduler.js';
import { seedState } from './seed.js';
import type { SimState } from './state.js';
import type { ResolvedOptions, RuntimeConfig } from './types.js';
import { type Variant, variantFor } from './variants.js';
import { WebhookBus } from './webhooks.js';

/** Everything one simulator instance owns; routes and admin handlers work through it. */
export class SimulatorCore {
  readonly catalog: ProductDef[] = buildCatalog();
  readonly tokens = new TokenStore();
  readonly counters = new Counters();
  readonly scheduler: Scheduler;
  readonly faults: FaultEngine;
  readonly webhooks: WebhookBus;
  readonly ocs: OcsContext;
  /** How responses, events and signatures are shaped, and the test-mode switch (see variants.ts). */
  readonly variant: Variant;
  config: RuntimeConfig;
  /** The client credentials the token endpoint accepts (`PUT /_sim/credentials` rotates them). */
  credentials: BasicCredentials;
  state: SimState;

  constructor(readonly options: ResolvedOptions) {
    this.variant = variantFor(options.variant);
    this.scheduler = new Scheduler((error) => this.log(`scheduled task failed: ${describe(error)}`));
    this.ocs = { mvnoRef: options.mvnoRef, cos: options.cos };
    this.config = this.initialConfig();
    this.credentials = { clientId: options.clientId, clientSecret: options.clientSecret };
    this.state = this.seed();
    this.faults = new FaultEngine(options.seed, this.counters, this.scheduler);
    this.faults.set(options.faults);
    this.webhooks = new WebhookBus(
      {
        scheduler: this.scheduler,
        counters: this.counters,
        faults: () => this.faults.webhookFaults(),
        retryScheduleMs: options.retryScheduleMs,
        timeoutMs: options.webhookTimeoutMs,
        sign: (secret, raw) => this.variant.sign(secret, raw),
        log: (line) => this.log(line),
      },
      rngFor(options.seed, 'webhook-faults'),
    );
    for (const target of options.webhookTargets) this.webhooks.addTarget(target);
  }

  log(line: string): void {
    this.options.log(line);
  }

  /** Emits a domain event, its body shaped by the variant. */
  emit(event: { type: string; body: Record<string, unknown> }): EventEnvelope {
    return this.webhooks.emit(event.type, this.variant.event(event.type, event.body));
  }

  product(productId: string): ProductDef | undefined {
    return this.catalog.find((p) => p.productId === productId);
  }

  /** Seeded state, start config, credentials and webhook targets back; counters zeroed, faults cleared.
   *  Issued tokens stay valid: a reset between tests should not force every client to re-authenticate. */
  reset(): void {
    this.scheduler.cancelAll();
    this.counters.reset();
    this.config = this.initialConfig();
    this.credentials = { clientId: this.options.clientId, clientSecret: this.options.clientSecret };
    this.state = this.seed();
    this.faults.reset();
    this.webhooks.reset(rngFor(this.options.seed, 'webhook-faults'), this.options.webhookTargets);
  }

  close(): void {
    this.scheduler.close();
    this.webhooks.close();
  }

  private initialConfig(): RuntimeConfig {
    return {
      activationDelayMs: this.options.activationDelayMs,
      lifecycleDelayMs: this.options.lifecycleDelayMs,
      tokenTtlSeconds: this.options.tokenTtlSeconds,
      testModePlans: 'accept',
    };
  }

  private seed(): SimState {
    return seedState({
      seed: this.options.seed,
      simCounts: this.options.simCounts,
      ratePlans: this.options.ratePlans,
      catalog: this.catalog,
      now: Date.now(),
    });
  }
}

export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
