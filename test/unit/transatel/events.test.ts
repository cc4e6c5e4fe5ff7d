import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventParseError, parseEvent, safeParseEvent } from '#shared/transatel/webhooks/events.js';

const header = (eventType: string) => ({ eventId: 'b3f1', eventType, eventDate: '2026-08-04T13:30:00Z' });

describe('webhook event parser', () => {
  it('parses a subscriber activation', () => {
    const event = parseEvent(
      JSON.stringify({
        header: header('CONNECTIVITY-MANAGEMENT/SUBSCRIBER/ACTIVATED'),
        body: {
          simSerial: '8988247000148411086',
          transactionId: 't-1',
          msisdn: '+882470001850263',
          status: 'Active',
          extra: 1,
        },
      }),
    );
    expect(event.family).toBe('connectivity');
    if (event.family !== 'connectivity') return;
    expect(event.body.transactionId).toBe('t-1');
    expect(event.body.msisdn).toBe('882470001850263');
  });

  it('parses OCS product events and keeps the echoed transactionReference', () => {
    const event = parseEvent({
      header: header('OCS/PRODUCT/ACTIVATED'),
      body: {
        mvnoRef: 'M2MA_WW_TSL_X',
        msisdn: '882470001850263',
        iccid: '8988247000148411086',
        externalReference: 'order-1',
        productSubscription: { subscriptionId: 's-1', activationDate: '2026-08-04T13:30:00Z' },
      },
    });
    expect(event).toMatchObject({ family: 'ocs-product', body: { externalReference: 'order-1' } });
  });

  it('parses eSIM and resource events', () => {
    expect(
      parseEvent({
        header: header('SIM-MANAGEMENT/ESIM/INSTALLED'),
        body: { simSerial: '1', status: 'installed' },
      }).family,
    ).toBe('esim');
    expect(
      parseEvent({
        header: header('OCS/RESOURCE/THRESHOLD'),
        body: { msisdn: '33612345678', resource: { thresholdPercent: 80 } },
      }).family,
    ).toBe('ocs-resource');
  });

  it('keeps unknown event types as they came', () => {
    const body = { anything: ['goes', 1] };
    const event = parseEvent({ header: header('NETWORK/SMS/RECEIVED'), body });
    expect(event).toEqual({
      family: 'unknown',
      type: 'NETWORK/SMS/RECEIVED',
      header: header('NETWORK/SMS/RECEIVED'),
      body,
    });
    expect(parseEvent({ header: header('SOMETHING/NEW/2027'), body: null }).family).toBe('unknown');
  });

  it('rejects bad envelopes and bad bodies of known types with a typed error naming the field', () => {
    expect(() => parseEvent('not json')).toThrow(EventParseError);
    expect(() => parseEvent({ header: { eventType: 'X' }, body: {} })).toThrow(/header.eventId/);
    expect(() =>
      parseEvent({
        header: header('CONNECTIVITY-MANAGEMENT/SUBSCRIBER/ACTIVATED'),
        body: { status: 'Active' },
      }),
    ).toThrow(/simSerial/);
  });

  it('never throws anything but EventParseError on random JSON (property)', () => {
    const randomEnvelope = fc.record({
      header: fc.oneof(
        fc.jsonValue(),
        fc.record({
          eventId: fc.jsonValue(),
          eventType: fc.oneof(
            fc.string(),
            fc.constant('OCS/PRODUCT/ACTIVATED'),
            fc.constant('CONNECTIVITY-MANAGEMENT/SUBSCRIBER/ACTIVATED'),
          ),
          eventDate: fc.jsonValue(),
        }),
      ),
      body: fc.jsonValue(),
    });
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), randomEnvelope, fc.string()), (input) => {
        const text = typeof input === 'string' ? input : JSON.stringify(input);
        const result = safeParseEvent(text);
        return result.ok || result.error instanceof EventParseError;
      }),
      { numRuns: 2_000 },
    );
  });

  it('survives hostile nesting', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const result = safeParseEvent(deep);
    expect(result.ok).toBe(false);
  });
});
