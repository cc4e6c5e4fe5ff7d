import { describe, expect, it } from 'vitest';
import { forEachAtOnce } from '#bench/at-once.js';

describe('forEachAtOnce', () => {
  it('runs every item once, with its index, never more than atOnce at a time', async () => {
    const items = Array.from({ length: 9 }, (_, index) => `item-${index}`);
    const seen: [string, number][] = [];
    let running = 0;
    let most = 0;
    await forEachAtOnce(items, 2, async (item, index) => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 1 + (index % 3)));
      seen.push([item, index]);
      running -= 1;
    });
    expect(most).toBe(2);
    expect(seen.sort((a, b) => a[1] - b[1])).toEqual(items.map((item, index) => [item, index]));
  });

  it('does nothing for no items and passes a failure on', async () => {
    await expect(forEachAtOnce([], 2, async () => {})).resolves.toBeUndefined();
    await expect(
      forEachAtOnce([1, 2, 3], 2, async (item) => {
        if (item === 2) throw new Error('item 2 failed');
      }),
    ).rejects.toThrow('item 2 failed');
  });
});
