import { PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '#local/aws.js';
import { iccidFor } from '#local/simulator/index.js';
import { type LocalStack, startLocalStack } from '#local/stack.js';
import { api, counters, PLAN, waitForOrders } from './stack-harness.js';

/**
 * The Transatel secret rotated behind the running stack (the functions in this process, reading the stand-in
 * Secrets Manager with the SDK's client): the new value is in use at the first refusal, not at the cache's TTL,
 * which is set far longer than the test.
 */

const CLIENT_ID = 'local-client';
const OLD_WEBHOOK_SECRET = 'webhook-secret-before';
const NEW_WEBHOOK_SECRET = 'webhook-secret-after';

let stack: LocalStack;
let secretsManager: SecretsManagerClient;
/** Imported once the stack has set the functions' environment, so that their logger reads LOG_LEVEL. */
let resetTransatelSecrets: () => void;

beforeAll(async () => {
  stack = await startLocalStack({
    port: 0,
    webhookSecret: OLD_WEBHOOK_SECRET,
    simulator: { activationDelayMs: 200, lifecycleDelayMs: 50 },
    env: {
      ...process.env,
      TRANSATEL_SECRET_CACHE_SECONDS: '3600',
      POLL_FIRST_DELAY_SECONDS: '5',
      LOG_LEVEL: 'ERROR',
    },
  });
  secretsManager = new SecretsManagerClient({
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    endpoint: stack.secretsManager.url,
  });
  ({ resetTransatelSecrets } = await import('#shared/wiring/secrets.js'));
}, 60_000);
afterAll(async () => {
  secretsManager?.destroy();
  await stack?.stop();
});

// Each test starts as a new container would, with no secret cached: in AWS, the workers and webhook-intake each
// have their own; here they share this process, and one test's forced re-read would hold back the next one's
// for 10 s.
beforeEach(() => resetTransatelSecrets());

const secretReads = () => stack.secretsManager.calls('GetSecretValue');

async function putSecret(clientSecret: string, webhookSecrets: string[]): Promise<void> {
  await secretsManager.send(
    new PutSecretValueCommand({
      SecretId: stack.secretsManager.secretId,
      SecretString: JSON.stringify({ clientId: CLIENT_ID, clientSecret, webhookSecrets }),
    }),
  );
}

async function sim(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${stack.simulator?.url}/_sim${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`/_sim${path} answered ${response.status}`);
  return (await response.json()) as Record<string, unknown>;
}

async function activate(iccid: string): Promise<string> {
  const response = await api(stack, 'POST', `/v1/sims/${iccid}/activation`, { planId: PLAN });
  expect(response.status).toBe(202);
  return response.body.orderId as string;
}

interface Delivery {
  url: string;
  status: string;
  attempts: number;
  lastStatusCode?: number;
}

/** The delivery of one emitted event to the stack's webhook route, once it has ended (delivered or not). */
async function deliveryOf(eventId: string): Promise<Delivery> {
  let found: Delivery | undefined;
  await expect
    .poll(
      async () => {
        const { events } = (await sim('GET', '/events?limit=50')) as {
          events: { eventId: string; deliveries: Delivery[] }[];
        };
        const event = events.find((entry) => entry.eventId === eventId);
        found = event?.deliveries.find((entry) => entry.url === stack.webhook.url);
        return found?.lastStatusCode;
      },
      { timeout: 20_000, interval: 50 },
    )
    .toBeDefined();
  return found as Delivery;
}

async function emitTestEvent(): Promise<string> {
  const envelope = (await sim('POST', '/webhooks/test', {
    eventType: 'TEST/SECRET-ROTATION',
    body: { note: 'signed with the target secret' },
  })) as { header: { eventId: string } };
  return envelope.header.eventId;
}

describe('rotating the Transatel secret', () => {
  it('re-reads the client credentials at the first refusal, and the order completes', async () => {
    const readsAtStart = secretReads();
    const [before] = await waitForOrders(stack, [await activate(iccidFor('available', 1))]);
    expect(before?.status).toBe('COMPLETED');
    // One read served the whole order: the API, both workers and webhook-intake share this process's cache.
    const readsBefore = secretReads();
    expect(readsBefore - readsAtStart).toBe(1);

    // The new client secret in the secret, Transatel accepting only it, and the worker's token no longer valid.
    await putSecret('client-secret-after', [OLD_WEBHOOK_SECRET]);
    await sim('PUT', '/credentials', { clientSecret: 'client-secret-after' });
    await sim('POST', '/tokens/revoke');
    const refusedBefore = refusedTokenRequests();

    const iccid = iccidFor('available', 2);
    const [after] = await waitForOrders(stack, [await activate(iccid)]);
    expect(after?.status).toBe('COMPLETED');
    expect(counters(stack).subscriptionsBySim[iccid]).toBe(1);
    // One refusal of the old credentials, then one read of the secret: not the TTL (an hour).
    expect(refusedTokenRequests()).toBe(refusedBefore + 1);
    expect(secretReads()).toBe(readsBefore + 1);
  });

  it('re-reads the webhook secrets when a signature matches none, and accepts the webhook', async () => {
    const warm = await deliveryOf(await emitTestEvent());
    expect(warm).toMatchObject({ status: 'delivered', lastStatusCode: 204 });
    const readsBefore = secretReads();

    // The new webhook secret first, the old one second, as deploy.md has it; the simulator signs with the new one.
    await putSecret('client-secret-after', [NEW_WEBHOOK_SECRET, OLD_WEBHOOK_SECRET]);
    const { targets } = (await sim('GET', '/webhooks')) as { targets: { id: string; url: string }[] };
    const target = targets.find((entry) => entry.url === stack.webhook.url);
    await sim('PATCH', `/webhooks/${target?.id}`, { secret: NEW_WEBHOOK_SECRET });

    const rotated = await deliveryOf(await emitTestEvent());
    expect(rotated).toMatchObject({ status: 'delivered', lastStatusCode: 204, attempts: 1 });
    expect(secretReads()).toBe(readsBefore + 1);
  });
});

/** Token requests the simulator refused (400 or 401, as the variant answers bad client credentials). */
function refusedTokenRequests(): number {
  const answered = counters(stack).responses.token ?? {};
  return (answered['400'] ?? 0) + (answered['401'] ?? 0);
}
