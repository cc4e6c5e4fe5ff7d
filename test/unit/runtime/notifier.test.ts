import { describe, expect, it } from 'vitest';
import { inPublishBatches } from '#shared/wiring/notifier.js';

const itemOf = (bytes: number) => ({ message: { Message: 'x'.repeat(bytes) } });

describe('inPublishBatches (a batch of notifications for PublishBatch)', () => {
  it('puts at most ten messages in a request', () => {
    const sizes = inPublishBatches(Array.from({ length: 25 }, () => itemOf(500))).map(
      (batch) => batch.length,
    );
    expect(sizes).toEqual([10, 10, 5]);
  });

  it('keeps a request within its 256 KiB, a message too big to share going alone', () => {
    const items = [itemOf(100_000), itemOf(100_000), itemOf(100_000), itemOf(250_000), itemOf(10)];
    expect(inPublishBatches(items).map((batch) => batch.length)).toEqual([2, 1, 1, 1]);
  });
});
