import * as z from 'zod';
import type { SimulatorCore } from './core.js';
import { esimView, requireEsim, setEsimStatus } from './domain/esim.js';
import { activateOnFirstUse } from './domain/firstUse.js';
import { expireSubscription, renewSubscription } from './domain/products.js';
import { appendTrafficHistory, applyUsage } from './domain/usage.js';
import { faultConfigSchema } from './faults.js';
import { json, jsonBody, type RequestContext } from './http.js';
import { SIM_CATEGORIES } from './ids.js';
import { ProblemError } from './problem.js';
import type { RouteDef } from './router.js';
import { deviceImei } from './seed.js';
import type { ProductSubscription, Sim } from './state.js';
import type { SimCategory } from './types.js';
import { parseWith, queryObject } from './validation.js';
import { compact, productSubscriptionView, subscriberView, transactionView } from './views.js';

const categorySchema = z.enum(SIM_CATEGORIES as [SimCategory, ...SimCategory[]]);

const simsQuery = z.object({
  category: categorySchema.optional(),
  status: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(1_000_000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});

const esimStatusBody = z.object({
  status: z.enum([
    'available',
    'allocated',
    'released',
    'downloaded',
    'installed',
    'enabled',
    'disabled',
    'deleted',
    'error',
  ]),
  eid: z
    .string()
    .regex(/^[0-9]{32}$/, 'must be 32 digits')
    .optional(),
  errorMessage: z.string().optional(),
});

const usageBody = z.object({
  iccid: z.string(),
  bytes: z.number().int().min(0),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be an ISO-2 country code')
    .default('FR'),
  at: z.iso.datetime({ offset: true }).optional(),
});

const failNextBody = z
  .object({ errorCode: z.string().min(1).optional(), errorMessage: z.string().min(1).optional() })
  .optional();

const configBody = z.strictObject({
  activationDelayMs: z.number().int().min(0).optional(),
  lifecycleDelayMs: z.number().int().min(0).optional(),
  tokenTtlSeconds: z.number().int().min(1).optional(),
  testModePlans: z.enum(['accept', 'refuse']).optional(),
});

const trafficHistoryBody = z.object({
  days: z.number().int().min(1).max(3660),
  sessionsPerDay: z.number().int().min(1).max(48).default(24),
  bytesPerSession: z.number().int().min(0).max(1_000_000_000_000).default(100_000),
  country: z
    .string()
    .regex(/^[A-Za-z]{2}$/, 'must be an ISO-2 country code')
    .transform((v) => v.toUpperCase())
    .default('FR'),
});

const unprovisionBody = z.object({ detail: z.string().min(1).max(1000).optional() }).optional();

export const UNPROVISIONED_DETAIL = 'Subscriber is not ready for activation: the SIM is not provisioned';

const webhookBody = z.object({
  url: z.url(),
  secret: z.string().min(1),
  events: z.array(z.string().min(1)).optional(),
});

/** A status change (re-activate a suspended target), a new signing secret (a rotation), or both. */
const webhookPatchBody = z
  .object({ status: z.enum(['active', 'suspended']).optional(), secret: z.string().min(1).optional() })
  .refine((patch) => patch.status !== undefined || patch.secret !== undefined, 'must set status or secret');

/** The client credentials the token endpoint accepts from now on (a rotation at Transatel). */
const credentialsBody = z.object({ clientId: z.string().min(1).optional(), clientSecret: z.string().min(1) });

const testEventBody = z.object({
  eventType: z.string().min(1),
  body: z.record(z.string(), z.unknown()).optional(),
});

const eventsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(5000).default(100),
  type: z.string().optional(),
});

function notFound(what: string): ProblemError {
  return new ProblemError(404, 'NOT_FOUND', what);
}

function statusKey(status: string): string {
  return status.toLowerCase().replace(/[^a-z]/g, '');
}

export function adminRoutes(core: SimulatorCore): RouteDef[] {
  const sim = (ctx: RequestContext): Sim => {
    const found = core.state.getSim(ctx.params.iccid ?? '');
    if (!found) throw notFound(`Unknown SIM ${ctx.params.iccid}`);
    return found;
  };
  const subscription = (ctx: RequestContext): ProductSubscription => {
    const found = core.state.subscriptions.get(ctx.params.subscriptionId ?? '');
    if (!found) throw notFound(`Unknown subscription ${ctx.params.subscriptionId}`);
    return found;
  };
  const body = <S extends z.ZodType>(schema: S, ctx: RequestContext) =>
    parseWith(schema, jsonBody(ctx), 'body');

  return [
    {
      method: 'GET',
      pattern: '/_sim/health',
      // The body names the variant unless it is the documented one (whose answer stays { ok: true });
      // the header always does.
      handler: () => {
        const variant = core.variant.name;
        return json(200, variant === 'documented' ? { ok: true } : { ok: true, variant }, {
          'X-Sim-Variant': variant,
        });
      },
    },
    {
      method: 'GET',
      pattern: '/_sim/counters',
      handler: () => json(200, core.counters.snapshot(core.webhooks.pendingCount())),
    },
    {
      method: 'GET',
      pattern: '/_sim/sims',
      handler: (ctx) => {
        const q = parseWith(simsQuery, queryObject(ctx.query), 'query');
        const wantedStatus = q.status === undefined ? undefined : statusKey(q.status);
        const hits: Sim[] = [];
        for (const s of core.state.sims.values()) {
          if (q.category && s.category !== q.category) continue;
          if (wantedStatus !== undefined && statusKey(s.status) !== wantedStatus) continue;
          hits.push(s);
        }
        const page = hits.slice(q.offset, q.offset + q.limit);
        return json(200, {
          total: hits.length,
          sims: page.map((s) =>
            compact({
              iccid: s.iccid,
              status: s.status,
              simType: s.simType,
              msisdn: s.msisdn,
              category: s.category,
              index: s.index,
            }),
          ),
        });
      },
    },
    {
      method: 'GET',
      pattern: '/_sim/sims/:iccid',
      handler: async (ctx) => {
        const s = sim(ctx);
        const transactions = [...core.state.transactions.values()].filter((t) => t.simSerial === s.iccid);
        return json(
          200,
          compact({
            iccid: s.iccid,
            category: s.category,
            index: s.index,
            imsi: s.imsi,
            imei: deviceImei(core.options.seed, s),
            subscriber: subscriberView(s),
            pendingTransactionId: s.pendingTransactionId,
            unprovisioned: s.unprovisioned,
            firstUseActivationScheduled: s.firstUseActivationScheduled,
            products: s.products.map((p) => ({
              ...productSubscriptionView(p, core.product(p.productId), true),
              usedBytes: p.usedBytes,
            })),
            transactions: transactions.map(transactionView),
            cdrCount: s.cdrs.length,
            lastSeenDate: s.lastSeenDate,
            lastOriginCountry: s.lastOriginCountry,
            esim: s.esim ? await esimView(s, true) : undefined,
          }),
        );
      },
    },
    {
      method: 'POST',
      pattern: '/_sim/sims/:iccid/attach',
      handler: (ctx) => {
        const s = sim(ctx);
        if (s.status !== 'Pre-Activated' && s.status !== 'Active' && s.status !== 'TestMode') {
          throw new ProblemError(409, 'CONFLICT', `SIM ${s.iccid} cannot attach (status: ${s.status})`);
        }
        const activated = activateOnFirstUse(core, s);
        return json(200, { iccid: s.iccid, status: s.status, activated });
      },
    },
    {
      method: 'POST',
      pattern: '/_sim/sims/:iccid/fail-next-transaction',
      handler: (ctx) => {
        const s = sim(ctx);
        const b = body(failNextBody, ctx);
        s.failNextTransaction = {
          errorCode: b?.errorCode ?? 'SIMULATED_FAILURE',
          errorMessage: b?.errorMessage ?? 'Simulated transaction failure',
        };
        return json(200, { iccid: s.iccid, failNextTransaction: s.failNextTransaction });
      },
    },
    {
      method: 'POST',
      pattern: '/_sim/sims/:iccid/traffic-history',
      handler: (ctx) => {
        const s = sim(ctx);
        const added = appendTrafficHistory(core, s, body(trafficHistoryBody, ctx), Date.now());
        return json(200, { iccid: s.iccid, added });
      },
    },
    {
      method: 'POST',
      pattern: '/_sim/sims/:iccid/unprovision',
      handler: (ctx) => {
        const s = sim(ctx);
        s.unprovisioned = body(unprovisionBody, ctx)?.detail ?? UNPROVISIONED_DETAIL;
        return json(200, { iccid: s.iccid, unprovisioned: true, detail: s.unprovisioned });
      },
    },
    {
      method: 'DELETE',
      pattern: '/_sim/sims/:iccid/unprovision',
      handler: (ctx) => {
        const s = sim(ctx);
        delete s.unprovisioned;
        return json(200, { iccid: s.iccid, unprovisioned: false });
      },
    },
    {
      method: 'POST',
      pattern: '/_sim/esims/:iccid/status',
      handler: async (ctx) => {
        const s = requireEsim(core, ctx.params.iccid ?? '');
        const b = body(esimStatusBody, ctx);
        setEsimStatus(core, s, b.status, compact({ eid: b.eid, errorMessage: b.errorMessage }));
        return json(200, await esimView(s, true));
      },
    },
    {
      method: 'POST',
      pattern: '/_sim/usage',
      handler: (ctx) => {
        const b = body(usageBody, ctx);
        const s = core.state.getSim(b.iccid);
        if (!s) throw notFound(`Unknown SIM ${b.iccid}`);
        return json(200, applyUsage(core, s, b.bytes, b.country, b.at ? new Date(b.at) : new Date()));
      },
    },
    {
      method: 'POST',
      pattern: '/_sim/products/:subscriptionId/expire',
      handler: (ctx) => {
        const sub = subscription(ctx);
        expireSubscription(core, sub);
        return json(200, productSubscriptionView(sub, core.product(sub.productId), true));
      },
    },
    {
      method: 'POST',
      pattern: '/_sim/products/:subscriptionId/renew',
      handler: (ctx) => {
        const sub = subscription(ctx);
        renewSubscription(core, sub);
        return json(200, productSubscriptionView(sub, core.product(sub.productId), true));
      },
    },
    { method: 'GET', pattern: '/_sim/faults', handler: () => json(200, core.faults.get()) },
    {
      method: 'PUT',
      pattern: '/_sim/faults',
      handler: (ctx) => {
        core.faults.set(body(faultConfigSchema, ctx));
        return json(200, core.faults.get());
      },
    },
    {
      method: 'DELETE',
      pattern: '/_sim/faults',
      handler: () => {
        core.faults.set({});
        return json(200, core.faults.get());
      },
    },
    { method: 'GET', pattern: '/_sim/config', handler: () => json(200, configView(core)) },
    {
      method: 'PATCH',
      pattern: '/_sim/config',
      handler: (ctx) => {
        core.config = { ...core.config, ...compact(body(configBody, ctx)) };
        return json(200, configView(core));
      },
    },
    {
      method: 'GET',
      pattern: '/_sim/webhooks',
      handler: () => json(200, { targets: core.webhooks.listTargets() }),
    },
    {
      method: 'POST',
      pattern: '/_sim/webhooks',
      handler: (ctx) =>
        json(201, core.webhooks.addTarget(compact(body(webhookBody, ctx)) as z.infer<typeof webhookBody>)),
    },
    {
      method: 'PATCH',
      pattern: '/_sim/webhooks/:id',
      handler: (ctx) => {
        const target = core.webhooks.updateTarget(ctx.params.id ?? '', compact(body(webhookPatchBody, ctx)));
        if (!target) throw notFound(`Unknown webhook target ${ctx.params.id}`);
        return json(200, target);
      },
    },
    {
      method: 'DELETE',
      pattern: '/_sim/webhooks/:id',
      handler: (ctx) => {
        if (!core.webhooks.removeTarget(ctx.params.id ?? ''))
          throw notFound(`Unknown webhook target ${ctx.params.id}`);
        return { status: 204 };
      },
    },
    {
      method: 'POST',
      pattern: '/_sim/webhooks/test',
      handler: (ctx) => {
        const b = body(testEventBody, ctx);
        // Sent as given: the variant shapes domain events only (the signature still follows it).
        const env = core.webhooks.emit(b.eventType, b.body ?? {});
        return json(202, env);
      },
    },
    {
      method: 'GET',
      pattern: '/_sim/events',
      handler: (ctx) => {
        const q = parseWith(eventsQuery, queryObject(ctx.query), 'query');
        return json(200, { events: core.webhooks.listEvents(q.limit, q.type) });
      },
    },
    {
      method: 'PUT',
      pattern: '/_sim/credentials',
      // Only these are accepted from now on; tokens already issued stay valid (POST /_sim/tokens/revoke ends
      // them). The answer names the client id, never the secret.
      handler: (ctx) => {
        const b = body(credentialsBody, ctx);
        core.credentials = {
          clientId: b.clientId ?? core.credentials.clientId,
          clientSecret: b.clientSecret,
        };
        return json(200, { clientId: core.credentials.clientId });
      },
    },
    {
      method: 'POST',
      pattern: '/_sim/tokens/revoke',
      handler: () => json(200, { revoked: core.tokens.revokeAll() }),
    },
    {
      method: 'POST',
      pattern: '/_sim/reset',
      handler: () => {
        core.reset();
        return json(200, { ok: true });
      },
    },
  ];
}

function configView(core: SimulatorCore): Record<string, unknown> {
  const o = core.options;
  return {
    ...core.config,
    variant: o.variant,
    seed: o.seed,
    clientId: core.credentials.clientId,
    mvnoRef: o.mvnoRef,
    cos: o.cos,
    ratePlans: o.ratePlans,
    simCounts: o.simCounts,
    webhookRetryScheduleMs: o.retryScheduleMs,
    webhookTimeoutMs: o.webhookTimeoutMs,
  };
}
