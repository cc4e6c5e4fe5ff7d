import { lazy } from '../lazy.js';
import * as z from '../zod.js';
import { encodeSegment, type TransatelHttp } from './http.js';
import { optionalString, tolerant, tolerantList, tolerantString } from './wire.js';

const BASE = '/sim-management/sims/api/esims/sim-serial';

export const ESIM_PROFILE_STATUSES = [
  'available',
  'allocated',
  'released',
  'downloaded',
  'installed',
  'enabled',
  'disabled',
  'deleted',
] as const;

/** eSIM details. `activationCode` and `lpa` are secrets of the end user: never log them. */
export interface EsimDetails {
  iccid: string;
  status: string;
  statusDate: string | undefined;
  activationCode: string | undefined;
  matchingId: string | undefined;
  smdpAddress: string | undefined;
  eid: string | undefined;
  /** The LPA string encoded in the QR code: `LPA:1$<smdp>$<matchingId>`. */
  lpa: string | undefined;
  /** PNG data URL of the QR code, as Transatel renders it. */
  qrCodeDataUrl: string | undefined;
  history: { status: string; date: string | undefined }[];
}

/** Only the profile's status is required; the activation code and the rest are read where they parse. */
const esimWireSchema = lazy(() =>
  z.looseObject({
    simSerial: tolerantString('esim.simSerial'),
    status: z.string().check(z.minLength(1)),
    statusDate: tolerantString('esim.statusDate'),
    activationCode: tolerantString('esim.activationCode'),
    matchingId: tolerantString('esim.matchingId'),
    smdpAddress: tolerantString('esim.smdpAddress'),
    eid: tolerantString('esim.eid'),
    qrCode: tolerant(
      'esim.qrCode',
      z.looseObject({
        value: tolerantString('esim.qrCode.value'),
        dataUrl: tolerantString('esim.qrCode.dataUrl'),
      }),
    ),
    history: tolerantList('esim.history', z.looseObject({ status: z.string(), date: optionalString })),
  }),
);

function toEsimDetails(wire: z.output<ReturnType<typeof esimWireSchema>>, iccid: string): EsimDetails {
  return {
    iccid: wire.simSerial ?? iccid,
    status: wire.status.toLowerCase(),
    statusDate: wire.statusDate,
    activationCode: wire.activationCode,
    matchingId: wire.matchingId,
    smdpAddress: wire.smdpAddress,
    eid: wire.eid,
    lpa: wire.qrCode?.value ?? (wire.activationCode ? `LPA:${wire.activationCode}` : undefined),
    qrCodeDataUrl: wire.qrCode?.dataUrl,
    history: wire.history.map(({ status, date }) => ({ status, date })),
  };
}

/** SIM Management: "Get eSIM details", the only operation of that API this offer may use. */
export class EsimApi {
  constructor(private readonly http: TransatelHttp) {}

  /** A physical SIM answers 404 ESIM_NOT_FOUND (a TransatelApiError). */
  async getEsim(iccid: string, options: { history?: boolean } = {}): Promise<EsimDetails> {
    const wire = await this.http.call({
      operation: 'esim.getDetails',
      method: 'GET',
      path: `${BASE}/${encodeSegment(iccid)}`,
      query: { history: options.history ?? false },
      schema: esimWireSchema(),
      safety: 'read',
    });
    return toEsimDetails(wire, iccid);
  }
}
