import { startEmulators } from './emulators.js';
import { type EmulatorsChildMessage, emulatorsChildOptionsSchema } from './emulators-process.js';

/**
 * Child process entry of `startEmulators({ separateProcess: true })`: starts fauxqs and dynalite, reports
 * their endpoints over IPC, and stops them on SIGTERM or when the parent goes away (IPC disconnect).
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
  process.on('SIGTERM', stop);
  process.on('SIGINT', () => {
    // Ctrl-C reaches the whole process group: the parent decides when the emulators stop.
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
