import { describe, expect, it } from 'vitest';
import { lazy } from '#shared/lazy.js';
import { optionalString } from '#shared/transatel/wire.js';
import * as z from '#shared/zod.js';

describe('lazy', () => {
  it('builds nothing until asked, then builds once and hands back the same schema', () => {
    let builds = 0;
    const schema = lazy(() => {
      builds += 1;
      return z.object({ id: z.string() });
    });
    expect(builds).toBe(0);
    const first = schema();
    expect(schema()).toBe(first);
    expect(builds).toBe(1);
    expect(first.parse({ id: 'a' })).toEqual({ id: 'a' });
  });

  it('builds again after a failed build', () => {
    let attempts = 0;
    const schema = lazy(() => {
      attempts += 1;
      if (attempts === 1) throw new Error('first build fails');
      return optionalString;
    });
    expect(() => schema()).toThrow('first build fails');
    expect(schema()).toBe(optionalString);
  });
});
