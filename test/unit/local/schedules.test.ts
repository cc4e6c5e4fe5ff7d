import { afterEach, describe, expect, it } from 'vitest';
import type { HandlerLoader, LambdaHandler } from '#local/handlers.js';
import type { RuntimeLog } from '#local/log.js';
import { type Schedules, startSchedules } from '#local/schedules.js';

let schedules: Schedules | undefined;
afterEach(async () => {
  await schedules?.stop();
  schedules = undefined;
});

function recordingLoader(handler: LambdaHandler) {
  const loaded: string[] = [];
  const loader: HandlerLoader = async (name) => {
    loaded.push(name);
    return handler;
  };
  return { loader, loaded };
}

function recordingLog() {
  const lines = { info: [] as string[], warn: [] as string[] };
  const log: RuntimeLog = { info: (line) => lines.info.push(line), warn: (line) => lines.warn.push(line) };
  return { log, lines };
}

describe('startSchedules', () => {
  it('runs every scheduled function with a scheduled event before it resolves, then on every period', async () => {
    const events: Record<string, unknown>[] = [];
    const { loader, loaded } = recordingLoader(async (event) => {
      events.push(event as Record<string, unknown>);
      return { plans: 1 };
    });
    const { log, lines } = recordingLog();
    schedules = await startSchedules({ loadHandler: loader, log, periodSeconds: 0.05 });

    expect(loaded.sort()).toEqual(['catalog-sync', 'policy-sweep']);
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({ source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} });
    expect(lines.info.sort()).toEqual([
      'catalog-sync: scheduled run done',
      'policy-sweep: scheduled run done',
    ]);

    await expect.poll(() => events.length, { timeout: 5_000 }).toBeGreaterThanOrEqual(6);
    await schedules.stop();
    const afterStop = events.length;
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(events.length).toBe(afterStop);
  });

  it('logs a failed run and keeps the schedule: the next period tries again', async () => {
    let calls = 0;
    const loader: HandlerLoader = async (name) => async () => {
      if (name !== 'catalog-sync') return {};
      calls += 1;
      if (calls === 1) throw new Error('Transatel is down');
      return { plans: 3 };
    };
    const { log, lines } = recordingLog();
    schedules = await startSchedules({ loadHandler: loader, log, periodSeconds: 0.05 });
    expect(lines.warn).toEqual(['catalog-sync: scheduled run failed: Error: Transatel is down']);
    await expect.poll(() => calls, { timeout: 5_000 }).toBeGreaterThanOrEqual(2);
    await expect.poll(() => lines.info, { timeout: 5_000 }).toContain('catalog-sync: scheduled run done');
  });
});
