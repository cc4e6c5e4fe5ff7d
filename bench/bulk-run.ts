import { type ActivationTiming, measureBulk } from './bulk.js';
import { toParent } from './child.js';

/** One bulk measurement in a process of its own (forked by bulk.ts). argv: orders, rate limit, activation timing (JSON). */
const orders = Number(process.argv[2]);
const rps = Number(process.argv[3]);
const activation = JSON.parse(process.argv[4] ?? '{"delayMs":0}') as ActivationTiming;
try {
  const value = await measureBulk(
    orders,
    rps,
    (line) => void toParent({ kind: 'progress', line }),
    activation,
  );
  await toParent({ kind: 'result', value });
  process.exit(0);
} catch (error) {
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  console.error(message);
  await toParent({ kind: 'error', message });
  process.exit(1);
}
