/**
 * Runs `work` on every item, at most `atOnce` at a time, each worker taking the next item as it finishes one
 * (child processes two at a time on the two-core machines, requests a few at a time against the stack).
 * The index is the item's position, for results kept in order.
 */
export async function forEachAtOnce<T>(
  items: readonly T[],
  atOnce: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(atOnce, items.length) }, worker));
}
