import { localAwsClients } from './aws.js';
import { acquireLocalhostDns } from './emulators.js';
import { topologyHandlerLoader } from './handlers.js';
import { startPollers } from './poller.js';
import { type WorkerHostCommand, type WorkerHostMessage, workerHostConfigSchema } from './worker-host.js';

/**
 * Child process entry of startWorkerHost: receives its configuration over IPC, applies the functions'
 * environment, polls its queues into the handlers it loads, and stops on the parent's command
 * or when the parent goes away.
 */
const send = (message: WorkerHostMessage) => {
  if (process.connected) process.send?.(message);
};

// Ctrl-C or a SIGTERM to the process group reaches this process too: the parent decides when the
// workers stop, by message; if the parent dies, the IPC channel closes and they stop.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => {});

process.once('message', (raw: unknown) => {
  let config: ReturnType<typeof workerHostConfigSchema.parse>;
  try {
    config = workerHostConfigSchema.parse(raw);
  } catch (error) {
    send({ kind: 'error', message: error instanceof Error ? error.message : String(error) });
    process.exit(1);
  }
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
  const reporter = setInterval(() => send({ kind: 'counters', counters: pollers.counters() }), 1000);

  let stopping = false;
  const stop = (graceMs?: number) => {
    if (stopping) return;
    stopping = true;
    clearInterval(reporter);
    void pollers
      .stop(graceMs)
      .then(() => {
        clients.destroy();
        releaseDns();
      })
      .finally(() => {
        const final: WorkerHostMessage = { kind: 'counters', counters: pollers.counters() };
        if (process.connected && process.send) process.send(final, undefined, {}, () => process.exit(0));
        else process.exit(0);
      });
  };
  process.on('message', (command: WorkerHostCommand) => {
    if (command.kind === 'stop') stop(command.graceMs);
  });
  process.on('disconnect', () => stop());
  send({ kind: 'ready' });
});
