import { describe, expect, it } from 'vitest';
import type { PolicyDefinition, PolicyStore } from '#shared/store/policy.js';

export const T0 = new Date('2026-12-01T10:00:00.000Z');
export const T1 = new Date('2026-12-01T11:00:00.000Z');
export const T2 = new Date('2026-12-01T12:00:00.000Z');

export function aDefinition(overrides: Partial<PolicyDefinition> = {}): PolicyDefinition {
  return {
    scope: { group: 'G' },
    trigger: { on: 'exhausted' },
    action: { planId: 'IOTC_CAPPED_EU_1GB_1M' },
    limits: { maxPerSimPerMonth: 2 },
    enabled: true,
    ...overrides,
  };
}

/** The behaviour every PolicyStore adapter must have; `freshStore()` answers an empty, ready store. */
export function describePolicyStoreContract(
  adapterName: string,
  freshStore: () => Promise<PolicyStore>,
): void {
  describe(`${adapterName}: PolicyStore contract`, () => {
    it('creates a policy, answering created, and reads it back', async () => {
      const store = await freshStore();
      const definition = aDefinition({
        limits: { maxPerSimPerMonth: 3, monthlyBudget: { amountMinor: 5_000, currency: 'EUR' } },
      });

      const { policy, created } = await store.put('fleet-eu', definition, T0);

      expect(created).toBe(true);
      expect(policy).toEqual({
        ...definition,
        policyId: 'fleet-eu',
        createdAt: T0.toISOString(),
        updatedAt: T0.toISOString(),
      });
      expect(await store.get('fleet-eu')).toEqual(policy);
    });

    it('replaces a policy whole, keeping its createdAt, answering not created', async () => {
      const store = await freshStore();
      await store.put(
        'p',
        aDefinition({
          limits: { maxPerSimPerMonth: 2, monthlyBudget: { amountMinor: 100, currency: 'EUR' } },
        }),
        T0,
      );
      const replacement = aDefinition({
        scope: { iccids: ['8988247000000000001'] },
        trigger: { on: 'threshold', percent: 80 },
        limits: { maxPerSimPerMonth: 5 },
        enabled: false,
      });

      const { policy, created } = await store.put('p', replacement, T1);

      expect(created).toBe(false);
      const expected = {
        ...replacement,
        policyId: 'p',
        createdAt: T0.toISOString(),
        updatedAt: T1.toISOString(),
      };
      expect(policy).toEqual(expected);
      // The budget the replacement leaves out is gone.
      expect(await store.get('p')).toEqual(expected);
    });

    it('answers undefined for an unknown policy, and false when deleting one', async () => {
      const store = await freshStore();
      expect(await store.get('nothing-here')).toBeUndefined();
      expect(await store.delete('nothing-here')).toBe(false);
    });

    it('deletes a policy, answering whether there was one; a put after that creates it anew', async () => {
      const store = await freshStore();
      await store.put('p', aDefinition(), T0);

      expect(await store.delete('p')).toBe(true);
      expect(await store.get('p')).toBeUndefined();
      expect(await store.list()).toEqual([]);
      expect(await store.delete('p')).toBe(false);

      const again = await store.put('p', aDefinition(), T1);
      expect(again.created).toBe(true);
      expect(again.policy.createdAt).toBe(T1.toISOString());
    });

    it('lists every policy in policy id order (code units, as DynamoDB sorts): a before b, B before a', async () => {
      const store = await freshStore();
      expect(await store.list()).toEqual([]);
      const ids = ['b', 'a', 'B', '_x', '-', '0', 'a-1', 'Z9'];
      for (const id of ids) await store.put(id, aDefinition({ action: { planId: `PLAN_${id}` } }), T0);

      const listed = await store.list();

      expect(listed.map((policy) => policy.policyId)).toEqual(['-', '0', 'B', 'Z9', '_x', 'a', 'a-1', 'b']);
      for (const policy of listed) expect(policy).toEqual(await store.get(policy.policyId));
    });

    it('answers created to one only of concurrent creates of one id; the others keep its createdAt', async () => {
      const store = await freshStore();
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, index) =>
          store.put(
            'race',
            aDefinition({ limits: { maxPerSimPerMonth: index + 1 } }),
            new Date(T0.getTime() + index * 1_000),
          ),
        ),
      );

      const creators = results.filter((result) => result.created);
      expect(creators).toHaveLength(1);
      const createdAt = creators[0]?.policy.createdAt;
      for (const result of results) expect(result.policy.createdAt).toBe(createdAt);
      const stored = await store.get('race');
      expect(results.map((result) => result.policy)).toContainEqual(stored);
    });

    it('refuses an invalid policy id or definition, writing nothing', async () => {
      const store = await freshStore();
      await expect(store.put('not valid', aDefinition(), T0)).rejects.toThrow();
      await expect(store.put('x'.repeat(65), aDefinition(), T0)).rejects.toThrow();
      await expect(
        store.put('p', aDefinition({ trigger: { on: 'threshold', percent: 10 } }), T0),
      ).rejects.toThrow();
      expect(await store.list()).toEqual([]);
    });

    it('hands out copies: changing an answer changes nothing stored', async () => {
      const store = await freshStore();
      const { policy } = await store.put('p', aDefinition(), T0);
      policy.limits.maxPerSimPerMonth = 99;
      const read = await store.get('p');
      if (!read) throw new Error('policy p not found');
      read.enabled = false;
      const [listed] = await store.list();
      expect(listed).toMatchObject({ enabled: true, limits: { maxPerSimPerMonth: 2 } });
    });
  });
}
