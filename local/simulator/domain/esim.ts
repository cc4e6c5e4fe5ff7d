import QRCode from 'qrcode';
import type { SimulatorCore } from '../core.js';
import { esimEvent } from '../events.js';
import { ProblemError } from '../problem.js';
import { eidFor, SMDP_ADDRESS } from '../seed.js';
import type { EsimStatus, Sim } from '../state.js';
import { compact } from '../views.js';

/** Statuses from which the activation code, matching id and QR code exist. */
const RELEASED_OR_LATER: ReadonlySet<EsimStatus> = new Set([
  'released',
  'downloaded',
  'installed',
  'enabled',
  'disabled',
  'deleted',
]);

/** Statuses that mean the profile sits on an eUICC, so it has an EID. */
const ON_DEVICE: ReadonlySet<EsimStatus> = new Set(['downloaded', 'installed', 'enabled', 'disabled']);

// QR rendering is the only slow part of an eSIM read; the text is deterministic, so cache per text.
const qrCache = new Map<string, Promise<string>>();

function qrDataUrl(text: string): Promise<string> {
  let url = qrCache.get(text);
  if (!url) {
    url = QRCode.toDataURL(text, { errorCorrectionLevel: 'M', margin: 2 });
    qrCache.set(text, url);
  }
  return url;
}

export function requireEsim(
  core: SimulatorCore,
  simSerial: string,
): Sim & { esim: NonNullable<Sim['esim']> } {
  const sim = /^[0-9]{13,20}$/.test(simSerial) ? core.state.getSim(simSerial) : undefined;
  if (!sim?.esim) throw new ProblemError(404, 'ESIM_NOT_FOUND', 'Unknown eSIM');
  return sim as Sim & { esim: NonNullable<Sim['esim']> };
}

export async function esimView(sim: Sim, withHistory: boolean): Promise<Record<string, unknown>> {
  const esim = sim.esim;
  if (!esim) throw new ProblemError(404, 'ESIM_NOT_FOUND', 'Unknown eSIM');
  const released = RELEASED_OR_LATER.has(esim.status);
  const activationCode = released ? `1$${SMDP_ADDRESS}$${esim.matchingId}` : undefined;
  const qrValue = activationCode ? `LPA:${activationCode}` : undefined;
  return compact({
    simSerial: sim.iccid,
    status: esim.status,
    statusDate: esim.statusDate,
    activationCode,
    matchingId: released ? esim.matchingId : undefined,
    smdpAddress: released ? SMDP_ADDRESS : undefined,
    eid: esim.eid,
    qrCode: qrValue ? { value: qrValue, dataUrl: await qrDataUrl(qrValue) } : undefined,
    history: withHistory ? esim.history.map((h) => ({ ...h })) : undefined,
  });
}

/** Admin-driven profile transition; 'error' keeps the status and only emits the ERROR event. */
export function setEsimStatus(
  core: SimulatorCore,
  sim: Sim,
  status: EsimStatus | 'error',
  opts: { eid?: string; errorMessage?: string },
): void {
  const esim = sim.esim;
  if (!esim) throw new ProblemError(404, 'ESIM_NOT_FOUND', 'Unknown eSIM');
  if (status !== 'error') {
    const now = new Date().toISOString();
    esim.status = status;
    esim.statusDate = now;
    esim.history.push({ status, date: now });
    if (opts.eid) esim.eid = opts.eid;
    else if (ON_DEVICE.has(status) && !esim.eid) esim.eid = eidFor(core.options.seed, sim.iccid);
  }
  if (status !== 'available' && status !== 'allocated') {
    core.emit(
      esimEvent(sim, status, status === 'error' ? (opts.errorMessage ?? 'Profile error') : undefined),
    );
  }
}
