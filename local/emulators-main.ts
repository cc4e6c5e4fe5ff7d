import { startEmulators } from './emulators.js';
import { type EmulatorsMessage, emulatorsChildOptionsSchema } from './emulators-process.js';
import { serveRuntimeChild } from './runtime-child.js';

/**
 * Child process entry of `startEmulators({ separateProcess: true })`: starts fauxqs and dynalite and reports
 * their endpoints (and, with `countUsage`, what they answered, every second); stops them when the parent says
 * so or goes away.
 */
serveRuntimeChild(
  (raw) => emulatorsChildOptionsSchema.parse(raw),
  async (options) => {
    const emulators = await startEmulators(options);
    const send = (message: EmulatorsMessage) => {
      if (process.connected) process.send?.(message);
    };
    const reporter = options.countUsage
      ? setInterval(() => send({ kind: 'usage', usage: emulators.usage() }), 1000)
      : undefined;
    return {
      ready: {
        endpoints: emulators.endpoints,
        ...(emulators.dynamodbPath ? { dynamodbPath: emulators.dynamodbPath } : {}),
      },
      stop: async () => {
        clearInterval(reporter);
        await emulators.stop();
        return undefined;
      },
    };
  },
);
