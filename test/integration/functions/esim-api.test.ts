import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler } from '#functions/esim-api/handler.js';
import { iccidFor, matchingIdFor, type RunningSimulator, SMDP_ADDRESS } from '#local/simulator/index.js';
import { invoke } from '#test/support/api-event.js';
import { type CaptureLogs, captureLogs } from '#test/support/log-capture.js';
import { simAdmin, startSimulatorForFunctions, transatelCalls, withWrongCheckDigit } from './harness.js';

let sim: RunningSimulator;
let logs: CaptureLogs;

beforeAll(async () => {
  logs = captureLogs();
  sim = await startSimulatorForFunctions();
});

afterAll(async () => {
  logs.restore();
  await sim?.close();
});

const SEED = 42;
const PNG_DATA_URL = /^data:image\/png;base64,[A-Za-z0-9+/]+=*$/;

const getEsim = (iccid: string) =>
  invoke(handler, { routeKey: 'GET /v1/sims/{iccid}/esim', pathParameters: { iccid } });

describe('GET /v1/sims/{iccid}/esim', () => {
  it("answers an enabled eSIM's activation code, LPA string and Transatel's QR code", async () => {
    const iccid = iccidFor('active-esim', 0);
    const activationCode = `1$${SMDP_ADDRESS}$${matchingIdFor(SEED, iccid)}`;
    const admin = await simAdmin<{ esim: { qrCode: { dataUrl: string } } }>(sim, 'GET', `/sims/${iccid}`);

    const response = await getEsim(iccid);

    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.body).toEqual({
      iccid,
      status: 'enabled',
      activationCode,
      lpa: `LPA:${activationCode}`,
      qrCodePng: admin.esim.qrCode.dataUrl,
    });
    expect(response.body.qrCodePng).toMatch(PNG_DATA_URL);
  });

  it('answers a released profile of a SIM not activated yet', async () => {
    const iccid = iccidFor('available-esim', 0);
    const response = await getEsim(iccid);

    expect(response.statusCode).toBe(200);
    expect(response.body).toMatchObject({
      iccid,
      status: 'released',
      lpa: expect.stringMatching(/^LPA:1\$/),
    });
  });

  it('answers null codes while the profile is not released', async () => {
    const iccid = iccidFor('available-esim', 1);
    await simAdmin(sim, 'POST', `/esims/${iccid}/status`, { status: 'allocated' });

    const response = await getEsim(iccid);

    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.body).toEqual({
      iccid,
      status: 'allocated',
      activationCode: null,
      lpa: null,
      qrCodePng: null,
    });
  });

  it("answers 404 with Transatel's title for a physical SIM", async () => {
    const response = await getEsim(iccidFor('active', 0));

    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toBe('application/problem+json');
    expect(response.body).toMatchObject({
      type: 'urn:problem:not-found',
      title: 'ESIM_NOT_FOUND',
      status: 404,
    });
  });

  it.each([
    '',
    '89882472100000000O0',
    '8988247210000000000001',
    withWrongCheckDigit(iccidFor('active-esim', 0)),
  ])('answers 400 naming params.iccid for %j, without calling Transatel', async (iccid) => {
    const before = await transatelCalls(sim);

    const response = await getEsim(iccid);

    expect(response.statusCode).toBe(400);
    expect(response.body.errors).toEqual([expect.objectContaining({ path: 'params.iccid' })]);
    expect(await transatelCalls(sim)).toBe(before);
  });

  it('never writes the activation code, LPA string or QR code to the logs', async () => {
    const iccid = iccidFor('active-esim', 2);
    logs.clear();

    const response = await getEsim(iccid);

    expect(response.statusCode).toBe(200);
    const printed = logs.raw();
    expect(printed).toContain(iccid);
    expect(printed).not.toContain(matchingIdFor(SEED, iccid));
    expect(printed).not.toContain('LPA:');
    expect(printed).not.toContain('data:image/png');
  });

  it('never answers 5xx, whatever the path parameter', async () => {
    const iccids = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.stringMatching(/^[0-9]{19,20}$/),
      fc.constantFrom(iccidFor('active-esim', 1), iccidFor('suspended', 0), iccidFor('terminated', 0)),
    );
    await fc.assert(
      fc.asyncProperty(iccids, async (iccid) => {
        const response = await getEsim(iccid);
        expect(response.statusCode).toBeLessThan(500);
      }),
      { numRuns: 150 },
    );
  });
});
