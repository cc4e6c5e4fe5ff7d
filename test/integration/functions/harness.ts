import { afterAll } from 'vitest';
import { type LocalSecretsManager, startLocalSecretsManager } from '#local/secrets-manager.js';
import { type RunningSimulator, startSimulator } from '#local/simulator/index.js';

/** What every function needs to reach Transatel (or the simulator) locally, but the secret (localSecretEnv). */
export function transatelEnv(baseUrl: string): Record<string, string> {
  return {
    STAGE: 'test',
    TRANSATEL_BASE_URL: baseUrl,
    TRANSATEL_MVNO_REF: 'M2MA_WW_TSL_LOCAL',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
  };
}

// Stopped when the test file that started them ends (a hook of the file: this module is imported while it loads).
const secretsManagers: LocalSecretsManager[] = [];
afterAll(async () => {
  await Promise.all(secretsManagers.splice(0).map((secretsManager) => secretsManager.stop()));
});

/**
 * The Transatel secret (the simulator's default credentials), in a stand-in Secrets Manager on 127.0.0.1, and the
 * variables that point the functions' SDK client at it.
 */
export async function localSecretEnv(): Promise<Record<string, string>> {
  const secretsManager = await startLocalSecretsManager();
  secretsManagers.push(secretsManager);
  const secretId = secretsManager.createSecret(
    'iot-capped-plans/test/transatel',
    JSON.stringify({ clientId: 'local-client', clientSecret: 'local-secret', webhookSecrets: ['x'] }),
  );
  return { TRANSATEL_SECRET_ID: secretId, AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.url };
}

/**
 * A simulator with few SIMs and short lifecycle delays, and the environment pointing at it. The
 * service factories are process-wide singletons: call this before the first handler call of a file.
 */
export async function startSimulatorForFunctions(): Promise<RunningSimulator> {
  const sim = await startSimulator({
    port: 0,
    activationDelayMs: 30,
    lifecycleDelayMs: 20,
    simCounts: {
      available: 6,
      'available-esim': 4,
      preactivated: 4,
      'preactivated-esim': 2,
      active: 10,
      'active-esim': 6,
      suspended: 4,
      'suspended-esim': 2,
      terminated: 2,
    },
  });
  Object.assign(process.env, transatelEnv(sim.url), await localSecretEnv());
  return sim;
}

/** Requests the simulator received on its Transatel API routes (token included), read from /_sim/counters. */
export async function transatelCalls(sim: RunningSimulator): Promise<number> {
  const response = await fetch(`${sim.url}/_sim/counters`);
  const counters = (await response.json()) as { calls: Record<string, number> };
  return Object.values(counters.calls).reduce((sum, count) => sum + count, 0);
}

/** Calls the simulator received on one route (`getSubscriber`, `inventoryList`, `catalogList`...). */
export async function routeCalls(sim: RunningSimulator, routeId: string): Promise<number> {
  const response = await fetch(`${sim.url}/_sim/counters`);
  const counters = (await response.json()) as { calls: Record<string, number> };
  return counters.calls[routeId] ?? 0;
}

export async function simAdmin<T = Record<string, unknown>>(
  sim: RunningSimulator,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const response = await fetch(`${sim.url}/_sim${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`/_sim${path} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

export async function waitFor<T>(probe: () => Promise<T | undefined | false>, timeoutMs = 3_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`waitFor timed out after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Waits until the SIM has no Connectivity Management transaction pending. */
export async function settled(sim: RunningSimulator, iccid: string): Promise<void> {
  await waitFor(async () => {
    const state = await simAdmin<{ pendingTransactionId?: string }>(sim, 'GET', `/sims/${iccid}`);
    return state.pendingTransactionId === undefined;
  });
}

/** A 19-digit string with the right length but a wrong Luhn check digit. */
export function withWrongCheckDigit(iccid: string): string {
  const last = Number(iccid.slice(-1));
  return `${iccid.slice(0, -1)}${(last + 1) % 10}`;
}
