import { startEmulators } from './emulators.js';
import { type EmulatorsChildMessage, emulatorsChildOptionsSchema } from './emulators-process.js';

/**
 * Child process entry of `startEmulators({ separateProcess: true })`: starts fauxqs and dynalite, reports
 * their endpoints over IPC, and stops them when the parent says so or goes away (IPC disconnect).
 */
const send = (message: EmulatorsChildMessage) => process.send?.(message);

try {
  const options = emulatorsChildOptionsSchema.parse(JSON.parse(process.argv[2] ?? '{}'));
  const emulators = await startEmulators(options);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    emulators.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  // Ctrl-C or a SIGTERM to the process group reaches this process too: the parent decides when the
  // emulators stop (after the work that uses them), by message; if the parent dies, the channel closes.
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => {});
  process.on('message', (message: { kind?: unknown }) => {
    if (message?.kind === 'stop') stop();
  });
  process.on('disconnect', stop);
  send({
    kind: 'ready',
    endpoints: emulators.endpoints,
    ...(emulators.dynamodbPath ? { dynamodbPath: emulators.dynamodbPath } : {}),
  });
} catch (error) {
  send({ kind: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(1);
}
