import { describe, expect, it, vi } from 'vitest';
import type { ActionDeps } from '#shared/jobs/actions.js';
import { acceptJob, cancelJob, type JobIntakeDeps, type JobRequest } from '#shared/jobs/intake.js';
import type { JobMessage } from '#shared/jobs/messages.js';
import {
  CHECK_DELAY_SECONDS,
  MAX_CHECK_ROUNDS,
  type RunnerDeps,
  runJobStep,
  StepLaterError,
} from '#shared/jobs/runner.js';
import { MemoryIdempotencyStore } from '#shared/store/idempotency.js';
import { MemoryHistoryStore } from '#shared/store/memory-history-store.js';
import { MemoryJobStore } from '#shared/store/memory-job-store.js';
import type { Subscriber } from '#shared/transatel/connectivity.js';
import { TransatelApiError, TransatelUnknownOutcomeError } from '#shared/transatel/errors.js';
import { luhnCheckDigit } from '#shared/transatel/identifiers.js';

let idCount = 0;
/** A message id of its own for each delivery: a copy, to the runner, is another message. */
const nextId = () => `m${++idCount}`;

const iccid = (index: number) => {
  const payload = `898824720${String(index).padStart(9, '0')}`;
  return payload + luhnCheckDigit(payload);
};

/** A Transatel stand-in: SIM statuses, and every lifecycle call counted per SIM. */
function fakeTransatel(statuses: Record<string, string>) {
  const calls: { action: string; iccid: string }[] = [];
  let loseNext = false;
  const subscriber = (id: string): Subscriber => {
    const status = statuses[id];
    if (status === undefined) {
      throw new TransatelApiError({
        operation: 'connectivity.getSubscriber',
        status: 404,
        title: 'SUBSCRIBER_NOT_FOUND',
        detail: 'Subscriber is unknown',
      });
    }
    return {
      iccid: id,
      msisdn: undefined,
      imsi: undefined,
      status,
      ratePlan: 'RP',
      options: [],
      group: undefined,
      reference: undefined,
      activationDate: undefined,
      simType: undefined,
    };
  };
  const lifecycle = (action: string, to: string) => async (id: string) => {
    calls.push({ action, iccid: id });
    statuses[id] = to;
    if (loseNext) {
      loseNext = false;
      throw new TransatelUnknownOutcomeError({ operation: `connectivity.${action}` });
    }
    return { transactionId: `tx-${calls.length}`, state: 'PENDING' } as never;
  };
  const connectivity: ActionDeps['connectivity'] = {
    getSubscriber: async (id) => subscriber(id),
    suspend: lifecycle('suspend', 'Suspended'),
    reactivate: lifecycle('reactivate', 'Active'),
    terminate: lifecycle('terminate', 'Terminated'),
    modify: async (id) => {
      calls.push({ action: 'modify', iccid: id });
      return { transactionId: 'tx-m', state: 'PENDING' } as never;
    },
  };
  return { connectivity, calls, loseNextAnswer: () => (loseNext = true) };
}

function harness(statuses: Record<string, string>) {
  const store = new MemoryJobStore();
  const queued: { message: JobMessage; delaySeconds: number }[] = [];
  const transatel = fakeTransatel(statuses);
  let clock = Date.parse('2026-12-06T10:00:00Z');
  const now = () => new Date(clock);
  let token = 0;
  const planOrders: string[] = [];
  const queue = {
    sendMany: async (messages: readonly JobMessage[], delaySeconds = 0) => {
      for (const message of messages) queued.push({ message, delaySeconds });
    },
  };
  const scheduled: string[] = [];
  const history = new MemoryHistoryStore();
  const deps: RunnerDeps & JobIntakeDeps = {
    store,
    queue,
    scheduler: { schedule: async (jobId) => void scheduled.push(jobId), cancel: async () => undefined },
    idempotency: new MemoryIdempotencyStore(),
    now,
    countFilter: async () => 2,
    simSearch: {
      search: async (_filters, paging) =>
        ({
          sims: paging.page === 1 ? [{ iccid: iccid(1) }, { iccid: iccid(2) }] : [],
          page: paging.page,
          size: paging.size,
          totalPages: 1,
          totalElements: 2,
        }) as never,
    },
    connectivity: transatel.connectivity,
    orderPlan: async ({ idempotencyKey }) => {
      planOrders.push(idempotencyKey);
      return { kind: 'accepted', value: { orderId: `ord-${idempotencyKey}`, iccid: '', status: 'RECEIVED' } };
    },
    leaseMs: 60_000,
    newToken: () => `t${++token}`,
    history,
  };
  /** Runs every queued message, each delivered `copies` times, until the queue is empty. */
  const drain = async (copies = 1) => {
    const later: JobMessage[] = [];
    while (queued.length > 0) {
      const { message } = queued.shift() as { message: JobMessage };
      for (let copy = 0; copy < copies; copy += 1) {
        try {
          await runJobStep(deps, message, { messageId: nextId(), receiveCount: 1, maxReceiveCount: 5 });
        } catch (error) {
          if (!(error instanceof StepLaterError)) throw error;
          later.push(message);
        }
      }
    }
    return later;
  };
  return {
    deps,
    store,
    queued,
    transatel,
    drain,
    scheduled,
    planOrders,
    history,
    tick: (ms: number) => (clock += ms),
  };
}

const suspendJob = (sims: string[]): JobRequest => ({
  action: 'suspend',
  sims: sims.map((id) => ({ iccid: id, fields: {} })),
  params: {},
});

describe('jobs', () => {
  it('suspends each SIM once, even with every message delivered twice, and fails an unknown SIM alone', async () => {
    const statuses = Object.fromEntries([1, 2, 3].map((i) => [iccid(i), 'Active']));
    const { deps, store, transatel, drain, history } = harness(statuses);
    const outcome = await acceptJob(deps, {
      ...suspendJob([iccid(1), iccid(2), iccid(3), iccid(9)]),
      createdBy: 'arn:aws:iam::1:user/ops',
    });
    expect(outcome).toMatchObject({ kind: 'accepted', value: { status: 'RUNNING', total: 4 } });
    const { jobId } = (outcome as { value: { jobId: string } }).value;
    await drain(2);
    expect(transatel.calls.map((call) => call.iccid).sort()).toEqual([iccid(1), iccid(2), iccid(3)].sort());
    const job = await store.get(jobId);
    expect(job).toMatchObject({ status: 'DONE', done: 3, failed: 1, total: 4 });
    const failed = await store.listItems(jobId, { status: 'FAILED', limit: 10 });
    expect(failed.items).toEqual([
      expect.objectContaining({
        iccid: iccid(9),
        title: 'SUBSCRIBER_NOT_FOUND',
        detail: 'Subscriber is unknown',
      }),
    ]);
    // Each SIM's history has the action once, by the job's creator.
    for (const id of [iccid(1), iccid(9)]) {
      const { entries } = await history.list(id, { limit: 10 });
      expect(entries).toEqual([
        expect.objectContaining({
          source: 'operator',
          actor: 'arn:aws:iam::1:user/ops',
          details: expect.objectContaining({ jobId }),
        }),
      ]);
    }
    expect((await history.list(iccid(9), { limit: 1 })).entries[0]?.summary).toBe(
      `suspend by job ${jobId}: failed: SUBSCRIBER_NOT_FOUND`,
    );
  });

  it('reconciles an unknown outcome by reading the SIM, not by acting again', async () => {
    const { deps, store, transatel, drain, queued, tick } = harness({ [iccid(1)]: 'Active' });
    const outcome = await acceptJob(deps, suspendJob([iccid(1)]));
    const { jobId } = (outcome as { value: { jobId: string } }).value;
    transatel.loseNextAnswer();
    const later = await drain();
    expect(later).toEqual([{ jobId, step: 'item', iccid: iccid(1) }]);
    // Redelivered within the lease: still held.
    await expect(
      runJobStep(deps, later[0] as JobMessage, { messageId: nextId(), receiveCount: 2, maxReceiveCount: 5 }),
    ).rejects.toThrow(StepLaterError);
    tick(61_000);
    await runJobStep(deps, later[0] as JobMessage, {
      messageId: nextId(),
      receiveCount: 3,
      maxReceiveCount: 5,
    });
    expect(queued).toEqual([]);
    expect(transatel.calls).toHaveLength(1);
    expect(await store.getItem(jobId, iccid(1))).toMatchObject({
      status: 'DONE',
      detail: 'The SIM was already Suspended',
    });
    expect(await store.get(jobId)).toMatchObject({ status: 'DONE', done: 1 });
  });

  it('cancelling a running job leaves its remaining items undone', async () => {
    const statuses = Object.fromEntries([1, 2, 3].map((i) => [iccid(i), 'Active']));
    const { deps, store, transatel, drain, queued } = harness(statuses);
    const outcome = await acceptJob(deps, suspendJob([iccid(1), iccid(2), iccid(3)]));
    const { jobId } = (outcome as { value: { jobId: string } }).value;
    // Start and enqueue, then one item, then the cancel.
    await runJobStep(deps, queued.shift()?.message as JobMessage, {
      messageId: nextId(),
      receiveCount: 1,
      maxReceiveCount: 5,
    });
    await runJobStep(deps, queued.shift()?.message as JobMessage, {
      messageId: nextId(),
      receiveCount: 1,
      maxReceiveCount: 5,
    });
    await runJobStep(deps, queued.shift()?.message as JobMessage, {
      messageId: nextId(),
      receiveCount: 1,
      maxReceiveCount: 5,
    });
    expect(await cancelJob(deps, jobId)).toMatchObject({ kind: 'cancelled', job: { status: 'CANCELLED' } });
    await drain();
    expect(transatel.calls).toHaveLength(1);
    expect(await store.get(jobId)).toMatchObject({ status: 'CANCELLED', done: 1, cancelled: 2 });
    expect((await store.listItems(jobId, { status: 'CANCELLED', limit: 10 })).items).toHaveLength(2);
    expect(await cancelJob(deps, jobId)).toMatchObject({ kind: 'cancelled' });
  });

  it('schedules a job for later and starts it then, not before', async () => {
    const { deps, store, drain, scheduled, queued, tick, transatel } = harness({ [iccid(1)]: 'Active' });
    const outcome = await acceptJob(deps, {
      ...suspendJob([iccid(1)]),
      scheduledFor: new Date(deps.now().getTime() + 5_000),
    });
    const { jobId } = (outcome as { value: { jobId: string } }).value;
    expect(outcome).toMatchObject({ value: { status: 'SCHEDULED' } });
    expect(scheduled).toEqual([jobId]);
    // Fired early: put back with the delay left.
    await runJobStep(
      deps,
      { jobId, step: 'start' },
      { messageId: nextId(), receiveCount: 1, maxReceiveCount: 5 },
    );
    expect(queued).toEqual([{ message: { jobId, step: 'start' }, delaySeconds: 5 }]);
    tick(5_000);
    await drain();
    expect(transatel.calls).toHaveLength(1);
    expect(await store.get(jobId)).toMatchObject({ status: 'DONE', startedAt: '2026-12-06T10:00:05.000Z' });
  });

  it('reads a filter job’s SIMs through SIM Search, then runs them', async () => {
    const { deps, store, drain, transatel } = harness({ [iccid(1)]: 'Active', [iccid(2)]: 'Suspended' });
    const outcome = await acceptJob(deps, { action: 'suspend', filter: { group: 'FLEET_A' }, params: {} });
    const { jobId } = (outcome as { value: { jobId: string } }).value;
    await drain();
    expect(transatel.calls).toEqual([{ action: 'suspend', iccid: iccid(1) }]);
    expect(await store.get(jobId)).toMatchObject({ status: 'DONE', total: 2, done: 2, resolving: false });
  });

  it('orders plans through the plan intake, keyed by job and SIM', async () => {
    const { deps, store, drain, planOrders } = harness({});
    const outcome = await acceptJob(deps, {
      action: 'plan',
      sims: [
        { iccid: iccid(1), fields: {} },
        { iccid: iccid(2), fields: { planId: 'OTHER' } },
      ],
      params: { planId: 'PLAN_A' },
    });
    const { jobId } = (outcome as { value: { jobId: string } }).value;
    await drain(2);
    expect(planOrders.sort()).toEqual([`${jobId}-${iccid(1)}`, `${jobId}-${iccid(2)}`]);
    expect(await store.getItem(jobId, iccid(1))).toMatchObject({
      status: 'DONE',
      orderId: `ord-${jobId}-${iccid(1)}`,
    });
  });

  it('answers the same job for the same Idempotency-Key, and a conflict for another request', async () => {
    const { deps } = harness({});
    const first = await acceptJob(deps, { ...suspendJob([iccid(1)]), idempotencyKey: 'k1' });
    const again = await acceptJob(deps, { ...suspendJob([iccid(1)]), idempotencyKey: 'k1' });
    expect(again).toEqual(first);
    expect(await acceptJob(deps, { ...suspendJob([iccid(2)]), idempotencyKey: 'k1' })).toMatchObject({
      kind: 'conflict',
    });
  });

  it('cancels a job whose start cannot be queued, unless a replay with its key can queue it again', async () => {
    const { deps, store } = harness({});
    const create = vi.spyOn(store, 'create');
    const sendMany = deps.queue.sendMany;
    deps.queue = {
      sendMany: async () => {
        throw new Error('SQS is down');
      },
    };
    await expect(acceptJob(deps, suspendJob([iccid(1)]))).rejects.toThrow('SQS is down');
    await expect(acceptJob(deps, { ...suspendJob([iccid(2)]), idempotencyKey: 'k' })).rejects.toThrow(
      'SQS is down',
    );
    const [unkeyed, keyed] = create.mock.calls.map(([job]) => job.jobId) as [string, string];
    expect(await store.get(unkeyed)).toMatchObject({ status: 'CANCELLED' });
    expect(await store.get(keyed)).toMatchObject({ status: 'RUNNING' });
    deps.queue = { sendMany };
    expect(await acceptJob(deps, { ...suspendJob([iccid(2)]), idempotencyKey: 'k' })).toMatchObject({
      value: { jobId: keyed, status: 'RUNNING' },
    });
  });

  it('never doubles the chain of steps when every message is delivered twice', async () => {
    const sims = Array.from({ length: 1_100 }, (_, index) => iccid(100 + index));
    const { deps, store, drain } = harness(Object.fromEntries(sims.map((id) => [id, 'Active'])));
    const sent: string[] = [];
    const sendMany = deps.queue.sendMany;
    deps.queue = {
      sendMany: async (messages, delay) => {
        for (const message of messages) if (message.step === 'item') sent.push(message.iccid);
        return sendMany(messages, delay);
      },
    };
    const outcome = await acceptJob(deps, suspendJob(sims));
    const { jobId } = (outcome as { value: { jobId: string } }).value;
    await drain(2);
    // Three enqueue pages, each run once: every item queued once.
    expect(sent).toHaveLength(sims.length);
    expect(await store.get(jobId)).toMatchObject({ status: 'DONE', done: sims.length, cursor: 'end' });
  });

  it('reads back, and never acts on, the items of a cancelled job that a dead worker held', async () => {
    const [held, through] = [iccid(1), iccid(2)];
    const { deps, store, transatel, tick } = harness({ [held]: 'Active', [through]: 'Suspended' });
    const outcome = await acceptJob(deps, suspendJob([held, through]));
    const { jobId } = (outcome as { value: { jobId: string } }).value;
    // Workers claimed both and died: one before its call, one after Transatel took it.
    for (const id of [held, through]) {
      await store.claimItem(jobId, id, { token: 'dead', at: deps.now(), staleBefore: new Date(0) });
    }
    await cancelJob(deps, jobId);
    tick(61_000);
    for (const id of [held, through]) {
      await runJobStep(
        deps,
        { jobId, step: 'item', iccid: id },
        { messageId: nextId(), receiveCount: 2, maxReceiveCount: 5 },
      );
    }
    expect(transatel.calls).toEqual([]);
    expect(await store.getItem(jobId, held)).toMatchObject({ status: 'CANCELLED' });
    expect(await store.getItem(jobId, through)).toMatchObject({
      status: 'DONE',
      detail: 'The SIM was already as asked',
    });
    expect(await store.get(jobId)).toMatchObject({ status: 'CANCELLED', done: 1, cancelled: 1 });
  });

  it('finishes, from its items, a job whose count a worker killed between its two writes left short', async () => {
    const statuses = Object.fromEntries([1, 2].map((i) => [iccid(i), 'Active']));
    const { deps, store, queued, drain } = harness(statuses);
    const outcome = await acceptJob(deps, suspendJob([iccid(1), iccid(2)]));
    const { jobId } = (outcome as { value: { jobId: string } }).value;
    // As if one item's mark were written and its addition to the job lost: the job ends one short.
    await store.move(jobId, 'start', { done: -1 });
    const sent: JobMessage[] = [];
    const original = deps.queue.sendMany;
    deps.queue.sendMany = async (messages, delaySeconds) => {
      sent.push(...messages.filter((message) => message.step === 'check'));
      return original(messages, delaySeconds);
    };
    await drain();
    expect(sent).toEqual([{ jobId, step: 'check', round: 1 }]);
    expect(queued).toEqual([]);
    expect(await store.get(jobId)).toMatchObject({ status: 'DONE', done: 2, failed: 0, total: 2 });
  });

  it('checks again later while items are unsettled, a day at most', async () => {
    const statuses = Object.fromEntries([1, 2].map((i) => [iccid(i), 'Active']));
    const { deps, queued } = harness(statuses);
    const outcome = await acceptJob(deps, suspendJob([iccid(1), iccid(2)]));
    const { jobId } = (outcome as { value: { jobId: string } }).value;
    queued.length = 0; // the items never run
    const delivery = { messageId: 'c', receiveCount: 1, maxReceiveCount: 5 };
    await runJobStep(deps, { jobId, step: 'check', round: 1 }, delivery);
    expect(queued).toEqual([
      { message: { jobId, step: 'check', round: 2 }, delaySeconds: CHECK_DELAY_SECONDS },
    ]);
    queued.length = 0;
    await runJobStep(deps, { jobId, step: 'check', round: MAX_CHECK_ROUNDS }, delivery);
    expect(queued).toEqual([]);
  });
});
