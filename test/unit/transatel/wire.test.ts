import { describe, expect, it } from 'vitest';
import { optionalString, singleOrWrapped, wrappedList } from '#shared/transatel/wire.js';
import * as z from '#shared/zod.js';

const item = z.looseObject({ id: z.string(), note: optionalString });

describe('wrappedList', () => {
  const list = wrappedList('products', item);

  it('reads the items under the key, and a missing or null list as empty', () => {
    expect(z.parse(list, { products: [{ id: 'a', note: '' }, { id: 'b' }] })).toEqual([
      { id: 'a', note: undefined },
      { id: 'b', note: undefined },
    ]);
    expect(z.parse(list, {})).toEqual([]);
    expect(z.parse(list, { products: null })).toEqual([]);
  });

  it('skips an item that does not match and keeps the others', () => {
    expect(z.parse(list, { products: [{ id: 1 }, { id: 'b' }] })).toEqual([{ id: 'b', note: undefined }]);
  });

  it('reads a single item where a list was expected, and anything else as empty', () => {
    expect(z.parse(list, { products: { id: 'a' } })).toEqual([{ id: 'a', note: undefined }]);
    expect(z.parse(list, { products: 'x' })).toEqual([]);
  });
});

describe('singleOrWrapped', () => {
  const single = singleOrWrapped('products', item);

  it('reads an item alone or wrapped like a list of one', () => {
    expect(z.parse(single, { id: 'a' })).toMatchObject({ id: 'a' });
    expect(z.parse(single, { products: [{ id: 'b' }] })).toMatchObject({ id: 'b' });
  });

  it('refuses a wrapped list of any other length', () => {
    expect(z.safeParse(single, { products: [] }).success).toBe(false);
    expect(z.safeParse(single, { products: [{ id: 'a' }, { id: 'b' }] }).success).toBe(false);
  });
});
