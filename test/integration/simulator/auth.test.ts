import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iccidFor, type RunningSimulator } from '#local/simulator/index.js';
import { adminClient, apiClient, CM, getToken, type Problem, startTestSim } from './helpers.js';

const TOKEN_PATH = '/authentication/api/token';

function tokenRequest(sim: RunningSimulator, auth: string | undefined, body: string, contentType?: string) {
  return fetch(`${sim.url}${TOKEN_PATH}`, {
    method: 'POST',
    headers: {
      ...(auth ? { Authorization: auth } : {}),
      'Content-Type': contentType ?? 'application/x-www-form-urlencoded',
    },
    body,
  });
}

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

describe('simulator authentication', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startTestSim({ clientId: 'cid', clientSecret: 'csecret', tokenTtlSeconds: 120 });
  });
  afterAll(() => sim.close());

  it('issues a bearer token for good Basic credentials', async () => {
    const res = await tokenRequest(sim, basic('cid', 'csecret'), 'grant_type=client_credentials');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-tsl-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ token_type: 'bearer', expires_in: 120 });
    expect(typeof body.access_token).toBe('string');
    expect(String(body.scope).split(' ')).toContain('CONNECTIVITY_MANAGEMENT_WRITE');
  });

  it('rejects bad or missing client credentials with 401 invalid_client', async () => {
    for (const auth of [basic('cid', 'wrong'), basic('other', 'csecret'), undefined]) {
      const res = await tokenRequest(sim, auth, 'grant_type=client_credentials');
      expect(res.status).toBe(401);
      expect(res.headers.get('pragma')).toBe('no-cache');
      expect(await res.json()).toMatchObject({ error: 'invalid_client' });
    }
  });

  it('rejects another grant type with 400 unsupported_grant_type', async () => {
    const res = await tokenRequest(sim, basic('cid', 'csecret'), 'grant_type=password');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'unsupported_grant_type' });
  });

  it('requires a form body', async () => {
    const res = await tokenRequest(sim, basic('cid', 'csecret'), '{}', 'application/json');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('answers 401 UNAUTHORIZED problems for missing, unknown and revoked tokens', async () => {
    const path = `${CM}/subscribers/sim-serial/${iccidFor('active', 0)}`;
    const missing = await fetch(`${sim.url}${path}`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('content-type')).toBe('application/problem+json');
    expect(await missing.json()).toEqual({
      type: 'https://api.transatel.com/connectivity-management/subscribers/docs#errors/UNAUTHORIZED',
      title: 'UNAUTHORIZED',
      status: 401,
      detail: expect.any(String),
      path,
    });
    expect((await apiClient(sim, 'not-a-token')('GET', path)).status).toBe(401);

    const token = await getToken(sim, 'cid', 'csecret');
    const api = apiClient(sim, token);
    expect((await api('GET', path)).status).toBe(200);
    await adminClient(sim)('POST', '/tokens/revoke');
    const revoked = await api<Problem>('GET', path);
    expect(revoked.status).toBe(401);
    expect(revoked.body.title).toBe('UNAUTHORIZED');
    expect((await apiClient(sim, await getToken(sim, 'cid', 'csecret'))('GET', path)).status).toBe(200);
  });

  it('accepts only the credentials set at runtime, keeps issued tokens, and takes the start ones back on reset', async () => {
    const admin = adminClient(sim);
    const path = `${CM}/subscribers/sim-serial/${iccidFor('active', 0)}`;
    const issued = await getToken(sim, 'cid', 'csecret');

    const rotated = await admin('PUT', '/credentials', { clientSecret: 'csecret-2' });
    expect(rotated).toMatchObject({ status: 200, body: { clientId: 'cid' } });
    expect(JSON.stringify(rotated.body)).not.toContain('csecret-2');
    const old = await tokenRequest(sim, basic('cid', 'csecret'), 'grant_type=client_credentials');
    expect(old.status).toBe(401);
    expect((await apiClient(sim, issued)('GET', path)).status).toBe(200);
    expect((await apiClient(sim, await getToken(sim, 'cid', 'csecret-2'))('GET', path)).status).toBe(200);

    expect((await admin('PUT', '/credentials', { clientId: '', clientSecret: 'x' })).status).toBe(400);
    expect((await admin('PUT', '/credentials', {})).status).toBe(400);
    await admin('POST', '/reset');
    expect((await tokenRequest(sim, basic('cid', 'csecret'), 'grant_type=client_credentials')).status).toBe(
      200,
    );
  });

  it('counts token requests', async () => {
    const before = sim.counters().tokenRequests;
    await getToken(sim, 'cid', 'csecret');
    expect(sim.counters().tokenRequests).toBe(before + 1);
  });

  it('answers 404 NOT_FOUND for unknown paths and 405 for a wrong method', async () => {
    const api = apiClient(sim, await getToken(sim, 'cid', 'csecret'));
    const unknown = await api<Problem>('GET', '/nope/api/things');
    expect(unknown.status).toBe(404);
    expect(unknown.body.title).toBe('NOT_FOUND');
    const wrongMethod = await api<Problem>('DELETE', `${CM}/subscribers/sim-serial/${iccidFor('active', 0)}`);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.body.title).toBe('METHOD_NOT_ALLOWED');
    expect(wrongMethod.headers.get('allow')).toBe('GET');
  });

  it('answers the OPTIONS permission probe', async () => {
    const token = await getToken(sim, 'cid', 'csecret');
    const res = await fetch(`${sim.url}${CM}/subscribers/sim-serial/${iccidFor('active', 0)}/activate`, {
      method: 'OPTIONS',
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('allow')).toBe('OPTIONS, POST');
  });
});
