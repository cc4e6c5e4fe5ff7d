import { describe, expect, it } from 'vitest';
import { builtOnFirstUse, optionalString } from '../../../shared/transatel/wire.js';
import * as z from '../../../shared/zod.js';

describe('builtOnFirstUse', () => {
  it('builds nothing until asked, then builds once and hands back the same schema', () => {
    let builds = 0;
    const schema = builtOnFirstUse(() => {
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
    const schema = builtOnFirstUse(() => {
      attempts += 1;
      if (attempts === 1) throw new Error('first build fails');
      return optionalString;
    });
    expect(() => schema()).toThrow('first build fails');
    expect(schema()).toBe(optionalString);
  });
});
