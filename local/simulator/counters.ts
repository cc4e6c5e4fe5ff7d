export type FaultKind = 'latency' | 'error' | 'throttle' | 'rateLimit' | 'loseResponse';

export interface WebhookCounters {
  emitted: number;
  attempts: number;
  delivered: number;
  failed: number;
  dropped: number;
  duplicated: number;
  reordered: number;
  pending: number;
}

export interface CountersSnapshot {
  tokenRequests: number;
  calls: Record<string, number>;
  /** status code (or 'lost' for a response destroyed after commit) -> count, per route */
  responses: Record<string, Record<string, number>>;
  /** order requests that named a known subscriber, whatever the outcome */
  ocsOrders: Record<string, number>;
  /** product subscriptions created by orders (a lost 201 still counts) */
  subscriptionsBySim: Record<string, number>;
  /** activate requests accepted (a transaction was created; a lost 201 still counts) */
  activationsBySim: Record<string, number>;
  /** accepted modify/suspend/reactivate/terminate requests per SIM and type */
  lifecycleBySim: Record<string, Record<string, number>>;
  faultsInjected: Record<FaultKind, number>;
  faultsByRoute: Record<string, Partial<Record<FaultKind, number>>>;
  webhooks: WebhookCounters;
}

function bump(map: Record<string, number>, key: string, by = 1): void {
  map[key] = (map[key] ?? 0) + by;
}

function nested(map: Record<string, Record<string, number>>, key: string): Record<string, number> {
  let inner = map[key];
  if (!inner) {
    inner = {};
    map[key] = inner;
  }
  return inner;
}

export class Counters {
  tokenRequests = 0;
  private calls: Record<string, number> = {};
  private responses: Record<string, Record<string, number>> = {};
  private ocsOrders: Record<string, number> = {};
  private subscriptionsBySim: Record<string, number> = {};
  private activationsBySim: Record<string, number> = {};
  private lifecycleBySim: Record<string, Record<string, number>> = {};
  private faults: Record<FaultKind, number> = {
    latency: 0,
    error: 0,
    throttle: 0,
    rateLimit: 0,
    loseResponse: 0,
  };
  private faultsByRoute: Record<string, Record<string, number>> = {};
  readonly webhooks: Omit<WebhookCounters, 'pending'> = {
    emitted: 0,
    attempts: 0,
    delivered: 0,
    failed: 0,
    dropped: 0,
    duplicated: 0,
    reordered: 0,
  };

  call(routeId: string): void {
    bump(this.calls, routeId);
  }

  response(routeId: string, status: number | 'lost'): void {
    bump(nested(this.responses, routeId), String(status));
  }

  ocsOrder(iccid: string): void {
    bump(this.ocsOrders, iccid);
  }

  subscription(iccid: string): void {
    bump(this.subscriptionsBySim, iccid);
  }

  activation(iccid: string): void {
    bump(this.activationsBySim, iccid);
  }

  lifecycle(iccid: string, type: string): void {
    bump(nested(this.lifecycleBySim, iccid), type);
  }

  fault(routeId: string, kind: FaultKind): void {
    this.faults[kind] += 1;
    bump(nested(this.faultsByRoute, routeId), kind);
  }

  reset(): void {
    this.tokenRequests = 0;
    this.calls = {};
    this.responses = {};
    this.ocsOrders = {};
    this.subscriptionsBySim = {};
    this.activationsBySim = {};
    this.lifecycleBySim = {};
    this.faults = { latency: 0, error: 0, throttle: 0, rateLimit: 0, loseResponse: 0 };
    this.faultsByRoute = {};
    for (const key of Object.keys(this.webhooks) as (keyof typeof this.webhooks)[]) this.webhooks[key] = 0;
  }

  snapshot(webhooksPending: number): CountersSnapshot {
    return structuredClone({
      tokenRequests: this.tokenRequests,
      calls: this.calls,
      responses: this.responses,
      ocsOrders: this.ocsOrders,
      subscriptionsBySim: this.subscriptionsBySim,
      activationsBySim: this.activationsBySim,
      lifecycleBySim: this.lifecycleBySim,
      faultsInjected: this.faults,
      faultsByRoute: this.faultsByRoute,
      webhooks: { ...this.webhooks, pending: webhooksPending },
    });
  }
}
