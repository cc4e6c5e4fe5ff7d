import { randomUUID } from 'node:crypto';
import { type FunctionName, functions } from '../shared/topology.js';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from './aws.js';
import { describeError, type HandlerLoader, invokeFunction, localFunctionName } from './handlers.js';
import type { RuntimeLog } from './log.js';

export interface Schedules {
  stop(): Promise<void>;
}

/** What EventBridge hands a rule's target. */
function scheduledEvent(name: FunctionName) {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: LOCAL_ACCOUNT_ID,
    time: new Date().toISOString(),
    region: LOCAL_REGION,
    resources: [`arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:rule/${localFunctionName(name)}`],
    detail: {},
  };
}

/**
 * The topology's scheduled functions (`scheduleMinutes`) as their EventBridge rules run them in AWS: each
 * once at start, awaited so the stack opens with their work done (catalog-sync's copy of the catalogue),
 * then every period. A failed run is logged and the next period tries again.
 */
export async function startSchedules(options: {
  loadHandler: HandlerLoader;
  log?: RuntimeLog;
  /** Tests: a shorter period than the topology's. */
  periodSeconds?: number;
}): Promise<Schedules> {
  const scheduled = (Object.keys(functions) as FunctionName[]).filter(
    (name) => functions[name].scheduleMinutes !== undefined,
  );
  const running = new Set<Promise<void>>();

  const runOnce = (name: FunctionName): Promise<void> => {
    const run = invokeFunction(options.loadHandler, name, scheduledEvent(name)).then((invocation) => {
      if (invocation.outcome === 'returned') options.log?.info(`${name}: scheduled run done`);
      else if (invocation.outcome === 'threw')
        options.log?.warn(`${name}: scheduled run failed: ${describeError(invocation.error)}`);
      else options.log?.warn(`${name}: scheduled run timed out after ${invocation.timeoutSeconds} s`);
    });
    running.add(run);
    void run.finally(() => running.delete(run));
    return run;
  };

  await Promise.all(scheduled.map(runOnce));
  const timers = scheduled.map((name) => {
    const seconds = options.periodSeconds ?? (functions[name].scheduleMinutes ?? 0) * 60;
    const timer = setInterval(() => void runOnce(name), seconds * 1000);
    timer.unref();
    return timer;
  });

  return {
    async stop() {
      for (const timer of timers) clearInterval(timer);
      await Promise.all(running);
    },
  };
}
