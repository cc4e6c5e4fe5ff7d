import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The machines have 2 cores: two workers, each test file isolated in its own fork.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    // `vitest run` runs both; `--project unit` (npm run test:unit) or `--project integration` one of them.
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          // No socket, no child process: test/support/no-io.ts makes either fail the test.
          setupFiles: ['test/support/no-io.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          // Real servers, emulators and CDK synthesis on 2 cores that may be busy with other work: a generous time
          // only tells a hang from a slow machine.
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // The simulator, scripted HTTP servers, emulators, the local stack, child processes, CDK synth.
          include: [
            'test/integration/**/*.test.ts',
            'test/contract/**/*.test.ts',
            'test/reliability/**/*.test.ts',
            'test/infra/**/*.test.ts',
          ],
        },
      },
    ],
  },
});
