import { startEmulators } from './emulators.js';
import { emulatorsChildOptionsSchema } from './emulators-process.js';
import { serveRuntimeChild } from './runtime-child.js';

/**
 * Child process entry of `startEmulators({ separateProcess: true })`: starts fauxqs and dynalite and reports
 * their endpoints; stops them when the parent says so or goes away.
 */
serveRuntimeChild(
  (raw) => emulatorsChildOptionsSchema.parse(raw),
  async (options) => {
    const emulators = await startEmulators(options);
    return {
      ready: {
        endpoints: emulators.endpoints,
        ...(emulators.dynamodbPath ? { dynamodbPath: emulators.dynamodbPath } : {}),
      },
      stop: async () => {
        await emulators.stop();
        return undefined;
      },
    };
  },
);
