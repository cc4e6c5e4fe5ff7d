import fc from 'fast-check';
import { expect, it } from 'vitest';
import { groupBy } from '#shared/group-by.js';

it('groups items by key, keeping their order within a group and the keys in the order first seen', () => {
  fc.assert(
    fc.property(fc.array(fc.record({ key: fc.constantFrom('a', 'b', 'c'), n: fc.nat() })), (items) => {
      const groups = groupBy(items, (item) => item.key);
      expect([...groups.keys()]).toEqual([...new Set(items.map((item) => item.key))]);
      for (const [key, group] of groups) expect(group).toEqual(items.filter((item) => item.key === key));
    }),
  );
});
