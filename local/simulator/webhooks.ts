import { createHmac } from 'node:crypto';
import { type ClientRequest, Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Counters } from './counters.js';
import { type EventEnvelope, envelope } from './events.js';
import type { Rng } from './rng.js';
import type { Scheduler } from './scheduler.js';
import type { WebhookFaults, WebhookTargetConfig } from './types.js';
import { compact } from './views.js';

export const SIGNATURE_HEADER = 'X-TSL-Signature-256';
const MAX_EVENTS_KEPT = 5000;
const DEFAULT_REORDER_HOLD_MS = 2000;

export type TargetStatus = 'active' | 'suspended';

interface Target extends WebhookTargetConfig {
  id: string;
  status: TargetStatus;
  createdAt: string;
  suspendedAt?: string;
}

export type DeliveryStatus = 'pending' | 'held' | 'delivered' | 'failed' | 'dropped';

interface Delivery {
  targetId: string;
  url: string;
  status: DeliveryStatus;
  duplicate: boolean;
  attempts: number;
  lastStatusCode?: number;
  lastError?: string;
  deliveredAt?: string;
  nextAttemptAt?: string;
}

interface EventRecord {
  envelope: EventEnvelope;
  raw: string;
  deliveries: Delivery[];
}

interface Held {
  record: EventRecord;
  deliveries: Delivery[];
  cancelFallback: () => void;
}

export interface WebhookDeps {
  scheduler: Scheduler;
  counters: Counters;
  faults: () => WebhookFaults;
  retryScheduleMs: number[];
  timeoutMs: number;
  /** X-TSL-Signature-256 value (default signBody; the alternate variant sends the bare hex). */
  sign?: (secret: string, raw: string) => string;
  log: (line: string) => void;
}

/** 'sha256=' + lowercase hex HMAC-SHA256(secret, exact raw body). */
export function signBody(secret: string, raw: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
}

/** Records every emitted event and pushes it, signed, to the matching targets with retries and faults. */
export class WebhookBus {
  private readonly targets = new Map<string, Target>();
  private events: EventRecord[] = [];
  private readonly held = new Map<string, Held[]>();
  private readonly inflight = new Set<ClientRequest>();
  /**
   * Deliveries reuse connections, as a sender of many webhooks would: a connection a delivery left idle serves
   * the next one, until the receiver's Keep-Alive timeout (less a second) or 4 s. A new connection for each had
   * the local gateway, which stands in for API Gateway, accept and tear down a TCP connection per webhook.
   */
  private readonly agents = {
    'http:': new HttpAgent({ keepAlive: true, timeout: 4_000 }),
    'https:': new HttpsAgent({ keepAlive: true, timeout: 4_000 }),
  };
  private nextTargetId = 1;
  /** Bumped by reset/close so callbacks of aborted work stop instead of scheduling more. */
  private generation = 0;

  constructor(
    private readonly deps: WebhookDeps,
    private rng: Rng,
  ) {}

  emit(eventType: string, body: Record<string, unknown>): EventEnvelope {
    const env = envelope(eventType, body);
    const record: EventRecord = { envelope: env, raw: JSON.stringify(env), deliveries: [] };
    this.events.push(record);
    if (this.events.length > MAX_EVENTS_KEPT) this.events.splice(0, this.events.length - MAX_EVENTS_KEPT);
    this.deps.counters.webhooks.emitted += 1;
    for (const target of this.targets.values()) {
      if (target.status !== 'active') continue;
      if (target.events && !target.events.includes(eventType)) continue;
      this.route(record, target);
    }
    return env;
  }

  addTarget(config: WebhookTargetConfig): Record<string, unknown> {
    const target: Target = {
      id: `wh-${this.nextTargetId++}`,
      url: config.url,
      secret: config.secret,
      ...(config.events ? { events: [...config.events] } : {}),
      status: 'active',
      createdAt: new Date().toISOString(),
    };
    this.targets.set(target.id, target);
    return targetView(target);
  }

  removeTarget(id: string): boolean {
    this.releaseHeld(id);
    return this.targets.delete(id);
  }

  setTargetStatus(id: string, status: TargetStatus): Record<string, unknown> | undefined {
    const target = this.targets.get(id);
    if (!target) return undefined;
    target.status = status;
    if (status === 'active') delete target.suspendedAt;
    else target.suspendedAt = new Date().toISOString();
    return targetView(target);
  }

  /** A status change, or a new signing secret (a rotation: deliveries posted from now on are signed with it). */
  updateTarget(
    id: string,
    patch: { status?: TargetStatus; secret?: string },
  ): Record<string, unknown> | undefined {
    const target = this.targets.get(id);
    if (!target) return undefined;
    if (patch.secret !== undefined) target.secret = patch.secret;
    return patch.status === undefined ? targetView(target) : this.setTargetStatus(id, patch.status);
  }

  listTargets(): Record<string, unknown>[] {
    return [...this.targets.values()].map(targetView);
  }

  listEvents(limit: number, type?: string): Record<string, unknown>[] {
    const matching = type ? this.events.filter((e) => e.envelope.header.eventType === type) : this.events;
    return matching.slice(Math.max(0, matching.length - limit)).map((e) => ({
      ...e.envelope.header,
      body: e.envelope.body,
      deliveries: e.deliveries.map((d) => compact({ ...d })),
    }));
  }

  pendingCount(): number {
    let n = 0;
    for (const e of this.events) {
      for (const d of e.deliveries) if (d.status === 'pending' || d.status === 'held') n++;
    }
    return n;
  }

  /** Back to the start configuration; the caller has cancelled the scheduler's timers. */
  reset(rng: Rng, targets: readonly WebhookTargetConfig[]): void {
    this.generation += 1;
    this.abortInflight();
    this.rng = rng;
    this.events = [];
    this.held.clear();
    this.targets.clear();
    this.nextTargetId = 1;
    for (const t of targets) this.addTarget(t);
  }

  close(): void {
    this.generation += 1;
    this.abortInflight();
    this.held.clear();
    for (const agent of Object.values(this.agents)) agent.destroy();
  }

  private abortInflight(): void {
    for (const req of this.inflight) req.destroy();
    this.inflight.clear();
  }

  /** Applies the webhook fault dice for one (event, target) pair. */
  private route(record: EventRecord, target: Target): void {
    const faults = this.deps.faults();
    const delivery = newDelivery(target, false);
    record.deliveries.push(delivery);
    if (faults.dropRate && this.rng() < faults.dropRate) {
      delivery.status = 'dropped';
      this.deps.counters.webhooks.dropped += 1;
      return;
    }
    const duplicate = Boolean(faults.duplicateRate && this.rng() < faults.duplicateRate);
    const reorder = Boolean(faults.reorderRate && this.rng() < faults.reorderRate);
    const delay = (faults.delayMs ?? 0) + (faults.delayJitterMs ? this.rng() * faults.delayJitterMs : 0);
    let copy: Delivery | undefined;
    if (duplicate) {
      copy = newDelivery(target, true);
      record.deliveries.push(copy);
      this.deps.counters.webhooks.duplicated += 1;
    }
    const deliveries = copy ? [delivery, copy] : [delivery];
    if (reorder) {
      this.hold(record, deliveries, target.id, faults.reorderMaxHoldMs ?? DEFAULT_REORDER_HOLD_MS);
      return;
    }
    const heldBefore = this.takeHeld(target.id);
    this.deps.scheduler.after(delay, async () => {
      await this.attemptAll(record, deliveries);
      // Events held back for reordering go out only after this later one.
      for (const h of heldBefore) void this.attemptAll(h.record, h.deliveries);
    });
  }

  private hold(record: EventRecord, deliveries: Delivery[], targetId: string, maxHoldMs: number): void {
    this.deps.counters.webhooks.reordered += 1;
    for (const d of deliveries) d.status = 'held';
    const cancelFallback = this.deps.scheduler.after(maxHoldMs, () => {
      const rest = (this.held.get(targetId) ?? []).filter((h) => h.record !== record);
      this.held.set(targetId, rest);
      return this.attemptAll(record, deliveries);
    });
    const list = this.held.get(targetId) ?? [];
    list.push({ record, deliveries, cancelFallback });
    this.held.set(targetId, list);
  }

  private takeHeld(targetId: string): Held[] {
    const list = this.held.get(targetId) ?? [];
    this.held.delete(targetId);
    for (const h of list) {
      h.cancelFallback();
      for (const d of h.deliveries) d.status = 'pending';
    }
    return list;
  }

  private releaseHeld(targetId: string): void {
    for (const h of this.takeHeld(targetId)) void this.attemptAll(h.record, h.deliveries);
  }

  /** First attempts in order (a duplicate goes right after its original). */
  private async attemptAll(record: EventRecord, deliveries: Delivery[]): Promise<void> {
    for (const d of deliveries) await this.attempt(record, d);
  }

  private async attempt(record: EventRecord, delivery: Delivery): Promise<void> {
    const target = this.targets.get(delivery.targetId);
    if (target?.status !== 'active') {
      this.finish(delivery, 'failed', target ? 'target suspended' : 'target removed');
      return;
    }
    delivery.status = 'pending';
    delivery.attempts += 1;
    delete delivery.nextAttemptAt;
    this.deps.counters.webhooks.attempts += 1;
    const generation = this.generation;
    const outcome = await this.post(target, record.raw);
    if (generation !== this.generation) return;
    if (outcome.statusCode !== undefined) delivery.lastStatusCode = outcome.statusCode;
    if (outcome.ok) {
      delete delivery.lastError;
      delivery.deliveredAt = new Date().toISOString();
      this.finish(delivery, 'delivered');
      return;
    }
    delivery.lastError = outcome.error ?? `HTTP ${outcome.statusCode}`;
    const wait = this.deps.retryScheduleMs[delivery.attempts - 1];
    if (wait === undefined) {
      this.finish(delivery, 'failed', delivery.lastError);
      if (target.status === 'active') {
        this.setTargetStatus(target.id, 'suspended');
        this.deps.log(`webhook target ${target.id} suspended after ${delivery.attempts} failed attempts`);
      }
      return;
    }
    delivery.nextAttemptAt = new Date(Date.now() + wait).toISOString();
    this.deps.scheduler.after(wait, () => this.attempt(record, delivery));
  }

  private finish(delivery: Delivery, status: 'delivered' | 'failed', error?: string): void {
    if (delivery.status === 'delivered' || delivery.status === 'failed') return;
    delivery.status = status;
    if (error) delivery.lastError = error;
    if (status === 'delivered') this.deps.counters.webhooks.delivered += 1;
    else this.deps.counters.webhooks.failed += 1;
  }

  private post(target: Target, raw: string): Promise<{ ok: boolean; statusCode?: number; error?: string }> {
    return new Promise((resolve) => {
      let url: URL;
      try {
        url = new URL(target.url);
      } catch {
        resolve({ ok: false, error: 'invalid target URL' });
        return;
      }
      const https = url.protocol === 'https:';
      const send = https ? httpsRequest : httpRequest;
      const req = send(url, {
        method: 'POST',
        agent: https ? this.agents['https:'] : this.agents['http:'],
        headers: {
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(raw),
          'User-Agent': 'transatel-simulator',
          [SIGNATURE_HEADER]: (this.deps.sign ?? signBody)(target.secret, raw),
        },
      });
      this.inflight.add(req);
      const done = (outcome: { ok: boolean; statusCode?: number; error?: string }) => {
        this.inflight.delete(req);
        resolve(outcome);
      };
      req.setTimeout(this.deps.timeoutMs, () =>
        req.destroy(new Error(`timeout after ${this.deps.timeoutMs} ms`)),
      );
      req.on('response', (res) => {
        res.resume();
        const status = res.statusCode ?? 0;
        res.on('end', () => done({ ok: status >= 200 && status < 300, statusCode: status }));
        res.on('error', (error) => done({ ok: false, statusCode: status, error: error.message }));
      });
      req.on('error', (error) => done({ ok: false, error: error.message }));
      req.end(raw);
    });
  }
}

function newDelivery(target: Target, duplicate: boolean): Delivery {
  return { targetId: target.id, url: target.url, status: 'pending', duplicate, attempts: 0 };
}

function targetView(t: Target): Record<string, unknown> {
  return compact({
    id: t.id,
    url: t.url,
    events: t.events,
    status: t.status,
    createdAt: t.createdAt,
    suspendedAt: t.suspendedAt,
  });
}
