import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { iccidFor, msisdnFor, type RunningSimulator, SIGNATURE_HEADER } from '#local/simulator/index.js';
import {
  adminClient,
  apiClient,
  CM,
  getToken,
  type Problem,
  RATE_PLAN,
  type Receiver,
  type Subscriber,
  startReceiver,
  startTestSim,
  type Txn,
  verifySignature,
  waitFor,
} from './helpers.js';

const sub = (iccid: string) => `${CM}/subscribers/sim-serial/${iccid}`;

describe('simulator connectivity management', () => {
  let sim: RunningSimulator;
  let receiver: Receiver;
  let api: ReturnType<typeof apiClient>;

  beforeAll(async () => {
    receiver = await startReceiver('hook-secret');
    sim = await startTestSim({
      // Long enough that "still PENDING" checks hold on a loaded 2-core machine.
      activationDelayMs: 150,
      lifecycleDelayMs: 20,
      webhooks: { targets: [{ url: receiver.url, secret: receiver.secret }] },
    });
    api = apiClient(sim, await getToken(sim));
  });
  beforeEach(() => {
    sim.reset();
    receiver.received.length = 0;
  });
  afterAll(async () => {
    await sim.close();
    await receiver.close();
  });

  it('reads seeded subscribers', async () => {
    const active = await api<Subscriber>('GET', sub(iccidFor('active', 1)));
    expect(active.status).toBe(200);
    expect(active.body).toMatchObject({
      simSerial: iccidFor('active', 1),
      msisdn: msisdnFor('active', 1),
      status: 'Active',
      ratePlan: RATE_PLAN,
      simType: 'physical',
    });
    const available = await api<Subscriber>('GET', sub(iccidFor('available-esim', 2)));
    expect(available.body).toMatchObject({ status: 'Available', simType: 'esim' });
    expect(available.body.msisdn).toBeUndefined();
    expect((await api<Subscriber>('GET', sub(iccidFor('preactivated', 0)))).body.status).toBe(
      'Pre-Activated',
    );
  });

  it('activates asynchronously and delivers a signed ACTIVATED webhook', async () => {
    const iccid = iccidFor('available', 3);
    const res = await api<Txn>('POST', `${sub(iccid)}/activate`, {
      ratePlan: RATE_PLAN,
      externalReference: 'dev-3',
      group: 'FLEET_X',
      options: [
        { name: 'OFFER_901_IOT_CONNECT_CAP_PRICING', value: 'IOTC_REF_BUNDLES' },
        { name: 'RESTRICT_THRESHOLD_1GB', value: 'on' },
      ],
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      transactionId: expect.any(String),
      simSerial: iccid,
      transactionStatus: 'PENDING',
    });
    const txnId = res.body.transactionId;

    // Still the old status while PENDING.
    expect((await api<Subscriber>('GET', sub(iccid))).body.status).toBe('Available');
    expect((await api<Txn>('GET', `${CM}/transactions/${txnId}`)).body).toMatchObject({
      transactionStatus: 'PENDING',
      type: 'ACTIVATE',
    });

    const [delivery] = await waitFor(() => {
      const got = receiver.ofType('CONNECTIVITY-MANAGEMENT/SUBSCRIBER/ACTIVATED');
      return got.length > 0 ? got : undefined;
    });
    expect(delivery?.headers['content-type']).toBe('application/json');
    expect(
      verifySignature('hook-secret', delivery?.raw ?? '', delivery?.headers[SIGNATURE_HEADER.toLowerCase()]),
    ).toBe(true);
    expect(
      verifySignature('other-secret', delivery?.raw ?? '', delivery?.headers[SIGNATURE_HEADER.toLowerCase()]),
    ).toBe(false);
    expect(delivery?.event.header).toEqual({
      eventId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      eventType: 'CONNECTIVITY-MANAGEMENT/SUBSCRIBER/ACTIVATED',
      eventDate: expect.any(String),
    });
    expect(delivery?.event.body).toEqual({
      simSerial: iccid,
      transactionId: txnId,
      msisdn: msisdnFor('available', 3),
      status: 'Active',
      source: 'api',
      externalReference: 'dev-3',
      group: 'FLEET_X',
    });

    const after = await api<Subscriber>('GET', sub(iccid));
    expect(after.body).toMatchObject({
      status: 'Active',
      msisdn: msisdnFor('available', 3),
      externalReference: 'dev-3',
    });
    const option = (name: string) => after.body.options.find((o) => o.name === name)?.value;
    expect(option('RESTRICT_THRESHOLD_1GB')).toBe('on');
    expect(option('RESTRICT_NO_THRESHOLD')).toBe('off');
    expect((await api<Txn>('GET', `${CM}/transactions/${txnId}`)).body.transactionStatus).toBe('DONE');
    expect(sim.counters().activationsBySim).toEqual({ [iccid]: 1 });
  });

  it('refuses a second lifecycle request while one is pending, then a re-activation', async () => {
    const iccid = iccidFor('available', 4);
    expect((await api('POST', `${sub(iccid)}/activate`, { ratePlan: RATE_PLAN })).status).toBe(201);
    const again = await api<Problem>('POST', `${sub(iccid)}/activate`, { ratePlan: RATE_PLAN });
    expect(again.status).toBe(409);
    expect(again.body.title).toBe('TRANSACTION_IN_PROGRESS');
    await waitFor(async () => (await api<Subscriber>('GET', sub(iccid))).body.status === 'Active');
    const notReady = await api<Problem>('POST', `${sub(iccid)}/activate`, { ratePlan: RATE_PLAN });
    expect(notReady.status).toBe(400);
    expect(notReady.body).toMatchObject({
      title: 'BAD_REQUEST',
      detail: 'Subscriber is not ready for activation (status: Active)',
    });
  });

  it('validates activation bodies and names the bad field', async () => {
    const path = `${sub(iccidFor('available', 5))}/activate`;
    const cases: [unknown, string][] = [
      [{}, 'ratePlan'],
      [{ ratePlan: 'NOPE' }, 'ratePlan'],
      [{ ratePlan: RATE_PLAN, options: [{ name: 'DATA', value: 'yes' }] }, 'options[0].value'],
      [{ ratePlan: RATE_PLAN, options: [{ name: 'WHAT', value: 'on' }] }, 'options[0].name'],
      [{ ratePlan: RATE_PLAN, subscriberCountryOfResidence: 'UK1' }, 'subscriberCountryOfResidence'],
    ];
    for (const [body, field] of cases) {
      const res = await api<Problem>('POST', path, body);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(res.body.title).toBe('BAD_REQUEST');
      expect(res.body.detail).toContain(`'${field}'`);
    }
    expect(sim.counters().activationsBySim).toEqual({});
  });

  it('answers 404 for unknown SIMs/transactions and 400 for malformed serials', async () => {
    const unknown = await api<Problem>('GET', sub('8988247990000000000'));
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ title: 'SUBSCRIBER_NOT_FOUND', detail: 'Subscriber is unknown' });
    expect((await api<Problem>('POST', `${sub('123')}/suspend`, { ratePlan: RATE_PLAN })).status).toBe(400);
    const txn = await api<Problem>('GET', `${CM}/transactions/does-not-exist`);
    expect(txn.status).toBe(404);
    expect(txn.body.title).toBe('TRANSACTION_NOT_FOUND');
  });

  it('runs suspend -> reactivate -> modify -> terminate with events', async () => {
    const iccid = iccidFor('active', 2);
    const step = async (verb: string, body: unknown, status: string) => {
      const res = await api<Txn>('POST', `${sub(iccid)}/${verb}`, body);
      expect(res.status).toBe(201);
      await waitFor(
        async () =>
          (await api<Txn>('GET', `${CM}/transactions/${res.body.transactionId}`)).body.transactionStatus ===
          'DONE',
      );
      expect((await api<Subscriber>('GET', sub(iccid))).body.status).toBe(status);
    };
    await step('suspend', { ratePlan: RATE_PLAN }, 'Suspended');
    await step('reactivate', { externalReference: 'back' }, 'Active');
    await step('modify', { ratePlan: RATE_PLAN, group: 'G2', externalReference: 'mod' }, 'Active');
    await step('terminate', { ratePlan: RATE_PLAN, externalReference: 'bye' }, 'Terminated');
    const types = await waitFor(() => {
      const t = receiver.received.map((r) => r.event.header.eventType);
      return t.includes('CONNECTIVITY-MANAGEMENT/SUBSCRIBER/TERMINATED') ? t : undefined;
    });
    expect(types).toEqual(
      expect.arrayContaining([
        'CONNECTIVITY-MANAGEMENT/SUBSCRIBER/SUSPENDED',
        'CONNECTIVITY-MANAGEMENT/SUBSCRIBER/REACTIVATED',
        'CONNECTIVITY-MANAGEMENT/SUBSCRIBER/MODIFIED',
        'CONNECTIVITY-MANAGEMENT/SUBSCRIBER/TERMINATED',
      ]),
    );
    const terminated = receiver.ofType('CONNECTIVITY-MANAGEMENT/SUBSCRIBER/TERMINATED')[0]?.event.body;
    expect(terminated).toMatchObject({
      simSerial: iccid,
      status: 'Terminated',
      source: 'api',
      externalReference: 'bye',
    });
    // Its seeded plan was terminated with it.
    await waitFor(() => receiver.ofType('OCS/PRODUCT/TERMINATED').length === 1);
    expect(sim.counters().lifecycleBySim[iccid]).toEqual({
      SUSPEND: 1,
      REACTIVATE: 1,
      MODIFY: 1,
      TERMINATE: 1,
    });
  });

  it('refuses lifecycle operations from the wrong status', async () => {
    const cases: [string, string, string][] = [
      [iccidFor('available', 6), 'suspend', 'Available'],
      [iccidFor('active', 3), 'reactivate', 'Active'],
      [iccidFor('available', 6), 'terminate', 'Available'],
      [iccidFor('terminated', 0), 'modify', 'Terminated'],
      [iccidFor('preactivated', 1), 'suspend', 'Pre-Activated'],
    ];
    for (const [iccid, verb, status] of cases) {
      const res = await api<Problem>('POST', `${sub(iccid)}/${verb}`, { ratePlan: RATE_PLAN });
      expect(res.status).toBe(400);
      expect(res.body.detail).toBe(
        `Invalid subscriber status for ${verb === 'modify' ? 'modify' : verb} (status: ${status})`,
      );
    }
    const empty = await api<Problem>('POST', `${sub(iccidFor('active', 3))}/suspend`, {});
    expect(empty.status).toBe(400);
    expect(empty.body.detail).toContain('ratePlan or externalReference');
  });

  it('can make the next transaction FAILED through /_sim', async () => {
    const iccid = iccidFor('active', 5);
    await adminClient(sim)('POST', `/sims/${iccid}/fail-next-transaction`, { errorCode: 'HLR_ERROR' });
    const res = await api<Txn>('POST', `${sub(iccid)}/suspend`, { ratePlan: RATE_PLAN });
    const txn = await waitFor(async () => {
      const t = await api<Txn & { errorCode?: string }>(
        'GET',
        `${CM}/transactions/${res.body.transactionId}`,
      );
      return t.body.transactionStatus !== 'PENDING' ? t.body : undefined;
    });
    expect(txn).toMatchObject({ transactionStatus: 'FAILED', errorCode: 'HLR_ERROR' });
    expect((await api<Subscriber>('GET', sub(iccid))).body.status).toBe('Active');
  });
});
