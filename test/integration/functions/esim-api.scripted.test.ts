import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler } from '#functions/esim-api/handler.js';
import { invoke } from '#test/support/api-event.js';
import { type CaptureLogs, captureLogs } from '#test/support/log-capture.js';
import { json, startScriptedServer, tokenOk } from '#test/support/scripted-server.js';
import { localSecretEnv, transatelEnv } from './harness.js';

/** Transatel answers that the simulator never gives: no rendered QR code, or not a PNG one. */
const ESIM_PATH = '/sim-management/sims/api/esims/sim-serial';
const WITH_LPA = '8988247010000000018';
const CODE_ONLY = '8988247010000000026';
const SVG_ONLY = '8988247010000000034';
const ACTIVATION_CODE = '1$smdp.example$ABCD-EFGH-JKLM-NPQR';

let server: Awaited<ReturnType<typeof startScriptedServer>>;
let logs: CaptureLogs;

beforeAll(async () => {
  logs = captureLogs();
  server = await startScriptedServer({
    'POST /authentication/api/token': tokenOk(),
    [`GET ${ESIM_PATH}/${WITH_LPA}`]: (_req, res) =>
      json(res, 200, {
        simSerial: WITH_LPA,
        status: 'RELEASED',
        activationCode: ACTIVATION_CODE,
        qrCode: { value: `LPA:${ACTIVATION_CODE}` },
      }),
    [`GET ${ESIM_PATH}/${CODE_ONLY}`]: (_req, res) =>
      json(res, 200, { simSerial: CODE_ONLY, status: 'released', activationCode: ACTIVATION_CODE }),
    [`GET ${ESIM_PATH}/${SVG_ONLY}`]: (_req, res) =>
      json(res, 200, {
        simSerial: SVG_ONLY,
        status: 'released',
        activationCode: ACTIVATION_CODE,
        qrCode: { value: `LPA:${ACTIVATION_CODE}`, dataUrl: 'data:image/svg+xml;base64,PHN2Zy8+' },
      }),
  });
  Object.assign(process.env, transatelEnv(server.url), await localSecretEnv());
});

afterAll(async () => {
  logs.restore();
  await server?.close();
});

const getEsim = (iccid: string) =>
  invoke(handler, { routeKey: 'GET /v1/sims/{iccid}/esim', pathParameters: { iccid } });

function decodePng(dataUrl: string): Buffer {
  return Buffer.from(dataUrl.replace(/^data:image\/png;base64,/, ''), 'base64');
}

describe('GET /v1/sims/{iccid}/esim without a PNG from Transatel', () => {
  it.each([
    ['only the LPA string', WITH_LPA],
    ['only the activation code', CODE_ONLY],
    ['an SVG rendering', SVG_ONLY],
  ])('renders the QR code of the LPA string when Transatel sent %s', async (_, iccid) => {
    const response = await getEsim(iccid);

    expect(response.statusCode).toBe(200);
    expect(response.body).toMatchObject({
      iccid,
      status: 'released',
      activationCode: ACTIVATION_CODE,
      lpa: `LPA:${ACTIVATION_CODE}`,
    });
    const png = decodePng(String(response.body.qrCodePng));
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const expected = await QRCode.toDataURL(`LPA:${ACTIVATION_CODE}`, {
      errorCorrectionLevel: 'M',
      margin: 2,
    });
    expect(response.body.qrCodePng).toBe(expected);
  });
});
