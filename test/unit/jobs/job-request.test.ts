import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  encodeItemsCursor,
  jobItemsQuerySchema,
  jobRequestSchema,
  MAX_JOB_SIMS,
} from '#shared/api/requests/jobs.js';
import { toFieldIssues } from '#shared/lambda/field-issues.js';
import { luhnCheckDigit } from '#shared/transatel/identifiers.js';
import * as z from '#shared/zod.js';

const iccid = (index: number) => {
  const payload = `898824720${String(index).padStart(9, '0')}`;
  return payload + luhnCheckDigit(payload);
};
const validIccid = fc.nat({ max: 999_999_999 }).map(iccid);
const action = fc.constantFrom('suspend', 'reactivate', 'terminate', 'update', 'plan');

function issues(body: unknown): string[] {
  const result = z.safeParse(jobRequestSchema, body);
  return result.success ? [] : toFieldIssues(result.error, 'body').map((issue) => issue.path);
}

/** A body each action accepts: the fields it takes, and nothing else. */
const validBody = fc
  .record({
    action,
    sims: fc.uniqueArray(validIccid, { minLength: 1, maxLength: 30 }),
    reference: fc.option(fc.string({ minLength: 1, maxLength: 20 }), { nil: undefined }),
  })
  .map(({ action, sims, reference }) => ({
    action,
    sims: sims.map((id) => ({ iccid: id })),
    params:
      action === 'plan'
        ? { planId: 'IOTC_CAPPED_EU_1GB_1M' }
        : action === 'update'
          ? { group: 'G' }
          : reference === undefined
            ? undefined
            : { reference },
  }));

describe('POST /v1/jobs body', () => {
  it('accepts a list of distinct valid ICCIDs with the fields of its action', () => {
    fc.assert(fc.property(validBody, (body) => issues(body).length === 0));
  });

  it('names the repeated ICCID, wherever it is', () => {
    fc.assert(
      fc.property(validBody, fc.nat(), (body, at) => {
        const first = body.sims[at % body.sims.length] as { iccid: string };
        const sims = [...body.sims, { iccid: first.iccid }];
        return issues({ ...body, sims }).includes(`body.sims[${sims.length - 1}].iccid`);
      }),
    );
  });

  it('names a bad ICCID by its index, and never throws on any input', () => {
    fc.assert(
      fc.property(validBody, fc.string(), fc.nat(), (body, junk, at) => {
        const index = at % body.sims.length;
        const sims = body.sims.map((sim, i) => (i === index ? { iccid: `${junk}x` } : sim));
        return issues({ ...body, sims }).includes(`body.sims[${index}].iccid`);
      }),
    );
    fc.assert(fc.property(fc.anything(), (body) => Array.isArray(issues(body))));
  });

  it('refuses a field the action does not take, naming it', () => {
    expect(issues({ action: 'suspend', sims: [{ iccid: iccid(1), planId: 'P' }] })).toEqual([
      'body.sims[0].planId',
    ]);
    expect(
      issues({ action: 'plan', sims: [{ iccid: iccid(1) }], params: { planId: 'P', group: 'G' } }),
    ).toEqual(['body.params.group']);
  });

  it('wants a plan for every SIM of a plan job, and a change for every SIM of an update job', () => {
    expect(issues({ action: 'plan', sims: [{ iccid: iccid(1), planId: 'P' }, { iccid: iccid(2) }] })).toEqual(
      ['body.sims[1].planId'],
    );
    expect(issues({ action: 'update', filter: { group: 'G' } })).toEqual(['body.params']);
    expect(issues({ action: 'plan', filter: { group: 'G' } })).toEqual(['body.params.planId']);
  });

  it('takes a list or a filter, not both nor neither, and a filter that filters', () => {
    expect(issues({ action: 'suspend' })).toEqual(['body.sims']);
    expect(issues({ action: 'suspend', sims: [{ iccid: iccid(1) }], filter: { group: 'G' } })).toEqual([
      'body.sims',
    ]);
    expect(issues({ action: 'suspend', filter: {} })).toEqual(['body.filter']);
    expect(issues({ action: 'suspend', filter: { status: 'Active' } })).toEqual([]);
    expect(issues({ action: 'suspend', filter: { status: 'Asleep' } })).toEqual(['body.filter.status']);
  });

  it(`takes up to ${MAX_JOB_SIMS} SIMs`, () => {
    const sims = Array.from({ length: MAX_JOB_SIMS + 1 }, (_, index) => ({ iccid: iccid(index) }));
    expect(issues({ action: 'suspend', sims: sims.slice(0, MAX_JOB_SIMS) })).toEqual([]);
    expect(issues({ action: 'suspend', sims })).toEqual(['body.sims']);
  });

  it('takes scheduledFor as ISO-8601 with an offset, not in the past nor over a year ahead', () => {
    const body = { action: 'suspend', sims: [{ iccid: iccid(1) }] };
    expect(issues({ ...body, scheduledFor: new Date(Date.now() + 60_000).toISOString() })).toEqual([]);
    const inAMonth = `${new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 19)}+02:00`;
    expect(issues({ ...body, scheduledFor: inAMonth })).toEqual([]);
    expect(issues({ ...body, scheduledFor: 'tomorrow' })).toEqual(['body.scheduledFor']);
    expect(issues({ ...body, scheduledFor: '2020-01-01T00:00:00Z' })).toEqual(['body.scheduledFor']);
    expect(issues({ ...body, scheduledFor: new Date(Date.now() + 400 * 86_400_000).toISOString() })).toEqual([
      'body.scheduledFor',
    ]);
  });
});

describe('GET /v1/jobs/{jobId}/items query', () => {
  it('reads back every cursor it wrote', () => {
    fc.assert(
      fc.property(validIccid, (after) => {
        const parsed = z.safeParse(jobItemsQuerySchema, { cursor: encodeItemsCursor(after) });
        return parsed.success && parsed.data.cursor === after;
      }),
    );
  });

  it('refuses any other cursor with a 400, never a throw', () => {
    fc.assert(
      fc.property(fc.string(), (cursor) => {
        const parsed = z.safeParse(jobItemsQuerySchema, { cursor });
        return !parsed.success || /^[0-9]{19,20}$/.test(parsed.data.cursor ?? '');
      }),
    );
    expect(z.safeParse(jobItemsQuerySchema, { status: 'LOST' }).success).toBe(false);
  });
});
