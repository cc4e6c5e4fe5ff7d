import { describe, expect, it } from 'vitest';
import { newOrderId } from '#shared/store/order-id.js';
import { parseEvent } from '#shared/transatel/webhooks/events.js';
import { planOrdersConfirmedBy } from '#shared/workflow/event-step.js';

const eventOf = (eventType: string, body: Record<string, unknown>) =>
  parseEvent({ header: { eventId: 'evt-1', eventType, eventDate: '2026-12-06T10:00:00Z' }, body });

describe('planOrdersConfirmedBy (what the events worker reads ahead for a batch)', () => {
  it('names the order an OCS product activation or preload echoes back', () => {
    const orderId = newOrderId();
    for (const type of ['OCS/PRODUCT/ACTIVATED', 'OCS/PRODUCT/PRELOADED'])
      expect(planOrdersConfirmedBy(eventOf(type, { externalReference: orderId }))).toEqual([orderId]);
  });

  it('names none for other events, or a reference that is not one of our order ids', () => {
    expect(planOrdersConfirmedBy(eventOf('OCS/PRODUCT/ACTIVATED', { externalReference: 'po-42' }))).toEqual(
      [],
    );
    expect(planOrdersConfirmedBy(eventOf('OCS/PRODUCT/ACTIVATED', {}))).toEqual([]);
    expect(
      planOrdersConfirmedBy(eventOf('OCS/PRODUCT/EXPIRED', { externalReference: newOrderId() })),
    ).toEqual([]);
    expect(
      planOrdersConfirmedBy(
        eventOf('CONNECTIVITY-MANAGEMENT/SUBSCRIBER/ACTIVATED', {
          simSerial: '8988247000000000019',
          externalReference: newOrderId(),
        }),
      ),
    ).toEqual([]);
  });
});
