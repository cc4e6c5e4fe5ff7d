import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as lifecycle from '#shared/order/lifecycle.js';
import { MemoryOrderStore } from '#shared/store/memory-order-store.js';
import { newOrder, type Order, orderStatuses } from '#shared/store/order.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

function sourcesUnder(folder: string): string[] {
  return readdirSync(join(root, folder)).flatMap((name) => {
    const path = join(folder, name);
    return statSync(join(root, path)).isDirectory() ? sourcesUnder(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('the order lifecycle', () => {
  it('is the only code that writes an order status (outside the store adapters)', () => {
    const writers = ['functions', 'shared', 'cli', 'local']
      .flatMap(sourcesUnder)
      .filter((path) => !path.startsWith(join('shared', 'store')))
      .filter((path) => /\.transition\(/.test(readFileSync(join(root, path), 'utf8')));
    expect(writers.map((path) => relative('.', path))).toEqual([join('shared', 'order', 'lifecycle.ts')]);
  });

  it('names only real statuses, and every status but the first is reached by some move', () => {
    const reached = new Set<string>();
    for (const { from, to } of Object.values(lifecycle.moves)) {
      for (const status of [...from, to]) expect(orderStatuses).toContain(status);
      reached.add(to);
    }
    for (const status of orderStatuses.filter((s) => s !== 'RECEIVED')) expect(reached).toContain(status);
  });

  it('refuses a move from a status it does not start from, and writes nothing', async () => {
    const store = new MemoryOrderStore();
    const deps = { store, now: () => new Date('2026-12-02T10:00:00Z') };
    const order: Order = newOrder({ kind: 'plan', iccid: '8988247000000000005', planId: 'P' });
    await store.create(order);
    const claim = await lifecycle.claimPlan(deps, order); // only ACTIVE orders are claimed
    expect(claim.applied).toBe(false);
    expect((await store.get(order.orderId))?.version).toBe(1);
    const ready = await lifecycle.simReady(
      deps,
      order,
      { msisdn: '882470001850263', orderType: 'subscribe' },
      'x',
    );
    expect(ready).toMatchObject({ applied: true, order: { status: 'ACTIVE', msisdn: '882470001850263' } });
    // Two claims from the same read: the second finds the version moved, and loses.
    const active = (await store.get(order.orderId)) as Order;
    expect((await lifecycle.claimPlan(deps, active)).applied).toBe(true);
    expect((await lifecycle.claimPlan(deps, active)).applied).toBe(false);
  });
});
