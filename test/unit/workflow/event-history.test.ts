import { describe, expect, it } from 'vitest';
import { historyEntrySchema } from '#shared/store/history.js';
import { parseEvent } from '#shared/transatel/webhooks/events.js';
import { eventHistoryEntry } from '#shared/workflow/event-history.js';
import { toNotification } from '#shared/workflow/notifications.js';

const ICCID = '8988247000000000019';
const RECEIVED = new Date('2026-11-27T10:00:05.000Z');

function entryOf(
  eventType: string,
  body: Record<string, unknown>,
  orderIds: string[] = [],
  eventDate?: string,
) {
  const event = parseEvent({
    header: { eventId: `evt-${eventType}`, eventType, eventDate: eventDate ?? '2026-11-27T11:00:00+01:00' },
    body,
  });
  return eventHistoryEntry(toNotification(event, orderIds), RECEIVED);
}

describe('eventHistoryEntry', () => {
  it('files an activation under its SIM: the normalized type, the event id, the event date, the order it moved', () => {
    const entry = entryOf(
      'CONNECTIVITY-MANAGEMENT/SUBSCRIBER/ACTIVATED',
      {
        simSerial: ICCID,
        msisdn: '+882470000000001',
        status: 'Active',
        transactionId: 'tx-1',
        source: 'api',
      },
      ['01ARZ3NDEKTSV4RRFFQ69G5FAV'],
    );
    expect(entry).toEqual({
      iccid: ICCID,
      at: '2026-11-27T10:00:00.000Z',
      id: 'evt-CONNECTIVITY-MANAGEMENT/SUBSCRIBER/ACTIVATED',
      eventId: 'evt-CONNECTIVITY-MANAGEMENT/SUBSCRIBER/ACTIVATED',
      source: 'transatel',
      type: 'sim.activated',
      summary:
        'CONNECTIVITY-MANAGEMENT/SUBSCRIBER/ACTIVATED: status Active, order 01ARZ3NDEKTSV4RRFFQ69G5FAV',
      orderId: '01ARZ3NDEKTSV4RRFFQ69G5FAV',
      details: {
        eventType: 'CONNECTIVITY-MANAGEMENT/SUBSCRIBER/ACTIVATED',
        msisdn: '882470000000001',
        status: 'Active',
        source: 'api',
        transactionId: 'tx-1',
      },
    });
    expect(historyEntrySchema.safeParse(entry).success).toBe(true);
  });

  it('carries the plan, subscription and data figures of the OCS events', () => {
    const product = { subscriptionId: 'sub-1', productId: 'IOTC_CAPPED_EU_1GB_1M', status: 'active' };
    expect(
      entryOf('OCS/PRODUCT/ACTIVATED', {
        iccid: ICCID,
        msisdn: '882470000000001',
        productSubscription: product,
      }),
    ).toMatchObject({
      type: 'plan.activated',
      summary: 'OCS/PRODUCT/ACTIVATED: plan IOTC_CAPPED_EU_1GB_1M, subscription sub-1, status active',
      details: { planId: 'IOTC_CAPPED_EU_1GB_1M', subscriptionId: 'sub-1', status: 'active' },
    });
    expect(
      entryOf('OCS/PRODUCT/RESOURCE/EXHAUSTED', {
        iccid: ICCID,
        productSubscription: product,
        resource: { resourceName: 'DATA', resourceUnit: 'BYTES', resourceValue: 0, resourceStartValue: 1024 },
      }),
    ).toMatchObject({
      type: 'data.exhausted',
      details: {
        planId: 'IOTC_CAPPED_EU_1GB_1M',
        resourceName: 'DATA',
        resourceValue: 0,
        resourceStartValue: 1024,
      },
    });
  });

  it('lists every order an event moved when there are several', () => {
    const entry = entryOf('CONNECTIVITY-MANAGEMENT/SUBSCRIBER/ACTIVATED', { simSerial: ICCID }, ['O1', 'O2']);
    expect(entry).toMatchObject({ orderId: 'O1', details: { orderIds: ['O1', 'O2'] } });
  });

  it('files nothing for an event without a SIM, or with a SIM that is not an ICCID', () => {
    expect(entryOf('OCS/PRODUCT/ACTIVATED', { msisdn: '882470000000001' })).toBeUndefined();
    expect(entryOf('NETWORK/SMS/RECEIVED', { msisdn: '882470000000001' })).toBeUndefined();
    expect(
      entryOf('SIM-MANAGEMENT/ESIM/INSTALLED', { simSerial: 'not-a-sim', status: 'installed' }),
    ).toBeUndefined();
  });

  it('dates an event whose date cannot be read by its reception', () => {
    expect(
      entryOf('SIM-MANAGEMENT/ESIM/INSTALLED', { simSerial: ICCID, status: 'installed' }, [], 'last tuesday'),
    ).toMatchObject({ at: RECEIVED.toISOString(), type: 'esim.installed' });
  });
});
