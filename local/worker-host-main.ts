import { localAwsClients } from './aws.js';
import { acquireLocalhostDns } from './emulators.js';
import { topologyHandlerLoader } from './handlers.js';
import { startPollers } from './poller.js';
import { serveRuntimeChild } from './runtime-child.js';
import { invocationTallies } from './usage.js';
import { type WorkerHostMessage, workerHostConfigSchema } from './worker-host.js';

/**
 * Child process entry of startWorkerHost: applies the functions' environment, polls its queues into the
 * handlers it loads, and stops on the parent's command or when the parent goes away.
 */
const send = (message: WorkerHostMessage) => {
  if (process.connected) process.send?.(message);
};

serveRuntimeChild(
  (raw) => workerHostConfigSchema.parse(raw),
  async (config) => {
    Object.assign(process.env, config.env);
    const releaseDns = acquireLocalhostDns();
    const clients = localAwsClients(config.endpoints);
    const pollers = startPollers({
      sqs: clients.sqs,
      queues: config.queues,
      loadHandler: topologyHandlerLoader(),
      ...(config.waitTimeSeconds === undefined ? {} : { waitTimeSeconds: config.waitTimeSeconds }),
      log: {
        info: (line) => send({ kind: 'log', level: 'info', line }),
        warn: (line) => send({ kind: 'log', level: 'warn', line }),
      },
    });
    const report = (): WorkerHostMessage => ({
      kind: 'counters',
      counters: pollers.counters(),
      invocations: invocationTallies(),
    });
    const reporter = setInterval(() => send(report()), 1000);
    return {
      ready: {},
      async stop(command) {
        clearInterval(reporter);
        const graceMs = typeof command.graceMs === 'number' ? command.graceMs : undefined;
        try {
          await pollers.stop(graceMs);
        } finally {
          clients.destroy();
          releaseDns();
        }
        return report();
      },
    };
  },
);
