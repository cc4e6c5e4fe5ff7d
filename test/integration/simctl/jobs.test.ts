import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iccidFor } from '#local/simulator/index.js';
import { type LocalStack, startLocalStack } from '#local/stack.js';
import { unknownIccid } from '#test/integration/workflow/stack-harness.js';
import { simctl, simulatorCounters } from './harness.js';

describe('simctl job against the local stack', () => {
  let stack: LocalStack;
  let dir: string;
  const cli = (...argv: string[]) => simctl(argv, { url: stack.url });

  beforeAll(async () => {
    stack = await startLocalStack({
      port: 0,
      simulator: { lifecycleDelayMs: 20, simCounts: { active: 40 } },
      pollWaitTimeSeconds: 1,
      env: {},
    });
    dir = await mkdtemp(join(tmpdir(), 'simctl-jobs-'));
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('creates a suspend job from a CSV, watches it to the end and lists its failures as CSV', async () => {
    const sims = Array.from({ length: 30 }, (_, index) => iccidFor('active', index));
    const unknown = unknownIccid(7);
    const file = join(dir, 'sims.csv');
    await writeFile(
      file,
      ['iccid,reference', ...sims.map((iccid) => `${iccid},batch-1`), unknown].join('\n'),
    );

    const created = await cli('job', 'create', '--action', 'suspend', '--csv', file, '--json');
    expect(created.code, created.stderr).toBe(0);
    const { jobId, total } = JSON.parse(created.stdout) as { jobId: string; total: number };
    expect(total).toBe(31);

    const watched = await cli('job', 'watch', jobId, '--every', '0.2');
    expect(watched.code, watched.stderr).toBe(0);
    expect(watched.stderr).toMatch(/progress: DONE {2}31\/31 {2}done 30 {2}failed 1/);
    expect(watched.stdout).toContain('30 done, 1 failed of 31');
    expect(watched.stdout).toMatch(new RegExp(`${unknown} +FAILED +SUBSCRIBER_NOT_FOUND`));
    const counters = simulatorCounters(stack);
    for (const iccid of sims) expect(counters.lifecycleBySim[iccid]?.SUSPEND).toBe(1);

    const failed = await cli('job', 'items', jobId, '--failed', '--csv');
    expect(failed.stdout).toBe(
      `iccid,status,title,detail,transactionId,orderId\r\n${unknown},FAILED,SUBSCRIBER_NOT_FOUND,Subscriber is unknown,,\r\n`,
    );
  }, 120_000);

  it('schedules a job by group with --at, and cancels it before its time', async () => {
    const created = await cli('job', 'create', '--action', 'reactivate', '--group', 'FLEET_A', '--at', '+1h');
    expect(created.code, created.stderr).toBe(0);
    const [, jobId] = /^Job (\S+) SCHEDULED/.exec(created.stdout) ?? [];
    expect(jobId).toBeDefined();
    const cancelled = await cli('job', 'cancel', jobId as string);
    expect(cancelled.stdout).toMatch(/CANCELLED/);
    expect((await cli('job', 'get', jobId as string)).stdout).toMatch(/Status +CANCELLED/);
  });

  it('refuses a job without SIMs, with a usage error', async () => {
    const result = await cli('job', 'create', '--action', 'suspend');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('give either --csv F or a filter');
  });
});
