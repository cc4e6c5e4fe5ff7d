import QRCode from 'qrcode';
import { iccidParamsSchema } from '#shared/api/requests/iccid.js';
import { httpHandler, json } from '#shared/lambda/http.js';
import { callTransatel } from '#shared/lambda/transatel-errors.js';
import { EsimApi, type EsimDetails } from '#shared/transatel/esim.js';
import { transatelApi } from '#shared/wiring/clients/transatel.js';

const esimApi = transatelApi(EsimApi);

const PNG_DATA_URL_PREFIX = 'data:image/png;base64,';

/** Transatel's own rendering when it sent a PNG, else the LPA string drawn here; null before release. */
async function qrCodePng(esim: EsimDetails): Promise<string | null> {
  if (esim.qrCodeDataUrl?.startsWith(PNG_DATA_URL_PREFIX)) return esim.qrCodeDataUrl;
  if (!esim.lpa) return null;
  return QRCode.toDataURL(esim.lpa, { type: 'image/png', errorCorrectionLevel: 'M', margin: 2 });
}

/**
 * GET /v1/sims/{iccid}/esim: profile status, activation code, LPA string and QR code. These are the
 * end user's credentials: never logged, never cached by anything between us and the caller.
 */
export const handler = httpHandler({ params: iccidParamsSchema }, async ({ params }) => {
  const esim = await callTransatel(() => esimApi().getEsim(params.iccid));
  return json(
    200,
    {
      iccid: esim.iccid,
      status: esim.status,
      activationCode: esim.activationCode ?? null,
      lpa: esim.lpa ?? null,
      qrCodePng: await qrCodePng(esim),
    },
    { 'cache-control': 'no-store' },
  );
});
